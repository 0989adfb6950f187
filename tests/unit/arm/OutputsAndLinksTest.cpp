// ARM outputs as Deployment/output resources, linked templates with an unknown template, and
// extension resources whose `scope` names their target.
#include "linter/engine/Linker.h"
#include "ArmTestUtil.h"
#include <algorithm>

#include "linter/graph/ResourceGraph.h"

using armtest::Result;

namespace {
bool refersTo(const eg::Resource& r, const std::string& ref) {
  return std::find(r.references.begin(), r.references.end(), ref) != r.references.end();
}
}  // namespace

TEST_CASE("outputs are Deployment/output resources and secureString and secureObject are secure") {
  Result res;
  std::string t = R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [],
  "outputs": {
    "hubKey": { "type": "string", "value": "[listKeys(resourceId('Microsoft.Devices/IotHubs', 'hub'), '2023-06-30').value[0].primaryKey]" },
    "hubKeys": { "type": "secureObject", "value": "[listKeys(resourceId('Microsoft.Devices/IotHubs', 'hub'), '2023-06-30')]" },
    "name": { "type": "String", "value": "hub" }
  }
})";
  armtest::load(res, t);
  INFO(res.errorText());
  const eg::Resource* key = res.find("outputs.hubKey");
  REQUIRE(key);
  CHECK(key->kind == "Deployment/output");
  CHECK(key->format == "arm");
  CHECK(key->attributes.at("secure")->asBool() == false);
  CHECK(res.text(key->attributes.at("value")->prov).find("listKeys(resourceId(") != std::string::npos);
  CHECK(refersTo(*key, "microsoft.devices/iothubs/hub"));
  CHECK(res.text(key->file, key->header) == "\"hubKey\"");
  const eg::Resource* keys = res.find("outputs.hubKeys");
  REQUIRE(keys);
  CHECK(keys->attributes.at("secure")->asBool());
  const eg::Resource* name = res.find("outputs.name");
  REQUIRE(name);
  CHECK(name->attributes.at("value")->asString() == "hub");
}

TEST_CASE("a linked template's deployment has an unknown template") {
  Result res;
  armtest::load(res, armtest::templ(R"([
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "linked",
      "properties": {
        "mode": "Incremental",
        "templateLink": { "uri": "https://example.com/t.json" },
        "parameters": { "id": { "value": "[resourceId('Microsoft.Devices/IotHubs', 'hub')]" } }
      }
    },
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "inline",
      "properties": { "mode": "Incremental", "template": { "resources": [] } }
    }
  ])"));
  INFO(res.errorText());
  const eg::Resource* linked = res.ofKind("Microsoft.Resources/deployments", 0);
  REQUIRE(linked);
  REQUIRE(linked->attributes.at("properties.template"));
  CHECK(linked->attributes.at("properties.template")->isUnknown());
  CHECK(refersTo(*linked, "microsoft.devices/iothubs/hub"));
  const eg::Resource* inl = res.ofKind("Microsoft.Resources/deployments", 1);
  REQUIRE(inl);
  CHECK_FALSE(inl->attributes.at("properties.template"));
}

TEST_CASE("an extension resource's scope refers to its target") {
  Result res;
  armtest::load(res, armtest::templ(R"([
    {
      "type": "Microsoft.Insights/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "name": "logs",
      "scope": "[format('Microsoft.Devices/IotHubs/{0}', 'hub')]",
      "properties": {}
    }
  ])"));
  INFO(res.errorText());
  const eg::Resource* d = res.ofKind("Microsoft.Insights/diagnosticSettings");
  REQUIRE(d);
  CHECK(refersTo(*d, "microsoft.devices/iothubs/hub"));
}

TEST_CASE("a resourceId whose name is not known links to the resources of that type whose name is not known") {
  Result res;
  armtest::load(res, armtest::templ(R"([
    { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "[parameters('name')]", "location": "westeurope" },
    { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "known-hub", "location": "westeurope" },
    {
      "type": "Microsoft.Insights/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "name": "logs",
      "scope": "[resourceId('Microsoft.Devices/IotHubs', parameters('name'))]",
      "properties": {}
    },
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "pe",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": { "target": { "value": "[resourceId('Microsoft.Devices/IotHubs', 'known-hub')]" } },
        "template": {
          "parameters": { "target": { "type": "string" } },
          "resources": [
            { "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-09-01", "name": "pe", "location": "westeurope",
              "properties": { "privateLinkServiceConnections": [ { "name": "x", "properties": { "privateLinkServiceId": "[parameters('target')]" } } ] } }
          ]
        }
      }
    }
  ])", R"({ "name": { "type": "string" } })"));
  INFO(res.errorText());
  eg::ResourceGraph g;
  for (eg::Resource& r : res.resources) g.add(r);
  eg::linkGraph(g);
  const auto& rs = g.resources();
  auto idOf = [&](std::string_view kind, size_t nth = 0) -> eg::ResourceId {
    for (const auto& r : rs) if (eg::equalsIgnoreCase(r.kind, kind) && nth-- == 0) return r.id;
    FAIL("no resource of kind " << kind);
    return 0;
  };
  eg::ResourceId unnamedHub = idOf("Microsoft.Devices/IotHubs", 0);
  eg::ResourceId knownHub = idOf("Microsoft.Devices/IotHubs", 1);
  eg::ResourceId logs = idOf("Microsoft.Insights/diagnosticSettings");
  eg::ResourceId pe = idOf("Microsoft.Network/privateEndpoints");
  auto linked = [&](eg::ResourceId from, eg::ResourceId to) {
    for (const eg::Edge* e : g.outgoing(from)) if (e->to == to) return true;
    return false;
  };
  CHECK(linked(logs, unnamedHub));
  CHECK_FALSE(linked(logs, knownHub));
  // The inner template's parameter carries the reference of the value passed in.
  CHECK(linked(pe, knownHub));
}

TEST_CASE("parameters are Deployment/parameter resources and secure types are secure") {
  Result res;
  armtest::load(res, armtest::templ("[]", R"({ "conn": { "type": "secureString" }, "plain": { "type": "string" } })"));
  INFO(res.errorText());
  const eg::Resource* conn = res.find("parameters.conn");
  REQUIRE(conn);
  CHECK(conn->kind == "Deployment/parameter");
  CHECK(conn->attributes.at("secure")->asBool());
  CHECK(res.text(conn->file, conn->header) == "\"conn\"");
  const eg::Resource* plain = res.find("parameters.plain");
  REQUIRE(plain);
  CHECK_FALSE(plain->attributes.at("secure")->asBool());
  CHECK(plain->attributes.at("type")->asString() == "string");
}
