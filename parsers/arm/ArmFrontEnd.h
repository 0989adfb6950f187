// ARM template front-end: `.json`/`.jsonc` files whose `$schema` names a deployment template
// (resource group, subscription, management group or tenant). One unit = one template plus
// its parameter file, paired by name:
//   - `<name>.parameters.json` (or `.jsonc`) beside `<name>.json` gives that template its values;
//   - `parameters.json` pairs with the only ARM template of its folder when no
//     `<name>.parameters.json` exists for that template (several templates: it pairs with none).
// A parameter file (`$schema` ... deploymentParameters.json) is accepted only when it pairs with
// a template, so Bicep's `main.parameters.json` beside `main.bicep` is left to the Bicep front-end.
#pragma once

#include "parsers/FrontEnd.h"

namespace eg::arm {

class ArmFrontEnd : public FrontEnd {
 public:
  std::string_view format() const override { return "arm"; }
  std::string_view describe() const override { return "an ARM template .json"; }
  std::vector<FilePattern> globs() const override { return {{"*.json", "//"}, {"*.jsonc", "//"}}; }
  bool accepts(const std::filesystem::path& path, std::string_view head) const override;
  std::string unitKey(const std::filesystem::path& path) const override;
  std::vector<std::filesystem::path> companions(const std::filesystem::path& path) const override;
  void loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) override;
  bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const override;
  const SourceEditor* editor() const override;

  // Head tests (the first bytes of a file).
  static bool isTemplateHead(std::string_view head);
  static bool isParametersHead(std::string_view head);
  // The template a parameter file belongs to, or empty (reads the heads of sibling files).
  static std::filesystem::path templateOf(const std::filesystem::path& parameterFile);
  // The parameter file of a template, or empty.
  static std::filesystem::path parametersOf(const std::filesystem::path& templateFile);
};

}  // namespace eg::arm
