#include "parsers/FrontEnd.h"
#include "parsers/arm/ArmFrontEnd.h"
#include "parsers/terraform/TerraformFrontEnd.h"

namespace eg {

std::vector<std::unique_ptr<FrontEnd>> makeFrontEnds() {
  std::vector<std::unique_ptr<FrontEnd>> out;
  out.push_back(std::make_unique<terraform::TerraformFrontEnd>());
  out.push_back(std::make_unique<arm::ArmFrontEnd>());
  return out;
}

}  // namespace eg
