// Attribute paths of the policy language ("properties.ipRules[*].ipMask", "$resource.name"),
// parsed once at load time and resolved against Values during evaluation.
// Private to linter/policy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/graph/Value.h"

namespace eg::policy {

// Where a path starts. Unprefixed paths start at the "current" object: the innermost
// for_each element, `first:` element or related resource, else the resource's attributes.
enum class PathRoot { Current, Resource, Item };

struct PathStep {
  enum class Kind { Key, Index, Wildcard } kind = Kind::Key;
  std::string key;   // Kind::Key
  size_t index = 0;  // Kind::Index
};

struct PathExpr {
  PathRoot root = PathRoot::Current;
  std::vector<PathStep> steps;
  std::string text;  // as written, for messages
  bool hasWildcard() const;
};

// Parses a path; on failure returns nullopt and sets *error to a user-facing message.
std::optional<PathExpr> parsePath(std::string_view text, std::string* error);

// One value a path reached. A path without wildcards yields exactly one match; a wildcard
// yields one match per element (zero for an empty or missing collection).
struct PathMatch {
  const Value* value = nullptr;  // nullptr: the attribute is missing
  std::string path;              // concrete path, e.g. "properties.ipRules[2].ipMask"
  bool unknown = false;          // value (or a container on the way) is unknown; value points at it
  bool complete = true;          // false when an unknown container on the way stopped the walk
  // (incomplete only) a wildcard was left in the unwalked rest of the path: the match stands
  // for any number of values, none included, each missing or of any value.
  bool many = false;
};

// Resolves `steps` from `base`, whose own path is `basePath` ("" for the resource root).
// Member lookup is ASCII case-insensitive (Value::get). `[*]` iterates array elements and
// object member values. An unknown container along the way yields a single unknown match.
void resolvePath(const PathExpr& path, const Value& base, std::string_view basePath,
                 std::vector<PathMatch>& out);

// Appends a step to a concrete path string ("a" + key "b" -> "a.b"; index 2 -> "a[2]").
std::string joinPath(std::string_view base, const PathStep& step, size_t index = 0);

}  // namespace eg::policy
