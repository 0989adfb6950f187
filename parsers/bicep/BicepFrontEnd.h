// Bicep front-end: `.bicep` templates, `.bicepparam` parameter files and ARM-style
// `<name>.parameters.json` beside `<name>.bicep`. One unit = one folder: every `.bicepparam`
// supplies values to the template its `using` names (one evaluation per parameter file); a
// template no parameter file names is evaluated with `<name>.parameters.json` when present,
// else with its defaults. Local modules are followed (see BicepEvaluator.h); a template of the
// folder that another template of the folder calls as a module is evaluated only through that call.
#pragma once

#include "parsers/FrontEnd.h"

namespace eg::bicep {

class BicepFrontEnd : public FrontEnd {
 public:
  std::string_view format() const override { return "bicep"; }
  std::string_view describe() const override { return "Bicep .bicep/.bicepparam"; }
  std::vector<FilePattern> globs() const override {
    return {{"*.bicep", "//", true, true}, {"*.bicepparam", "//", true, true}, {"*.parameters.json", "//"}};
  }
  bool accepts(const std::filesystem::path& path, std::string_view head) const override;
  std::string unitKey(const std::filesystem::path& path) const override;
  std::vector<std::filesystem::path> companions(const std::filesystem::path& path) const override;
  void loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) override;
  bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const override;
  const SourceEditor* editor() const override;
};

}  // namespace eg::bicep
