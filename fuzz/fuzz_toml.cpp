// IoT Edge device config: aziot config.toml (toml++ and the provisioning model).
#include "fuzz/FuzzUtil.h"
#include "parsers/edge/EdgeFrontEnd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fes = eg::edge::makeEdgeFrontEnds();
  egfuzz::loadAndEvaluate(*fes.back(), {{"config.toml", std::string(egfuzz::bytes(data, size))}});
  return 0;
}
