#include "parsers/FrontEnd.h"

#include "linter/core/Glob.h"
#include "parsers/arm/ArmFrontEnd.h"
#include "parsers/bicep/BicepFrontEnd.h"
#include "parsers/edge/EdgeFrontEnd.h"
#include "parsers/terraform/PlanFrontEnd.h"
#include "parsers/terraform/TerraformFrontEnd.h"

namespace eg {

std::vector<std::unique_ptr<FrontEnd>> makeFrontEnds() {
  std::vector<std::unique_ptr<FrontEnd>> out;
  out.push_back(std::make_unique<terraform::TerraformFrontEnd>());
  out.push_back(std::make_unique<terraform::PlanFrontEnd>());  // before ARM: both read .json
  out.push_back(std::make_unique<arm::ArmFrontEnd>());
  out.push_back(std::make_unique<bicep::BicepFrontEnd>());
  for (auto& fe : edge::makeEdgeFrontEnds()) out.push_back(std::move(fe));  // manifests (edge), device configs (aziot)
  return out;
}

std::string describeFileKinds(const std::vector<std::unique_ptr<FrontEnd>>& frontEnds, std::string_view conjunction) {
  std::string out;
  for (size_t i = 0; i < frontEnds.size(); ++i) {
    bool last = i > 0 && i + 1 == frontEnds.size();
    if (i > 0) out += frontEnds.size() > 2 ? ", " : " ";
    if (last) out.append(conjunction).append(" ");
    out.append(frontEnds[i]->describe());
  }
  return out;
}

namespace {

// Front-ends used only for what they say about themselves (globs, descriptions) and for their
// editors (loadUnit is never called on them).
const std::vector<std::unique_ptr<FrontEnd>>& builtinFrontEnds() {
  static const std::vector<std::unique_ptr<FrontEnd>> frontEnds = makeFrontEnds();
  return frontEnds;
}

}  // namespace

std::string describeFileKinds() { return describeFileKinds(builtinFrontEnds()); }

std::vector<FilePattern> fileGlobs() {
  std::vector<FilePattern> out;
  for (const auto& fe : builtinFrontEnds()) {
    for (const FilePattern& p : fe->globs()) {
      bool seen = false;
      for (const FilePattern& q : out) seen = seen || q.glob == p.glob;
      if (!seen) out.push_back(p);
    }
  }
  return out;
}

std::string editorGlob(std::string_view glob) { return "**/" + std::string(glob); }

std::optional<FilePattern> filePatternFor(const std::filesystem::path& path) {
  std::string p = path.generic_string();
  for (const FilePattern& f : fileGlobs()) {
    if (globMatch(editorGlob(f.glob), p)) return f;
  }
  return std::nullopt;
}

std::string_view lineCommentFor(const std::filesystem::path& path) {
  std::optional<FilePattern> f = filePatternFor(path);
  return f ? f->lineComment : std::string_view();
}

const SourceEditor* sourceEditor(std::string_view format) {
  for (const auto& fe : builtinFrontEnds()) {
    if (fe->format() == format && fe->editor()) return fe->editor();
  }
  return nullptr;
}

}  // namespace eg
