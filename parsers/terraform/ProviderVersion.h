// Provider version constraints: enough of Terraform's version-constraint syntax to find the
// lowest version a `required_providers` constraint admits (mapping-table defaults depend on it).
#pragma once

#include <compare>
#include <optional>
#include <string_view>

namespace eg::terraform {

struct Version {
  int major = 0, minor = 0, patch = 0;
  friend auto operator<=>(const Version&, const Version&) = default;
};
std::optional<Version> parseVersion(std::string_view s);
// Lowest version a constraint string admits ("~> 5.0" -> 5.0.0, ">= 3.0, < 5" -> 3.0.0);
// nullopt when it has no lower bound ("< 5.0").
std::optional<Version> constraintLowerBound(std::string_view constraint);

}  // namespace eg::terraform
