// Bicep front-end over one .bicep file: lexer, parser with recovery, evaluator, policies.
#include "fuzz/FuzzUtil.h"
#include "parsers/bicep/BicepFrontEnd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eg::bicep::BicepFrontEnd fe;
  egfuzz::loadAndEvaluate(fe, {{"main.bicep", std::string(egfuzz::bytes(data, size))}});
  return 0;
}
