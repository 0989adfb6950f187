// Template parsing and rendering (see Template.h and policies/README.md, "Templates").
#include "linter/policy/Template.h"

#include <algorithm>
#include <cstdio>

#include "linter/core/Strings.h"
#include "linter/graph/ResourceKinds.h"
#include "linter/policy/Cidr.h"

namespace eg::policy {

namespace {

constexpr std::string_view kFilters[] = {"cidr_addresses", "default", "lower", "upper", "count", "join", "sort", "fingerprint"};
constexpr std::string_view kResourceFields[] = {"address", "name", "kind", "label", "format", "type"};
constexpr std::string_view kGroupFields[] = {"size", "others"};
constexpr std::string_view kOutlierFields[] = {"differences", "keys", "majority"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits "a | b:\"x|y\" | c" on '|' outside quotes.
std::vector<std::string_view> splitPipes(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '|') {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(trim(s.substr(start)));
  return out;
}

std::optional<TemplateExpr> parseExpr(std::string_view text, const TemplateScope& scope, std::string* error) {
  TemplateExpr e;
  e.text = std::string(text);
  std::vector<std::string_view> pieces = splitPipes(text);
  std::string_view head = pieces[0];
  auto fail = [&](std::string msg) -> std::optional<TemplateExpr> {
    *error = "template {{" + std::string(text) + "}}: " + msg;
    return std::nullopt;
  };
  size_t dot = head.find('.');
  std::string_view root = head.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? std::string_view{} : head.substr(dot + 1);
  if (scope.paramsOnly && root != "params") return fail("operands may only use {{params.NAME}}");
  if (root == "params") {
    e.root = TemplateRoot::Params;
    e.field = std::string(rest);
    if (rest.empty()) return fail("expected params.NAME");
    if (!scope.params || !scope.params->get(rest)) return fail("unknown parameter '" + std::string(rest) + "' (declare it under parameters:)");
  } else if (root == "resource") {
    e.root = TemplateRoot::Resource;
    e.field = std::string(rest);
    if (!oneOf(rest, kResourceFields)) return fail("unknown resource field; expected one of " + joined(kResourceFields));
  } else if (root == "value") {
    e.root = TemplateRoot::Value;
    if (!rest.empty() || dot != std::string_view::npos) return fail("{{value}} takes no path");
  } else if (root == "item" || root == "attr") {
    e.root = root == "item" ? TemplateRoot::Item : TemplateRoot::Attr;
    if (e.root == TemplateRoot::Item && !scope.allowItem) return fail("{{item...}} needs for_each");
    std::string perr;
    auto p = parsePath(rest, &perr);
    if (!p || p->root != PathRoot::Current) return fail(p ? "use a path relative to " + std::string(root) : perr);
    e.path = std::move(*p);
  } else if (root == "group") {
    e.root = TemplateRoot::Group;
    e.field = std::string(rest);
    if (!scope.allowGroup) return fail("{{group...}} needs aggregate:");
    if (!oneOf(rest, kGroupFields)) return fail("unknown group field; expected one of " + joined(kGroupFields));
  } else if (root == "outlier") {
    e.root = TemplateRoot::Outlier;
    e.field = std::string(rest);
    if (!scope.allowOutlier) return fail("{{outlier...}} needs aggregate: with compare: and outlier:");
    if (!oneOf(rest, kOutlierFields)) return fail("unknown outlier field; expected one of " + joined(kOutlierFields));
  } else {
    return fail("unknown variable; expected params., resource., value, item., attr., group. or outlier.");
  }
  for (size_t i = 1; i < pieces.size(); ++i) {
    std::string_view f = pieces[i];
    TemplateFilter filter;
    size_t colon = f.find(':');
    filter.name = std::string(trim(f.substr(0, colon)));
    if (colon != std::string_view::npos) {
      std::string_view arg = trim(f.substr(colon + 1));
      if (arg.size() >= 2 && (arg.front() == '"' || arg.front() == '\'') && arg.back() == arg.front()) {
        arg = arg.substr(1, arg.size() - 2);
      }
      filter.arg = std::string(arg);
    } else if (filter.name == "join") {
      filter.arg = ", ";
    }
    if (!oneOf(filter.name, kFilters)) return fail("unknown filter '" + filter.name + "'; expected one of " + joined(kFilters));
    if (filter.name == "default" && colon == std::string_view::npos) return fail("default needs a value: default:\"...\"");
    if (scope.paramsOnly) return fail("operands cannot use filters");
    e.filters.push_back(std::move(filter));
  }
  return e;
}

// A value flowing through the filters: nullopt = missing.
struct Slot {
  std::optional<Value> value;
  bool unknown = false;
};

void notePath(const std::vector<PathMatch>& matches, Slot& slot, RenderInfo* info) {
  if (matches.empty()) return;
  for (const PathMatch& m : matches) {
    if (m.unknown) slot.unknown = true;
  }
  if (info && !info->firstProvenance.valid() && matches[0].value) info->firstProvenance = matches[0].value->prov;
}

Slot fromMatches(const PathExpr& path, std::vector<PathMatch>& matches, RenderInfo* info) {
  Slot s;
  notePath(matches, s, info);
  if (s.unknown) return s;
  if (path.hasWildcard()) {
    Array a;
    for (const PathMatch& m : matches) {
      if (m.value) a.push_back(*m.value);
    }
    s.value = Value(std::move(a));
  } else if (!matches.empty() && matches[0].value) {
    s.value = *matches[0].value;
  }
  return s;
}

Slot resolve(const TemplateExpr& e, const RenderContext& ctx, RenderInfo* info) {
  Slot s;
  switch (e.root) {
    case TemplateRoot::Params:
      if (ctx.params) {
        if (const Value* v = ctx.params->get(e.field)) s.value = *v;
      }
      break;
    case TemplateRoot::Resource: {
      if (!ctx.resource) break;
      const Resource& r = *ctx.resource;
      if (e.field == "address") s.value = Value(r.address);
      else if (e.field == "kind") s.value = Value(r.kind);
      else if (e.field == "label") s.value = Value(kinds::label(r.kind));
      else if (e.field == "format") s.value = Value(r.format);
      else if (e.field == "type") s.value = Value(r.sourceType);
      else {  // name: the ARM name when known, else how the user wrote the resource
        const Value* n = r.attributes.get("name");
        s.value = (n && n->isString()) ? *n : Value(r.address);
      }
      break;
    }
    case TemplateRoot::Value:
      if (ctx.value) {
        s.value = *ctx.value;
        if (ctx.value->isUnknown()) s.unknown = true;
        if (info && !info->firstProvenance.valid()) info->firstProvenance = ctx.value->prov;
      }
      break;
    case TemplateRoot::Item:
    case TemplateRoot::Attr: {
      const Value* base = e.root == TemplateRoot::Item ? ctx.item : (ctx.resource ? &ctx.resource->attributes : nullptr);
      if (!base) break;
      std::vector<PathMatch> matches;
      resolvePath(e.path, *base, e.root == TemplateRoot::Item ? ctx.itemPath : std::string_view{}, matches);
      s = fromMatches(e.path, matches, info);
      break;
    }
    case TemplateRoot::Group:
      if (!ctx.group) break;
      if (e.field == "size") s.value = Value(static_cast<int64_t>(ctx.group->size));
      else s.value = Value(ctx.group->others);
      break;
    case TemplateRoot::Outlier:
      if (!ctx.group) break;
      if (e.field == "differences") s.value = Value(ctx.group->differences);
      else if (e.field == "keys") s.value = Value(ctx.group->keys);
      else s.value = Value(ctx.group->majority);
      break;
  }
  if (s.value && s.value->containsUnknown()) s.unknown = true;
  return s;
}

std::string display(const Value& v) {
  if (v.isBool()) return v.asBool() ? "true" : "false";
  if (v.isArray()) {
    std::string out;
    for (const Value& e : v.asArray()) {
      if (!out.empty()) out += ", ";
      out += display(e);
    }
    return out;
  }
  return v.toDisplay();
}

void applyFilter(const TemplateFilter& f, Slot& s) {
  if (f.name == "default") {
    if (s.unknown || !s.value || s.value->isNull()) {
      s.value = Value(f.arg);
      s.unknown = false;
    }
    return;
  }
  if (f.name == "count") {
    if (s.unknown) return;
    size_t n = 0;
    if (s.value) {
      if (s.value->isArray()) n = s.value->asArray().size();
      else if (s.value->isObject()) n = s.value->asObject().size();
      else if (!s.value->isNull()) n = 1;
    }
    s.value = Value(static_cast<int64_t>(n));
    return;
  }
  if (s.unknown || !s.value) return;
  Value& v = *s.value;
  if (f.name == "lower" || f.name == "upper") {
    auto fold = [&](const Value& x) {
      std::string t = display(x);
      for (char& c : t) {
        if (f.name == "lower" && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (f.name == "upper" && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      return Value(t);
    };
    if (v.isArray()) {  // element by element, so `sort`/`join`/`count` can follow
      Array a;
      for (const Value& e : v.asArray()) a.push_back(fold(e));
      v = Value(std::move(a));
    } else {
      v = fold(v);
    }
  } else if (f.name == "join") {
    if (!v.isArray()) return;
    std::string out;
    for (const Value& e : v.asArray()) {
      if (!out.empty()) out += f.arg;
      out += display(e);
    }
    v = Value(out);
  } else if (f.name == "sort") {
    if (!v.isArray()) return;
    Array a = v.asArray();
    std::stable_sort(a.begin(), a.end(), [](const Value& x, const Value& y) { return display(x) < display(y); });
    v = Value(std::move(a));
  } else if (f.name == "cidr_addresses") {
    auto c = v.isString() ? parseCidr(v.asString()) : std::nullopt;
    if (c) v = Value(cidrAddressCount(*c));
    else s.value.reset();
  } else if (f.name == "fingerprint") {
    v = Value(fingerprintOf(v));
  }
}

}  // namespace

bool hasTemplate(std::string_view text) { return text.find("{{") != std::string_view::npos; }

std::optional<Template> parseTemplate(std::string_view text, const TemplateScope& scope, std::string* error) {
  Template t;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      t.parts.push_back(TemplatePart{std::string(text.substr(pos)), std::nullopt});
      break;
    }
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      *error = "template: '{{' without '}}'";
      return std::nullopt;
    }
    auto e = parseExpr(trim(text.substr(open + 2, close - open - 2)), scope, error);
    if (!e) return std::nullopt;
    t.parts.push_back(TemplatePart{std::string(text.substr(pos, open - pos)), std::move(*e)});
    pos = close + 2;
  }
  return t;
}

std::string render(const Template& t, const RenderContext& ctx, RenderInfo* info) {
  std::string out;
  for (const TemplatePart& p : t.parts) {
    out += p.literal;
    if (!p.expr) continue;
    Slot s = resolve(*p.expr, ctx, info);
    if (s.unknown && info) info->inputUnknown = true;
    for (const TemplateFilter& f : p.expr->filters) applyFilter(f, s);
    if (s.unknown) {
      if (info) info->unknown = true;
      out += "(unknown)";
    } else if (!s.value) {
      if (info) info->missing = true;
      out += "(unknown)";
    } else {
      out += shortened(display(*s.value));  // a quoted value stays readable
    }
  }
  return out;
}

std::optional<Value> resolveSingle(const Template& t, const RenderContext& ctx) {
  if (!t.singleExpr()) return Value(render(t, ctx));
  Slot s = resolve(*t.parts[0].expr, ctx, nullptr);
  return s.value;
}

std::string displayValue(const Value& v) {
  if (v.isObject()) return v.toJson();
  return display(v);
}

std::string fingerprintOf(const Value& v) {
  std::string text = v.isString() ? v.asString() : v.toJson();
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "fp:%08x", static_cast<unsigned>(h >> 32));
  return buf;
}

}  // namespace eg::policy
