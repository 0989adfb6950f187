// Terraform plan and state JSON (`terraform show -json PLAN` / `terraform show -json`):
// resources with fully resolved values (modules expanded, one resource per count/for_each
// instance), mapped through the same azurerm tables as .tf sources. Values Terraform only
// knows after apply (`after_unknown`) are unknown; values marked sensitive are masked in every
// output. Recognised by a .json name whose first bytes hold "format_version" (and no ARM
// "$schema"). Resources keep their plan address with instance keys (`azurerm_iothub.hub[0]`)
// as `_plan_address`, and the address of their declaration as `_source_address`; the engine
// names the .tf declaration too when it is scanned in the same run.
#pragma once

#include "parsers/FrontEnd.h"

namespace eg::terraform {

class PlanFrontEnd : public FrontEnd {
 public:
  std::string_view format() const override { return "terraform"; }
  std::string_view describe() const override { return "a Terraform plan's JSON"; }
  std::vector<FilePattern> globs() const override { return {{"*.json", "//"}}; }
  bool accepts(const std::filesystem::path& path, std::string_view head) const override;
  void loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) override;
  bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const override;
};

// "module.net.azurerm_iothub.hub[0]" -> "module.net.azurerm_iothub.hub" (instance keys dropped,
// also inside module paths: module.m["a"].x.y -> module.m.x.y).
std::string withoutInstanceKeys(std::string_view address);

}  // namespace eg::terraform
