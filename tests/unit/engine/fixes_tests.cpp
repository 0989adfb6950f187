// The fix engine: each quick fix is a minimal edit that makes the finding go away on a re-scan
// and leaves every other byte as it was; suppressions use the syntax of the file's format.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "linter/engine/Fixes.h"
#include "linter/engine/Session.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {

// Scans in-memory files (editor buffers; the paths need not exist).
struct Scan {
  std::unique_ptr<Session> session;
  ScanResult result;
};

Scan scanTexts(const std::map<std::string, std::string>& files) {
  ScanOptions options;
  auto overlays = std::make_shared<SourceStore::Overlays>();
  for (const auto& [path, text] : files) {
    options.paths.emplace_back(path);
    (*overlays)[canonicalKey(path)] = text;
  }
  options.overlays = overlays;
  options.jobs = 1;
  Scan s{std::make_unique<Session>(options), {}};
  std::vector<Error> errors;
  REQUIRE(s.session->loadPolicies(errors));
  s.result = s.session->scan();
  return s;
}

std::vector<const Finding*> findingsOf(const Scan& s, std::string_view rule) {
  std::vector<const Finding*> out;
  for (const Finding& f : s.result.findings) {
    if (f.rule == rule && !f.suppressed) out.push_back(&f);
  }
  return out;
}

// Applies fix number `which` of the first `rule` finding of a one-file scan.
std::string applyFirst(const std::string& path, const std::string& text, std::string_view rule, size_t which = 0,
                       std::string* title = nullptr) {
  Scan s = scanTexts({{path, text}});
  auto found = findingsOf(s, rule);
  REQUIRE_MESSAGE(!found.empty(), "no " << rule << " finding");
  std::vector<Fix> fixes = fixesFor(*found.front(), s.session->graph(), s.session->sources(), s.session->catalog());
  REQUIRE(fixes.size() > which);
  if (title) *title = fixes[which].title;
  return applyEdits(text, found.front()->location.file, fixes[which].edits);
}

size_t countOf(const std::string& path, const std::string& text, std::string_view rule) {
  Scan s = scanTexts({{path, text}});
  return findingsOf(s, rule).size();
}

const std::string kTf = "/tmp/eg-fix-unit/tf/main.tf";
const std::string kBicep = "/tmp/eg-fix-unit/bicep/main.bicep";
const std::string kArm = "/tmp/eg-fix-unit/arm/azuredeploy.json";
const std::string kEdge = "/tmp/eg-fix-unit/edge/deployment.json";

const std::string kHub =
    "resource \"azurerm_iothub\" \"hub\" {\n"
    "  name                = \"hub\"\n"
    "  resource_group_name = \"rg\"\n"
    "  location            = \"westeurope\"\n"
    "  min_tls_version     = \"1.0\" # low\n"
    "  sku {\n"
    "    name     = \"S1\"\n"
    "    capacity = 1\n"
    "  }\n"
    "  network_rule_set {\n"
    "    default_action = \"Allow\"\n"
    "  }\n"
    "}\n";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

std::string edgeManifest(const std::string& modules, const std::string& hubEnv = "") {
  return "{\n"
         "  \"modulesContent\": {\n"
         "    \"$edgeAgent\": {\n"
         "      \"properties.desired\": {\n"
         "        \"schemaVersion\": \"1.1\",\n"
         "        \"runtime\": { \"type\": \"docker\", \"settings\": {} },\n"
         "        \"systemModules\": {\n"
         "          \"edgeAgent\": { \"type\": \"docker\", \"settings\": { \"image\": \"mcr.microsoft.com/azureiotedge-agent:1.5\", "
         "\"createOptions\": \"{\\\"HostConfig\\\":{\\\"LogConfig\\\":{\\\"Type\\\":\\\"json-file\\\",\\\"Config\\\":{\\\"max-size\\\":\\\"10m\\\"}}}}\" } },\n"
         "          \"edgeHub\": {\n"
         "            \"type\": \"docker\",\n"
         "            \"settings\": { \"image\": \"mcr.microsoft.com/azureiotedge-hub:1.5\", "
         "\"createOptions\": \"{\\\"HostConfig\\\":{\\\"LogConfig\\\":{\\\"Type\\\":\\\"json-file\\\",\\\"Config\\\":{\\\"max-size\\\":\\\"10m\\\"}}}}\" }" +
         hubEnv +
         "\n"
         "          }\n"
         "        },\n"
         "        \"modules\": {\n" +
         modules +
         "\n"
         "        }\n"
         "      }\n"
         "    }\n"
         "  }\n"
         "}\n";
}

}  // namespace

TEST_CASE("EG004 Terraform: the literal becomes 1.2 and the comment stays") {
  std::string fixed = applyFirst(kTf, kHub, "EG004");
  CHECK(fixed == replaced(kHub, "\"1.0\" # low", "\"1.2\" # low"));
  CHECK(countOf(kTf, fixed, "EG004") == 0);
}

TEST_CASE("EG004 Terraform: a missing min_tls_version is inserted as the block's first line") {
  std::string text = replaced(kHub, "  min_tls_version     = \"1.0\" # low\n", "");
  std::string fixed = applyFirst(kTf, text, "EG004");
  CHECK(fixed == replaced(text, "\"hub\" {\n", "\"hub\" {\n  min_tls_version = \"1.2\"\n"));
  CHECK(countOf(kTf, fixed, "EG004") == 0);
}

TEST_CASE("EG004 is not offered when the value is an expression") {
  std::string text = "variable \"tls\" {\n  default = \"1.0\"\n}\n" + replaced(kHub, "\"1.0\" # low", "var.tls");
  Scan s = scanTexts({{kTf, text}});
  auto found = findingsOf(s, "EG004");
  REQUIRE(found.size() == 1);
  CHECK(fixesFor(*found.front(), s.session->graph(), s.session->sources(), s.session->catalog()).empty());
}

TEST_CASE("EG005 and EG201 Terraform: Allow becomes Deny, admin_enabled becomes false") {
  std::string fixed = applyFirst(kTf, kHub, "EG005");
  CHECK(fixed == replaced(kHub, "\"Allow\"", "\"Deny\""));
  CHECK(countOf(kTf, fixed, "EG005") == 0);
  std::string acr =
      "resource \"azurerm_container_registry\" \"acr\" {\n  name = \"acr\"\n  resource_group_name = \"rg\"\n"
      "  location = \"westeurope\"\n  sku = \"Premium\"\n  admin_enabled = true // on\n}\n";
  std::string acrFixed = applyFirst(kTf, acr, "EG201");
  CHECK(acrFixed == replaced(acr, "= true //", "= false //"));
  CHECK(countOf(kTf, acrFixed, "EG201") == 0);
}

TEST_CASE("EG004 Bicep: replaced in place, or inserted into properties with its indentation") {
  std::string hub =
      "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n"
      "  name: 'hub'\n"
      "  location: 'westeurope'\n"
      "  sku: {\n    name: 'S1'\n    capacity: 1\n  }\n"
      "  properties: {\n"
      "    minTlsVersion: '1.1'\n"
      "    publicNetworkAccess: 'Disabled'\n"
      "  }\n"
      "}\n";
  std::string fixed = applyFirst(kBicep, hub, "EG004");
  CHECK(fixed == replaced(hub, "'1.1'", "'1.2'"));
  std::string unset = replaced(hub, "    minTlsVersion: '1.1'\n", "");
  std::string inserted = applyFirst(kBicep, unset, "EG004");
  CHECK(inserted == replaced(unset, "  properties: {\n", "  properties: {\n    minTlsVersion: '1.2'\n"));
  CHECK(countOf(kBicep, inserted, "EG004") == 0);
}

TEST_CASE("ARM: minTlsVersion inserted as a JSON member, defaultAction and adminUserEnabled replaced") {
  std::string arm =
      "{\n"
      "  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
      "  \"contentVersion\": \"1.0.0.0\",\n"
      "  \"resources\": [\n"
      "    {\n"
      "      \"type\": \"Microsoft.Devices/IotHubs\",\n"
      "      \"apiVersion\": \"2023-06-30\",\n"
      "      \"name\": \"hub\",\n"
      "      \"location\": \"westeurope\",\n"
      "      \"sku\": { \"name\": \"S1\", \"capacity\": 1 },\n"
      "      \"properties\": {\n"
      "        \"networkRuleSets\": { \"defaultAction\": \"Allow\" }\n"
      "      }\n"
      "    },\n"
      "    {\n"
      "      \"type\": \"Microsoft.ContainerRegistry/registries\",\n"
      "      \"apiVersion\": \"2023-07-01\",\n"
      "      \"name\": \"acr\",\n"
      "      \"location\": \"westeurope\",\n"
      "      \"sku\": { \"name\": \"Premium\" },\n"
      "      \"properties\": { \"adminUserEnabled\": true, \"publicNetworkAccess\": \"Disabled\" }\n"
      "    }\n"
      "  ]\n"
      "}\n";
  std::string tls = applyFirst(kArm, arm, "EG004");
  CHECK(tls == replaced(arm, "\"properties\": {\n        \"network",
                        "\"properties\": {\n        \"minTlsVersion\": \"1.2\",\n        \"network"));
  CHECK(countOf(kArm, tls, "EG004") == 0);
  std::string deny = applyFirst(kArm, arm, "EG005");
  CHECK(deny == replaced(arm, "\"Allow\"", "\"Deny\""));
  std::string admin = applyFirst(kArm, arm, "EG201");
  CHECK(admin == replaced(arm, "\"adminUserEnabled\": true", "\"adminUserEnabled\": false"));
  CHECK(countOf(kArm, admin, "EG201") == 0);
}

TEST_CASE("EG009: LogConfig goes into a createOptions JSON string, escaped, next to what is there") {
  std::string mod =
      "          \"sensor\": {\n"
      "            \"type\": \"docker\",\n"
      "            \"settings\": {\n"
      "              \"image\": \"mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5\",\n"
      "              \"createOptions\": \"{\\\"HostConfig\\\":{\\\"Binds\\\":[\\\"/x:/x\\\"]}}\"\n"
      "            }\n"
      "          }";
  std::string text = edgeManifest(mod);
  std::string fixed = applyFirst(kEdge, text, "EG009");
  CHECK(fixed == replaced(text, "{\\\"HostConfig\\\":{\\\"Binds",
                          "{\\\"HostConfig\\\":{\\\"LogConfig\\\":{\\\"Type\\\":\\\"json-file\\\",\\\"Config\\\":{"
                          "\\\"max-size\\\":\\\"10m\\\",\\\"max-file\\\":\\\"3\\\"}},\\\"Binds"));
  CHECK(countOf(kEdge, fixed, "EG009") == 0);
}

TEST_CASE("EG009: createOptions without HostConfig, an object form with Type none, and none at all") {
  std::string noHost =
      "          \"a\": { \"type\": \"docker\", \"settings\": { \"image\": \"mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5\", "
      "\"createOptions\": \"{\\\"Env\\\":[\\\"A=\\\\\\\"q\\\\\\\"\\\"]}\" } }";
  std::string text = edgeManifest(noHost);
  std::string fixed = applyFirst(kEdge, text, "EG009");
  CHECK(fixed.find("\"{\\\"HostConfig\\\":{\\\"LogConfig\\\":{\\\"Type\\\":\\\"json-file\\\",\\\"Config\\\":{\\\"max-size\\\":"
                   "\\\"10m\\\",\\\"max-file\\\":\\\"3\\\"}}},\\\"Env\\\":[\\\"A=\\\\\\\"q\\\\\\\"\\\"]}\"") != std::string::npos);
  CHECK(countOf(kEdge, fixed, "EG009") == 0);

  std::string object =
      "          \"b\": {\n"
      "            \"type\": \"docker\",\n"
      "            \"settings\": {\n"
      "              \"image\": \"mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5\",\n"
      "              \"createOptions\": { \"HostConfig\": { \"LogConfig\": { \"Type\": \"none\" } } }\n"
      "            }\n"
      "          }";
  text = edgeManifest(object);
  fixed = applyFirst(kEdge, text, "EG009");
  CHECK(fixed == replaced(text, "{ \"Type\": \"none\" }",
                          "{\"Type\": \"json-file\", \"Config\": {\"max-size\": \"10m\", \"max-file\": \"3\"}}"));
  CHECK(countOf(kEdge, fixed, "EG009") == 0);

  std::string none =
      "          \"c\": {\n"
      "            \"type\": \"docker\",\n"
      "            \"settings\": {\n"
      "              \"image\": \"mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5\"\n"
      "            }\n"
      "          }";
  text = edgeManifest(none);
  fixed = applyFirst(kEdge, text, "EG009");
  CHECK(fixed == replaced(text, "            \"settings\": {\n              \"image\": \"mcr.microsoft.com/azureiotedge-simulated",
                          "            \"settings\": {\n              \"createOptions\": \"{\\\"HostConfig\\\":{\\\"LogConfig\\\":{"
                          "\\\"Type\\\":\\\"json-file\\\",\\\"Config\\\":{\\\"max-size\\\":\\\"10m\\\",\\\"max-file\\\":\\\"3\\\"}}}}\",\n"
                          "              \"image\": \"mcr.microsoft.com/azureiotedge-simulated"));
  CHECK(countOf(kEdge, fixed, "EG009") == 0);
}

TEST_CASE("EG008: one fix per protocol head, none preferred, each clears the finding") {
  std::string text = edgeManifest("", ",\n            \"env\": { \"mqttSettings__enabled\": { \"value\": \"true\" } }");
  Scan s = scanTexts({{kEdge, text}});
  auto found = findingsOf(s, "EG008");
  REQUIRE(found.size() == 1);
  std::vector<Fix> fixes = fixesFor(*found.front(), s.session->graph(), s.session->sources(), s.session->catalog());
  REQUIRE(fixes.size() == 3);
  for (const Fix& f : fixes) CHECK_FALSE(f.preferred);
  CHECK(fixes[0].title == "Turn off the edgeHub AMQP (5671) protocol head (amqpSettings__enabled = false)");
  std::string amqp = applyEdits(text, found.front()->location.file, fixes[0].edits);
  CHECK(amqp == replaced(text, "\"env\": { \"mqtt", "\"env\": { \"amqpSettings__enabled\": {\"value\": \"false\"}, \"mqtt"));
  std::string mqtt = applyEdits(text, found.front()->location.file, fixes[1].edits);
  CHECK(mqtt == replaced(text, "{ \"value\": \"true\" }", "{ \"value\": \"false\" }"));
  for (const Fix& f : fixes) CHECK(countOf(kEdge, applyEdits(text, found.front()->location.file, f.edits), "EG008") == 0);
  // Without env the whole member is added to the module.
  std::string bare = edgeManifest("");
  std::string https = applyFirst(kEdge, bare, "EG008", 2);
  CHECK(https == replaced(bare, "          \"edgeHub\": {\n            \"type\"",
                          "          \"edgeHub\": {\n            \"env\": {\"httpSettings__enabled\": {\"value\": \"false\"}},\n"
                          "            \"type\""));
  CHECK(countOf(kEdge, https, "EG008") == 0);
}

TEST_CASE("a user policy's declared fix is offered and made like a built-in one") {
  // Nothing in the engine knows this rule: the fix is the policy's data, written by the
  // Terraform editor through the azurerm table (disableLocalAuth true is
  // local_authentication_enabled = false).
  fs::path dir = fs::temp_directory_path() / "eg-fix-user-policy";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "acme.yaml") << "id: ACME-AUTH-001\nname: local-auth-on\nseverity: high\ntitle: Local auth is on\n"
                                      "description: d\nrationale: r\nremediation: {terraform: t}\n"
                                      "applies_to: {kinds: [Microsoft.Devices/IotHubs]}\n"
                                      "violation: {attribute: properties.disableLocalAuth, is_false: true}\n"
                                      "message: local auth is on\n"
                                      "fix:\n"
                                      "  title: {terraform: Turn local_authentication_enabled off, default: Set disableLocalAuth}\n"
                                      "  set: properties.disableLocalAuth\n"
                                      "  value: true\n"
                                      "  preferred: true\n";
  std::string text = replaced(kHub, "  sku {", "  local_authentication_enabled = true\n  sku {");
  ScanOptions options;
  auto overlays = std::make_shared<SourceStore::Overlays>();
  options.paths.emplace_back(kTf);
  (*overlays)[canonicalKey(kTf)] = text;
  options.overlays = overlays;
  options.policyDirs = {dir};
  options.jobs = 1;
  Session session(options);
  std::vector<Error> errors;
  bool loaded = session.loadPolicies(errors);
  REQUIRE_MESSAGE(loaded, (errors.empty() ? std::string() : errors[0].message));
  ScanResult result = session.scan();
  const Finding* f = nullptr;
  for (const Finding& c : result.findings) {
    if (c.rule == "ACME-AUTH-001") f = &c;
  }
  REQUIRE(f);
  std::vector<Fix> fixes = fixesFor(*f, session.graph(), session.sources(), session.catalog());
  REQUIRE(fixes.size() == 1);
  CHECK(fixes[0].title == "Turn local_authentication_enabled off");
  CHECK(fixes[0].preferred);
  CHECK(applyEdits(text, f->location.file, fixes[0].edits) ==
        replaced(text, "local_authentication_enabled = true", "local_authentication_enabled = false"));
  fs::remove_all(dir);
}

TEST_CASE("suppression fixes use the comment syntax of each format and suppress on a re-scan") {
  Scan tf = scanTexts({{kTf, kHub}});
  auto f = findingsOf(tf, "EG004");
  REQUIRE(!f.empty());
  std::optional<Fix> sup = suppressionFix(*f.front(), tf.session->sources(), "hub is private");
  REQUIRE(sup);
  std::string fixed = applyEdits(kHub, f.front()->location.file, sup->edits);
  CHECK(fixed == replaced(kHub, "  min_tls_version", "  # edgeguard:ignore EG004 hub is private\n  min_tls_version"));
  CHECK(countOf(kTf, fixed, "EG004") == 0);

  std::string arm =
      "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
      "  \"contentVersion\": \"1.0.0.0\",\n  \"resources\": [\n    {\n"
      "      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2023-07-01\",\n"
      "      \"name\": \"acr\",\n      \"location\": \"westeurope\",\n      \"sku\": { \"name\": \"Premium\" },\n"
      "      \"properties\": { \"adminUserEnabled\": true, \"publicNetworkAccess\": \"Disabled\" }\n    }\n  ]\n}\n";
  Scan a = scanTexts({{kArm, arm}});
  auto af = findingsOf(a, "EG201");
  REQUIRE(!af.empty());
  sup = suppressionFix(*af.front(), a.session->sources(), "break-glass registry");
  REQUIRE(sup);
  fixed = applyEdits(arm, af.front()->location.file, sup->edits);
  CHECK(fixed == replaced(arm, "      \"properties\": { \"adminUser",
                          "      // edgeguard:ignore EG201 break-glass registry\n      \"properties\": { \"adminUser"));
  CHECK(countOf(kArm, fixed, "EG201") == 0);

  std::string bicep =
      "resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: 'acr'\n  location: 'westeurope'\n"
      "  sku: { name: 'Premium' }\n  properties: {\n    adminUserEnabled: true\n    publicNetworkAccess: 'Disabled'\n  }\n}\n";
  Scan b = scanTexts({{kBicep, bicep}});
  auto bf = findingsOf(b, "EG201");
  REQUIRE(!bf.empty());
  sup = suppressionFix(*bf.front(), b.session->sources(), "needed by the legacy pipeline");
  REQUIRE(sup);
  fixed = applyEdits(bicep, bf.front()->location.file, sup->edits);
  CHECK(fixed == replaced(bicep, "    adminUserEnabled", "    // edgeguard:ignore EG201 needed by the legacy pipeline\n    adminUserEnabled"));
  CHECK(countOf(kBicep, fixed, "EG201") == 0);
}

TEST_CASE("applyEdits drops overlapping edits, unifiedDiff prints hunks with context") {
  size_t skipped = 0;
  std::string out = applyEdits("abcdef", 0, {{0, {1, 3}, "X"}, {0, {2, 4}, "Y"}, {0, {5, 5}, "!"}, {1, {0, 1}, "?"}}, &skipped);
  CHECK(out == "aXde!f");
  CHECK(skipped == 1);
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16";
  std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\nsixteen";
  CHECK(unifiedDiff("x.tf", before, after) ==
        "--- a/x.tf\n+++ b/x.tf\n"
        "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        "@@ -13,4 +13,4 @@\n 13\n 14\n 15\n-16\n\\ No newline at end of file\n+sixteen\n\\ No newline at end of file\n");
  CHECK(unifiedDiff("x.tf", "a\n", "a\nb\n") == "--- a/x.tf\n+++ b/x.tf\n@@ -1,1 +1,2 @@\n a\n+b\n");
  CHECK(unifiedDiff("x.tf", "same", "same").empty());
}

TEST_CASE("scan --fix refuses a file changed since it was read and writes the others atomically") {
  fs::path dir = fs::temp_directory_path() / "eg-fix-refuse";
  fs::remove_all(dir);
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::ofstream(dir / "a" / "main.tf") << kHub;
  std::ofstream(dir / "b" / "main.tf") << kHub;
  ScanOptions options;
  options.paths = {dir};
  options.jobs = 1;
  Session session(options);
  std::vector<Error> errors;
  REQUIRE(session.loadPolicies(errors));
  ScanResult result = session.scan();
  std::ofstream(dir / "b" / "main.tf", std::ios::app) << "# edited meanwhile\n";
  FixRun run = applyFixes(result.findings, session.graph(), session.sources(), session.catalog(), false);
  REQUIRE(run.errors.size() == 1);
  CHECK(run.errors[0].find("b/main.tf: changed since it was read; not fixed") != std::string::npos);
  CHECK(run.files == 1);
  CHECK(run.fixes == 2);  // EG004 and EG005 in a/main.tf
  std::ifstream a(dir / "a" / "main.tf");
  std::stringstream text;
  text << a.rdbuf();
  CHECK(text.str() == replaced(replaced(kHub, "\"1.0\"", "\"1.2\""), "\"Allow\"", "\"Deny\""));
  CHECK_FALSE(fs::exists(dir / "a" / "main.tf.edgeguard-fix"));
  fs::remove_all(dir);
}

#ifdef EG_BINARY
TEST_CASE("edgeguard scan --fix writes what --fix --dry-run shows") {
  fs::path dir = fs::temp_directory_path() / "eg-fix-e2e";
  fs::remove_all(dir);
  fs::copy(fs::path(EG_SOURCE_DIR) / "fixtures/e2e/fix", dir, fs::copy_options::recursive);
  std::string quiet = " >/dev/null 2>&1";
  // The copy is outside the current directory (the default project root): name it the root.
  std::string cmd = std::string(EG_BINARY) + " scan " + dir.string() + " --root " + dir.string() + " --fix";
  int status = std::system((cmd + " --dry-run >" + (dir / "diff.txt").string() + " 2>/dev/null").c_str());
  CHECK(WEXITSTATUS(status) == 1);  // EG008 has no safe fix and stays
  status = std::system((cmd + quiet).c_str());
  CHECK(WEXITSTATUS(status) == 1);
  // A second run finds nothing left to fix.
  status = std::system((cmd + " --dry-run >" + (dir / "again.txt").string() + " 2>/dev/null").c_str());
  std::ifstream again(dir / "again.txt");
  std::stringstream rest;
  rest << again.rdbuf();
  CHECK(rest.str().empty());
  std::ifstream diff(dir / "diff.txt");
  std::stringstream d;
  d << diff.rdbuf();
  CHECK(d.str().find("+  min_tls_version = \"1.2\"") != std::string::npos);
  fs::remove_all(dir);
}
#endif
