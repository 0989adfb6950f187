// Root outputs as Deployment/output resources, unresolved module calls as Terraform/module
// resources, references through variables and locals, and the mapping features the IoT Hub
// joins rely on (entries, blocks merged into a shared object, merged endpoint resources).
#include "TfTestUtil.h"

using eg::Value;
using tftest::Result;
using tftest::TempTree;

namespace {
bool refersTo(const eg::Resource& r, const std::string& address) {
  return std::find(r.references.begin(), r.references.end(), address) != r.references.end();
}
}  // namespace

TEST_CASE("root outputs are Deployment/output resources with value text, sensitivity and references") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_iothub" "hub" {
  name = "hub"
}
output "key" {
  value = azurerm_iothub.hub.shared_access_policy[0].primary_key
}
output "secret_key" {
  value     = azurerm_iothub.hub.shared_access_policy[0].primary_key
  sensitive = true
}
output "no_value" {
  description = "nothing"
}
)"}});
  INFO(res.errorText());
  const eg::Resource* key = res.find("output.key");
  REQUIRE(key);
  CHECK(key->kind == "Deployment/output");
  CHECK(key->format == "terraform");
  CHECK(key->attributes.at("name")->asString() == "key");
  REQUIRE(key->attributes.at("value"));
  CHECK(key->attributes.at("value")->isUnknown());
  CHECK(res.text(key->attributes.at("value")->prov) == "azurerm_iothub.hub.shared_access_policy[0].primary_key");
  CHECK(res.text(key->attributes.at("value")->prov, true) == "value");
  CHECK_FALSE(key->attributes.at("secure"));
  CHECK(refersTo(*key, "azurerm_iothub.hub"));
  const eg::Resource* secret = res.find("output.secret_key");
  REQUIRE(secret);
  CHECK(secret->attributes.at("secure")->asBool());
  const eg::Resource* none = res.find("output.no_value");
  REQUIRE(none);
  CHECK_FALSE(none->attributes.at("value"));
}

TEST_CASE("only the scanned root's outputs are emitted, not a child module's") {
  TempTree t({{"root/main.tf", "module \"m\" { source = \"./m\" }\noutput \"top\" { value = module.m.inner }\n"},
              {"root/m/main.tf", "output \"inner\" { value = \"x\" }\n"}});
  Result res;
  tftest::run(res, t.root / "root");
  INFO(res.errorText());
  CHECK(res.find("output.top"));
  CHECK_FALSE(res.find("module.m.output.inner"));
}

TEST_CASE("an unresolved module call is a Terraform/module with unknown contents and input references") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_iothub" "hub" {
  name = "hub"
}
module "pe" {
  source                         = "Azure/avm-res-network-privateendpoint/azurerm"
  version                        = "0.2.0"
  private_connection_resource_id = azurerm_iothub.hub.id
}
)"}});
  INFO(res.errorText());
  const eg::Resource* m = res.find("module.pe");
  REQUIRE(m);
  CHECK(m->kind == "Terraform/module");
  CHECK(m->attributes.at("source")->asString() == "Azure/avm-res-network-privateendpoint/azurerm");
  CHECK(m->attributes.at("version")->asString() == "0.2.0");
  REQUIRE(m->attributes.at("contents"));
  CHECK(m->attributes.at("contents")->isUnknown());
  CHECK(m->attributes.at("contents")->unknownReason().find("is not loaded") != std::string::npos);
  CHECK(m->attributes.at("inputs.private_connection_resource_id"));
  CHECK(refersTo(*m, "azurerm_iothub.hub"));
}

TEST_CASE("references through locals and module variables still name the resource") {
  TempTree t({{"root/main.tf", R"(
locals {
  hub_id = azurerm_iothub.hub.id
}
resource "azurerm_iothub" "hub" {
  name = "hub"
}
resource "azurerm_private_endpoint" "direct" {
  name = "pe"
  private_service_connection {
    name                           = "hub"
    private_connection_resource_id = local.hub_id
  }
}
module "pe" {
  source    = "./pe"
  target_id = local.hub_id
}
)"},
              {"root/pe/main.tf", R"(
variable "target_id" {}
resource "azurerm_private_endpoint" "this" {
  name = "pe2"
  private_service_connection {
    name                           = "x"
    private_connection_resource_id = var.target_id
  }
}
)"}});
  Result res;
  tftest::run(res, t.root / "root");
  INFO(res.errorText());
  const eg::Resource* direct = res.find("azurerm_private_endpoint.direct");
  REQUIRE(direct);
  CHECK(direct->kind == "Microsoft.Network/privateEndpoints");
  CHECK(refersTo(*direct, "azurerm_iothub.hub"));
  const eg::Resource* inModule = res.find("module.pe.azurerm_private_endpoint.this");
  REQUIRE(inModule);
  CHECK(refersTo(*inModule, "azurerm_iothub.hub"));
  CHECK(inModule->attributes.at("properties.privateLinkServiceConnections[0].name")->asString() == "x");
}

TEST_CASE("security solution recommendations map to ARM's list of {recommendationType, status}") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_iot_security_solution" "s" {
  name       = "s"
  iothub_ids = [azurerm_iothub.hub.id]
  recommendations_enabled {
    shared_credentials = false
    open_ports         = true
  }
}
resource "azurerm_iothub" "hub" {
  name = "hub"
}
)"}});
  INFO(res.errorText());
  const eg::Resource* s = res.find("azurerm_iot_security_solution.s");
  REQUIRE(s);
  CHECK(s->kind == "Microsoft.Security/iotSecuritySolutions");
  CHECK(refersTo(*s, "azurerm_iothub.hub"));
  const Value* recs = s->attributes.at("properties.recommendationsConfiguration");
  REQUIRE(recs);
  REQUIRE(recs->isArray());
  REQUIRE(recs->asArray().size() == 2);
  // Entries follow the table's order (acr_authentication ... vulnerable_tls_cipher_suite).
  CHECK(recs->asArray()[0].get("recommendationType")->asString() == "IoT_OpenPorts");
  CHECK(recs->asArray()[0].get("status")->asString() == "Enabled");
  CHECK(recs->asArray()[1].get("recommendationType")->asString() == "IoT_SharedCredentials");
  CHECK(recs->asArray()[1].get("status")->asString() == "Disabled");
  CHECK(res.text(recs->asArray()[1].get("status")->prov) == "false");
}

TEST_CASE("file_upload adds to the hub's properties instead of replacing them and endpoint resources merge into the hub") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_iothub" "hub" {
  name                          = "hub"
  min_tls_version               = "1.2"
  public_network_access_enabled = false
  endpoint {
    type              = "AzureIotHub.StorageContainer"
    name              = "archive"
    connection_string = "x"
    container_name    = "c"
  }
  file_upload {
    connection_string   = "y"
    container_name      = "uploads"
    authentication_type = "identityBased"
  }
}
resource "azurerm_iothub_endpoint_servicebus_queue" "q" {
  name                = "alerts"
  iothub_id           = azurerm_iothub.hub.id
  authentication_type = "identityBased"
  endpoint_uri        = "sb://ns.servicebus.windows.net"
}
)"}});
  INFO(res.errorText());
  const eg::Resource* hub = res.find("azurerm_iothub.hub");
  REQUIRE(hub);
  CHECK(hub->attributes.at("properties.minTlsVersion")->asString() == "1.2");
  CHECK(hub->attributes.at("properties.publicNetworkAccess")->asString() == "Disabled");
  CHECK(hub->attributes.at("properties.routing.endpoints.storageContainers[0].name")->asString() == "archive");
  CHECK(hub->attributes.at("properties.storageEndpoints")->get("$default")->get("authenticationType")->asString() ==
        "identityBased");
  CHECK(hub->attributes.at("properties.routing.endpoints.serviceBusQueues[0].name")->asString() == "alerts");
  CHECK_FALSE(res.find("azurerm_iothub_endpoint_servicebus_queue.q"));
}

TEST_CASE("diagnostic settings and private endpoints map with a reference to their target") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
resource "azurerm_iothub" "hub" {
  name = "hub"
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  name                       = "d"
  target_resource_id         = azurerm_iothub.hub.id
  log_analytics_workspace_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w"
  enabled_log {
    category_group = "allLogs"
  }
}
)"}});
  INFO(res.errorText());
  const eg::Resource* d = res.find("azurerm_monitor_diagnostic_setting.d");
  REQUIRE(d);
  CHECK(d->kind == "Microsoft.Insights/diagnosticSettings");
  CHECK(refersTo(*d, "azurerm_iothub.hub"));
  CHECK(d->attributes.at("properties.logs[0].categoryGroup")->asString() == "allLogs");
  CHECK(d->attributes.at("properties.workspaceId")->isString());
}

TEST_CASE("an output whose value comes from a local keeps the local's text") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
locals {
  conn = azurerm_iothub_shared_access_policy.p.primary_connection_string
}
output "conn" {
  value = local.conn
}
)"}});
  INFO(res.errorText());
  const eg::Resource* out = res.find("output.conn");
  REQUIRE(out);
  CHECK(res.text(out->attributes.at("value")->prov) == "azurerm_iothub_shared_access_policy.p.primary_connection_string");
}

TEST_CASE("root variables are Deployment/parameter resources with their type as written and sensitivity") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
variable "conn" {
  type      = string
  sensitive = true
}
variable "tags" {
  type = map(string)
}
variable "plain" {}
)"}});
  INFO(res.errorText());
  const eg::Resource* conn = res.find("var.conn");
  REQUIRE(conn);
  CHECK(conn->kind == "Deployment/parameter");
  CHECK(conn->attributes.at("name")->asString() == "conn");
  CHECK(conn->attributes.at("type")->asString() == "string");
  CHECK(conn->attributes.at("secure")->asBool());
  const eg::Resource* tags = res.find("var.tags");
  REQUIRE(tags);
  CHECK(tags->attributes.at("type")->asString() == "map(string)");
  CHECK_FALSE(tags->attributes.at("secure"));
  const eg::Resource* plain = res.find("var.plain");
  REQUIRE(plain);
  CHECK_FALSE(plain->attributes.at("type"));
}
