// Terraform front-end over one .tf.json file (JSON syntax of Terraform).
#include "fuzz/FuzzUtil.h"
#include "parsers/terraform/TerraformFrontEnd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eg::terraform::TerraformFrontEnd fe;
  egfuzz::loadAndEvaluate(fe, {{"main.tf.json", std::string(egfuzz::bytes(data, size))}});
  return 0;
}
