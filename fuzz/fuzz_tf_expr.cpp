// The Terraform expression evaluator: the input is one expression (the right-hand side of an
// attribute), evaluated with a few declarations in scope (variables with defaults, locals, a
// resource to reference, count) so references, functions, for-expressions and splats all run.
#include "fuzz/FuzzUtil.h"
#include "parsers/terraform/TerraformFrontEnd.h"

namespace {
const char* kPrelude = R"(variable "s" { default = "a,b" }
variable "n" { default = 3 }
variable "l" { default = ["x", "y"] }
variable "m" { default = { k = "v", n = 1 } }
locals {
  o = { a = [1, 2], b = "c" }
  t = "${var.s}-x"
}
resource "azurerm_iothub" "h" {
  name = "hub"
  count = 2
  min_tls_version = "1.2"
}
resource "test_probe" "p" {
  v = )";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(kPrelude);
  text.append(egfuzz::bytes(data, size));
  text.append("\n}\n");
  eg::terraform::TerraformFrontEnd fe;
  egfuzz::loadAndEvaluate(fe, {{"main.tf", std::move(text)}});
  return 0;
}
