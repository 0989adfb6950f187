// Data files compiled into the binary (policies, Terraform mapping tables).
#pragma once

#include <span>
#include <string_view>

namespace eg {

struct EmbeddedFile {
  std::string_view path;  // relative to its source folder, e.g. "EG005-ip-filter-default-allow.yaml"
  std::string_view text;
};

std::span<const EmbeddedFile> embeddedPolicies();           // policies/*.yaml
std::span<const EmbeddedFile> embeddedTerraformMappings();  // parsers/terraform/mappings/*.yaml

}  // namespace eg
