// What policies read of resources' attributes, per resource kind: a batch scan keeps of each
// resource only what the whole-graph policies (aggregates, `related:` joins) will still read
// after its resource-local policies ran, and frees the rest while the scan goes on.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linter/graph/Value.h"
#include "linter/policy/Policy.h"

namespace eg::policy {

// Orders keys ignoring ASCII case, as member lookups do.
struct LessIgnoringCase {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

// A tree of member keys (compared ignoring ASCII case). `elements` stands for every
// element of an array and every member of an object (`[*]`, `[2]`); a `whole` node keeps all
// that is below it.
struct AttributeUse {
  bool whole = false;
  std::map<std::string, AttributeUse, LessIgnoringCase> keys;
  std::unique_ptr<AttributeUse> elements;

  AttributeUse& key(std::string_view k);
  AttributeUse& element();
  // Everything `other` keeps, this keeps too.
  void merge(const AttributeUse& other);
};

class AttributeUses {
 public:
  // What `policies` read, over their subjects' kinds and the kinds their `related:` conditions
  // reach (paths, templates, aggregates, `at:`, fix conditions).
  void addPolicies(const std::vector<const Policy*>& policies);
  // Keeps `key` (a top-level attribute) on resources of every kind.
  void keepEverywhere(std::string_view key);
  // Drops from `attributes` (a resource of `kind`) every member no policy given reads.
  void trim(std::string_view kind, Value& attributes) const;

 private:
  std::map<std::string, AttributeUse, LessIgnoringCase> byKind_;
  AttributeUse everywhere_;
};

}  // namespace eg::policy
