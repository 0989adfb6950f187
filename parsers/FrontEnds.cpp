#include "parsers/FrontEnd.h"
#include "parsers/arm/ArmFrontEnd.h"
#include "parsers/bicep/BicepFrontEnd.h"
#include "parsers/edge/EdgeFrontEnd.h"
#include "parsers/terraform/PlanFrontEnd.h"
#include "parsers/terraform/SyntaxTrees.h"
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

void keepSyntaxTreesFor(std::vector<std::string> canonicalPaths) {
  terraform::keepSyntaxTreesFor(std::move(canonicalPaths));
}

}  // namespace eg
