// The front-ends' source editors (parsers/SourceEditor.h), reached through the front-end
// registry as the fix engine reaches them: for each format a literal replaced and a member
// inserted in that format's syntax, and the refusals that keep a fix from changing what it
// does not understand. Also: every built-in policy's declared fix targets a path the editors
// of its formats can set.
#include <doctest/doctest.h>

#include "linter/engine/Fixes.h"
#include "linter/engine/Session.h"
#include "parsers/FrontEnd.h"

using namespace eg;

namespace {

struct Scan {
  std::unique_ptr<Session> session;
  ScanResult result;
};

Scan scanText(const std::string& path, const std::string& text) {
  ScanOptions options;
  auto overlays = std::make_shared<SourceStore::Overlays>();
  options.paths.emplace_back(path);
  (*overlays)[canonicalKey(path)] = text;
  options.overlays = overlays;
  options.jobs = 1;
  Scan s{std::make_unique<Session>(options), {}};
  std::vector<Error> errors;
  REQUIRE(s.session->loadPolicies(errors));
  s.result = s.session->scan();
  return s;
}

// `text` after the editor of resource `address` (or named so) sets `path` to `value`; "<none>" when it refuses.
std::string setIn(const std::string& path, const std::string& text, const std::string& address, const AttributePath& attr,
                  const Value& value) {
  Scan s = scanText(path, text);
  const Resource* r = nullptr;
  for (const Resource& c : s.session->graph().resources()) {
    const Value* name = c.attributes.get("name");
    if (c.address == address || (!r && name && name->isString() && name->asString() == address)) r = &c;
  }
  REQUIRE_MESSAGE(r, "no resource " << address);
  const SourceEditor* editor = sourceEditor(r->format);
  REQUIRE(editor);
  std::optional<TextEdit> edit = editor->set(*r, attr, value, s.session->sources());
  if (!edit) return "<none>";
  return applyEdits(text, edit->file, {*edit});
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

const std::string kTf = "/tmp/eg-editor-unit/tf/main.tf";
const std::string kBicep = "/tmp/eg-editor-unit/bicep/main.bicep";
const std::string kArm = "/tmp/eg-editor-unit/arm/azuredeploy.json";
const std::string kEdge = "/tmp/eg-editor-unit/edge/deployment.json";

const std::string kHubTf =
    "resource \"azurerm_iothub\" \"hub\" {\n"
    "  name                          = \"hub\"\n"
    "  resource_group_name           = \"rg\"\n"
    "  location                      = \"westeurope\"\n"
    "  min_tls_version               = \"1.0\" # legacy\n"
    "  public_network_access_enabled = true\n"
    "  sku { name = \"S1\" }\n"
    "  network_rule_set {\n"
    "    apply_to_builtin_eventhub_endpoint = true\n"
    "  }\n"
    "}\n";

const AttributePath kTls{"properties", "minTlsVersion"};

}  // namespace

TEST_CASE("Terraform editor: replace a literal, insert an argument into the resource or its block") {
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", kTls, Value("1.2")) == replaced(kHubTf, "\"1.0\" # legacy", "\"1.2\" # legacy"));
  std::string unset = replaced(kHubTf, "  min_tls_version               = \"1.0\" # legacy\n", "");
  CHECK(setIn(kTf, unset, "azurerm_iothub.hub", kTls, Value("1.2")) ==
        replaced(unset, "\"hub\" {\n", "\"hub\" {\n  min_tls_version = \"1.2\"\n"));
  // The ARM path maps back through the azurerm table: a nested block's argument...
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", {"properties", "networkRuleSets", "defaultAction"}, Value("Deny")) ==
        replaced(kHubTf, "network_rule_set {\n", "network_rule_set {\n    default_action = \"Deny\"\n"));
  // ...and a value through the argument's transform (publicNetworkAccess: Disabled is ..._enabled = false).
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", {"properties", "publicNetworkAccess"}, Value("Disabled")) ==
        replaced(kHubTf, "_enabled = true", "_enabled = false"));
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", {"properties", "disableLocalAuth"}, Value(true)) ==
        replaced(kHubTf, "\"hub\" {\n", "\"hub\" {\n  local_authentication_enabled = false\n"));
}

TEST_CASE("Terraform editor refuses expressions, other types, missing blocks and one-line blocks") {
  std::string variable = "variable \"tls\" {\n  default = \"1.0\"\n}\n" + replaced(kHubTf, "\"1.0\" # legacy", "var.tls");
  CHECK(setIn(kTf, variable, "azurerm_iothub.hub", kTls, Value("1.2")) == "<none>");
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", kTls, Value(1.2)) == "<none>");  // a string stays a string
  std::string noBlock = replaced(kHubTf, "  network_rule_set {\n    apply_to_builtin_eventhub_endpoint = true\n  }\n", "");
  CHECK(setIn(kTf, noBlock, "azurerm_iothub.hub", {"properties", "networkRuleSets", "defaultAction"}, Value("Deny")) ==
        "<none>");
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", {"sku", "capacity"}, Value(1)) == "<none>");  // `sku { name = "S1" }`
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", {"properties", "noSuchThing"}, Value(1)) == "<none>");
  CHECK(setIn(kTf, kHubTf, "azurerm_iothub.hub", kTls, Value("1.0")) == "<none>");  // nothing to change
}

TEST_CASE("Bicep editor: replace a literal, insert a property into an object, never create one") {
  std::string hub =
      "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n"
      "  name: 'hub'\n"
      "  location: 'westeurope'\n"
      "  sku: { name: 'S1' }\n"
      "  properties: {\n"
      "    minTlsVersion: '1.1'\n"
      "    disableLocalAuth: false\n"
      "  }\n"
      "}\n";
  CHECK(setIn(kBicep, hub, "hub", kTls, Value("1.2")) == replaced(hub, "'1.1'", "'1.2'"));
  CHECK(setIn(kBicep, hub, "hub", {"properties", "disableLocalAuth"}, Value(true)) == replaced(hub, "Auth: false", "Auth: true"));
  CHECK(setIn(kBicep, hub, "hub", {"properties", "publicNetworkAccess"}, Value("Disabled")) ==
        replaced(hub, "  properties: {\n", "  properties: {\n    publicNetworkAccess: 'Disabled'\n"));
  CHECK(setIn(kBicep, hub, "hub", {"properties", "disableLocalAuth"}, Value("true")) == "<none>");  // bool stays bool
  std::string bare = replaced(hub, "  properties: {\n    minTlsVersion: '1.1'\n    disableLocalAuth: false\n  }\n", "");
  CHECK(setIn(kBicep, bare, "hub", kTls, Value("1.2")) == "<none>");
  CHECK(setIn(kBicep, hub, "hub", {"sku", "tier"}, Value("Standard")) == "<none>");  // `{ name: 'S1' }` on one line
}

TEST_CASE("ARM editor: replace a literal, insert a member with the object's layout") {
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
      "        \"minTlsVersion\": \"1.0\",\n"
      "        \"networkRuleSets\": { \"defaultAction\": \"Allow\" }\n"
      "      }\n"
      "    }\n"
      "  ]\n"
      "}\n";
  CHECK(setIn(kArm, arm, "hub", kTls, Value("1.2")) == replaced(arm, "\"1.0\",", "\"1.2\","));
  CHECK(setIn(kArm, arm, "hub", {"properties", "disableLocalAuth"}, Value(true)) ==
        replaced(arm, "\"properties\": {\n", "\"properties\": {\n        \"disableLocalAuth\": true,\n"));
  CHECK(setIn(kArm, arm, "hub", {"properties", "networkRuleSets", "applyToBuiltInEventHubEndpoint"}, Value(true)) ==
        replaced(arm, "{ \"defaultAction\"", "{ \"applyToBuiltInEventHubEndpoint\": true, \"defaultAction\""));
  Value rule = Value::object();
  rule.set("action", Value("Accept"));
  CHECK(setIn(kArm, arm, "hub", {"properties", "routing"}, rule) ==
        replaced(arm, "\"properties\": {\n", "\"properties\": {\n        \"routing\": {\"action\": \"Accept\"},\n"));
  // Objects on the way are not created.
  CHECK(setIn(kArm, arm, "hub", {"properties", "cloudToDevice", "maxDeliveryCount"}, Value(10)) == "<none>");
}

TEST_CASE("IoT Edge editor: env variables, createOptions (object or JSON string) and module members") {
  std::string manifest =
      "{\n"
      "  \"modulesContent\": {\n"
      "    \"$edgeAgent\": {\n"
      "      \"properties.desired\": {\n"
      "        \"schemaVersion\": \"1.1\",\n"
      "        \"runtime\": { \"type\": \"docker\", \"settings\": {} },\n"
      "        \"systemModules\": {\n"
      "          \"edgeAgent\": { \"type\": \"docker\", \"settings\": { \"image\": \"mcr.microsoft.com/azureiotedge-agent:1.5\" } },\n"
      "          \"edgeHub\": {\n"
      "            \"type\": \"docker\",\n"
      "            \"env\": { \"MqttSettings:Enabled\": { \"value\": true } },\n"
      "            \"settings\": { \"image\": \"mcr.microsoft.com/azureiotedge-hub:1.5\" }\n"
      "          }\n"
      "        },\n"
      "        \"modules\": {\n"
      "          \"sensor\": {\n"
      "            \"type\": \"docker\",\n"
      "            \"settings\": {\n"
      "              \"image\": \"mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.4\",\n"
      "              \"createOptions\": { \"Env\": [\"A=1\"] }\n"
      "            }\n"
      "          }\n"
      "        }\n"
      "      }\n"
      "    }\n"
      "  }\n"
      "}\n";
  const std::string hub = "edge/deployment.json:$edgeHub", sensor = "edge/deployment.json:modules.sensor";
  // The variable as written (MqttSettings:Enabled is mqttSettings__enabled); "false" over a bool is the bool.
  CHECK(setIn(kEdge, manifest, hub, {"env", "mqttSettings__enabled"}, Value("false")) ==
        replaced(manifest, "{ \"value\": true }", "{ \"value\": false }"));
  CHECK(setIn(kEdge, manifest, hub, {"env", "amqpSettings__enabled"}, Value("false")) ==
        replaced(manifest, "\"env\": { \"Mqtt", "\"env\": { \"amqpSettings__enabled\": {\"value\": \"false\"}, \"Mqtt"));
  Value log = Value::object();
  log.set("Type", Value("local"));
  CHECK(setIn(kEdge, manifest, sensor, {"settings", "createOptions", "HostConfig", "LogConfig"}, log) ==
        replaced(manifest, "{ \"Env\"", "{ \"HostConfig\": {\"LogConfig\": {\"Type\": \"local\"}}, \"Env\""));
  CHECK(setIn(kEdge, manifest, sensor, {"settings", "image"}, Value("mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5")) ==
        replaced(manifest, "sensor:1.4", "sensor:1.5"));
  // In a JSON string, the edit is made in the decoded text and written back escaped.
  std::string stringForm = replaced(manifest, "{ \"Env\": [\"A=1\"] }", "\"{\\\"Env\\\":[\\\"A=1\\\"]}\"");
  CHECK(setIn(kEdge, stringForm, sensor, {"settings", "createOptions", "HostConfig", "LogConfig"}, log) ==
        replaced(stringForm, "\"{\\\"Env", "\"{\\\"HostConfig\\\":{\\\"LogConfig\\\":{\\\"Type\\\":\\\"local\\\"}},\\\"Env"));
  // Derived attributes have no text of their own.
  CHECK(setIn(kEdge, manifest, hub, {"protocolHeads", "mqtt"}, Value(false)) == "<none>");
  CHECK(setIn(kEdge, manifest, sensor, {"imageTag"}, Value("1.5")) == "<none>");
}

TEST_CASE("suppression comments stay out of the multi-line strings of the formats that have them") {
  auto kind = [](std::string_view path) {
    std::optional<FilePattern> f = filePatternFor(path);
    return f ? std::string(f->lineComment) + (f->multilineStrings ? " (strings span lines)" : "") : std::string("none");
  };
  CHECK(kind("infra/main.tf") == "# (strings span lines)");
  CHECK(kind("prod.tfvars") == "# (strings span lines)");
  CHECK(kind("main.bicep") == "// (strings span lines)");
  CHECK(kind("main.bicepparam") == "// (strings span lines)");
  CHECK(kind("azuredeploy.json") == "//");
  CHECK(kind("main.tf.json") == "//");
  CHECK(kind("/etc/aziot/config.toml") == "# (strings span lines)");
  CHECK(kind("gw/config.yaml") == "# (strings span lines)");
  CHECK(kind(".env") == "none");
}

namespace {

// What keeps a policy's declared fixes from being made: "ID: FORMAT cannot set PATH" per
// format of a fix whose editor can set the path on none of the policy's kinds.
std::string uneditable(const policy::Policy& p) {
  static const std::vector<std::string> kAll = {"terraform", "bicep", "arm", "edge", "aziot"};
  std::string out;
  for (const policy::PolicyFix& fix : p.fixes) {
    const std::vector<std::string>& formats = !fix.formats.empty() ? fix.formats : !p.formats.empty() ? p.formats : kAll;
    for (const std::string& format : formats) {
      const SourceEditor* editor = sourceEditor(format);
      bool ok = false;
      for (const std::string& kind : p.kinds) ok = ok || (editor && editor->supports(kind, fix.steps) == SourceEditor::Support::Yes);
      if (!ok) out += p.id + ": " + format + " cannot set " + fix.path + "\n";
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every declared fix of the built-in policies targets a path its formats' editors can set") {
  policy::PolicyCatalog catalog;
  std::vector<Error> errors;
  REQUIRE(catalog.loadBuiltins(errors));
  size_t withFixes = 0;
  for (const auto& p : catalog.policies()) {
    if (p->fixes.empty()) continue;
    ++withFixes;
    CHECK_MESSAGE(uneditable(*p).empty(), uneditable(*p));
  }
  CHECK(withFixes >= 5);

  // The check fails on a path no mapping table knows, a format whose editor never sees the
  // kind, and a format without fixes.
  std::string bad =
      "id: TEST001\nname: test-policy\nseverity: low\ntitle: t\ndescription: d\nrationale: r\nremediation: {arm: x}\n"
      "applies_to: {kinds: [Microsoft.Devices/IotHubs], formats: [terraform, bicep, edge, aziot]}\n"
      "violation: {attribute: properties.minTlsVersion, absent: true}\nmessage: m\n"
      "fix: {title: t, set: properties.minTlsVerion, value: '1.2'}\n";
  REQUIRE(catalog.loadText(bad, "bad.yaml", false, errors));
  CHECK(uneditable(*catalog.find("TEST001")) ==
        "TEST001: terraform cannot set properties.minTlsVerion\n"
        "TEST001: edge cannot set properties.minTlsVerion\n"
        "TEST001: aziot cannot set properties.minTlsVerion\n");
}
