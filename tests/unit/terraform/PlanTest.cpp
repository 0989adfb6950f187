// Terraform plan/state JSON: recognition, instance addresses, unknown-after-apply values,
// sensitive values masked, provider-version defaults, child resources merged, bad input.
#include <doctest/doctest.h>

#include "parsers/terraform/PlanFrontEnd.h"

using namespace eg;
using eg::terraform::PlanFrontEnd;
using eg::terraform::withoutInstanceKeys;

namespace {

struct Loaded {
  SourceStore store;
  FrontEndOptions options;
  std::vector<Resource> resources;
  std::vector<Error> errors;
  const SourceFile* file = nullptr;
};

std::unique_ptr<Loaded> loadPlan(const std::string& text) {
  auto l = std::make_unique<Loaded>();
  l->file = l->store.add("plan.json", text);
  LoadContext ctx{l->store, l->options};
  PlanFrontEnd().loadUnit({l->file}, ctx);
  l->resources = std::move(ctx.resources);
  l->errors = std::move(ctx.errors);
  return l;
}

const Resource* byAddress(const Loaded& l, std::string_view address) {
  for (const Resource& r : l.resources) {
    if (r.address == address) return &r;
  }
  return nullptr;
}

std::string plan(const std::string& resources, const std::string& changes = "[]", const std::string& constraint = "~> 3.0") {
  return R"({"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {"root_module": {"resources": [)" +
         resources + R"(]}}, "resource_changes": )" + changes +
         R"(, "configuration": {"provider_config": {"azurerm": {"version_constraint": ")" + constraint + R"("}}}})";
}

}  // namespace

TEST_CASE("plan: recognised by format_version in a .json file") {
  PlanFrontEnd fe;
  CHECK(fe.accepts("tfplan.json", R"({"format_version":"1.2","terraform_version":"1.9.8")"));
  CHECK_FALSE(fe.accepts("main.tf.json", R"({"format_version":"1.2")"));
  CHECK_FALSE(fe.accepts("azuredeploy.json", R"({"$schema": "https://schema.management.azure.com/x", "format_version": 1)"));
  CHECK_FALSE(fe.accepts("deployment.json", R"({"modulesContent": {}})"));
}

TEST_CASE("plan: instance keys are dropped for the declaration's address") {
  CHECK(withoutInstanceKeys("azurerm_iothub.hub[0]") == "azurerm_iothub.hub");
  CHECK(withoutInstanceKeys(R"(azurerm_iothub.hub["a[1]"])") == "azurerm_iothub.hub");
  CHECK(withoutInstanceKeys(R"(module.m["x"].module.n[2].azurerm_iothub.hub)") == "module.m.module.n.azurerm_iothub.hub");
  CHECK(withoutInstanceKeys("azurerm_iothub.hub") == "azurerm_iothub.hub");
}

TEST_CASE("plan: values mapped, unknown after apply, sensitive masked") {
  auto l = loadPlan(plan(
      R"({"address": "azurerm_iothub.hub[\"a\"]", "mode": "managed", "type": "azurerm_iothub", "name": "hub",
          "values": {"name": "h1", "min_tls_version": "1.0", "sku": [{"name": "S1", "capacity": 1}],
          "network_rule_set": [{"default_action": "Allow", "ip_rule": []}]}},
         {"address": "azurerm_container_registry.acr", "mode": "managed", "type": "azurerm_container_registry",
          "name": "acr", "values": {"name": "acr1", "admin_enabled": true, "admin_password": "s3cr3t-value"},
          "sensitive_values": {"admin_password": true}},
         {"address": "data.azurerm_client_config.c", "mode": "data", "type": "azurerm_client_config", "name": "c", "values": {}})",
      R"([{"address": "azurerm_iothub.hub[\"a\"]", "change": {"actions": ["create"],
          "after_unknown": {"id": true, "public_network_access_enabled": true, "network_rule_set": [{"ip_rule": []}]}}}])"));
  CHECK(l->errors.empty());
  REQUIRE(l->resources.size() == 2);  // data sources are not resources
  const Resource* hub = byAddress(*l, R"(azurerm_iothub.hub["a"])");
  REQUIRE(hub);
  CHECK(hub->kind == "Microsoft.Devices/IotHubs");
  CHECK(hub->attributes.at("properties.minTlsVersion")->asString() == "1.0");
  CHECK(hub->attributes.at("properties.networkRuleSets.defaultAction")->asString() == "Allow");
  CHECK(hub->attributes.get("_source_address")->asString() == "azurerm_iothub.hub");
  const Value* pna = hub->attributes.at("properties.publicNetworkAccess");
  REQUIRE(pna);
  CHECK(pna->isUnknown());
  CHECK(hub->attributes.at("_terraform.id")->isUnknown());
  // The header is the resource's "address" member in the plan.
  CHECK(l->file->slice(hub->header).rfind("\"address\"", 0) == 0);

  const Resource* acr = byAddress(*l, "azurerm_container_registry.acr");
  REQUIRE(acr);
  CHECK(acr->attributes.at("properties.adminUserEnabled")->asBool());
  const Value* password = acr->attributes.at("_terraform.admin_password");
  REQUIRE(password);
  std::string masked = l->store.masked(l->file->id(), password->prov.value.begin, l->file->slice(password->prov.value));
  CHECK(masked.find("s3cr3t") == std::string::npos);
}

TEST_CASE("plan: provider-version defaults follow configuration.provider_config") {
  std::string hub = R"({"address": "azurerm_iothub.hub", "mode": "managed", "type": "azurerm_iothub", "name": "hub",
                        "values": {"name": "h", "sku": [{"name": "S1", "capacity": 1}]}})";
  auto old = loadPlan(plan(hub, "[]", "~> 3.100"));
  auto current = loadPlan(plan(hub, "[]", ">= 5.0"));
  REQUIRE(old->resources.size() == 1);
  REQUIRE(current->resources.size() == 1);
  CHECK(old->resources[0].attributes.at("properties.minTlsVersion") == nullptr);
  REQUIRE(current->resources[0].attributes.at("properties.minTlsVersion"));
  CHECK(current->resources[0].attributes.at("properties.minTlsVersion")->asString() == "1.2");
}

TEST_CASE("plan: child resources merge into their parent by name") {
  auto l = loadPlan(plan(
      R"({"address": "azurerm_iothub.hub", "mode": "managed", "type": "azurerm_iothub", "name": "hub",
          "values": {"name": "h1", "sku": [{"name": "S1", "capacity": 1}]}},
         {"address": "azurerm_iothub_shared_access_policy.p", "mode": "managed", "type": "azurerm_iothub_shared_access_policy",
          "name": "p", "values": {"name": "dps", "iothub_name": "h1", "registry_read": true, "device_connect": true}})"));
  CHECK(l->errors.empty());
  REQUIRE(l->resources.size() == 1);
  const Value* policies = l->resources[0].attributes.at("properties.authorizationPolicies");
  REQUIRE(policies);
  REQUIRE(policies->isArray());
  CHECK(policies->asArray().size() == 1);
}

TEST_CASE("plan: state JSON (values.root_module) and azapi bodies") {
  auto l = loadPlan(R"({"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"child_modules": [
      {"address": "module.m", "resources": [{"address": "module.m.azapi_resource.hub", "mode": "managed", "type": "azapi_resource",
       "name": "hub", "values": {"type": "Microsoft.Devices/IotHubs@2023-06-30", "name": "h2",
       "body": "{\"properties\": {\"minTlsVersion\": \"1.1\", \"disableLocalAuth\": false}}"}}]}]}}})");
  CHECK(l->errors.empty());
  REQUIRE(l->resources.size() == 1);
  CHECK(l->resources[0].kind == "Microsoft.Devices/IotHubs");
  CHECK(l->resources[0].attributes.at("properties.minTlsVersion")->asString() == "1.1");
}

TEST_CASE("plan: bad input is an error with a position") {
  auto bad = loadPlan(R"({"format_version": "1.2", "planned_values": {)");
  REQUIRE(bad->errors.size() == 1);
  CHECK(bad->errors[0].message.rfind("invalid JSON: ", 0) == 0);
  auto future = loadPlan(R"({"format_version": "2.0", "planned_values": {}})");
  REQUIRE(future->errors.size() == 1);
  CHECK(future->errors[0].message == "unsupported Terraform JSON format_version 2.0 (edgeguard reads 1.x)");
  CHECK(future->file->slice(future->errors[0].range) == "\"2.0\"");
}
