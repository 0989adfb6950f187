// Semantics of each leaf operator (see policies/README.md, "Operators").
#include "linter/policy/Operators.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "linter/policy/Policy.h"

namespace eg::policy {

namespace {

struct OpName {
  Op op;
  std::string_view name;
};

constexpr OpName kOps[] = {
    {Op::Equals, "equals"},          {Op::NotEquals, "not_equals"},
    {Op::In, "in"},                  {Op::NotIn, "not_in"},
    {Op::Exists, "exists"},          {Op::Absent, "absent"},
    {Op::Matches, "matches"},        {Op::NotMatches, "not_matches"},
    {Op::Gt, "gt"},                  {Op::Ge, "ge"},
    {Op::Lt, "lt"},                  {Op::Le, "le"},
    {Op::VersionLt, "version_lt"},   {Op::VersionLe, "version_le"},
    {Op::VersionGt, "version_gt"},   {Op::VersionGe, "version_ge"},
    {Op::IsTrue, "is_true"},         {Op::IsFalse, "is_false"},
    {Op::CidrPrefixBelow, "cidr_prefix_below"},
    {Op::CidrContains, "cidr_contains"},
    {Op::CidrWithin, "cidr_within"},
    {Op::ContainsAny, "contains_any"},
    {Op::LengthGt, "length_gt"},     {Op::LengthLt, "length_lt"},
    {Op::LengthEq, "length_eq"},
    {Op::ExpressionMatches, "expression_matches"},
};

Truth fromBool(bool b) { return b ? Truth::True : Truth::False; }

Truth negate(Truth t) {
  if (t == Truth::Unknown) return t;
  return t == Truth::True ? Truth::False : Truth::True;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool containsIgnoreCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (equalsIgnoreCase(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

// Structural equality (Value's operator==) of `v`, which may contain unknowns, with a known
// value: false as soon as the known parts differ (types, sizes, members, known elements).
Truth strictlyEquals(const Value& v, const Value& known) {
  if (v.isUnknown()) return Truth::Unknown;  // it may be any value, `known` included
  if (!v.containsUnknown()) return fromBool(v == known);
  if (v.type() != known.type()) return Truth::False;
  Truth result = Truth::True;
  auto fold = [&](Truth t) {
    if (t == Truth::Unknown) result = Truth::Unknown;
    return t != Truth::False;
  };
  if (v.isArray()) {
    const Array &x = v.asArray(), &y = known.asArray();
    if (x.size() != y.size()) return Truth::False;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!fold(strictlyEquals(x[i], y[i]))) return Truth::False;
    }
    return result;
  }
  const Object& x = v.asObject();
  if (x.size() != known.asObject().size()) return Truth::False;
  for (const Member& m : x) {
    const Value* other = known.get(m.key);
    if (!other || !fold(strictlyEquals(m.value, *other))) return Truth::False;
  }
  return result;
}

// looselyEquals for a `v` that may be or contain unknowns: decided whenever the known part
// of `v` already decides (a list never equals a string, [a, <unknown>] never equals [b, c]).
Truth equalsKnown(const Value& v, const Value& operand, bool caseSensitive) {
  if (v.isUnknown()) return Truth::Unknown;
  if (!v.containsUnknown()) return fromBool(looselyEquals(v, operand, caseSensitive));
  // A list or object with unknowns inside: looselyEquals compares it structurally with a
  // list or object operand and never finds it equal to a scalar.
  return strictlyEquals(v, operand);
}

// `in`: true as soon as one element is equal, false when none can be (an empty list
// included, whatever the value is), unknown only when an unknown could match.
Truth inList(const Value& v, const Operand& o) {
  bool unknown = false;
  for (const Value& e : o.list) {
    Truth t = equalsKnown(v, e, o.caseSensitive);
    if (t == Truth::True) return Truth::True;
    if (t == Truth::Unknown) unknown = true;
  }
  return unknown ? Truth::Unknown : Truth::False;
}

Truth containsAny(const Value& v, const Operand& o) {
  if (o.list.empty()) return Truth::False;  // nothing to contain, whatever the value is
  if (v.isUnknown()) return Truth::Unknown;
  if (v.isString()) {
    for (const Value& e : o.list) {
      if (!e.isString() && !e.isNumber()) continue;
      std::string needle = e.toDisplay();
      bool hit = o.caseSensitive ? v.asString().find(needle) != std::string::npos
                                 : containsIgnoreCase(v.asString(), needle);
      if (hit) return Truth::True;
    }
    return Truth::False;
  }
  if (!v.isArray()) return Truth::False;
  bool unknown = false;
  for (const Value& elem : v.asArray()) {
    for (const Value& e : o.list) {
      Truth t = equalsKnown(elem, e, o.caseSensitive);
      if (t == Truth::True) return Truth::True;
      if (t == Truth::Unknown) unknown = true;
    }
  }
  return unknown ? Truth::Unknown : Truth::False;
}

// An operator applied to a value that is entirely unknown: it may be any value, null
// included. Decided only when no value at all can make the operator hold.
Truth onUnknown(Op op, const Operand& o) {
  switch (op) {
    case Op::In: case Op::ContainsAny: return o.list.empty() ? Truth::False : Truth::Unknown;
    // A prefix is never below 0: a family whose limit is 0 (or absent) never holds.
    case Op::CidrPrefixBelow: return o.ipv4Below <= 0 && o.ipv6Below <= 0 ? Truth::False : Truth::Unknown;
    case Op::CidrContains: case Op::CidrWithin: return o.cidrs.empty() ? Truth::False : Truth::Unknown;
    // A length is a whole number, never negative.
    case Op::LengthLt: return o.number <= 0 ? Truth::False : Truth::Unknown;
    case Op::LengthEq: return o.number < 0 || o.number != std::floor(o.number) ? Truth::False : Truth::Unknown;
    default: return Truth::Unknown;
  }
}

std::optional<size_t> lengthOf(const Value& v) {
  if (v.isString()) return v.asString().size();
  if (v.isArray()) return v.asArray().size();
  if (v.isObject()) return v.asObject().size();
  return std::nullopt;
}

}  // namespace

std::optional<Op> parseOp(std::string_view name) {
  for (const OpName& o : kOps) {
    if (o.name == name) return o.op;
  }
  return std::nullopt;
}

std::string_view opName(Op op) {
  for (const OpName& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "?";
}

const std::vector<std::string_view>& opNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> n;
    for (const OpName& o : kOps) n.push_back(o.name);
    return n;
  }();
  return names;
}

std::optional<std::vector<long>> parseVersion(std::string_view s) {
  s = trimmed(s);
  // Accept a letter prefix ("v1.2", "TLS1_2") but require digits right after it.
  while (!s.empty() && ((s.front() >= 'a' && s.front() <= 'z') || (s.front() >= 'A' && s.front() <= 'Z'))) {
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::vector<long> parts;
  while (true) {
    size_t end = 0;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    if (end == 0 || end > 9) return std::nullopt;
    long n = 0;
    std::from_chars(s.data(), s.data() + end, n);
    parts.push_back(n);
    s.remove_prefix(end);
    if (s.empty()) break;
    if (s.front() != '.' && s.front() != '_') return std::nullopt;
    s.remove_prefix(1);
  }
  return parts;
}

int compareVersions(const std::vector<long>& a, const std::vector<long>& b) {
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    long x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

std::optional<double> numberOf(const Value& v) {
  if (v.isNumber()) return v.asNumber();
  if (!v.isString()) return std::nullopt;
  std::string_view s = trimmed(v.asString());
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return d;
}

std::optional<bool> boolOf(const Value& v) {
  if (v.isBool()) return v.asBool();
  if (!v.isString()) return std::nullopt;
  std::string_view s = trimmed(v.asString());
  if (equalsIgnoreCase(s, "true")) return true;
  if (equalsIgnoreCase(s, "false")) return false;
  return std::nullopt;
}

bool looselyEquals(const Value& v, const Value& operand, bool caseSensitive) {
  switch (operand.type()) {
    case Value::Type::String:
      if (v.isString()) {
        return caseSensitive ? v.asString() == operand.asString() : equalsIgnoreCase(v.asString(), operand.asString());
      }
      if (v.isNumber()) {
        auto n = numberOf(operand);
        return n && *n == v.asNumber();
      }
      if (v.isBool()) {
        auto b = boolOf(operand);
        return b && *b == v.asBool();
      }
      return false;
    case Value::Type::Number: {
      auto n = numberOf(v);
      return n && *n == operand.asNumber();
    }
    case Value::Type::Bool: {
      auto b = boolOf(v);
      return b && *b == operand.asBool();
    }
    case Value::Type::Null: return v.isNull();
    default: return v == operand;
  }
}

Truth searchRegex(const Operand& o, const std::string& s) {
  if (s.size() > kMaxRegexInput) {
    throw EvaluationError("value of " + std::to_string(s.size()) + " characters is too long for matches (limit " +
                          std::to_string(kMaxRegexInput) + ")");
  }
  return fromBool(re2::RE2::PartialMatch(s, *o.regex));
}

// Whether a match of `pattern` found inside a piece of a string is a match in any string that
// contains the piece: no assertion looks at what surrounds it (^ $ \b \B \A \z, outside
// character classes). Conservative: a '^' or '$' anywhere outside a class counts.
bool contextFree(std::string_view pattern) {
  bool inClass = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 >= pattern.size()) return false;
      char n = pattern[++i];
      if (!inClass && (n == 'b' || n == 'B' || n == 'A' || n == 'z' || n == 'Z')) return false;
      continue;
    }
    if (inClass) {
      if (c == ']') inClass = false;
      continue;
    }
    if (c == '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal member of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;
      continue;
    }
    if (c == '^' || c == '$') return false;
  }
  return !inClass;
}

// `matches` on a partially known string (known text around unknown values): it holds when
// the known text alone already contains a match that no surrounding text can undo; anything
// else depends on the unknown pieces.
Truth matchesPartial(const Operand& o, const Value& v) {
  if (!o.regex || !contextFree(o.regex->pattern())) return Truth::Unknown;
  for (const StringPart& p : v.unknownParts()) {
    if (p.known && searchRegex(o, p.text) == Truth::True) return Truth::True;
  }
  return Truth::Unknown;
}

Truth applyOp(Op op, const Operand& o, const Value* v) {
  // Presence operators: `exists` = the member is there (even null); `absent` = missing or null.
  // An unknown may stand for "not set" (a Terraform variable that is null omits its
  // argument), so neither is decided on an unknown.
  if (v && v->isUnknown() && (op == Op::Exists || op == Op::Absent)) return Truth::Unknown;
  if (op == Op::Exists) return fromBool((v != nullptr) == o.flag);
  if (op == Op::Absent) return fromBool((v == nullptr || v->isNull()) == o.flag);
  // Negated operators are the exact negation of their positive form, also on missing values.
  if (op == Op::NotEquals) return negate(applyOp(Op::Equals, o, v));
  if (op == Op::NotIn) return negate(applyOp(Op::In, o, v));
  if (op == Op::NotMatches) return negate(applyOp(Op::Matches, o, v));
  // Every other operator needs a value to compare: missing is simply false, and so is null
  // except for `equals: null` / `in: [null]`.
  if (!v) return Truth::False;
  if (v->isNull() && op != Op::Equals && op != Op::In) return Truth::False;
  if (v->isUnknown() && op == Op::Matches && !v->unknownParts().empty()) return matchesPartial(o, *v);
  if (v->isUnknown()) return onUnknown(op, o);

  switch (op) {
    case Op::Equals: return equalsKnown(*v, o.value, o.caseSensitive);
    case Op::In: return inList(*v, o);
    case Op::Matches: case Op::ExpressionMatches: {
      // expression_matches without the source text (see Evaluator) falls back to the value.
      if (!v->isString() && !v->isNumber() && !v->isBool()) return Truth::False;
      return searchRegex(o, v->isBool() ? (v->asBool() ? "true" : "false") : v->toDisplay());
    }
    case Op::Gt: case Op::Ge: case Op::Lt: case Op::Le: {
      auto n = numberOf(*v);
      if (!n) return Truth::False;
      switch (op) {
        case Op::Gt: return fromBool(*n > o.number);
        case Op::Ge: return fromBool(*n >= o.number);
        case Op::Lt: return fromBool(*n < o.number);
        default: return fromBool(*n <= o.number);
      }
    }
    case Op::VersionLt: case Op::VersionLe: case Op::VersionGt: case Op::VersionGe: {
      if (!v->isString() && !v->isNumber()) return Truth::False;
      auto ver = parseVersion(v->toDisplay());
      if (!ver) return Truth::False;
      int c = compareVersions(*ver, o.version);
      switch (op) {
        case Op::VersionLt: return fromBool(c < 0);
        case Op::VersionLe: return fromBool(c <= 0);
        case Op::VersionGt: return fromBool(c > 0);
        default: return fromBool(c >= 0);
      }
    }
    case Op::IsTrue: case Op::IsFalse: {
      auto b = boolOf(*v);
      if (!b) return o.flag ? Truth::False : Truth::True;
      bool holds = (op == Op::IsTrue) ? *b : !*b;
      return fromBool(holds == o.flag);
    }
    case Op::CidrPrefixBelow: {
      if (!v->isString()) return Truth::False;
      auto c = parseCidr(v->asString());
      if (!c) return Truth::False;
      int limit = c->v6 ? o.ipv6Below : o.ipv4Below;
      return fromBool(limit >= 0 && c->prefix < limit);
    }
    case Op::CidrContains: case Op::CidrWithin: {
      if (!v->isString()) return Truth::False;
      auto c = parseCidr(v->asString());
      if (!c) return Truth::False;
      for (const Cidr& r : o.cidrs) {
        if (op == Op::CidrContains ? cidrContains(*c, r) : cidrContains(r, *c)) return Truth::True;
      }
      return Truth::False;
    }
    case Op::ContainsAny: return containsAny(*v, o);
    case Op::LengthGt: case Op::LengthLt: case Op::LengthEq: {
      auto n = lengthOf(*v);
      if (!n) return Truth::False;
      double len = static_cast<double>(*n);
      if (op == Op::LengthGt) return fromBool(len > o.number);
      if (op == Op::LengthLt) return fromBool(len < o.number);
      return fromBool(len == o.number);
    }
    default: break;
  }
  return Truth::False;
}

}  // namespace eg::policy
