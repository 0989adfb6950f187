// Three-valued logic (all/any/not truth tables), paths, wildcards and quantifiers.
#include "PolicyTestUtil.h"

using namespace eg::policy::test;

namespace {
// Leaves that are true, false and unknown on kAttrs.
const std::map<char, std::string> kLeaf = {
    {'T', "{attribute: t, equals: 1}"},
    {'F', "{attribute: f, equals: 1}"},
    {'U', "{attribute: u, equals: 1}"},
};
const char* kAttrs = "{t: 1, f: 0, u: !unknown why}";
}  // namespace

TEST_CASE("all/any/not follow Kleene logic") {
  const std::string vals = "TFU";
  for (char a : vals) {
    for (char b : vals) {
      char expectAll = (a == 'F' || b == 'F') ? 'F' : (a == 'U' || b == 'U') ? 'U' : 'T';
      char expectAny = (a == 'T' || b == 'T') ? 'T' : (a == 'U' || b == 'U') ? 'U' : 'F';
      CAPTURE(a);
      CAPTURE(b);
      CHECK(verdict("{all: [" + kLeaf.at(a) + ", " + kLeaf.at(b) + "]}", kAttrs) == expectAll);
      CHECK(verdict("{any: [" + kLeaf.at(a) + ", " + kLeaf.at(b) + "]}", kAttrs) == expectAny);
    }
    char expectNot = a == 'T' ? 'F' : a == 'F' ? 'T' : 'U';
    CHECK(verdict("{not: " + kLeaf.at(a) + "}", kAttrs) == expectNot);
  }
}

TEST_CASE("member lookup is case-insensitive, indexes and quoted members") {
  const char* attrs = R"({Properties: {MinTlsVersion: "1.0", list: [x, y], "$edgeAgent": {a: 1}}})";
  CHECK(verdict("{attribute: properties.minTlsVersion, equals: '1.0'}", attrs) == 'T');
  CHECK(verdict("{attribute: 'properties.list[1]', equals: y}", attrs) == 'T');
  CHECK(verdict("{attribute: 'properties.list[5]', absent: true}", attrs) == 'T');
  CHECK(verdict("{attribute: 'properties[\"$edgeAgent\"].a', equals: 1}", attrs) == 'T');
  CHECK(verdict("{attribute: '$resource.properties.list[0]', equals: x}", attrs) == 'T');
}

TEST_CASE("wildcard quantifiers any/all/none, including empty and missing collections") {
  const char* attrs = "{rules: [{a: Allow}, {a: Deny}], same: [{a: Deny}, {a: deny}], empty: []}";
  CHECK(verdict("{attribute: 'rules[*].a', equals: Allow}", attrs) == 'T');  // default: any
  CHECK(verdict("{attribute: 'rules[*].a', equals: Allow, quantifier: all}", attrs) == 'F');
  CHECK(verdict("{attribute: 'same[*].a', equals: Deny, quantifier: all}", attrs) == 'T');
  CHECK(verdict("{attribute: 'rules[*].a', equals: Other, quantifier: none}", attrs) == 'T');
  CHECK(verdict("{attribute: 'rules[*].a', equals: Deny, quantifier: none}", attrs) == 'F');
  // Zero elements: any -> false, all -> true (vacuous), none -> true.
  CHECK(verdict("{attribute: 'empty[*].a', equals: x}", attrs) == 'F');
  CHECK(verdict("{attribute: 'empty[*].a', equals: x, quantifier: all}", attrs) == 'T');
  CHECK(verdict("{attribute: 'missing[*].a', equals: x, quantifier: none}", attrs) == 'T');
  // Object wildcard iterates member values.
  CHECK(verdict("{attribute: 'm[*].image', matches: 'evil'}", "{m: {a: {image: good}, b: {image: evil}}}") == 'T');
}

TEST_CASE("wildcard with unknown elements or unknown container") {
  const char* attrs = "{rules: [{a: Deny}, {a: !unknown var.a}], whole: !unknown var.rules}";
  CHECK(verdict("{attribute: 'rules[*].a', equals: Allow}", attrs) == 'U');
  CHECK(verdict("{attribute: 'rules[*].a', equals: Deny}", attrs) == 'T');  // one true is enough
  CHECK(verdict("{attribute: 'rules[*].a', equals: Allow, quantifier: all}", attrs) == 'F');
  CHECK(verdict("{attribute: 'rules[*].a', equals: Deny, quantifier: all}", attrs) == 'U');
  CHECK(verdict("{attribute: 'whole[*].a', equals: Allow}", attrs) == 'U');
  CHECK(verdict("{attribute: 'whole.x.y', absent: true}", attrs) == 'U');  // unknown on the way
}

TEST_CASE("first: the first element selected by where decides") {
  auto run1 = [](const char* rules) {
    return verdict(
        "{first: {of: 'rules[*]', where: {attribute: ip, cidr_contains: 0.0.0.0/0}, satisfies: {attribute: action, equals: Reject}}}",
        rules);
  };
  CHECK(run1("{rules: [{ip: 1.2.3.4, action: Accept}, {ip: 0.0.0.0/0, action: Reject}]}") == 'T');
  CHECK(run1("{rules: [{ip: 0.0.0.0/0, action: Accept}, {ip: 0.0.0.0/0, action: Reject}]}") == 'F');
  CHECK(run1("{rules: [{ip: 1.2.3.4, action: Accept}]}") == 'F');  // none selected
  CHECK(run1("{}") == 'F');
  CHECK(run1("{rules: [{ip: !unknown var.ip, action: Accept}, {ip: 0.0.0.0/0, action: Reject}]}") == 'U');
  CHECK(run1("{rules: [{ip: 0.0.0.0/0, action: !unknown var.a}]}") == 'U');
}

TEST_CASE("a finding points at the decisive value, a missing attribute at the header") {
  const std::string attrs = "properties: {minTlsVersion: '1.0', other: x}";
  auto l = loadOk(policyText(
      "violation: {any: [{attribute: properties.minTlsVersion, absent: true}, {attribute: properties.minTlsVersion, version_lt: '1.2'}]}\nmessage: m\n"));
  eg::ResourceGraph g;
  g.add(resource(kHub, attrs));
  g.add(resource(kHub, "properties: {other: x}", "hub2"));
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 2);
  CHECK(f[0].location.file == kFile);
  CHECK(f[0].location.range.begin == offsetOf(attrs, "'1.0'"));
  CHECK(f[0].detailKey == "properties.minTlsVersion");
  CHECK(f[0].anchor.range == kHeader);
  CHECK(f[1].location.range == kHeader);
  CHECK(f[1].detailKey == "properties.minTlsVersion");
  CHECK(f[1].resource == "hub2");
  CHECK(f[1].rule == "TEST001");
  CHECK(f[1].name == "test-policy");
  CHECK((f[1].severity == eg::Severity::Low));
  CHECK(f[1].kind == kHub);
}

TEST_CASE("unknown findings only with includeUnknown, with the reason") {
  auto l = loadOk(policyText("violation: {attribute: properties.minTlsVersion, version_lt: '1.2'}\nmessage: m\n"));
  eg::ResourceGraph g;
  g.add(resource(kHub, "properties: {minTlsVersion: !unknown var.tls has no value}"));
  CHECK(run(*l->policy, g, false).empty());
  auto f = run(*l->policy, g, true);
  REQUIRE(f.size() == 1);
  CHECK(f[0].unknown);
  CHECK(f[0].message.find("var.tls has no value") != std::string::npos);
  CHECK(f[0].message.find("properties.minTlsVersion") != std::string::npos);
}

TEST_CASE("where scopes resources, unknown where gives an unknown finding") {
  auto l = loadOk(policyText("where: {attribute: sku, equals: S1}\nviolation: {attribute: x, equals: 1}\nmessage: m\n"));
  eg::ResourceGraph g;
  g.add(resource(kHub, "{sku: S1, x: 1}", "a"));
  g.add(resource(kHub, "{sku: F1, x: 1}", "b"));
  g.add(resource(kHub, "{sku: !unknown var.sku, x: 1}", "c"));
  g.add(resource(kDps, "{sku: S1, x: 1}", "d"));  // kind not in applies_to
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 2);
  CHECK(f[0].resource == "a");
  CHECK_FALSE(f[0].unknown);
  CHECK(f[1].resource == "c");
  CHECK(f[1].unknown);
}

TEST_CASE("applies_to.formats filters resources") {
  std::string text = policyText("violation: {attribute: x, equals: 1}\nmessage: m\n");
  text.replace(text.find("applies_to: {kinds: [Microsoft.Devices/IotHubs]}"), 48,
               "applies_to: {kinds: [Microsoft.Devices/IotHubs], formats: [terraform]}");
  auto l = loadOk(text);
  eg::ResourceGraph g;
  g.add(resource(kHub, "{x: 1}", "a", "terraform"));
  g.add(resource(kHub, "{x: 1}", "b", "bicep"));
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 1);
  CHECK(f[0].resource == "a");
}
