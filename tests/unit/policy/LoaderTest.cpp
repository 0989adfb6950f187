// Load errors: every problem in a policy file is reported with its 1-based line:column.
#include "PolicyTestUtil.h"

using namespace eg::policy::test;

namespace {
// Loads `text` and returns "line:column: message" of the single error.
std::string error(const std::string& text) {
  auto l = load(text, "p.yaml");
  REQUIRE(l->errors.size() == 1);
  CHECK_FALSE(l->policy);
  const eg::Error& e = l->errors[0];
  CHECK(e.code == "EG904");
  CHECK(e.path == "p.yaml");
  CHECK(e.file == eg::kNoFile);
  return std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message;
}
// policyText puts the logic on line 9.
std::string logicError(const std::string& logic) { return error(policyText(logic)); }
}  // namespace

TEST_CASE("bad YAML syntax") {
  std::string e = error("id: EG001\nname: [unclosed\n");
  CHECK(e.rfind("3:1: invalid YAML", 0) == 0);
  CHECK(error("").find("empty policy file") != std::string::npos);
  CHECK(error("- a\n- b\n").rfind("1:1: a policy file must be a YAML mapping", 0) == 0);
}

// Found by fuzz_policy: yaml-cpp's LoadAll never returns on this text (an endless stream of
// documents); the loader reads one document and looks for a second with a bounded parser.
TEST_CASE("a text that makes yaml-cpp's LoadAll loop forever is an error") {
  CHECK(error("\"\",2").find("a policy file must be a YAML mapping") != std::string::npos);
  CHECK(error("\"\",2\n---\nid: x\n").find("a policy file") != std::string::npos);
  CHECK(error("id: a\n---\nid: b\n").rfind("3:1: a policy file holds one YAML document", 0) == 0);
}

TEST_CASE("metadata errors") {
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: m\nmesage: typo\n").rfind("11:1: unknown key 'mesage'", 0) == 0);
  std::string noTitle = policyText("violation: {attribute: x, exists: true}\nmessage: m\n");
  noTitle.erase(noTitle.find("title: Test policy\n"), 19);
  CHECK(error(noTitle) == "1:1: a policy needs 'title'");
  std::string badSev = policyText("violation: {attribute: x, exists: true}\nmessage: m\n");
  badSev.replace(badSev.find("severity: low"), 13, "severity: critical");
  CHECK(error(badSev) == "3:11: severity must be high, medium or low");
  std::string badName = policyText("violation: {attribute: x, exists: true}\nmessage: m\n");
  badName.replace(badName.find("test-policy"), 11, "Test_Policy");
  CHECK(error(badName).rfind("2:7: name must be kebab-case", 0) == 0);
  std::string wrongType = policyText("violation: {attribute: x, exists: true}\nmessage: m\n");
  wrongType.replace(wrongType.find("kinds: [Microsoft.Devices/IotHubs]"), 34, "kinds: {a: b}");
  CHECK(error(wrongType).rfind("8:21: applies_to.kinds must be a list of strings", 0) == 0);
  CHECK(logicError("message: m\n") == "1:1: a policy needs 'violation:' or 'aggregate:'");
}

TEST_CASE("condition errors") {
  CHECK(logicError("violation: {attribute: x, equal: 1}\nmessage: m\n").rfind("9:27: unknown key 'equal' in condition", 0) == 0);
  CHECK(logicError("violation: {attribute: x}\nmessage: m\n").rfind("9:12: condition on 'x' needs an operator", 0) == 0);
  CHECK(logicError("violation: {attribute: x, equals: 1, in: [1]}\nmessage: m\n") ==
        "9:38: one operator per condition; combine several with all:");
  CHECK(logicError("violation: {attribute: x, in: 1}\nmessage: m\n") == "9:31: in needs a list, not number");
  CHECK(logicError("violation: {attribute: x, exists: yes}\nmessage: m\n") == "9:35: exists must be true or false");
  CHECK(logicError("violation: {equals: 1}\nmessage: m\n") == "9:12: operator 'equals' needs 'attribute:'");
  CHECK(logicError("violation: {all: []}\nmessage: m\n") == "9:18: all: needs a non-empty list of conditions");
  CHECK(logicError("violation: {attribute: 'a..b', exists: true}\nmessage: m\n").rfind("9:24: invalid path 'a..b'", 0) == 0);
  CHECK(logicError("violation: {attribute: $item.x, exists: true}\nmessage: m\n").rfind("9:24: $item. is only available under for_each", 0) == 0);
  CHECK(logicError("violation: {attribute: x, exists: true, quantifier: any}\nmessage: m\n") == "9:53: quantifier needs a path with [*]");
}

TEST_CASE("operand errors: regex, CIDR, version, prefix") {
  CHECK(logicError("violation: {attribute: x, matches: '(unclosed'}\nmessage: m\n").rfind("9:36: invalid regular expression '(unclosed'", 0) == 0);
  CHECK(logicError("violation: {attribute: x, cidr_within: 10.0.0.0/40}\nmessage: m\n") ==
        "9:40: invalid CIDR range '10.0.0.0/40' for cidr_within");
  CHECK(logicError("violation: {attribute: x, version_lt: abc}\nmessage: m\n") == "9:39: version_lt needs a version such as \"1.2\"");
  CHECK(logicError("violation: {attribute: x, cidr_prefix_below: {ipv4: 40}}\nmessage: m\n") ==
        "9:46: cidr_prefix_below.ipv4 must be an integer from 0 to 32");
}

TEST_CASE("template errors") {
  CHECK(logicError("violation: {attribute: x, equals: '{{params.nope}}'}\nmessage: m\n") ==
        "9:35: template {{params.nope}}: unknown parameter 'nope' (declare it under parameters:)");
  CHECK(logicError("parameters: {a: 1}\nviolation: {attribute: x, exists: true}\nmessage: \"{{params.b}}\"\n").rfind(
            "11:10: template {{params.b}}: unknown parameter 'b'", 0) == 0);
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: \"{{item.x}}\"\n").rfind("10:10: template {{item.x}}: {{item...}} needs for_each", 0) == 0);
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: \"{{value | shout}}\"\n").rfind("10:10: template {{value | shout}}: unknown filter 'shout'", 0) == 0);
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: \"{{value\"\n") == "10:10: template: '{{' without '}}'");
}

TEST_CASE("aggregate and message-case errors") {
  CHECK(logicError("aggregate: {group_by: k}\nmessage: m\n").rfind("9:12: aggregate needs having:", 0) == 0);
  CHECK(logicError("aggregate: {group_by: k, compare: c, outlier: minority}\nmessage: m\n") == "9:47: outlier must be 'majority'");
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: [{when: {attribute: x, exists: true}, text: a}]\n") ==
        "10:10: the last message case must have no 'when' (it is the fallback)");
}

TEST_CASE("alias bombs are bounded") {
  // Ten anchors, each a list of ten references to the previous one: 10^9 leaves if expanded.
  std::string chain = "where: {all: [&l0 {attribute: x, exists: true}";
  for (int i = 1; i <= 9; ++i) {
    chain += ", &l" + std::to_string(i) + " {any: [";
    for (int k = 0; k < 10; ++k) chain += std::string(k ? ", " : "") + "*l" + std::to_string(i - 1);
    chain += "]}";
  }
  chain += "]}\nviolation: {attribute: x, exists: true}\nmessage: m\n";
  CHECK(logicError(chain).find("policy too large: more than 100000 YAML nodes") != std::string::npos);
}

TEST_CASE("deep nesting is bounded") {
  std::string deep = "violation: ";
  for (int i = 0; i < 80; ++i) deep += "{not: ";
  deep += "{attribute: x, exists: true}";
  for (int i = 0; i < 80; ++i) deep += "}";
  deep += "\nmessage: m\n";
  CHECK(logicError(deep).find("nested deeper than 64 levels") != std::string::npos);
}

TEST_CASE("catalog: duplicate ids, built-in naming, directories") {
  eg::policy::PolicyCatalog c;
  std::vector<eg::Error> errors;
  std::string text = policyText("violation: {attribute: x, exists: true}\nmessage: m\n");
  CHECK(c.loadText(text, "a.yaml", false, errors));
  CHECK_FALSE(c.loadText(text, "b.yaml", false, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "policy id 'TEST001' is already used by a.yaml");
  CHECK(errors[0].line == 1);
  CHECK(c.find("test-policy") == c.find("test001"));
  errors.clear();
  // Built-ins need an EG id and a file named after id and name.
  std::string builtin = text;
  builtin.replace(0, 11, "id: EG099\n");
  CHECK_FALSE(c.loadText(builtin, "policies/wrong.yaml", true, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "built-in policy file must be named EG099-test-policy.yaml");
  errors.clear();
  CHECK_FALSE(c.loadText(text, "policies/TEST001-test-policy.yaml", true, errors));
  CHECK(errors.at(0).message == "built-in policy ids look like EG005");
}

TEST_CASE("peers and examples") {
  auto ok = loadOk(policyText("violation: {attribute: x, exists: true}\nmessage: m\n"
                              "peers: {checkov: CKV_AZURE_1, psrule: [Azure.A, Azure.B]}\n"
                              "examples:\n  bicep: {bad: 'x: 1', good: 'x: 2'}\n"));
  REQUIRE(ok->policy);
  CHECK(ok->policy->peers.at("checkov") == std::vector<std::string>{"CKV_AZURE_1"});
  CHECK(ok->policy->peers.at("psrule") == std::vector<std::string>{"Azure.A", "Azure.B"});
  CHECK(ok->policy->examples.at("bicep").bad == "x: 1");
  CHECK(ok->policy->examples.at("bicep").good == "x: 2");
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: m\npeers: {snyk: X}\n")
            .rfind("11:9: unknown key 'snyk' in peers", 0) == 0);
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: m\npeers: {kics: []}\n") ==
        "11:15: peers.kics must not be empty (leave the scanner out instead)");
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: m\nexamples: {bicep: {bad: x}}\n") ==
        "11:19: examples.bicep needs 'good'");
  CHECK(logicError("violation: {attribute: x, exists: true}\nmessage: m\nexamples: {yaml: {bad: x, good: y}}\n")
            .rfind("11:12: unknown key 'yaml' in examples", 0) == 0);
}
