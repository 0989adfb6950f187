// Terraform front-end over one .tf file: tree-sitter HCL, the module model, the evaluator,
// the azurerm mapping tables, then the built-in policies.
#include "fuzz/FuzzUtil.h"
#include "parsers/terraform/TerraformFrontEnd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eg::terraform::TerraformFrontEnd fe;
  egfuzz::loadAndEvaluate(fe, {{"main.tf", std::string(egfuzz::bytes(data, size))}});
  return 0;
}
