// The compiled form of a policy's logic: conditions, for_each, aggregate and message
// cases. Built once by PolicyLoader (paths parsed, regexes compiled, parameters
// substituted), evaluated read-only by Evaluator, so one compiled policy can be shared
// by several threads. Private to linter/policy.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "linter/policy/Operators.h"
#include "linter/policy/PathExpr.h"
#include "linter/policy/Policy.h"
#include "linter/policy/Template.h"

namespace eg::policy {

enum class Quantifier { Any, All, None };
enum class Direction { Out, In, Any };
// Which resources a `related:` condition looks at: those joined by edges, or every resource
// of the kinds in the subject's front-end unit, or in the whole scan.
enum class RelatedScope { Edges, Unit, Scan };

// count_gt / count_ge / count_lt / count_le / count_eq
struct CountTest {
  enum class Cmp { Gt, Ge, Lt, Le, Eq } cmp = Cmp::Gt;
  size_t n = 0;
  bool holds(size_t count) const;
};

struct Condition {
  enum class Kind { All, Any, Not, Leaf, Related, First, KindIs } kind = Kind::All;
  std::vector<Condition> children;  // All / Any; Not has one; First: [where, satisfies]

  // Leaf
  PathExpr path;
  Quantifier quantifier = Quantifier::Any;
  Op op = Op::Equals;
  Operand operand;

  // Related: resources of one of `relatedKinds` reached over edges of kind `via` ("" = any)
  // (or, with another scope, in the same unit / scan); children[0] (optional) is the
  // condition they must satisfy.
  std::vector<std::string> relatedKinds;
  std::string via;
  Direction direction = Direction::Out;
  RelatedScope relatedScope = RelatedScope::Edges;
  std::optional<CountTest> count;  // instead of the quantifier

  // First: `path` (with [*]) lists candidates; children[0] selects, children[1] decides.

  // KindIs: the subject resource's kind is one of these (ASCII case-insensitive).
  std::vector<std::string> kinds;
};

// One named setting of a `compare:` mapping: a path, or a template rendered per member.
struct CompareField {
  std::string name;
  PathExpr path;
  std::optional<Template> tmpl;
};

struct Aggregate {
  enum class Mode { Count, Outlier } mode = Mode::Count;
  PathExpr groupPath;                 // group_by as a path...
  std::optional<Template> groupTemplate;  // ...or as a template over the resource
  CountTest having;                   // Mode::Count
  PathExpr compare;                   // Mode::Outlier: one path...
  std::vector<CompareField> compareFields;  // ...or a mapping of named settings (an object per member)
  std::string compareText;            // how findings name what is compared (detailKey)
};

struct MessageCase {
  std::optional<Condition> when;  // none: always
  Template text;
  // `at:` where a finding this case describes points, when that attribute is present with a
  // location (e.g. the object a missing setting belongs in); otherwise at the witness.
  std::optional<PathExpr> at;
};

struct CheckNode {
  std::optional<Condition> where;
  std::vector<PathExpr> forEach;     // elements of all paths, in order
  std::optional<Condition> violation;
  std::optional<Aggregate> aggregate;
  std::vector<MessageCase> messages;  // first case whose `when` holds
  std::vector<std::optional<Condition>> fixWhen;  // per Policy::fixes entry (none: always)
};

}  // namespace eg::policy
