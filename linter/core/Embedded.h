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
// Each of embeddedPolicies(), in the same order, as the compact form of its YAML document
// without the documentation keys (linter/policy/YamlTree.h; empty when it did not parse).
// Defined in the policy layer (the build writes it with cmake/EmbedPolicyTrees.cpp).
std::span<const EmbeddedFile> embeddedPolicyTrees();

// SHA-256 (hex) of the `sha256sum` listing of each set, in byte order of the paths: what
// `LC_ALL=C sha256sum *.yaml | sha256sum` prints in the source folder. The built-in policy
// pack's version is the first 12 digits of embeddedPoliciesDigest() (`edgeguard version`).
std::string_view embeddedPoliciesDigest();
std::string_view embeddedTerraformMappingsDigest();

}  // namespace eg
