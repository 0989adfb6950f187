// `expression_matches` (a regex over the text behind a value, which decides unknown values)
// and `related:` with a list of kinds and `scope: unit | scan`.
#include "PolicyTestUtil.h"

using namespace eg;
using namespace eg::policy;
using namespace eg::policy::test;

namespace {

// A hub whose `properties.linkedHub` value is unknown but written as `text` in a file of
// `store`; the value's provenance covers exactly that text.
Resource hubWrittenAs(SourceStore& store, const std::string& text, Value value) {
  const SourceFile* f = store.add("main.bicep", "x = " + text + "\n");
  value.prov = Provenance{f->id(), ByteRange{4, static_cast<uint32_t>(4 + text.size())}, {}};
  Resource r = resource(kHub, "");
  Value props = Value::object();
  props.set("linkedHub", std::move(value));
  r.attributes.set("properties", std::move(props));
  return r;
}

char verdictWith(const std::string& condition, const Resource& r, const SourceStore* store) {
  auto l = loadOk(policyText("violation: " + condition + "\nmessage: m\n"));
  ResourceGraph g;
  g.add(r);
  auto f = evaluate(*l->policy, g, EvalOptions{true, store});
  REQUIRE(f.size() <= 1);
  if (f.empty()) return 'F';
  return f[0].unknown ? 'U' : 'T';
}

}  // namespace

TEST_CASE("expression_matches decides unknown values by how they are written") {
  SourceStore store;
  Resource r = hubWrittenAs(store, "hub.listKeys().value[0].primaryKey", Value::unknown("listKeys() is evaluated at deployment"));
  const std::string cond = "{attribute: properties.linkedHub, expression_matches: 'listKeys\\(\\)'}";
  CHECK(verdictWith(cond, r, &store) == 'T');
  CHECK(verdictWith("{attribute: properties.linkedHub, expression_matches: 'iothubowner'}", r, &store) == 'F');
  // `matches` on the same value stays unknown: the value itself is not known.
  CHECK(verdictWith("{attribute: properties.linkedHub, matches: 'listKeys'}", r, &store) == 'U');
  // Case-insensitive unless asked.
  CHECK(verdictWith("{attribute: properties.linkedHub, expression_matches: 'LISTKEYS'}", r, &store) == 'T');
  CHECK(verdictWith("{attribute: properties.linkedHub, expression_matches: 'LISTKEYS', case_sensitive: true}", r, &store) == 'F');
  // Missing attribute: false.
  CHECK(verdictWith("{attribute: properties.other, expression_matches: '.'}", r, &store) == 'F');
}

TEST_CASE("expression_matches without source text falls back to the value") {
  SourceStore store;
  Resource unknown = hubWrittenAs(store, "hub.listKeys()", Value::unknown("listKeys() is evaluated at deployment"));
  CHECK(verdictWith("{attribute: properties.linkedHub, expression_matches: 'listKeys'}", unknown, nullptr) == 'U');
  Resource known = hubWrittenAs(store, "'iothubowner'", Value("iothubowner"));
  known.attributes.get("properties")->get("linkedHub")->prov = Provenance{};
  CHECK(verdictWith("{attribute: properties.linkedHub, expression_matches: '^iothubowner$'}", known, nullptr) == 'T');
  // With source text, a known literal is matched as written (quotes included).
  Resource literal = hubWrittenAs(store, "'iothubowner'", Value("iothubowner"));
  CHECK(verdictWith("{attribute: properties.linkedHub, expression_matches: \"^'iothubowner'$\"}", literal, &store) == 'T');
}

TEST_CASE("expression_matches stays unknown when an unknown container stops the path") {
  SourceStore store;
  Resource r = hubWrittenAs(store, "var.hubs", Value::unknown("var.hubs has no value"));
  // properties.linkedHub is unknown, so properties.linkedHub.connectionString cannot be read.
  CHECK(verdictWith("{attribute: properties.linkedHub.connectionString, expression_matches: 'var'}", r, &store) == 'U');
}

TEST_CASE("expression_matches is a load-checked regex") {
  auto l = load(policyText("violation: {attribute: x, expression_matches: '('}\nmessage: m\n"));
  REQUIRE_FALSE(l->errors.empty());
  CHECK(l->errors[0].message.find("invalid regular expression") != std::string::npos);
}

TEST_CASE("related kind may be a list") {
  auto l = loadOk(policyText(
      "violation:\n"
      "  related: {kind: [Microsoft.Network/privateEndpoints, Terraform/module], direction: in, count_eq: 0}\n"
      "message: m\n"));
  ResourceGraph g;
  ResourceId hub = g.add(resource(kHub, "{name: hub}", "hub"));
  ResourceId other = g.add(resource(kHub, "{name: other}", "other"));
  ResourceId mod = g.add(resource("Terraform/module", "{contents: x}", "module.pe"));
  g.addEdge(mod, hub, "reference");
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 1);
  CHECK(f[0].resource == "other");
  (void)other;
}

TEST_CASE("related scope: unit and scan look at every resource of the kind, edges or not") {
  auto unitPolicy = loadOk(policyText(
      "violation: {related: {kind: Microsoft.Security/iotSecuritySolutions, scope: unit, count_ge: 1}}\nmessage: m\n"));
  auto scanPolicy = loadOk(policyText(
      "violation: {related: {kind: Microsoft.Security/iotSecuritySolutions, scope: scan, count_ge: 1}}\nmessage: m\n"));
  ResourceGraph g;
  Resource a = resource(kHub, "{name: a}", "a");
  a.unit = 1;
  Resource b = resource(kHub, "{name: b}", "b");
  b.unit = 2;
  Resource sol = resource("Microsoft.Security/iotSecuritySolutions", "{name: s}", "s");
  sol.unit = 1;
  g.add(a);
  g.add(b);
  g.add(sol);
  auto fu = run(*unitPolicy->policy, g);
  REQUIRE(fu.size() == 1);
  CHECK(fu[0].resource == "a");
  CHECK(run(*scanPolicy->policy, g).size() == 2);
}

TEST_CASE("related scope rejects via and direction, and unknown scopes") {
  auto l = load(policyText("violation: {related: {kind: X/y, scope: unit, direction: in}}\nmessage: m\n"));
  REQUIRE_FALSE(l->errors.empty());
  CHECK(l->errors[0].message.find("does not follow edges") != std::string::npos);
  auto l2 = load(policyText("violation: {related: {kind: X/y, scope: module}}\nmessage: m\n"));
  REQUIRE_FALSE(l2->errors.empty());
  CHECK(l2->errors[0].message.find("scope must be edges, unit or scan") != std::string::npos);
  auto l3 = load(policyText("violation: {related: {kind: []}}\nmessage: m\n"));
  REQUIRE_FALSE(l3->errors.empty());
}
