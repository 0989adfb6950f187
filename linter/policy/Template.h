// Message templates ("IP rule {{item.filterName}} admits {{item.ipMask | cidr_addresses}}")
// and operand templates ("{{params.min_version}}"): parsed and checked at load time,
// rendered per finding. Private to linter/policy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/graph/ResourceGraph.h"
#include "linter/graph/Value.h"
#include "linter/policy/PathExpr.h"

namespace eg::policy {

enum class TemplateRoot { Params, Resource, Value, Item, Attr, Group, Outlier };

struct TemplateFilter {
  std::string name;  // cidr_addresses, default, lower, upper, count, join, sort, fingerprint
  std::string arg;   // default:"x", join:", "
};

struct TemplateExpr {
  TemplateRoot root = TemplateRoot::Value;
  std::string field;  // params name, resource field, group field
  PathExpr path;      // item / attr
  std::vector<TemplateFilter> filters;
  std::string text;   // as written, for messages
};

struct TemplatePart {
  std::string literal;             // text before the expression (or the whole tail)
  std::optional<TemplateExpr> expr;
};

struct Template {
  std::vector<TemplatePart> parts;
  // True when the whole text is one expression without filters ("{{params.x}}"): operands
  // then take the parameter's typed value instead of its rendering.
  bool singleExpr() const { return parts.size() == 1 && parts[0].literal.empty() && parts[0].expr && parts[0].expr->filters.empty(); }
  bool empty() const { return parts.empty(); }
};

// Which roots a template may use where it appears.
struct TemplateScope {
  const Value* params = nullptr;  // names must exist here
  bool allowItem = false;         // the policy has for_each
  bool allowGroup = false;        // the policy has an aggregate
  bool allowOutlier = false;      // the policy has an aggregate with compare: / outlier:
  bool paramsOnly = false;        // operands: only {{params.x}}
};

// Parses `text`; on failure returns nullopt and sets *error to a user-facing message.
std::optional<Template> parseTemplate(std::string_view text, const TemplateScope& scope, std::string* error);
bool hasTemplate(std::string_view text);

struct GroupInfo {
  size_t size = 0;
  std::string others;  // addresses of the other members, ", "-separated
  // Outlier aggregates: how this member differs from the group majority.
  std::string differences;  // "Privileged: true (majority: false); NetworkMode: host (majority: bridge)"
  std::string keys;         // "Privileged, NetworkMode" (a scalar compare: the compare path)
  std::string majority;     // "Privileged: false; NetworkMode: bridge" (a scalar compare: the value)
};

struct RenderContext {
  const Value* params = nullptr;
  const Resource* resource = nullptr;
  const Value* item = nullptr;       // the for_each element
  std::string_view itemPath;
  const Value* value = nullptr;      // the decisive value
  const GroupInfo* group = nullptr;
};

struct RenderInfo {
  bool unknown = false;            // some expression was unknown
  bool missing = false;            // some expression had no value (and no default)
  Provenance firstProvenance;      // of the first attribute value read
  bool inputUnknown = false;       // some expression read an unknown value (even if `default` replaced it)
};

std::string render(const Template& t, const RenderContext& ctx, RenderInfo* info = nullptr);
// Resolves a single-expression template to its typed value (operands). nullopt if missing.
std::optional<Value> resolveSingle(const Template& t, const RenderContext& ctx);

// Short stable fingerprint of a value for messages, never the value itself: "fp:1a2b3c4d"
// (first 8 hex digits of FNV-1a 64 over the value's display text).
std::string fingerprintOf(const Value& v);

// A value as messages show it: strings unquoted, booleans true/false, lists ", "-joined,
// objects as JSON.
std::string displayValue(const Value& v);

}  // namespace eg::policy
