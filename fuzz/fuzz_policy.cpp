// The policy loader (YAML -> validated, compiled Policy) and, when the policy loads, its
// evaluation over a small graph of IoT Hub, DPS, registry and IoT Edge resources.
#include "fuzz/FuzzUtil.h"
#include "linter/engine/Linker.h"
#include "linter/policy/PolicyLoader.h"
#include "parsers/arm/ArmFrontEnd.h"
#include "parsers/edge/EdgeFrontEnd.h"

namespace {
const char* kTemplate = R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0",
 "resources": [
  {"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub", "location": "westeurope",
   "sku": {"name": "S1", "capacity": 1},
   "properties": {"minTlsVersion": "1.0", "publicNetworkAccess": "Enabled",
     "networkRuleSets": {"defaultAction": "Allow", "ipRules": [{"filterName": "all", "action": "Allow", "ipMask": "0.0.0.0/0"}]},
     "authorizationPolicies": [{"keyName": "iothubowner", "rights": "RegistryWrite, ServiceConnect"}]}},
  {"type": "Microsoft.Devices/provisioningServices", "apiVersion": "2022-02-05", "name": "dps", "location": "westeurope",
   "properties": {"iotHubs": [{"connectionString": "[concat('HostName=hub;SharedAccessKey=', 'x')]", "location": "westeurope"}]}},
  {"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "acr", "location": "westeurope",
   "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": true, "anonymousPullEnabled": true}}
 ]})";
const char* kManifest = R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
  "runtime": {"type": "docker", "settings": {"registryCredentials": {"acr": {"address": "acr.azurecr.io", "username": "acr", "password": "$PW"}}}},
  "systemModules": {"edgeHub": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
  "modules": {"m": {"type": "docker", "restartPolicy": "always", "settings": {"image": "acr.azurecr.io/m:latest",
    "createOptions": "{\"HostConfig\": {\"Privileged\": true, \"PortBindings\": {\"80/tcp\": [{\"HostPort\": \"80\"}]}}}"}}}}}}})";

struct Fixture {
  eg::SourceStore store;
  eg::FrontEndOptions options;
  eg::ResourceGraph graph;
  Fixture() {
    eg::arm::ArmFrontEnd arm;
    auto edge = std::move(eg::edge::makeEdgeFrontEnds().front());
    eg::LoadContext ctx{store, options};
    arm.loadUnit({store.add("azuredeploy.json", kTemplate)}, ctx);
    edge->loadUnit({store.add("deployment.json", kManifest)}, ctx);
    for (eg::Resource& r : ctx.resources) graph.add(std::move(r));
    eg::linkGraph(graph);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = new Fixture;
  std::vector<eg::Error> errors;
  std::shared_ptr<eg::policy::Policy> p =
      eg::policy::loadPolicy(egfuzz::bytes(data, size), "fuzz.yaml", false, errors);
  if (!p) {
    if (errors.empty()) __builtin_trap();  // a rejected policy always says why
    return 0;
  }
  eg::policy::EvalOptions options;
  options.includeUnknown = true;
  (void)eg::policy::evaluate(*p, fixture->graph, options);
  return 0;
}
