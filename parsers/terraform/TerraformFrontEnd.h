// Terraform front-end: .tf (tree-sitter HCL) and .tf.json, one directory = one module.
// Evaluates variables/locals/expressions statically and maps azurerm_* resources to the ARM
// shape through the declarative tables in parsers/terraform/mappings/; azapi_resource bodies
// are already ARM-shaped.
#pragma once

#include "parsers/FrontEnd.h"

namespace eg::terraform {

class TerraformFrontEnd : public FrontEnd {
 public:
  std::string_view format() const override { return "terraform"; }
  std::string_view describe() const override { return "Terraform .tf/.tf.json/.tfvars"; }
  std::vector<FilePattern> globs() const override {
    return {{"*.tf", "#", true, true}, {"*.tf.json", "//", true}, {"*.tfvars", "#", true, true}, {"*.tfvars.json", "//", true}};
  }
  bool accepts(const std::filesystem::path& path, std::string_view head) const override;
  std::string unitKey(const std::filesystem::path& path) const override;
  std::vector<std::filesystem::path> companions(const std::filesystem::path& path) const override;
  void loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) override;
  std::unique_ptr<KeptState> makeKeptState() const override;
  bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const override;
  const SourceEditor* editor() const override;
};

}  // namespace eg::terraform
