// Bicep front-end over a .bicepparam file that supplies a small template's parameters.
#include "fuzz/FuzzUtil.h"
#include "parsers/bicep/BicepFrontEnd.h"

namespace {
const char* kTemplate = R"(param name string
param tls string = '1.2'
param ips array = []
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  location: 'westeurope'
  properties: {
    minTlsVersion: tls
    networkRuleSets: { defaultAction: 'Deny', ipRules: ips }
  }
}
)";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eg::bicep::BicepFrontEnd fe;
  egfuzz::loadAndEvaluate(fe, {{"main.bicep", kTemplate}, {"main.bicepparam", std::string(egfuzz::bytes(data, size))}});
  return 0;
}
