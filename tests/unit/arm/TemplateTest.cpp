// ARM templates through the front-end: parameters and parameter files, variables (incl. copy),
// user functions, nested children, symbolic names, copy loops, conditions, nested deployments,
// references, provenance and errors.
#include "linter/engine/Linker.h"
#include "ArmTestUtil.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using armtest::load;
using armtest::Result;
using armtest::templ;
using eg::Value;

namespace {
// Appended piecewise: GCC 12 gives a false -Wrestrict on "literal" + std::string.
std::string str(const Value* v) {
  if (!v) return "<absent>";
  if (v->isString()) return v->asString();
  return std::string("<").append(v->toJson()).append(">");
}
}  // namespace

TEST_CASE("resources carry kind, address, sourceType, header, body and evaluated attributes") {
  Result res;
  load(res, templ(R"([
    {
      "type": "Microsoft.Devices/IotHubs",
      "apiVersion": "2023-06-30",
      "name": "[parameters('hubName')]",
      "location": "[parameters('location')]",
      "sku": { "name": "S1", "capacity": 1 },
      "properties": { "minTlsVersion": "[variables('tls')]", "eventHubEndpoints": {} }
    }
  ])", R"({ "hubName": { "type": "string", "defaultValue": "contoso-hub" },
            "location": { "type": "string", "defaultValue": "[resourceGroup().location]" } })",
                  R"({ "tls": "1.2" })"));
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  REQUIRE(res.declaredResources() == 1);
  const eg::Resource& r = res.resources[0];
  CHECK(r.kind == "Microsoft.Devices/IotHubs");
  CHECK(r.address == "Microsoft.Devices/IotHubs/contoso-hub");
  CHECK(r.sourceType == "Microsoft.Devices/IotHubs@2023-06-30");
  CHECK(r.format == "arm");
  // The header runs from the resource's opening brace (its first line) through its type.
  std::string header(res.text(r.file, r.header));
  CHECK(header.front() == '{');
  CHECK(header.ends_with("\"type\": \"Microsoft.Devices/IotHubs\""));
  CHECK(r.header.begin == r.body.begin);
  CHECK(res.text(r.file, r.body).substr(0, 1) == "{");
  CHECK(res.text(r.file, r.body).back() == '}');
  CHECK(str(r.attributes.get("name")) == "contoso-hub");
  CHECK(r.attributes.get("location")->isUnknown());
  CHECK(str(r.attributes.at("properties.minTlsVersion")) == "1.2");
  CHECK(r.attributes.at("sku.capacity")->asNumber() == 1);
  CHECK(std::count(r.aliases.begin(), r.aliases.end(), "contoso-hub") == 1);
  CHECK(std::count(r.aliases.begin(), r.aliases.end(), "microsoft.devices/iothubs/contoso-hub") == 1);
}

TEST_CASE("provenance: expressions point at the whole string, literals at themselves, parameters at their default") {
  Result res;
  load(res, templ(R"([{ "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub",
      "properties": { "minTlsVersion": "[parameters('tls')]", "ipFilterRules": "[parameters('rules')]",
                      "features": "None", "x": "[createObject('a', 'b')]" } }])",
                  R"({ "tls": { "type": "string", "defaultValue": "1.0" },
                       "rules": { "type": "array", "defaultValue": [ { "ipMask": "0.0.0.0/0" } ] } })"));
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  const eg::Resource& r = res.resources.at(0);
  const Value* tls = r.attributes.at("properties.minTlsVersion");
  CHECK(tls->asString() == "1.0");
  CHECK(res.text(tls->prov) == "\"[parameters('tls')]\"");
  CHECK(res.text(tls->prov, true) == "\"minTlsVersion\"");
  CHECK(res.text(r.attributes.at("properties.features")->prov) == "\"None\"");
  const Value* mask = r.attributes.at("properties.ipFilterRules[0].ipMask");
  CHECK(res.text(mask->prov) == "\"0.0.0.0/0\"");  // inside the parameter's default
  const Value* built = r.attributes.at("properties.x.a");
  CHECK(res.text(built->prov) == "\"[createObject('a', 'b')]\"");  // built values take the expression's range
}

TEST_CASE("parameter files supply values, secure parameters are never read") {
  Result res;
  load(res, templ(R"([{ "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "[parameters('hubName')]",
      "properties": { "minTlsVersion": "[parameters('tls')]", "secret": "[parameters('pwd')]",
                      "kv": "[parameters('fromVault')]", "none": "[parameters('noValue')]" } }])",
                  R"({ "hubName": { "type": "string" }, "tls": { "type": "string", "defaultValue": "1.2" },
                       "pwd": { "type": "secureString", "defaultValue": "hunter2" },
                       "fromVault": { "type": "string" }, "noValue": { "type": "string" } })"),
       R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "hubName": { "value": "from-file" },
    "TLS": { "value": "1.0" },
    "fromVault": { "reference": { "keyVault": { "id": "x" }, "secretName": "s" } }
  }
})");
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  const eg::Resource& r = res.resources.at(0);
  CHECK(r.address == "Microsoft.Devices/IotHubs/from-file");
  const Value* tls = r.attributes.at("properties.minTlsVersion");
  CHECK(tls->asString() == "1.0");  // parameter names are case-insensitive; the file wins over the default
  CHECK(res.text(tls->prov) == "\"[parameters('tls')]\"");
  const Value* secret = r.attributes.at("properties.secret");
  REQUIRE(secret->isUnknown());
  CHECK(secret->unknownReason().find("hunter2") == std::string::npos);
  CHECK(r.attributes.at("properties.kv")->unknownReason().find("Key Vault") != std::string::npos);
  CHECK(r.attributes.at("properties.none")->unknownReason().find("no value") != std::string::npos);
}

TEST_CASE("variables: references between variables, copy loops, property copy, cycles") {
  Result res;
  load(res, templ(R"([{ "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "[variables('name')]",
      "properties": { "ipFilterRules": "[variables('rules')]", "c": "[variables('a')]",
        "copy": [ { "name": "routes", "count": 2, "input": { "name": "[concat('r', copyIndex('routes'))]" } } ] } }])",
                  R"({ "prefix": { "type": "string", "defaultValue": "contoso" } })",
                  R"({ "name": "[concat(parameters('prefix'), variables('suffix'))]", "suffix": "-hub",
                       "a": "[variables('b')]", "b": "[variables('a')]",
                       "copy": [ { "name": "rules", "count": 3,
                                   "input": { "filterName": "[format('rule{0}', copyIndex('rules', 1))]", "action": "Accept" } } ] })"));
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  const eg::Resource& r = res.resources.at(0);
  CHECK(str(r.attributes.get("name")) == "contoso-hub");
  const Value* rules = r.attributes.at("properties.ipFilterRules");
  REQUIRE(rules->isArray());
  REQUIRE(rules->asArray().size() == 3);
  CHECK(str(rules->asArray()[2].get("filterName")) == "rule3");
  CHECK(r.attributes.at("properties.c")->isUnknown());  // a -> b -> a
  const Value* routes = r.attributes.at("properties.routes");
  REQUIRE(routes->isArray());
  CHECK(str(routes->asArray()[1].get("name")) == "r1");
  CHECK(r.attributes.at("properties.copy") == nullptr);
}

TEST_CASE("user-defined functions") {
  Result res;
  std::string t = R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "functions": [ { "namespace": "contoso", "members": {
      "hubName": { "parameters": [ { "name": "base", "type": "string" } ],
                   "output": { "type": "string", "value": "[concat(toLower(parameters('base')), '-hub')]" } } } } ],
  "parameters": { "base": { "type": "string", "defaultValue": "Factory" } },
  "resources": [ { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30",
                   "name": "[contoso.hubName(parameters('base'))]" } ]
})";
  load(res, t);
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  CHECK(str(res.resources.at(0).attributes.get("name")) == "factory-hub");
}

TEST_CASE("nested child resources concatenate type and name, children reference their parent") {
  Result res;
  load(res, templ(R"([{ "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub",
      "resources": [
        { "type": "certificates", "apiVersion": "2023-06-30", "name": "cert1", "properties": {} },
        { "type": "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups", "apiVersion": "2023-06-30",
          "name": "hub/events/cg", "dependsOn": [ "[resourceId('Microsoft.Devices/IotHubs', 'hub')]" ] }
      ] }])"));
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  REQUIRE(res.resources.size() == 3);
  const eg::Resource& cert = res.resources[1];
  CHECK(cert.kind == "Microsoft.Devices/IotHubs/certificates");
  CHECK(str(cert.attributes.get("name")) == "hub/cert1");
  CHECK(str(cert.attributes.get("type")) == "Microsoft.Devices/IotHubs/certificates");
  CHECK(cert.address == "Microsoft.Devices/IotHubs/certificates/hub/cert1");
  CHECK(cert.references == std::vector<std::string>{"microsoft.devices/iothubs/hub"});
  const eg::Resource& cg = res.resources[2];
  CHECK(cg.kind == "Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups");
  CHECK(str(cg.attributes.get("name")) == "hub/events/cg");
  CHECK(cg.references == std::vector<std::string>{"microsoft.devices/iothubs/hub"});
  CHECK(res.resources[0].attributes.get("resources") == nullptr);

  // The graph links them.
  eg::ResourceGraph g;
  for (const auto& r : res.resources) g.add(r);
  eg::linkGraph(g);
  REQUIRE(g.outgoing(1, "reference").size() == 1);
  CHECK(g.outgoing(1, "reference")[0]->to == 0);
  // ... and the child names its parent by its ARM name too.
  REQUIRE(g.outgoing(1, "parent").size() == 1);
  CHECK(g.outgoing(1, "parent")[0]->to == 0);
}

TEST_CASE("languageVersion 2.0: symbolic names, existing resources, symbolic references") {
  Result res;
  load(res, R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "hub": { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "contoso-hub",
             "properties": { "minTlsVersion": "1.2" } },
    "old": { "existing": true, "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "legacy" },
    "dps": { "type": "Microsoft.Devices/provisioningServices", "apiVersion": "2022-12-12", "name": "dps",
             "dependsOn": [ "hub" ],
             "properties": { "iotHubs": [ { "connectionString": "[listKeys('hub', '2023-06-30').value[0].primaryKey]" } ] } }
  }
})");
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  REQUIRE(res.resources.size() == 2);
  const eg::Resource* hub = res.find("hub");
  REQUIRE(hub);
  CHECK(res.text(hub->file, hub->header) == "\"hub\"");
  CHECK(std::count(hub->aliases.begin(), hub->aliases.end(), "hub") == 1);
  const eg::Resource* dps = res.find("dps");
  REQUIRE(dps);
  CHECK(dps->references == std::vector<std::string>{"hub"});
  CHECK(dps->attributes.at("properties.iotHubs[0].connectionString")->isUnknown());
}

TEST_CASE("copy loops emit one representative instance, false conditions none") {
  Result res;
  load(res, templ(R"([
    { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "[concat('hub', copyIndex())]",
      "copy": { "name": "hubs", "count": "[parameters('count')]" }, "properties": { "minTlsVersion": "1.0" } },
    { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "never",
      "copy": { "name": "none", "count": 0 } },
    { "condition": "[equals(parameters('deployDps'), 'yes')]",
      "type": "Microsoft.Devices/provisioningServices", "apiVersion": "2022-12-12", "name": "skipped" },
    { "condition": "[parameters('unknownFlag')]",
      "type": "Microsoft.Devices/provisioningServices", "apiVersion": "2022-12-12", "name": "maybe" }
  ])", R"({ "count": { "type": "int", "defaultValue": 3 }, "deployDps": { "type": "string", "defaultValue": "no" },
           "unknownFlag": { "type": "bool" } })"));
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  REQUIRE(res.declaredResources() == 2);
  const eg::Resource& hubs = res.resources[0];
  CHECK(hubs.address == "resources[0]");
  CHECK(hubs.attributes.get("name")->isUnknown());
  CHECK(hubs.attributes.get("copy") == nullptr);
  CHECK(str(hubs.attributes.at("properties.minTlsVersion")) == "1.0");
  CHECK(res.resources[1].address == "Microsoft.Devices/provisioningServices/maybe");
}

TEST_CASE("nested deployments: inner and outer expression scope") {
  Result res;
  load(res, templ(R"([
    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": { "hubName": { "value": "[concat(parameters('prefix'), '-inner')]" } },
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "parameters": { "hubName": { "type": "string" }, "tls": { "type": "string", "defaultValue": "1.1" } },
          "resources": [ { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30",
                           "name": "[parameters('hubName')]", "properties": { "minTlsVersion": "[parameters('tls')]" } } ]
        } } },
    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "outer",
      "properties": {
        "mode": "Incremental",
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "resources": [ { "type": "Microsoft.Devices/provisioningServices", "apiVersion": "2022-12-12",
                           "name": "[concat(parameters('prefix'), '-dps')]" } ]
        } } }
  ])", R"({ "prefix": { "type": "string", "defaultValue": "contoso" } })"));
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  REQUIRE(res.declaredResources() == 4);
  CHECK(res.resources[0].kind == "Microsoft.Resources/deployments");
  CHECK(res.resources[0].attributes.at("properties.template") == nullptr);
  CHECK(str(res.resources[0].attributes.at("properties.parameters.hubName.value")) == "contoso-inner");
  const eg::Resource* inner = res.ofKind("Microsoft.Devices/IotHubs");
  REQUIRE(inner);
  CHECK(str(inner->attributes.get("name")) == "contoso-inner");
  CHECK(str(inner->attributes.at("properties.minTlsVersion")) == "1.1");
  const eg::Resource* outer = res.ofKind("Microsoft.Devices/provisioningServices");
  REQUIRE(outer);
  CHECK(str(outer->attributes.get("name")) == "contoso-dps");
}

TEST_CASE("errors: invalid JSON and invalid expressions with line:col") {
  {
    Result res;
    load(res, "{\n  \"$schema\": \"x/deploymentTemplate.json#\",\n  \"resources\": [ }\n");
    CHECK(res.errorText() == "3:18: invalid JSON: expected a JSON value, found '}'\n");
  }
  {
    Result res;
    load(res, templ(R"~([{ "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub",
      "properties": { "minTlsVersion": "[concat('a'", "other": "[parameters('x')" } }])~",
                    "{}", R"({ "unused": "[concat('a', ]" })"));
    CHECK(res.errorText() ==
          "5:42: invalid template expression: expected a function call, string or number, found ']'\n"
          "7:40: invalid template expression: it starts with '[' but does not end with ']'\n"
          "7:64: invalid template expression: it starts with '[' but does not end with ']'\n");
    CHECK(res.resources.size() == 1);  // the rest of the template still loads
  }
  {
    Result res;
    load(res, templ(R"([{ "type": "T/x", "name": "[concat('a' 'b')]" }])"));
    CHECK(res.errorText() == "6:55: invalid template expression: expected ',' or ')' in the call to concat, found '''\n");
  }
  {
    // Deep nesting is an error, not a crash.
    Result res;
    load(res, "{\"$schema\":\"deploymentTemplate.json\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
    CHECK(res.errorText().find("deeper than") != std::string::npos);
  }
}

TEST_CASE("metadata is free text and a doubled bracket escapes a literal") {
  Result res;
  load(res, templ(R"([{ "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "[[literal]",
      "properties": {} }])", R"({ "p": { "type": "string", "metadata": { "description": "[fn( described" } } })"));
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  CHECK(str(res.resources.at(0).attributes.get("name")) == "[literal]");
}

TEST_CASE("accepts: templates by schema, parameter files only with their template") {
  eg::arm::ArmFrontEnd fe;
  std::string t = R"({ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#" })";
  CHECK(fe.accepts("a/azuredeploy.json", t));
  CHECK(fe.accepts("a/main.jsonc", t));
  CHECK(fe.accepts("a/sub.json", R"({"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"})"));
  CHECK(fe.accepts("a/mg.json", R"({"$schema": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#"})"));
  CHECK(fe.accepts("a/t.json", R"({"$schema": "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#"})"));
  CHECK_FALSE(fe.accepts("a/azuredeploy.yaml", t));
  CHECK_FALSE(fe.accepts("a/deployment.json", R"({"modulesContent": {"$edgeAgent": {}}})"));
  CHECK_FALSE(fe.accepts("a/package.json", R"({"name": "x"})"));
  // A parameter file without a template beside it (here: none on disk) is not ours.
  CHECK_FALSE(fe.accepts("/nonexistent/main.parameters.json",
                         R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"})"));
}

TEST_CASE("pairing: a template and its parameter file form one unit") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("eg-arm-pair-" + std::to_string(::getpid()));
  fs::create_directories(dir / "single");
  std::string t = R"({ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#" })";
  std::string p = R"({ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#" })";
  auto write = [](const fs::path& f, const std::string& s) { std::ofstream(f, std::ios::binary) << s; };
  write(dir / "azuredeploy.json", t);
  write(dir / "azuredeploy.parameters.json", p);
  write(dir / "other.json", t);
  write(dir / "parameters.json", p);           // two templates here: pairs with none
  write(dir / "main.parameters.json", p);      // main.bicep's, not ours
  write(dir / "single" / "template.json", t);
  write(dir / "single" / "parameters.json", p);  // the only template of its folder
  eg::arm::ArmFrontEnd fe;
  CHECK(fe.accepts(dir / "azuredeploy.parameters.json", p));
  CHECK_FALSE(fe.accepts(dir / "parameters.json", p));
  CHECK_FALSE(fe.accepts(dir / "main.parameters.json", p));
  CHECK(fe.accepts(dir / "single" / "parameters.json", p));
  CHECK(fe.unitKey(dir / "azuredeploy.parameters.json") == fe.unitKey(dir / "azuredeploy.json"));
  CHECK(fe.unitKey(dir / "other.json") != fe.unitKey(dir / "azuredeploy.json"));
  CHECK(fe.unitKey(dir / "single" / "parameters.json") == fe.unitKey(dir / "single" / "template.json"));
  CHECK(fe.companions(dir / "azuredeploy.json") == std::vector<fs::path>{dir / "azuredeploy.parameters.json"});
  CHECK(fe.companions(dir / "azuredeploy.parameters.json") == std::vector<fs::path>{dir / "azuredeploy.json"});
  CHECK(fe.companions(dir / "other.json").empty());
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_CASE("a deployment request body is loaded as the template inside it, with its own parameter values") {
  // {"properties": {"template": ..., "parameters": ...}}: the REST body / `az deployment show`
  // shape (the kics samples use it). Without this the file was accepted and gave no resources.
  Result res;
  load(res, R"({
    "properties": {
      "template": {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": { "tls": { "type": "string", "defaultValue": "1.2" } },
        "resources": [ { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub",
                         "properties": { "minTlsVersion": "[parameters('tls')]" } } ]
      },
      "parameters": { "tls": { "value": "1.0" } }
    }
  })");
  REQUIRE_MESSAGE(res.errors.empty(), res.errorText());
  REQUIRE(res.declaredResources() == 1);
  const eg::Resource& r = res.resources[0];
  CHECK(r.kind == "Microsoft.Devices/IotHubs");
  CHECK(str(r.attributes.get("name")) == "hub");
  CHECK(str(r.attributes.at("properties.minTlsVersion")) == "1.0");
  // The header runs from the resource's opening brace (its first line) through its type.
  std::string header(res.text(r.file, r.header));
  CHECK(header.front() == '{');
  CHECK(header.ends_with("\"type\": \"Microsoft.Devices/IotHubs\""));
  CHECK(r.header.begin == r.body.begin);
}
