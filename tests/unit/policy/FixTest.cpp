// `fix:` in a policy: a declared fix loads with its titles, path, value and condition, every
// mistake in it is a load error with its line and column, and applicableFixes() offers a fix
// only where its formats and its `when:` hold.
#include "PolicyTestUtil.h"

using namespace eg::policy;
using namespace eg::policy::test;
using eg::ResourceGraph;

namespace {
const std::string kLogic = "violation: {attribute: properties.x, equals: a}\nmessage: m\n";

// "line:column: message" of the single load error of `logic` (put on line 9 by policyText).
std::string fixError(const std::string& fix, const std::string& kinds = "[Microsoft.Devices/IotHubs]") {
  auto l = load(policyText(kLogic + fix, kinds), "p.yaml");
  REQUIRE(l->errors.size() == 1);
  CHECK_FALSE(l->policy);
  const eg::Error& e = l->errors[0];
  CHECK(e.code == "EG904");
  return std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message;
}
}  // namespace

TEST_CASE("fix: a declared fix loads with its titles, path, value, flag and condition") {
  auto l = loadOk(policyText(kLogic +
                             "fix:\n"
                             "  title: {terraform: 'Set x = \"b\"', default: Set x to b}\n"
                             "  set: properties.x\n"
                             "  value: b\n"
                             "  preferred: true\n"
                             "  when: {attribute: properties.x, equals: a}\n"));
  const Policy& p = *l->policy;
  REQUIRE(p.fixes.size() == 1);
  const PolicyFix& fix = p.fixes[0];
  CHECK(*fix.titleFor("terraform") == "Set x = \"b\"");
  CHECK(*fix.titleFor("arm") == "Set x to b");
  CHECK(fix.path == "properties.x");
  CHECK(fix.steps == std::vector<std::string>{"properties", "x"});
  CHECK(fix.value == eg::Value("b"));
  CHECK(fix.preferred);
  CHECK(fix.formats.empty());

  ResourceGraph g;
  g.add(resource(kHub, "properties: {x: a}", "on"));
  g.add(resource(kHub, "properties: {x: c}", "off"));
  g.add(resource(kHub, "properties: {x: !unknown var.x}", "unknown"));
  CHECK(applicableFixes(p, g.resource(0), g).size() == 1);
  CHECK(applicableFixes(p, g.resource(1), g).empty());
  CHECK(applicableFixes(p, g.resource(2), g).empty());  // unknown is not true
}

TEST_CASE("fix: a list of alternatives, formats, nested values and parameters") {
  auto l = loadOk(policyText("parameters: {to: b}\n" + kLogic +
                             "fix:\n"
                             "  - title: First\n"
                             "    set: 'properties.o[\"max-size\"]'\n"
                             "    value: {Type: json-file, Config: {max-file: \"3\"}}\n"
                             "    formats: [arm]\n"
                             "  - title: Second\n"
                             "    set: properties.x\n"
                             "    value: \"{{params.to}}\"\n"));
  const Policy& p = *l->policy;
  REQUIRE(p.fixes.size() == 2);
  CHECK_FALSE(p.fixes[0].preferred);
  CHECK(p.fixes[0].steps == std::vector<std::string>{"properties", "o", "max-size"});
  CHECK(p.fixes[0].value.toJson() == R"({"Type":"json-file","Config":{"max-file":"3"}})");
  CHECK(p.fixes[1].value == eg::Value("b"));

  ResourceGraph g;
  g.add(resource(kHub, "properties: {x: a}", "hub", "bicep"));
  g.add(resource(kHub, "properties: {x: a}", "hub", "arm"));
  CHECK(applicableFixes(p, g.resource(0), g).size() == 1);  // First is ARM only
  CHECK(applicableFixes(p, g.resource(1), g).size() == 2);

  // A new parameter value recompiles the fixes too (and does not add them twice).
  REQUIRE(l->catalog.setParameter("TEST001", "to", eg::Value("z")));
  const Policy& again = *l->catalog.find("TEST001");
  REQUIRE(again.fixes.size() == 2);
  CHECK(again.fixes[1].value == eg::Value("z"));
  CHECK(applicableFixes(again, g.resource(1), g).size() == 2);
}

TEST_CASE("fix errors name the line and column") {
  CHECK(fixError("fix: {title: t, set: x}\n") == "11:6: a fix needs 'value'");
  CHECK(fixError("fix: {set: x, value: 1}\n") == "11:6: a fix needs 'title'");
  CHECK(fixError("fix: {title: t, set: x, value: 1, prefered: true}\n")
            .rfind("11:35: unknown key 'prefered' in fix; expected one of: title, set, value, when, preferred, formats", 0) == 0);
  CHECK(fixError("fix: []\n") == "11:6: fix: needs a fix or a non-empty list of fixes");
  CHECK(fixError("fix: {title: t, set: 'properties.rules[*].x', value: 1}\n")
            .rfind("11:22: fix.set must name one attribute by its member names", 0) == 0);
  CHECK(fixError("fix: {title: t, set: $resource.name, value: 1}\n").rfind("11:22: fix.set must name one attribute", 0) == 0);
  CHECK(fixError("fix: {title: t, set: 'a..b', value: 1}\n").rfind("11:22: ", 0) == 0);
  CHECK(fixError("fix: {title: t, set: x, value: ~}\n") ==
        "11:32: fix.value must be a value (a string, number, bool, list or mapping), not null");
  CHECK(fixError("fix: {title: \"two\\nlines\", set: x, value: 1}\n") == "11:14: fix.title must be one line");
  CHECK(fixError("fix: {title: '', set: x, value: 1}\n") == "11:14: fix.title must not be empty");
  CHECK(fixError("fix: {title: {terraform: t}, set: x, value: 1}\n") ==
        "11:14: fix.title needs a 'default' title: the fix is offered in every format");
  CHECK(fixError("fix: {title: {arm: t}, set: x, value: 1}\n", "[Microsoft.Devices/IotHubs], formats: [arm, bicep]") ==
        "11:14: fix.title has no title for bicep; add one or a 'default'");
  CHECK(fixError("fix: {title: {cloudformation: t}, set: x, value: 1}\n").rfind("11:15: unknown key 'cloudformation' in fix.title", 0) == 0);
  CHECK(fixError("fix: {title: t, set: x, value: 1, formats: [arm, cdk]}\n").rfind("11:50: unknown format", 0) == 0);
  CHECK(fixError("fix: {title: t, set: x, value: 1, formats: [edge]}\n", "[Microsoft.Devices/IotHubs], formats: [arm]") ==
        "11:45: fix.formats: 'edge' is not one of the policy's formats (applies_to.formats)");
  CHECK(fixError("fix: {title: t, set: x, value: 1, preferred: yes}\n") == "11:46: fix.preferred must be true or false");
  CHECK(fixError("fix: {title: t, set: x, value: 1, when: {attribute: x, equal: 1}}\n")
            .rfind("11:56: unknown key 'equal' in condition", 0) == 0);
  CHECK(fixError("fix:\n  - {title: t, set: x, value: 1}\n  - {title: t, set: x}\n") == "13:5: a fix needs 'value'");
  // The condition is on the resource: no for_each element.
  auto l = load(policyText("for_each: 'properties.r[*]'\nviolation: {attribute: v, exists: true}\nmessage: m\n"
                           "fix: {title: t, set: x, value: 1, when: {attribute: $item.v, exists: true}}\n"),
                "p.yaml");
  REQUIRE(l->errors.size() == 1);
  CHECK(l->errors[0].line == 12);
  CHECK(l->errors[0].message.find("$item. is only available under for_each") != std::string::npos);
}
