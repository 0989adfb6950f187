// The closed set of leaf operators of the policy language, their compiled operands, and
// the function that applies one to a known value. Private to linter/policy.
#pragma once

#include <optional>
#include <memory>

#include <re2/re2.h>
#include <string>
#include <string_view>
#include <vector>

#include "linter/graph/Value.h"
#include "linter/policy/Cidr.h"

namespace eg::policy {

enum class Op {
  Equals, NotEquals, In, NotIn, Exists, Absent, Matches, NotMatches,
  Gt, Ge, Lt, Le,
  VersionLt, VersionLe, VersionGt, VersionGe,
  IsTrue, IsFalse,
  CidrPrefixBelow, CidrContains, CidrWithin,
  ContainsAny, LengthGt, LengthLt, LengthEq,
  ExpressionMatches,
};

// Operator spelling <-> enum; nullopt for an unknown name.
std::optional<Op> parseOp(std::string_view name);
std::string_view opName(Op op);
// All operator names, for "expected one of ..." messages.
const std::vector<std::string_view>& opNames();

// A dotted version such as "1.2", "1.2.0", "v1.2" or "TLS1_2" (prefix letters ignored,
// '.' or '_' separators). Missing trailing components are zero, so "1" == "1.0".
std::optional<std::vector<long>> parseVersion(std::string_view s);
int compareVersions(const std::vector<long>& a, const std::vector<long>& b);

// Numbers and numeric strings ("42", " 1.5") as double.
std::optional<double> numberOf(const Value& v);
// Booleans and the strings "true"/"false" (any case).
std::optional<bool> boolOf(const Value& v);

// An operand, fully resolved (parameters substituted) and pre-compiled at load time.
struct Operand {
  Value value;                    // equals / not_equals
  std::vector<Value> list;        // in / not_in / contains_any
  bool flag = true;               // exists / absent / is_true / is_false (false negates)
  double number = 0;              // gt..le, length_*
  std::vector<long> version;      // version_*
  std::shared_ptr<const re2::RE2> regex;  // matches / expression_matches (RE2: linear time)
  std::vector<Cidr> cidrs;        // cidr_contains / cidr_within (any of them)
  int ipv4Below = -1, ipv6Below = -1;  // cidr_prefix_below (-1: family never matches)
  bool caseSensitive = false;
};

// Scalar equality used by equals/in/contains_any: strings ignore ASCII case unless
// caseSensitive; numbers match numeric strings; booleans match "true"/"false".
bool looselyEquals(const Value& v, const Value& operand, bool caseSensitive);

enum class Truth : uint8_t { False, True, Unknown };

// Longest string `matches` accepts; longer values raise EvaluationError (see applyOp). RE2
// runs in time linear in the input, so the limit is only against values of unbounded size.
inline constexpr size_t kMaxRegexInput = size_t{1} << 20;

// Whether o.regex matches somewhere in `s` (a search, not a full match). Throws
// EvaluationError for inputs longer than kMaxRegexInput.
Truth searchRegex(const Operand& o, const std::string& s);

// Applies `op` to `v` (nullptr = missing attribute). `v` may contain unknowns inside a
// composite, or be unknown itself: the result is Unknown only when the unknown parts
// could change it (`in: []` is false whatever the value is).
// Throws EvaluationError when the regex engine fails.
Truth applyOp(Op op, const Operand& operand, const Value* v);

}  // namespace eg::policy
