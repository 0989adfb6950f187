// Bicep outputs as Deployment/output resources, registry modules as opaque deployments, and
// references through module parameters.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "BicepTestUtil.h"

using biceptest::Result;

namespace {
bool refersTo(const eg::Resource& r, const std::string& address) {
  return std::find(r.references.begin(), r.references.end(), address) != r.references.end();
}
}  // namespace

TEST_CASE("outputs are Deployment/output resources and @secure() and @sys.secure() mark them secure") {
  Result res;
  biceptest::load(res, R"(
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'hub'
  location: 'westeurope'
}
output hubKey string = hub.listKeys().value[0].primaryKey
@secure()
output secretKey string = hub.listKeys().value[0].primaryKey
@sys.secure()
output sysSecret string = 'x'
output name string = hub.name
)");
  INFO(res.errorText());
  const eg::Resource* key = res.find("output.hubKey");
  REQUIRE(key);
  CHECK(key->kind == "Deployment/output");
  CHECK(key->format == "bicep");
  CHECK(res.attr("output.hubKey", "type") == "\"string\"");
  CHECK(res.attr("output.hubKey", "secure") == "false");
  CHECK(res.text(key->attributes.at("value")->prov) == "hub.listKeys().value[0].primaryKey");
  CHECK(refersTo(*key, "hub"));
  CHECK(res.attr("output.secretKey", "secure") == "true");
  CHECK(res.attr("output.sysSecret", "secure") == "true");
  CHECK(res.attr("output.name", "value") == "\"hub\"");
}

TEST_CASE("a registry module is a deployment with an unknown template and references from its params") {
  Result res;
  biceptest::load(res, R"(
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'hub'
  location: 'westeurope'
}
module pe 'br/public:avm/res/network/private-endpoint:0.7.0' = {
  name: 'pe'
  params: {
    privateLinkServiceConnections: [ { name: 'hub', properties: { privateLinkServiceId: hub.id } } ]
  }
}
)");
  INFO(res.errorText());
  // Not restored in the (fixture) module cache: one EG910 note, no error.
  REQUIRE(res.errors.size() == 1);
  CHECK(res.errors[0].code == "EG910");
  CHECK(res.errors[0].notice);
  const eg::Resource* pe = res.find("module.pe");
  REQUIRE(pe);
  CHECK(pe->kind == "Microsoft.Resources/deployments");
  REQUIRE(pe->attributes.at("properties.template"));
  CHECK(pe->attributes.at("properties.template")->isUnknown());
  CHECK(res.attr("module.pe", "properties.templateLink") == "\"br/public:avm/res/network/private-endpoint:0.7.0\"");
  CHECK(refersTo(*pe, "hub"));
}

TEST_CASE("a resource id passed to a local module keeps its reference inside the module") {
  // Modules are read from disk: write both files to a temporary folder.
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("eg-bicep-outputs-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path d;
    ~Cleanup() { std::error_code ec; fs::remove_all(d, ec); }
  } cleanup{dir};
  const std::string mainText = R"(
resource dps 'Microsoft.Devices/provisioningServices@2022-12-12' = {
  name: 'dps'
  location: 'westeurope'
}
module pe 'pe.bicep' = {
  name: 'pe'
  params: {
    targetId: dps.id
    label: 'x'
  }
}
)";
  const std::string peText = R"(
param targetId string
param label string
resource pe 'Microsoft.Network/privateEndpoints@2023-09-01' = {
  name: 'pe-${label}'
  location: 'westeurope'
  properties: {
    privateLinkServiceConnections: [ { name: label, properties: { privateLinkServiceId: targetId } } ]
  }
}
output peName string = pe.name
)";
  std::ofstream(dir / "main.bicep", std::ios::binary) << mainText;
  std::ofstream(dir / "pe.bicep", std::ios::binary) << peText;
  Result res;
  biceptest::load(res, {{(dir / "main.bicep").string(), mainText}});
  INFO(res.errorText());
  const eg::Resource* pe = res.find("module.pe.pe");
  REQUIRE(pe);
  CHECK(refersTo(*pe, "dps"));
  CHECK(res.attr("module.pe.pe", "name") == "\"pe-x\"");
  // Module outputs are emitted too (nested deployments keep them in their history).
  CHECK(res.find("module.pe.output.peName"));
}

TEST_CASE("a diagnostic setting's scope: refers to its target") {
  Result res;
  biceptest::load(res, R"(
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'hub'
  location: 'westeurope'
}
resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: hub
  properties: {
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
  }
}
)");
  const eg::Resource* logs = res.find("logs");
  REQUIRE(logs);
  CHECK(refersTo(*logs, "hub"));
}

TEST_CASE("an output whose value is a variable keeps the variable's text") {
  Result res;
  biceptest::load(res, R"(
var secondaryKey = listKeys(resourceId('Mock.RP/type', 'steve'), '2020-01-01').secondaryKey
output key string = secondaryKey
)");
  INFO(res.errorText());
  const eg::Resource* out = res.find("output.key");
  REQUIRE(out);
  CHECK(res.text(out->attributes.at("value")->prov).find("listKeys(") != std::string::npos);
}

TEST_CASE("params are Deployment/parameter resources and @secure() marks them secure") {
  Result res;
  biceptest::load(res, R"(
@secure()
param conn string
param name string = 'x'
output n string = name
)");
  INFO(res.errorText());
  CHECK(res.attr("param.conn", "secure") == "true");
  CHECK(res.attr("param.conn", "type") == "\"string\"");
  CHECK(res.attr("param.name", "secure") == "false");
  const eg::Resource* p = res.find("param.name");
  REQUIRE(p);
  CHECK(p->kind == "Deployment/parameter");
}
