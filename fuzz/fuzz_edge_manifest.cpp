// IoT Edge front-end over one deployment manifest (createOptions in every form, env,
// placeholders, registry credentials), then the cross-file linker and the policies.
#include "fuzz/FuzzUtil.h"
#include "parsers/edge/EdgeFrontEnd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fe = std::move(eg::edge::makeEdgeFrontEnds().front());
  egfuzz::loadAndEvaluate(*fe, {{"deployment.json", std::string(egfuzz::bytes(data, size))}});
  return 0;
}
