// azurerm -> ARM mapping tables, provider-version defaults, azapi bodies and merges, and the
// exact source text behind mapped values.
#include "TfTestUtil.h"

#include "linter/core/Embedded.h"
#include "parsers/terraform/Mapping.h"

using eg::Value;
using tftest::Result;

namespace {
const eg::Resource& only(const Result& res, std::string_view address) {
  const eg::Resource* r = res.find(address);
  INFO(address);
  INFO(res.errorText());
  REQUIRE(r);
  return *r;
}
}  // namespace

TEST_CASE("mapping tables load without errors") {
  const auto& t = eg::terraform::MappingTables::builtin();
  std::string firstError = t.errors().empty() ? std::string() : t.errors()[0];
  INFO(firstError);
  CHECK(t.errors().empty());
  for (const char* type : {"azurerm_iothub", "azurerm_iothub_dps", "azurerm_iothub_shared_access_policy",
                           "azurerm_container_registry", "azurerm_container_registry_token",
                           "azurerm_container_registry_scope_map", "azurerm_container_registry_webhook"})
    CHECK_MESSAGE(t.find(type), type);
}

TEST_CASE("azurerm_iothub maps to Microsoft.Devices/IotHubs with transforms and exact provenance") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(resource "azurerm_iothub" "hub" {
  name                          = "hub-1"
  location                      = "westeurope"
  min_tls_version               = "1.2"
  public_network_access_enabled = false
  local_authentication_enabled  = true
  event_hub_partition_count     = 4

  sku {
    name     = "S1"
    capacity = 2
  }

  network_rule_set {
    default_action                     = "Deny"
    apply_to_builtin_eventhub_endpoint = true
    ip_rule {
      name    = "office"
      ip_mask = "10.0.0.0/24"
      action  = "Allow"
    }
  }

  endpoint {
    type           = "AzureIotHub.StorageContainer"
    name           = "archive"
    container_name = "raw"
  }

  route {
    name           = "all"
    source         = "DeviceMessages"
    endpoint_names = ["archive"]
    enabled        = true
  }

  identity {
    type = "SystemAssigned"
  }

  shared_access_policy {
    key_name    = "legacy"
    permissions = "RegistryRead"
  }

  unknown_future_argument = "kept raw"
}
)"}});
  const eg::Resource& hub = only(res, "azurerm_iothub.hub");
  CHECK(hub.kind == "Microsoft.Devices/IotHubs");
  CHECK(hub.sourceType == "azurerm_iothub");
  CHECK(hub.format == "terraform");
  CHECK(res.text({hub.file, hub.header, {}}) == "resource \"azurerm_iothub\" \"hub\" {");
  CHECK(hub.aliases == std::vector<std::string>{"hub-1"});
  const Value& a = hub.attributes;
  CHECK(a.get("name")->asString() == "hub-1");
  CHECK(a.at("properties.minTlsVersion")->asString() == "1.2");
  CHECK(a.at("properties.publicNetworkAccess")->asString() == "Disabled");
  CHECK(a.at("properties.disableLocalAuth")->asBool() == false);
  CHECK(a.at("properties.eventHubEndpoints.events.partitionCount")->asNumber() == 4);
  CHECK(a.at("sku")->toJson() == "{\"name\":\"S1\",\"capacity\":2}");
  CHECK(a.at("properties.networkRuleSets")->toJson() ==
        "{\"defaultAction\":\"Deny\",\"applyToBuiltInEventHubEndpoint\":true,"
        "\"ipRules\":[{\"filterName\":\"office\",\"ipMask\":\"10.0.0.0/24\",\"action\":\"Allow\"}]}");
  CHECK(a.at("properties.routing.endpoints.storageContainers[0].containerName")->asString() == "raw");
  CHECK(a.at("properties.routing.routes[0].isEnabled")->asBool());
  CHECK(a.at("identity.type")->asString() == "SystemAssigned");
  CHECK(a.at("properties.authorizationPolicies[0].keyName")->asString() == "legacy");
  // Raw copy of everything, mapped or not.
  CHECK(a.at("_terraform.unknown_future_argument")->asString() == "kept raw");

  // Provenance: value and key text of mapped values.
  const Value* tls = a.at("properties.minTlsVersion");
  CHECK(res.text(tls->prov) == "\"1.2\"");
  CHECK(res.text(tls->prov, true) == "min_tls_version");
  const Value* pna = a.at("properties.publicNetworkAccess");
  CHECK(res.text(pna->prov) == "false");
  CHECK(res.text(pna->prov, true) == "public_network_access_enabled");
  const Value* mask = a.at("properties.networkRuleSets.ipRules[0].ipMask");
  CHECK(res.text(mask->prov) == "\"10.0.0.0/24\"");
  CHECK(res.text(mask->prov, true) == "ip_mask");
  const Value* nrs = a.at("properties.networkRuleSets");
  CHECK(res.text(nrs->prov, true) == "network_rule_set");
  CHECK(res.text(nrs->prov).rfind("network_rule_set {", 0) == 0);
}

TEST_CASE("min_tls_version provider default applies only with a pinned azurerm >= 5.0") {
  auto hubWith = [](const std::string& version) {
    Result res;
    std::string tf;
    if (!version.empty())
      tf = "terraform {\n  required_providers {\n    azurerm = {\n      source  = \"hashicorp/azurerm\"\n      version = \"" +
           version + "\"\n    }\n  }\n}\n";
    tf += "resource \"azurerm_iothub\" \"h\" {\n  name = \"h\"\n}\n";
    tftest::runMemory(res, {{"mem/main.tf", tf}});
    const eg::Resource* r = res.find("azurerm_iothub.h");
    REQUIRE(r);
    const Value* v = r->attributes.at("properties.minTlsVersion");
    std::string out = v ? v->asString() : "<absent>";
    if (v) CHECK(res.text(v->prov) == "resource \"azurerm_iothub\" \"h\" {");  // points at the header
    return out;
  };
  CHECK(hubWith("") == "<absent>");
  CHECK(hubWith(">= 3.0") == "<absent>");
  CHECK(hubWith("~> 4.60") == "<absent>");
  CHECK(hubWith(">= 3.0, < 6.0") == "<absent>");
  CHECK(hubWith("~> 5.0") == "1.2");
  CHECK(hubWith(">= 5.1") == "1.2");
  CHECK(hubWith("5.2.0") == "1.2");
  CHECK(hubWith("= 5.0.1") == "1.2");
}

TEST_CASE("constraint lower bounds") {
  using eg::terraform::constraintLowerBound;
  using eg::terraform::Version;
  CHECK(constraintLowerBound("~> 5.0") == Version{5, 0, 0});
  CHECK(constraintLowerBound(">= 3.0, < 5.0") == Version{3, 0, 0});
  CHECK(constraintLowerBound("4.1.2") == Version{4, 1, 2});
  CHECK_FALSE(constraintLowerBound("< 5.0"));
}

TEST_CASE("azurerm_iothub_dps and azurerm_container_registry") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_iothub_dps" "dps" {
  name                          = "dps-1"
  public_network_access_enabled = true
  sku {
    name     = "S1"
    capacity = 1
  }
  ip_filter_rule {
    name    = "deny-all"
    ip_mask = "0.0.0.0/0"
    action  = "Reject"
    target  = "all"
  }
}
resource "azurerm_container_registry" "acr" {
  name                          = "acr1"
  sku                           = "Premium"
  admin_enabled                 = true
  anonymous_pull_enabled        = false
  public_network_access_enabled = false
  quarantine_policy_enabled     = true
  export_policy_enabled         = false
  retention_policy_in_days      = 7
  trust_policy_enabled          = true
  zone_redundancy_enabled       = true
  data_endpoint_enabled         = true
  network_rule_set {
    default_action = "Deny"
    ip_rule {
      action   = "Allow"
      ip_range = "203.0.113.0/24"
    }
  }
  georeplications {
    location = "northeurope"
  }
  identity {
    type         = "UserAssigned"
    identity_ids = ["/subscriptions/x/id1"]
  }
}
)"}});
  const eg::Resource& dps = only(res, "azurerm_iothub_dps.dps");
  CHECK(dps.kind == "Microsoft.Devices/provisioningServices");
  CHECK(dps.attributes.at("properties.publicNetworkAccess")->asString() == "Enabled");
  CHECK(dps.attributes.at("properties.ipFilterRules")->toJson() ==
        "[{\"filterName\":\"deny-all\",\"ipMask\":\"0.0.0.0/0\",\"action\":\"Reject\",\"target\":\"all\"}]");
  const eg::Resource& acr = only(res, "azurerm_container_registry.acr");
  CHECK(acr.kind == "Microsoft.ContainerRegistry/registries");
  const Value& a = acr.attributes;
  CHECK(a.at("sku.name")->asString() == "Premium");
  CHECK(a.at("properties.adminUserEnabled")->asBool());
  CHECK_FALSE(a.at("properties.anonymousPullEnabled")->asBool());
  CHECK(a.at("properties.publicNetworkAccess")->asString() == "Disabled");
  CHECK(a.at("properties.policies.quarantinePolicy.status")->asString() == "Enabled");
  CHECK(a.at("properties.policies.exportPolicy.status")->asString() == "Disabled");
  CHECK(a.at("properties.policies.retentionPolicy.days")->asNumber() == 7);
  CHECK(a.at("properties.policies.retentionPolicy.status")->asString() == "Enabled");
  CHECK(res.text(a.at("properties.policies.retentionPolicy.status")->prov) == "7");
  CHECK(a.at("properties.policies.trustPolicy.status")->asString() == "Enabled");
  CHECK(a.at("properties.zoneRedundancy")->asString() == "Enabled");
  CHECK(a.at("properties.dataEndpointEnabled")->asBool());
  CHECK(a.at("properties.networkRuleSet.ipRules[0].value")->asString() == "203.0.113.0/24");
  CHECK(a.at("properties.replications[0].location")->asString() == "northeurope");
  CHECK(a.at("identity.userAssignedIdentities")->toJson() == "{\"/subscriptions/x/id1\":{}}");
  CHECK(res.text(a.at("properties.adminUserEnabled")->prov, true) == "admin_enabled");
}

TEST_CASE("one argument feeds several ARM paths, registry tokens, scope maps and webhooks") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_container_registry" "acr" {
  name                                         = "acr1"
  sku                                          = "Premium"
  retention_policy_in_days                     = 0
  azuread_authentication_as_arm_policy_enabled = false
}
resource "azurerm_container_registry" "old" {
  name = "acr2"
  sku  = "Premium"
  retention_policy {
    days    = 7
    enabled = true
  }
}
resource "azurerm_container_registry_scope_map" "pull" {
  name                    = "edge-pull"
  container_registry_name = azurerm_container_registry.acr.name
  actions                 = ["repositories/edge/opc/content/read", "repositories/edge/opc/metadata/read"]
}
resource "azurerm_container_registry_token" "edge" {
  name                    = "edge-devices"
  container_registry_name = azurerm_container_registry.acr.name
  scope_map_id            = azurerm_container_registry_scope_map.pull.id
  enabled                 = false
}
resource "azurerm_container_registry_webhook" "hook" {
  name          = "pushhook"
  registry_name = azurerm_container_registry.acr.name
  service_uri   = "http://hooks.example.com/acr"
  status        = "enabled"
  actions       = ["push"]
}
)"}});
  const Value& a = only(res, "azurerm_container_registry.acr").attributes;
  CHECK(a.at("properties.policies.retentionPolicy.days")->asNumber() == 0);
  CHECK(a.at("properties.policies.retentionPolicy.status")->asString() == "Disabled");
  CHECK(a.at("properties.policies.azureADAuthenticationAsArmPolicy.status")->asString() == "Disabled");
  const Value& old = only(res, "azurerm_container_registry.old").attributes;
  CHECK(old.at("properties.policies.retentionPolicy.status")->asString() == "Enabled");
  CHECK(old.at("properties.policies.retentionPolicy.days")->asNumber() == 7);

  const eg::Resource& map = only(res, "azurerm_container_registry_scope_map.pull");
  CHECK(map.kind == "Microsoft.ContainerRegistry/registries/scopeMaps");
  CHECK(map.attributes.at("properties.actions[1]")->asString() == "repositories/edge/opc/metadata/read");
  const eg::Resource& token = only(res, "azurerm_container_registry_token.edge");
  CHECK(token.kind == "Microsoft.ContainerRegistry/registries/tokens");
  CHECK(token.attributes.at("properties.status")->asString() == "Disabled");
  CHECK(token.attributes.at("properties.scopeMapId")->isUnknown());  // a computed id
  CHECK(std::find(token.references.begin(), token.references.end(), "azurerm_container_registry_scope_map.pull") !=
        token.references.end());
  const eg::Resource& hook = only(res, "azurerm_container_registry_webhook.hook");
  CHECK(hook.kind == "Microsoft.ContainerRegistry/registries/webhooks");
  CHECK(hook.attributes.at("properties.serviceUri")->asString() == "http://hooks.example.com/acr");
  CHECK(hook.attributes.at("properties.actions[0]")->asString() == "push");
}

TEST_CASE("shared access policies merge into their hub's authorizationPolicies") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_iothub" "hub" {
  name = "hub-sap"
}
resource "azurerm_iothub_shared_access_policy" "svc" {
  name                = "svc"
  resource_group_name = "rg"
  iothub_name         = azurerm_iothub.hub.name
  registry_read       = true
  service_connect     = true
}
resource "azurerm_iothub_shared_access_policy" "orphan" {
  name           = "orphan"
  iothub_name    = "elsewhere"
  device_connect = true
}
)"}});
  const eg::Resource& hub = only(res, "azurerm_iothub.hub");
  const Value* p = hub.attributes.at("properties.authorizationPolicies[0]");
  REQUIRE(p);
  CHECK(p->get("keyName")->asString() == "svc");
  CHECK(p->get("rights")->asString() == "RegistryRead, ServiceConnect");
  CHECK(res.text(p->get("keyName")->prov) == "\"svc\"");
  CHECK_FALSE(res.find("azurerm_iothub_shared_access_policy.svc"));
  const eg::Resource& orphan = only(res, "azurerm_iothub_shared_access_policy.orphan");
  CHECK(orphan.kind == "Microsoft.Devices/IotHubs/sharedAccessPolicies");
  CHECK(orphan.attributes.get("rights")->asString() == "DeviceConnect");
}

TEST_CASE("azapi_resource bodies: HCL object, jsonencode, heredoc JSON, azapi_update_resource merges") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(resource "azapi_resource" "obj" {
  type      = "Microsoft.Devices/IotHubs@2023-06-30"
  name      = "hub-obj"
  location  = "westeurope"
  parent_id = "/subscriptions/s/resourceGroups/rg"
  body = {
    properties = { minTlsVersion = "1.2" }
  }
}
resource "azapi_resource" "enc" {
  type = "Microsoft.Devices/provisioningServices@2022-02-05"
  name = "dps-enc"
  body = jsonencode({
    properties = { publicNetworkAccess = "Disabled" }
  })
}
resource "azapi_resource" "doc" {
  type = "Microsoft.ContainerRegistry/registries@2023-07-01"
  name = "acrdoc"
  body = <<JSON
{"properties": {"adminUserEnabled": false}}
JSON
}
resource "azurerm_iothub" "hub" {
  name = "hub-upd"
}
resource "azapi_update_resource" "tls" {
  type        = "Microsoft.Devices/IotHubs@2023-06-30"
  resource_id = azurerm_iothub.hub.id
  body = {
    properties = { minTlsVersion = "1.2" }
  }
}
resource "azapi_update_resource" "on_obj" {
  type        = "Microsoft.Devices/IotHubs@2023-06-30"
  resource_id = azapi_resource.obj.id
  body = jsonencode({ properties = { disableLocalAuth = true } })
}
)"}});
  const eg::Resource& obj = only(res, "azapi_resource.obj");
  CHECK(obj.kind == "Microsoft.Devices/IotHubs");
  CHECK(obj.sourceType == "azapi_resource");
  CHECK(obj.attributes.get("name")->asString() == "hub-obj");
  CHECK(obj.attributes.at("properties.minTlsVersion")->asString() == "1.2");
  CHECK(res.text(obj.attributes.at("properties.minTlsVersion")->prov) == "\"1.2\"");
  CHECK(obj.attributes.at("properties.disableLocalAuth")->asBool());  // merged by on_obj
  const eg::Resource& enc = only(res, "azapi_resource.enc");
  CHECK(enc.kind == "Microsoft.Devices/provisioningServices");
  CHECK(enc.attributes.at("properties.publicNetworkAccess")->asString() == "Disabled");
  CHECK(res.text(enc.attributes.at("properties.publicNetworkAccess")->prov) == "\"Disabled\"");
  const eg::Resource& doc = only(res, "azapi_resource.doc");
  CHECK(doc.kind == "Microsoft.ContainerRegistry/registries");
  CHECK_FALSE(doc.attributes.at("properties.adminUserEnabled")->asBool());
  CHECK(res.text(doc.attributes.at("properties.adminUserEnabled")->prov) == "false");
  const eg::Resource& hub = only(res, "azurerm_iothub.hub");
  CHECK(hub.attributes.at("properties.minTlsVersion")->asString() == "1.2");
  CHECK_FALSE(res.find("azapi_update_resource.tls"));
}

TEST_CASE("policy fixtures load cleanly and map as their policies expect") {
  namespace fs = std::filesystem;
  fs::path base = fs::path(EG_SOURCE_DIR) / "fixtures/policies";
  struct Expect { const char* dir; const char* address; const char* path; const char* value; };
  std::vector<Expect> expects = {
      {"EG004/terraform/bad", "azurerm_iothub.tls10", "properties.minTlsVersion", "\"1.0\""},
      {"EG004/terraform/bad", "azurerm_iothub.tls_absent", "properties.minTlsVersion", "<absent>"},
      {"EG004/terraform/bad", "azapi_resource.tls11", "properties.minTlsVersion", "\"1.1\""},
      {"EG004/terraform/good", "azurerm_iothub.explicit", "properties.minTlsVersion", "\"1.2\""},
      {"EG004/terraform/good", "azurerm_iothub.provider_default", "properties.minTlsVersion", "\"1.2\""},
      {"EG004/terraform/good", "azapi_resource.hub", "properties.minTlsVersion", "\"1.2\""},
      {"EG005/terraform/bad", "azurerm_iothub.allow_default", "properties.networkRuleSets.defaultAction", "\"Allow\""},
      {"EG005/terraform/bad", "azurerm_iothub.no_filter", "properties.networkRuleSets", "<absent>"},
      {"EG005/terraform/bad", "azurerm_iothub_dps.accept_first", "properties.ipFilterRules[0].action", "\"Accept\""},
      {"EG005/terraform/good", "azurerm_iothub.deny_default", "properties.networkRuleSets.ipRules[1].ipMask", "\"203.0.113.0/24\""},
      {"EG005/terraform/good", "azurerm_iothub.private", "properties.publicNetworkAccess", "\"Disabled\""},
      {"EG005/terraform/good", "azurerm_iothub_dps.filtered", "properties.ipFilterRules[1].ipMask", "\"0.0.0.0/0\""},
      {"EG006/terraform/bad", "azurerm_iothub.wide_v4", "properties.networkRuleSets.ipRules[0].ipMask", "\"10.0.0.0/8\""},
      {"EG006/terraform/bad", "azurerm_iothub_dps.wide", "properties.ipFilterRules[1].ipMask", "\"2001:db8::/32\""},
      {"EG006/terraform/good", "azurerm_iothub.narrow", "properties.networkRuleSets.ipRules[0].ipMask", "\"10.20.0.0/16\""},
      {"EG006/terraform/good", "azurerm_iothub_dps.narrow", "properties.ipFilterRules[0].ipMask", "\"198.51.100.0/24\""},
  };
  for (const Expect& e : expects) {
    Result res;
    tftest::run(res, base / e.dir);
    INFO(e.dir << " " << e.address << " " << e.path);
    INFO(res.errorText());
    CHECK(res.errors.empty());
    const eg::Resource* r = res.find(e.address);
    REQUIRE(r);
    const Value* v = r->attributes.at(e.path);
    CHECK((v ? v->toJson() : std::string("<absent>")) == e.value);
  }
}

TEST_CASE("every embedded mapping file holds the table of the type it is named after") {
  // The built-in tables are parsed on first lookup by file name: a file whose table has another
  // type would never be found. errors() parses them all and reports such a file.
  const auto& t = eg::terraform::MappingTables::builtin();
  CHECK(t.find("azurerm_iothub"));
  CHECK_FALSE(t.find("azurerm_resource_group"));
  std::string firstError = t.errors().empty() ? std::string() : t.errors()[0];
  INFO(firstError);
  CHECK(t.errors().empty());
  CHECK(t.size() == eg::embeddedTerraformMappings().size());
}
