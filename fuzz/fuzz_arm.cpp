// ARM template front-end over one template: JSON reader with positions, expressions,
// parameters, copy loops, nested deployments, then the policies.
#include "fuzz/FuzzUtil.h"
#include "parsers/arm/ArmFrontEnd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eg::arm::ArmFrontEnd fe;
  egfuzz::loadAndEvaluate(fe, {{"azuredeploy.json", std::string(egfuzz::bytes(data, size))}});
  return 0;
}
