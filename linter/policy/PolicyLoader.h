// Turns one policy file's YAML text into a validated, compiled Policy. Every problem is a
// load error with the file's 1-based line and column (code EG904). Private to linter/policy;
// PolicyCatalog is its client.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/policy/Policy.h"
#include "linter/policy/YamlTree.h"

namespace eg::policy {

// Bounds on the YAML walk: yaml-cpp shares aliased nodes, so a small file with nested
// aliases ("billion laughs") would otherwise expand into billions of visits.
inline constexpr int kMaxYamlDepth = 64;
inline constexpr size_t kMaxYamlNodes = 100000;

// Loads and compiles one policy. On failure returns nullptr and appends one error.
// Without `documentation` the top-level documentation keys (description, rationale,
// remediation, references, peers, examples) are blanked out before the YAML is parsed: they
// are three quarters of the built-in pack's text and a scan never reads them. Such a policy
// has Policy::documented == false and empty documentation fields.
std::shared_ptr<Policy> loadPolicy(std::string_view text, const std::string& path, bool builtin,
                                   std::vector<Error>& errors, bool documentation = true);

// The same from a parsed document (the built-in pack's trees, embedded by the build without
// their documentation: then `documentation` is false).
std::shared_ptr<Policy> loadPolicy(const YamlNode& root, const std::string& path, bool builtin,
                                   std::vector<Error>& errors, bool documentation);

// `text` with the lines of the top-level documentation keys' blocks replaced by empty lines
// (so every line and column of what is left stays where it was).
std::string withoutDocumentation(std::string_view text);

// Recompiles `policy` with new parameter values (same names). Returns false and leaves the
// policy unchanged when the new values do not compile (e.g. a string where a number is needed).
bool recompilePolicy(Policy& policy, const Value& parameters, std::string* error);

// Where the policy's `id:` was written (for catalog-level errors such as duplicate ids).
struct PolicyOrigin {
  uint32_t line = 0, column = 0;
};
PolicyOrigin originOf(const Policy& policy);

}  // namespace eg::policy
