// .edgeguard.yaml: loading with positioned errors, rule selection, overrides, excludes,
// security groups and discovery; baselines.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "linter/engine/Baseline.h"
#include "linter/engine/Config.h"
#include "linter/engine/Session.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {

// "line:column: message" of the single error loading `text`.
std::string configError(const std::string& text) {
  Config c;
  std::vector<Error> errors;
  CHECK_FALSE(loadConfigText(text, "/p/.edgeguard.yaml", c, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == std::string("EG905"));
  return std::to_string(errors[0].line) + ":" + std::to_string(errors[0].column) + ": " + errors[0].message;
}

Config configOk(const std::string& text, const fs::path& path = "/p/.edgeguard.yaml") {
  Config c;
  std::vector<Error> errors;
  CHECK(loadConfigText(text, path, c, errors));
  CHECK(errors.empty());
  return c;
}

policy::PolicyCatalog builtins() {
  policy::PolicyCatalog catalog;
  std::vector<Error> errors;
  REQUIRE(catalog.loadBuiltins(errors));
  return catalog;
}

bool hasRule(const policy::PolicyCatalog& c, std::string_view id) { return c.find(id) != nullptr; }

fs::path tempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("edgeguard-config-tests-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("config: every key and type is checked, with positions") {
  CHECK(configError("fail_on: high\n").rfind("1:1: unknown key 'fail_on' in the configuration; expected one of:", 0) == 0);
  CHECK(configError("fail-on: critical\n") == "1:10: fail-on must be one of: high, medium, low, none");
  CHECK(configError("exclude: {a: 1}\n") == "1:10: exclude must be a list of strings, not a mapping");
  CHECK(configError("exclude: ['a**']\n") == "1:11: exclude: '**' must be a whole path segment (like a/**/b)");
  CHECK(configError("rules:\n  disable: [EG009]\n  severity: {EG004: urgent}\n") ==
        "3:21: severity must be high, medium or low");
  CHECK(configError("rules:\n  parameters: {EG006: 20}\n") == "2:23: rules.parameters.EG006 must be a mapping, not a scalar");
  CHECK(configError("security-groups:\n  line1: {a: b}\n") ==
        "2:10: security group 'line1' must be a list of strings, not a mapping");
  CHECK(configError("version: 2\n") == "1:10: version must be 1");
  CHECK(configError("rules: [a]\n") == "1:8: rules must be a mapping, not a list");
  CHECK(configError("a: 1\n---\nb: 2\n") == "3:1: a configuration file holds one YAML document");
  CHECK(configError("rules: {disable: [EG009\n").rfind("invalid YAML", 0) == std::string::npos);
  CHECK(configError("rules: {disable: [EG009\n").find("invalid YAML: ") != std::string::npos);
  CHECK(configError("fail-on: low\nfail-on: high\n") == "2:1: duplicate key 'fail-on'");
}

TEST_CASE("config: aliases cannot blow up the walk") {
  // Nine levels of ten aliases each: 10^9 nodes if expanded.
  std::string doc = "rules:\n  parameters:\n    EG006:\n      x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int i = 1; i <= 8; ++i) {
    doc += "      x" + std::to_string(i) + ": &x" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) doc += std::string(j ? ", " : "") + "*x" + std::to_string(i - 1);
    doc += "]\n";
  }
  std::string message = configError(doc);
  CHECK(message.find("configuration too large: more than 20000 YAML nodes (are aliases expanding it?)") !=
        std::string::npos);
}

TEST_CASE("config: an empty file is an empty configuration") {
  Config c = configOk("");
  CHECK_FALSE(c.failOn);
  CHECK(c.exclude.empty());
  configOk("# only a comment\n");
}

// Found by fuzz_policy (the same reader): LoadAll never returned on this text.
TEST_CASE("config: a text that makes yaml-cpp's LoadAll loop forever is an error") {
  CHECK(configError("\"\",2") == "1:1: the configuration must be a mapping, not a scalar");
}

TEST_CASE("config: rule selectors") {
  policy::PolicyCatalog catalog = builtins();
  const policy::Policy& eg301 = *catalog.find("EG301");
  const policy::Policy& eg009 = *catalog.find("EG009");
  CHECK(ruleSelected("EG301", eg301));
  CHECK(ruleSelected("eg301", eg301));
  CHECK(ruleSelected(eg301.name, eg301));
  CHECK(ruleSelected("EG3*", eg301));
  CHECK(ruleSelected("eg3??", eg301));
  CHECK_FALSE(ruleSelected("EG3*", eg009));
  CHECK(ruleSelected("EG300-EG399", eg301));
  CHECK(ruleSelected("EG001-EG009", eg009));
  CHECK_FALSE(ruleSelected("EG001-EG008", eg009));
  CHECK_FALSE(ruleSelected("EG0", eg009));
}

TEST_CASE("config: applying disables, re-enables, severities and parameters") {
  policy::PolicyCatalog catalog = builtins();
  Config c = configOk(
      "rules:\n"
      "  disable: [EG3*, EG001-EG002, edge-module-logging-not-configured]\n"
      "  enable: [EG302]\n"
      "  severity: {EG004: high, ip-filter-wide-range: low}\n"
      "  parameters: {EG006: {ipv4_min_prefix: 20}}\n");
  std::vector<Error> errors;
  CHECK(applyConfig(c, catalog, errors));
  CHECK(errors.empty());
  CHECK_FALSE(hasRule(catalog, "EG301"));
  CHECK(hasRule(catalog, "EG302"));
  CHECK_FALSE(hasRule(catalog, "EG001"));
  CHECK_FALSE(hasRule(catalog, "EG002"));
  CHECK_FALSE(hasRule(catalog, "EG009"));
  CHECK(hasRule(catalog, "EG003"));
  CHECK((catalog.find("EG004")->severity == Severity::High));
  CHECK((catalog.find("EG006")->severity == Severity::Low));
  CHECK(catalog.find("EG006")->parameters.get("ipv4_min_prefix")->asNumber() == 20);
}

TEST_CASE("config: presets, extends and the command line's selection") {
  // Every built-in rule is in a preset; the high-severity ones are all recommended.
  policy::PolicyCatalog all = builtins();
  for (const auto& p : all.policies()) {
    INFO(p->id);
    CHECK((p->preset == "recommended" || p->preset == "strict"));
    CHECK_FALSE(p->presetReason.empty());
    if (p->severity == Severity::High) CHECK(p->preset == "recommended");
  }
  CHECK(all.find("EG009")->preset == "strict");
  CHECK(all.find("EG105")->preset == "strict");
  CHECK(all.find("EG201")->preset == "recommended");
  auto select = [](const std::string& configText, RuleSelection cli, std::string_view defaultPreset = "recommended") {
    policy::PolicyCatalog catalog = builtins();
    std::vector<Error> errors;
    Config c = configOk(configText);
    CHECK(applyConfig(c, catalog, errors, defaultPreset, &cli));
    CHECK(errors.empty());
    return catalog;
  };
  policy::PolicyCatalog recommended = select("", {});
  CHECK(hasRule(recommended, "EG001"));
  CHECK_FALSE(hasRule(recommended, "EG009"));
  CHECK_FALSE(hasRule(recommended, "EG105"));
  policy::PolicyCatalog strict = select("extends: strict\n", {});
  CHECK(hasRule(strict, "EG105"));
  CHECK_FALSE(hasRule(strict, "EG001"));
  CHECK(select("extends: all\n", {}).policies().size() == all.policies().size());
  // enable adds a rule from outside the preset; disable still removes one inside it.
  policy::PolicyCatalog adjusted = select("rules: {enable: [EG105], disable: [EG008]}\n", {});
  CHECK(hasRule(adjusted, "EG105"));
  CHECK_FALSE(hasRule(adjusted, "EG008"));
  // --preset wins over extends; --select is exactly what it matches; --ignore always removes.
  CHECK(hasRule(select("extends: strict\n", {"recommended", {}, {}}), "EG001"));
  policy::PolicyCatalog selected = select("rules: {disable: [EG2*]}\n", {"", {"EG2*", "EG009"}, {"EG214"}});
  CHECK(hasRule(selected, "EG201"));
  CHECK(hasRule(selected, "EG213"));
  CHECK(hasRule(selected, "EG009"));
  CHECK_FALSE(hasRule(selected, "EG214"));
  CHECK_FALSE(hasRule(selected, "EG001"));
  CHECK_FALSE(hasRule(select("", {"all", {}, {"EG001-EG009"}}), "EG005"));
  // A command-line selector that is an exact id or name must name a rule.
  policy::PolicyCatalog catalog = builtins();
  std::vector<Error> errors;
  CHECK_FALSE(selectRules(nullptr, {"", {"EG0099"}, {"no-such-rule", "EG9*"}}, "all", catalog, errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message == "--select: no rule 'EG0099' (see `edgeguard rules`)");
  CHECK(errors[1].message == "--ignore: no rule 'no-such-rule' (see `edgeguard rules`)");
  CHECK(configError("extends: everything\n") == "1:10: extends must be one of: recommended, strict, all");
}

TEST_CASE("config: settings that name nothing are errors at their position") {
  policy::PolicyCatalog catalog = builtins();
  Config c = configOk(
      "rules:\n"
      "  disable: [EG0009, EG9*]\n"
      "  severity: {EG404: high}\n"
      "  parameters: {EG006: {ipv4_min_prefix: wide, nope: 1}}\n");
  std::vector<Error> errors;
  CHECK_FALSE(applyConfig(c, catalog, errors));
  REQUIRE(errors.size() == 4);
  auto at = [&](size_t i) {
    return std::to_string(errors[i].line) + ":" + std::to_string(errors[i].column) + ": " + errors[i].message;
  };
  CHECK(at(0) == "3:14: rules.severity: no rule 'EG404' (see `edgeguard rules`)");
  INFO(at(1), " / ", at(2));
  CHECK(at(1).rfind("4:24: rules.parameters: EG006 parameter 'ipv4_min_prefix' = \"wide\": ", 0) == 0);
  CHECK(at(2).rfind("4:47: rules.parameters: EG006 has no parameter 'nope'; it takes: ", 0) == 0);
  CHECK(at(3) == "2:13: rules.disable: no rule 'EG0009' (see `edgeguard rules`)");
  CHECK(catalog.find("EG006")->parameters.get("ipv4_min_prefix")->asNumber() == 16);  // unchanged
}

TEST_CASE("config: excludes and security groups are relative to the file's directory") {
  Config c = configOk(
      "exclude: [generated/, '*.tfvars', /examples]\n"
      "security-groups:\n  line1: [plants/line1/**/deployment.json]\n  line2: plants/line2\n",
      "/repo/.edgeguard.yaml");
  CHECK(c.excludes("/repo/generated/main.tf"));
  CHECK(c.excludes("/repo/a/generated/x/main.tf"));
  CHECK(c.excludes("/repo/env/prod.tfvars"));
  CHECK(c.excludes("/repo/examples/main.tf"));
  CHECK_FALSE(c.excludes("/repo/a/examples/main.tf"));
  CHECK_FALSE(c.excludes("/repo/main.tf"));
  CHECK_FALSE(c.excludes("/elsewhere/generated/main.tf"));  // outside the configuration's tree
  CHECK(c.securityGroupOf("/repo/plants/line1/gw1/deployment.json") == "line1");
  CHECK(c.securityGroupOf("/repo/plants/line1/gw1/other.json") == "");
  CHECK(c.securityGroupOf("/repo/plants/line2/gw7/deployment.json") == "line2");
  CHECK(c.securityGroupOf("/repo/plants/line3/gw7/deployment.json") == "");
}

TEST_CASE("config: found by walking up, policy dirs resolved against it") {
  fs::path root = tempDir("walk");
  fs::create_directories(root / "a/b/c");
  std::ofstream(root / "a/.edgeguard.yaml") << "policy-dirs: [custom]\n";
  std::ofstream(root / "a/b/c/main.tf") << "\n";
  auto found = findConfig(root / "a/b/c/main.tf");
  REQUIRE(found);
  CHECK(fs::equivalent(*found, root / "a/.edgeguard.yaml"));
  CHECK(findConfig(root / "a/b/c"));
  Config c;
  std::vector<Error> errors;
  REQUIRE(loadConfig(*found, c, errors));
  REQUIRE(c.policyDirs.size() == 1);
  CHECK(c.policyDirs[0].value == (fs::absolute(root) / "a/custom").lexically_normal());
  CHECK_FALSE(loadConfig(root / "missing.yaml", c, errors));
  CHECK(errors.back().message == "no such file");
}

TEST_CASE("config: a scan applies excludes and security groups") {
  fs::path root = tempDir("scan");
  fs::create_directories(root / "skip");
  std::string hub = "resource \"azurerm_iothub\" \"h\" {\n  name = \"h\"\n  min_tls_version = \"1.0\"\n}\n";
  std::ofstream(root / "main.tf") << hub;
  std::ofstream(root / "skip/main.tf") << hub;
  auto config = std::make_shared<Config>(configOk("exclude: [skip]\nrules: {disable: ['EG0*', 'EG1*', 'EG2*', 'EG3*'], enable: [EG004]}\n",
                                                  root / ".edgeguard.yaml"));
  ScanOptions options;
  options.paths = {root};
  options.config = config;
  Session session(options);
  std::vector<Error> errors;
  REQUIRE(session.loadPolicies(errors));
  CHECK(session.catalog().policies().size() == 1);
  ScanResult result = session.scan();
  CHECK(result.files == 1);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].rule == "EG004");
}

TEST_CASE("baseline: round trip, line moves, stale entries, one entry per finding") {
  SourceStore sources;
  const SourceFile* a = sources.add("infra/main.tf", "x\n");
  Finding f;
  f.rule = "EG004";
  f.resource = "azurerm_iothub.hub";
  f.detailKey = "properties.minTlsVersion";
  f.message = "m";
  f.location = {a->id(), {0, 1}};
  Finding twin = f;  // the same rule, resource and detail twice (e.g. two equal items)
  Finding other = f;
  other.rule = "EG005";
  fs::path file = fs::current_path() / "baseline.json";
  std::string text = writeBaseline({f, twin, other}, sources, file, "1.2.3");
  nlohmann::json doc = nlohmann::json::parse(text);
  CHECK(doc["version"] == 1);
  CHECK(doc["findings"].size() == 3);
  CHECK(doc["findings"][0]["path"] == "infra/main.tf");
  CHECK(doc["findings"][0].contains("line") == false);

  Baseline baseline;
  std::vector<Error> errors;
  REQUIRE(loadBaselineText(text, file, baseline, errors));
  // Same findings elsewhere in the file: all hidden.
  std::vector<Finding> now = {f, twin, other};
  for (Finding& x : now) x.location.range = {1, 2};
  BaselineOutcome outcome = applyBaseline(baseline, now, sources);
  CHECK(outcome.hidden == 3);
  CHECK(now.empty());
  CHECK(outcome.stale.empty());
  // One fixed, one new: the new one stays, the fixed one's entry is stale.
  Finding fresh = f;
  fresh.resource = "azurerm_iothub.other";
  now = {f, twin, fresh};
  outcome = applyBaseline(baseline, now, sources);
  CHECK(outcome.hidden == 2);
  REQUIRE(now.size() == 1);
  CHECK(now[0].resource == "azurerm_iothub.other");
  REQUIRE(outcome.stale.size() == 1);
  CHECK(outcome.stale[0].rule == "EG005");
  // A third copy is not hidden by two entries.
  now = {f, twin, f};
  outcome = applyBaseline(baseline, now, sources);
  CHECK(outcome.hidden == 2);
  CHECK(now.size() == 1);
}

TEST_CASE("baseline: bad files are errors with positions") {
  Baseline b;
  std::vector<Error> errors;
  CHECK_FALSE(loadBaselineText("{\n  \"version\": 1,\n  \"findings\": [}\n", "b.json", b, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == std::string("EG909"));
  CHECK(errors[0].line == 3);
  CHECK(errors[0].column == 16);
  errors.clear();
  CHECK_FALSE(loadBaselineText("{\"version\": 1, \"findings\": [{\"rule\": 1}]}", "b.json", b, errors));
  CHECK(errors.at(0).message == "not a baseline file written by --write-baseline: findings[0].rule must be a string");
  errors.clear();
  CHECK_FALSE(loadBaselineText("[]", "b.json", b, errors));
  CHECK(errors.at(0).message == "not a baseline file written by --write-baseline: expected a JSON object");
}

TEST_CASE("config: the shipped JSON schema describes exactly the keys the loader accepts") {
  std::ifstream in(fs::path(EG_SOURCE_DIR) / "docs/config.schema.json");
  REQUIRE(in);
  nlohmann::json schema = nlohmann::json::parse(in);
  auto accepted = [](const std::string& text) {
    Config c;
    std::vector<Error> errors;
    loadConfigText(text, "/p/.edgeguard.yaml", c, errors);
    return errors.empty() || errors[0].message.find("unknown key") == std::string::npos;
  };
  size_t top = 0, rules = 0;
  for (auto& [key, value] : schema["properties"].items()) {
    ++top;
    INFO(key);
    CHECK(accepted(key + ": null\n"));
  }
  for (auto& [key, value] : schema["properties"]["rules"]["properties"].items()) {
    ++rules;
    INFO(key);
    CHECK(accepted("rules:\n  " + key + ": null\n"));
  }
  CHECK(top == 7);
  CHECK(rules == 4);
  CHECK_FALSE(accepted("excludes: null\n"));
  // The starter file `edgeguard init` writes is a valid configuration.
  Config starter;
  std::vector<Error> errors;
  CHECK(loadConfigText(starterConfig(), "/p/.edgeguard.yaml", starter, errors));
  CHECK(errors.empty());
}
