#include "parsers/FrontEnd.h"
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

namespace {

// One instance of each built-in front-end for their editors (loadUnit is never called on them).
const std::vector<std::unique_ptr<FrontEnd>>& registry() {
  static const std::vector<std::unique_ptr<FrontEnd>> frontEnds = makeFrontEnds();
  return frontEnds;
}

}  // namespace

const SourceEditor* sourceEditor(std::string_view format) {
  for (const auto& fe : registry()) {
    if (fe->format() == format && fe->editor()) return fe->editor();
  }
  return nullptr;
}

std::optional<CommentSyntax> commentSyntax(std::string_view path) {
  for (const auto& fe : registry()) {
    if (const SourceEditor* e = fe->editor()) {
      if (std::optional<CommentSyntax> c = e->commentSyntax(path)) return c;
    }
  }
  return std::nullopt;
}

}  // namespace eg
