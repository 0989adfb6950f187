// Static evaluation of HCL expressions over tree-sitter nodes (and .tf.json values).
//
// Shape of the tree-sitter HCL grammar that this code relies on: `_expr_term` is hidden, so
// an `expression` node (and each operand of an operation) is a flat sequence of children:
// one primary (literal_value, template_expr, collection_value, variable_expr, function_call,
// for_expr, operation, or "(" expression ")") followed by postfix get_attr/index/splat nodes.
// Comments may appear as children anywhere and are skipped.
//
// Anything that cannot be known statically evaluates to Unknown with a reason; evaluation
// never fails. Recursion goes through EvalDepth (linter/core/Budget.h) in node() and json(), so
// hostile nesting or a reference chain as long as the input (local -> local -> ...: each hop is
// a new Evaluator, but the depth belongs to the thread) cannot overflow the stack.
#include <cmath>
#include <cstdlib>

#include "parsers/terraform/TerraformModule.h"
#include "linter/core/Budget.h"

namespace eg::terraform {
namespace {

constexpr int kMaxBlockDepth = 200;
constexpr size_t kMaxDynamicInstances = 10000;  // blocks one resource's dynamic blocks may expand to

bool isComment(TSNode n) { return nodeType(n) == "comment"; }

Value tooDeep(FileId file, ByteRange at) {
  noteTooDeep(file, at);
  Value v = Value::unknown("nested or chained deeper than " + std::to_string(kMaxEvalDepth) + " levels");
  v.prov.file = file;
  v.prov.value = at;
  return v;
}

Value unknownIn(std::string reason, FileId file, ByteRange at) {
  Value v = Value::unknown(std::move(reason));
  v.prov.file = file;
  v.prov.value = at;
  return v;
}

Value unknownAt(std::string reason, const ExprSource& s, TSNode n) { return unknownIn(std::move(reason), s.file, s.range(n)); }

bool toNumber(const Value& v, double& out) {
  if (v.isNumber()) { out = v.asNumber(); return true; }
  if (v.isString()) {
    const std::string& s = v.asString();
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end && *end == '\0';
  }
  return false;
}

// The key of a legacy index step (`.0`).
Value legacyIndex(std::string_view text) { return Value(std::strtod(std::string(text.substr(1)).c_str(), nullptr)); }

// The children [begin, end) of a template as TemplateItems.
std::vector<TemplateItem> templateItems(const std::vector<TSNode>& kids, size_t begin, size_t end) {
  std::vector<TemplateItem> items;
  items.reserve(end > begin ? end - begin : 0);
  for (size_t i = begin; i < end; ++i) {
    TSNode c = kids[i];
    std::string_view t = nodeType(c);
    TemplateItem it;
    it.start = ts_node_start_byte(c);
    it.end = ts_node_end_byte(c);
    if (t == "template_interpolation") {
      it.kind = TemplateItem::Kind::Interpolation;
      for (TSNode e : childrenOf(c, true))
        if (nodeType(e) == "expression") it.node = e;
    } else if (t == "template_directive") {
      it.kind = TemplateItem::Kind::Directive;
      it.node = ts_node_named_child(c, 0);
    }
    items.push_back(it);
  }
  return items;
}

// A tuple's elements (its `expression` children).
std::vector<TSNode> tupleElements(TSNode tuple) {
  std::vector<TSNode> out;
  for (TSNode c : childrenOf(tuple, true))
    if (nodeType(c) == "expression") out.push_back(c);
  return out;
}

// An object's members with both a key and a value expression; `bare` is the key as written when
// it is a bare identifier (literal: any other key, parenthesized or a template, is evaluated).
struct ObjectElement {
  TSNode key, value;
  std::optional<std::string_view> bare;
};
std::vector<ObjectElement> objectElements(const ExprSource& s, TSNode object) {
  std::vector<ObjectElement> out;
  for (TSNode el : childrenOf(object, true)) {
    if (nodeType(el) != "object_elem") continue;
    ObjectElement e{ts_node_child_by_field_name(el, "key", 3), ts_node_child_by_field_name(el, "val", 3), std::nullopt};
    if (ts_node_is_null(e.key) || ts_node_is_null(e.value)) continue;
    if (ts_node_named_child_count(e.key) == 1 && nodeType(ts_node_named_child(e.key, 0)) == "variable_expr" &&
        ts_node_child_count(e.key) == 1)
      e.bare = s.slice(ts_node_named_child(e.key, 0));
    out.push_back(e);
  }
  return out;
}

// A function_call's argument expressions; `expand` when the last is followed by `...`.
std::vector<TSNode> callArguments(TSNode call, bool& expand) {
  std::vector<TSNode> out;
  expand = false;
  std::vector<TSNode> fc = childrenOf(call, true);
  if (fc.size() < 2) return out;
  for (TSNode a : childrenOf(fc[1], true)) {
    if (nodeType(a) == "expression") out.push_back(a);
    else if (nodeType(a) == "ellipsis") expand = true;
  }
  return out;
}


bool toBool(const Value& v, bool& out) {
  if (v.isBool()) { out = v.asBool(); return true; }
  if (v.isString() && (v.asString() == "true" || v.asString() == "false")) { out = v.asString() == "true"; return true; }
  return false;
}

// Removes the common leading whitespace of all non-blank lines (<<- heredocs).
std::string dedent(const std::string& s) {
  size_t minIndent = std::string::npos;
  size_t i = 0;
  while (i < s.size()) {
    size_t e = s.find('\n', i);
    if (e == std::string::npos) e = s.size();
    size_t j = i;
    while (j < e && (s[j] == ' ' || s[j] == '\t')) ++j;
    if (j < e) minIndent = std::min(minIndent, j - i);
    i = e + 1;
  }
  if (minIndent == 0 || minIndent == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  i = 0;
  while (i < s.size()) {
    size_t e = s.find('\n', i);
    bool last = e == std::string::npos;
    if (last) e = s.size();
    size_t skip = std::min(minIndent, e - i);
    size_t j = i;
    while (j < i + skip && (s[j] == ' ' || s[j] == '\t')) ++j;
    out.append(s, j, e - j);
    if (!last) out += '\n';
    i = e + 1;
  }
  return out;
}

std::string unescapeHeredoc(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if ((raw[i] == '$' || raw[i] == '%') && i + 2 < raw.size() && raw[i + 1] == raw[i] && raw[i + 2] == '{') {
      out += raw[i];
      ++i;
      continue;
    }
    out += raw[i];
  }
  return out;
}

}  // namespace

std::string unescapeQuoted(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if ((c == '$' || c == '%') && i + 2 < raw.size() && raw[i + 1] == c && raw[i + 2] == '{') {
      out += c;
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= raw.size()) { out += c; continue; }
    char e = raw[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u':
      case 'U': {
        size_t len = e == 'u' ? 4 : 8;
        if (i + len >= raw.size()) { out += '\\'; out += e; break; }
        uint32_t cp = 0;
        bool ok = true;
        for (size_t k = 1; k <= len; ++k) {
          char h = raw[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
          else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
          else { ok = false; break; }
        }
        if (!ok || cp > 0x10FFFF) { out += '\\'; out += e; break; }
        i += len;
        appendUtf8(out, cp);
        break;
      }
      default: out += '\\'; out += e;
    }
  }
  return out;
}

namespace {

// A `literal_value` node (Evaluator::primary, literalExpression).
Value literalValue(const ExprSource& s, TSNode n) {
  TSNode c = ts_node_named_child(n, 0);
  std::string_view ct = nodeType(c);
  std::string_view text = s.slice(c);
  if (ct == "numeric_lit") {
    std::string tmp(text);
    double d = (tmp.size() > 2 && tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'X'))
                   ? static_cast<double>(std::strtoll(tmp.c_str() + 2, nullptr, 16))
                   : std::strtod(tmp.c_str(), nullptr);
    return Value(d);
  }
  if (ct == "bool_lit") return Value(text == "true");
  if (ct == "null_lit") return Value(nullptr);
  if (ct == "string_lit") {
    uint32_t cnt = ts_node_child_count(c);
    if (cnt < 2) return Value(std::string());
    uint32_t b = ts_node_end_byte(ts_node_child(c, 0)), e = ts_node_start_byte(ts_node_child(c, cnt - 1));
    return Value(unescapeQuoted(s.text.substr(b, e - b)));
  }
  return unknownAt("unsupported literal", s, n);
}

}  // namespace

// The path Evaluator::node takes for such an expression: term() over its one child, without
// postfix steps; primary() of a literal_value, or templ() of a quoted template whose pieces
// are all literal text (one unescaped string); node()'s size limit and provenance.
std::optional<Value> literalExpression(const ExprSource& s, TSNode expression) {
  if (ts_node_is_null(expression) || nodeType(expression) != "expression") return std::nullopt;
  TSNode only{};
  int count = 0;
  for (TSNode c : childrenOf(expression)) {
    if (isComment(c)) continue;
    only = c;
    ++count;
  }
  if (count != 1) return std::nullopt;
  std::string_view t = nodeType(only);
  Value v;
  if (t == "literal_value") {
    v = literalValue(s, only);
  } else if (t == "template_expr") {
    TSNode q = ts_node_named_child(only, 0);
    if (nodeType(q) != "quoted_template") return std::nullopt;
    std::vector<TSNode> kids = childrenOf(q);
    std::string out;
    if (kids.size() >= 2) {
      for (size_t i = 1; i + 1 < kids.size(); ++i) {
        if (nodeType(kids[i]) != "template_literal") return std::nullopt;
      }
      uint32_t b = ts_node_end_byte(kids.front()), e = ts_node_start_byte(kids.back());
      if (e > b) out = unescapeQuoted(s.text.substr(b, e - b));
    }
    v = Value(std::move(out));
  } else {
    return std::nullopt;
  }
  if (v.isString() && oversizedString(v.asString().size())) v = Value::unknown(oversizedReason(v.asString().size()));
  if (!v.prov.valid()) {
    v.prov.file = s.file;
    v.prov.value = s.range(expression);
  }
  return v;
}

namespace {

constexpr int kMaxCompiledNesting = 8;  // compiled forms inside compiled forms; deeper ones take the tree
// Parts one expression may compile to: a larger one (a list of a thousand addresses, evaluated
// once anyway) stays with the tree rather than hold a CompiledExpr per element.
constexpr int kMaxCompiledParts = 256;

bool compileInto(const ExprSource& s, TSNode expression, CompiledExpr& out, int nesting, int& budget);

// A part of a compiled form: a literal, compiled, or the node itself (Tree); its index in `inner`.
int compilePart(const ExprSource& s, TSNode expression, std::vector<CompiledExpr>& inner, int nesting, int& budget) {
  --budget;
  CompiledExpr c;
  if (budget < 0) {
    c.kind = CompiledExpr::Kind::Tree;  // the whole expression is given up (compileExpression)
  } else if (std::optional<Value> literal = literalExpression(s, expression)) {
    c.kind = CompiledExpr::Kind::Literal;
    c.literal = std::move(*literal);
  } else if (nesting >= kMaxCompiledNesting || !compileInto(s, expression, c, nesting + 1, budget)) {
    c = CompiledExpr{};
    c.kind = CompiledExpr::Kind::Tree;
  }
  c.node = expression;
  inner.push_back(std::move(c));
  return static_cast<int>(inner.size() - 1);
}

bool compileInto(const ExprSource& s, TSNode expression, CompiledExpr& out, int nesting, int& budget) {
  checkBudget();
  if (ts_node_is_null(expression) || nodeType(expression) != "expression" || ts_node_has_error(expression)) return false;
  std::vector<TSNode> kids = childrenOf(expression);
  if (kids.empty()) return false;
  for (TSNode k : kids)
    if (isComment(k)) return false;
  out.node = expression;
  out.range = s.range(expression);
  std::string_view first = nodeType(kids[0]);
  if (first == "variable_expr") {  // term() -> traversal()
    out.kind = CompiledExpr::Kind::Traversal;
    out.root = std::string(s.slice(kids[0]));
    for (size_t j = 1; j < kids.size(); ++j) {
      TSNode c = kids[j];
      std::string_view t = nodeType(c);
      TraversalStep step;
      step.range = s.range(c);
      if (t == "get_attr") {
        TSNode id = ts_node_named_child(c, 0);
        if (ts_node_is_null(id)) return false;
        step.name = std::string(s.slice(id));
        out.names.push_back(step.name);
      } else if (t == "index") {
        TSNode idx = ts_node_named_child(c, 0);
        if (ts_node_is_null(idx)) return false;
        if (nodeType(idx) == "legacy_index") {
          step.key = legacyIndex(s.slice(idx));
        } else {
          std::optional<Value> key = literalExpression(s, ts_node_named_child(idx, 0));
          if (!key || key->isUnknown()) return false;
          step.key = std::move(*key);
        }
        step.index = true;
        out.names.emplace_back("[]");
      } else {
        return false;  // a splat or anything else: the tree
      }
      out.steps.push_back(std::move(step));
    }
    out.at = ByteRange{static_cast<uint32_t>(ts_node_start_byte(kids[0]) + s.delta),
                       static_cast<uint32_t>(ts_node_end_byte(kids.back()) + s.delta)};
    return true;
  }
  if (kids.size() != 1) return false;  // postfix steps after anything else: the tree
  TSNode primary = kids[0];
  if (first == "template_expr") {  // primary() -> templ()
    TSNode q = ts_node_named_child(primary, 0);
    if (ts_node_is_null(q) || nodeType(q) != "quoted_template") return false;
    std::vector<TSNode> parts = childrenOf(q);
    if (parts.size() < 2) return false;
    out.kind = CompiledExpr::Kind::Template;
    out.litBegin = ts_node_end_byte(parts.front());
    out.litEnd = ts_node_start_byte(parts.back());
    out.items = templateItems(parts, 1, parts.size() - 1);
    for (TemplateItem& item : out.items) {
      if (item.kind == TemplateItem::Kind::Interpolation && !ts_node_is_null(item.node))
        item.compiled = compilePart(s, item.node, out.inner, nesting, budget);
    }
    return budget >= 0;
  }
  if (first == "collection_value") {  // primary() -> collection()
    TSNode n = ts_node_named_child(primary, 0);
    if (ts_node_is_null(n)) return false;
    if (nodeType(n) == "tuple") {
      out.kind = CompiledExpr::Kind::Tuple;
      for (TSNode c : tupleElements(n)) {
        compilePart(s, c, out.inner, nesting, budget);
        if (budget < 0) return false;
      }
      return true;
    }
    out.kind = CompiledExpr::Kind::Object;
    for (const ObjectElement& e : objectElements(s, n)) {
      ObjectMember m;
      if (e.bare) m.key = std::string(*e.bare);
      else m.keyExpr = compilePart(s, e.key, out.inner, nesting, budget);
      m.value = compilePart(s, e.value, out.inner, nesting, budget);
      if (budget < 0) return false;
      m.keyRange = s.range(e.key);
      out.members.push_back(std::move(m));
    }
    return true;
  }
  if (first == "function_call") {  // primary() -> call()
    out.kind = CompiledExpr::Kind::Call;
    out.function = std::string(s.slice(ts_node_named_child(primary, 0)));
    out.callRange = s.range(primary);
    for (TSNode a : callArguments(primary, out.expand)) {
      compilePart(s, a, out.inner, nesting, budget);
      if (budget < 0) return false;
    }
    return true;
  }
  return false;
}

}  // namespace

std::optional<CompiledExpr> compileExpression(const ExprSource& s, TSNode expression) {
  CompiledExpr c;
  int budget = kMaxCompiledParts;
  if (!compileInto(s, expression, c, 0, budget) || budget < 0) return std::nullopt;
  return c;
}

Value Evaluator::eval(const Expr& e) {
  if (!e.valid()) return Value::unknown("missing expression");
  Value v = e.json ? json(*e.json, *e.src) : e.compiled ? compiled(*e.src, *e.compiled) : node(*e.src, e.node);
  if (!v.prov.valid()) {
    v.prov.file = e.src->file;
    v.prov.value = e.range();
  }
  return v;
}

Value Evaluator::evalUnwrappingJsonencode(const Expr& e) {
  if (e.valid() && !e.json) {
    // expression -> function_call(jsonencode, function_arguments(expression))
    std::vector<TSNode> top = childrenOf(e.node, true);
    if (top.size() == 1 && nodeType(top[0]) == "function_call") {
      std::vector<TSNode> fc = childrenOf(top[0], true);
      if (fc.size() == 2 && e.src->slice(fc[0]) == "jsonencode") {
        for (TSNode a : childrenOf(fc[1], true))
          if (nodeType(a) == "expression") return eval(Expr{e.src, a, nullptr});
      }
    }
  }
  return eval(e);
}

Value Evaluator::json(const Value& v, const ExprSource& s) {
  checkBudget();
  EvalDepth depth;
  if (depth.tooDeep()) return tooDeep(s.file, v.prov.value);
  switch (v.type()) {
    case Value::Type::String: {
      const std::string& str = v.asString();
      if (str.find("${") == std::string::npos && str.find("%{") == std::string::npos) return v;
      const Expr* t = unit_.jsonTemplate(v, s);
      if (!t) return v;
      Value r = node(*t->src, t->node);
      r.prov = v.prov;
      return r;
    }
    case Value::Type::Array: {
      Value out = Value::array();
      for (const Value& e : v.asArray()) out.asArray().push_back(json(e, s));
      out.prov = v.prov;
      return out;
    }
    case Value::Type::Object: {
      Value out = Value::object();
      for (const Member& m : v.asObject()) out.asObject().push_back(Member{m.key, json(m.value, s)});
      out.prov = v.prov;
      return out;
    }
    default: return v;
  }
}

Value Evaluator::node(const ExprSource& s, TSNode n) {
  checkBudget();
  EvalDepth depth;
  if (depth.tooDeep()) return tooDeep(s.file, s.range(n));
  if (ts_node_is_null(n)) return Value::unknown("missing expression");
  std::string_view t = nodeType(n);
  Value v;
  if (t == "expression") {
    std::vector<TSNode> kids = childrenOf(n);
    size_t first = 0;
    while (first < kids.size() && isComment(kids[first])) ++first;
    if (first < kids.size() && nodeType(kids[first]) == "conditional") v = conditional(s, kids[first]);
    else v = term(s, kids, 0, kids.size());
  } else {
    v = primary(s, n);
  }
  return finished(std::move(v), s.file, s.range(n));
}

// What node() does last: the size limit of strings, and the node's range as provenance.
Value Evaluator::finished(Value v, FileId file, ByteRange at) {
  if (v.isString() && oversizedString(v.asString().size())) v = Value::unknown(oversizedReason(v.asString().size()));
  if (!v.prov.valid()) {
    v.prov.file = file;
    v.prov.value = at;
  }
  return v;
}

// node() of the expression `c` was compiled from, without walking its syntax tree. Close to
// the depth limit (where a step's own node could be the one past it) it takes the tree.
Value Evaluator::compiled(const ExprSource& s, const CompiledExpr& c) {
  if (c.kind == CompiledExpr::Kind::Tree || evalDepth() + 4 > kMaxEvalDepth) return node(s, c.node);
  checkBudget();
  EvalDepth depth;
  auto part = [&](int i) { return compiled(s, c.inner[static_cast<size_t>(i)]); };
  switch (c.kind) {
    case CompiledExpr::Kind::Literal:
      return c.literal;
    case CompiledExpr::Kind::Template:
      return finished(templText(s, c.items, c.litBegin, c.litEnd, false, false, &c.inner), s.file, c.range);
    case CompiledExpr::Kind::Tuple: {  // collection()
      Value out = Value::array();
      out.asArray().reserve(c.inner.size());
      for (const CompiledExpr& e : c.inner) out.asArray().push_back(compiled(s, e));
      return finished(std::move(out), s.file, c.range);
    }
    case CompiledExpr::Kind::Object: {  // collection()
      Value out = Value::object();
      for (const ObjectMember& m : c.members) {
        std::string key = m.key;
        if (m.keyExpr >= 0 && !toTfString(part(m.keyExpr), key)) continue;  // unknown key: the member cannot be placed
        Value val = part(m.value);
        val.prov.file = s.file;
        val.prov.key = m.keyRange;
        out.set(key, std::move(val));
      }
      return finished(std::move(out), s.file, c.range);
    }
    case CompiledExpr::Kind::Call:
      return finished(invoke(c.function, c.inner.size(), c.expand, [&](size_t i) { return compiled(s, c.inner[i]); }, s.file, c.callRange),
                      s.file, c.range);
    default:
      break;
  }
  // term() of a variable_expr and its steps: traversal(), then the steps it did not consume.
  size_t consumed = 0;
  Value v = resolveRoot(c.root, c.names, c.at, consumed);
  if (v.isUnknown() && !v.prov.valid()) { v.prov.file = s.file; v.prov.value = c.at; }
  for (size_t k = consumed; k < c.steps.size(); ++k) {
    const TraversalStep& step = c.steps[k];
    v = step.index ? indexed(std::move(v), step.key, s.file, step.range) : attribute(std::move(v), step.name, s.file, step.range);
  }
  if (consumed < c.steps.size() && v.isUnknown() && !v.prov.valid()) { v.prov.file = s.file; v.prov.value = c.at; }
  return finished(std::move(v), s.file, c.range);
}

// Evaluates children [begin, end) of `parent` as one term: a primary plus postfix operators.
Value Evaluator::term(const ExprSource& s, const std::vector<TSNode>& kids, size_t begin, size_t end) {
  size_t i = begin;
  while (i < end && isComment(kids[i])) ++i;
  if (i >= end) return Value::unknown("empty expression");
  TSNode c = kids[i];
  std::string_view t = nodeType(c);
  Value v;
  uint32_t startByte = ts_node_start_byte(c);
  if (t == "variable_expr") {
    v = traversal(s, kids, i, end);
  } else if (t == "(") {
    ++i;
    while (i < end && isComment(kids[i])) ++i;
    if (i < end) v = node(s, kids[i]);
    ++i;
    while (i < end && nodeType(kids[i]) != ")") ++i;
    ++i;
  } else {
    v = primary(s, c);
    ++i;
  }
  bool hadPostfix = false;
  for (; i < end; ++i) {
    TSNode p = kids[i];
    if (isComment(p)) continue;
    v = applyPostfix(s, std::move(v), p);
    hadPostfix = true;
  }
  if (hadPostfix && v.isUnknown() && !v.prov.valid()) {
    v.prov.file = s.file;
    v.prov.value = ByteRange{static_cast<uint32_t>(startByte + s.delta), static_cast<uint32_t>(ts_node_end_byte(kids[end - 1]) + s.delta)};
  }
  return v;
}

Value Evaluator::primary(const ExprSource& s, TSNode n) {
  std::string_view t = nodeType(n);
  if (t == "literal_value") return literalValue(s, n);
  if (t == "template_expr") {
    TSNode c = ts_node_named_child(n, 0);
    return templ(s, c, nodeType(c) == "heredoc_template");
  }
  if (t == "collection_value") return collection(s, ts_node_named_child(n, 0));
  if (t == "for_expr") return forExpr(s, ts_node_named_child(n, 0));
  if (t == "function_call") return call(s, n);
  if (t == "operation") return operation(s, ts_node_named_child(n, 0));
  if (t == "expression") return node(s, n);
  if (t == "conditional") return conditional(s, n);
  if (t == "variable_expr") {
    std::vector<std::string> none;
    size_t consumed = 0;
    return resolveRoot(s.slice(n), none, s.range(n), consumed);
  }
  return unknownAt("unsupported expression '" + std::string(t) + "'", s, n);
}

const Value* Evaluator::binding(std::string_view name) const {
  for (auto it = bindings.rbegin(); it != bindings.rend(); ++it)
    if (it->name == name) return &it->value;
  return nullptr;
}

// A variable_expr and the get_attr/index steps after it, resolved against the module.
Value Evaluator::traversal(const ExprSource& s, const std::vector<TSNode>& kids, size_t& i, size_t end) {
  TSNode var = kids[i];
  std::string_view root = s.slice(var);
  std::vector<std::string> names;  // attribute names; "[]" for an index step
  std::vector<size_t> stepIdx;
  for (size_t j = i + 1; j < end; ++j) {
    TSNode c = kids[j];
    if (isComment(c)) continue;
    std::string_view t = nodeType(c);
    if (t == "get_attr") {
      TSNode id = ts_node_named_child(c, 0);
      names.emplace_back(s.slice(id));
    } else if (t == "index") {
      names.emplace_back("[]");
    } else {
      break;
    }
    stepIdx.push_back(j);
  }
  uint32_t endByte = stepIdx.empty() ? ts_node_end_byte(var) : ts_node_end_byte(kids[stepIdx.back()]);
  ByteRange at{static_cast<uint32_t>(ts_node_start_byte(var) + s.delta), static_cast<uint32_t>(endByte + s.delta)};
  size_t consumed = 0;
  Value v = resolveRoot(root, names, at, consumed);
  // Steps not consumed by the resolution are applied as ordinary postfix operators.
  i = consumed == 0 ? i + 1 : stepIdx[consumed - 1] + 1;
  if (v.isUnknown() && !v.prov.valid()) { v.prov.file = s.file; v.prov.value = at; }
  return v;
}

Value Evaluator::resolveRoot(std::string_view root, const std::vector<std::string>& names, ByteRange at, size_t& consumed) {
  consumed = 0;
  auto name0 = [&](size_t k) -> const std::string* { return k < names.size() && names[k] != "[]" ? &names[k] : nullptr; };
  if (const Value* b = binding(root)) return *b;
  if (root == "var") {
    const std::string* n = name0(0);
    if (!n) return Value::unknown("var used without a name");
    consumed = 1;
    auto it = mod_.vars.find(*n);
    if (it == mod_.vars.end()) return Value::unknown("var." + *n + " is not declared");
    if (references) {
      if (auto r = mod_.varRefs.find(*n); r != mod_.varRefs.end()) references->insert(references->end(), r->second.begin(), r->second.end());
    }
    return it->second;
  }
  if (root == "local") {
    const std::string* n = name0(0);
    if (!n) return Value::unknown("local used without a name");
    consumed = 1;
    Value v = unit_.local(mod_, *n, at);
    if (references) {
      if (auto r = mod_.localRefs.find(*n); r != mod_.localRefs.end()) references->insert(references->end(), r->second.begin(), r->second.end());
    }
    return v;
  }
  if (root == "module") {
    const std::string* n = name0(0);
    if (!n) return Value::unknown("module used without a name");
    consumed = 1;
    ModuleInstance* child = unit_.child(mod_, *n);
    if (!child) return Value::unknown("module." + *n + " is not a local module");
    const std::string* out = name0(1);
    if (!out) return Value::unknown("module." + *n + " as a whole is not evaluated");
    consumed = 2;
    return unit_.output(*child, *out, at);
  }
  if (root == "data") {
    consumed = names.size();
    std::string what = "data";
    for (size_t k = 0; k < names.size() && k < 2; ++k) what += "." + names[k];
    return Value::unknown(what + " is read at plan time");
  }
  if (root == "path") {
    const std::string* n = name0(0);
    if (!n) return Value::unknown("path used without a name");
    consumed = 1;
    if (*n == "module") return Value(mod_.def->dir.empty() ? std::string(".") : mod_.def->dir);
    return Value(std::string("."));
  }
  if (root == "terraform") {
    const std::string* n = name0(0);
    consumed = n ? 1 : 0;
    if (n && *n == "workspace") return Value(std::string("default"));
    return Value::unknown("terraform." + (n ? *n : std::string()) + " is not known statically");
  }
  if (root == "self" || root == "count" || root == "each") {
    return Value::unknown(std::string(root) + " is only known per instance");
  }
  const std::string* rname = name0(0);
  if (!rname) return Value::unknown("'" + std::string(root) + "' is not a known name");
  std::string key = std::string(root) + "." + *rname;
  auto it = mod_.def->resources.find(key);
  if (it == mod_.def->resources.end()) {
    consumed = names.size();
    return Value::unknown(key + " is not declared in this module");
  }
  if (references) references->push_back(mod_.prefix + key);
  consumed = 1;
  if (consumed < names.size() && names[consumed] == "[]") ++consumed;  // instance index: one representative
  const std::string* attr = name0(consumed);
  if (!attr) return Value::unknown(key + " as a whole is not evaluated");
  ++consumed;
  return unit_.resourceAttribute(mod_, *it->second, *attr, at);
}

Value Evaluator::applyPostfix(const ExprSource& s, Value v, TSNode post) {
  std::string_view t = nodeType(post);
  if (v.isUnknown()) return v;
  if (t == "get_attr") return attribute(std::move(v), s.slice(ts_node_named_child(post, 0)), s.file, s.range(post));
  if (t == "index") {
    TSNode idx = ts_node_named_child(post, 0);
    Value key = nodeType(idx) == "legacy_index" ? legacyIndex(s.slice(idx)) : node(s, ts_node_named_child(idx, 0));
    if (key.isUnknown()) return key;
    return indexed(std::move(v), key, s.file, s.range(post));
  }
  if (t == "splat") {
    TSNode sp = ts_node_named_child(post, 0);
    Value list = Value::array();
    if (v.isArray()) list = v;
    else if (!v.isNull()) list.asArray().push_back(v);
    Value out = Value::array();
    std::vector<TSNode> steps = childrenOf(sp, true);
    for (Value& e : list.asArray()) {
      Value cur = e;
      for (TSNode step : steps) {
        if (isComment(step)) continue;
        cur = applyPostfix(s, std::move(cur), step);
      }
      out.asArray().push_back(std::move(cur));
    }
    return out;
  }
  return unknownAt("unsupported operator", s, post);
}

// `.name` of a known value (applyPostfix, compiled traversals); `at` is the step's range.
Value Evaluator::attribute(Value v, std::string_view name, FileId file, ByteRange at) {
  if (v.isUnknown()) return v;
  if (v.isObject()) {
    if (const Value* m = v.get(name)) return *m;
    return unknownIn("object has no attribute '" + std::string(name) + "'", file, at);
  }
  return unknownIn("cannot read attribute '" + std::string(name) + "' of a " + std::string(Value::typeName(v.type())), file, at);
}

// `[key]` of a value, the key known (applyPostfix, compiled traversals).
Value Evaluator::indexed(Value v, const Value& key, FileId file, ByteRange at) {
  if (v.isUnknown()) return v;
  double d;
  if (v.isArray() && toNumber(key, d)) {
    if (d < 0 || d >= static_cast<double>(v.asArray().size()) || d != std::floor(d)) return unknownIn("index out of range", file, at);
    return v.asArray()[static_cast<size_t>(d)];
  }
  std::string k;
  if (v.isObject() && toTfString(key, k)) {
    if (const Value* m = v.get(k)) return *m;
    return unknownIn("object has no key '" + k + "'", file, at);
  }
  return unknownIn("cannot index a " + std::string(Value::typeName(v.type())), file, at);
}

void Evaluator::templParts(const ExprSource& s, const std::vector<TemplateItem>& items, const std::vector<CompiledExpr>* inner,
                           uint32_t litBegin, uint32_t litEnd, bool heredoc, std::string& out, Value& single,
                           int& pieces, std::optional<Value>& unknown, std::vector<StringPart>* holes) {
  // `holes` (top level of a template only): an unknown interpolated value becomes a hole in a
  // partially known string (its known text so far moves into `holes`); any other unknown (a
  // directive, a non-string value) makes the whole string unknown and `holes` is cleared with a
  // single hole.
  uint32_t cursor = litBegin;
  auto literal = [&](uint32_t b, uint32_t e) {
    if (e <= b) return;
    std::string_view raw = s.text.substr(b, e - b);
    out += heredoc ? unescapeHeredoc(raw) : unescapeQuoted(raw);
    ++pieces;
  };
  for (const TemplateItem& item : items) {
    if (oversizedString(out.size())) {
      if (!unknown) unknown = Value::unknown(oversizedReason(out.size()));
      return;
    }
    if (item.kind == TemplateItem::Kind::Text) continue;
    literal(cursor, item.start);
    cursor = item.end;
    if (item.kind == TemplateItem::Kind::Interpolation) {
      if (ts_node_is_null(item.node)) continue;
      Value v = inner && item.compiled >= 0 ? compiled(s, (*inner)[static_cast<size_t>(item.compiled)]) : node(s, item.node);
      ++pieces;
      if (v.containsUnknown()) {
        if (!unknown) unknown = v.isUnknown() ? v : Value::unknown("template uses an unknown value");
        if (holes && v.isUnknown()) {
          holes->push_back(StringPart{true, std::move(out)});
          out.clear();
          appendUnknownPart(*holes, v);
        } else if (holes) {
          holes->push_back(StringPart{false, "opaque"});
          holes = nullptr;
        }
        continue;
      }
      std::string str;
      if (pieces == 1) single = v;
      if (toTfString(v, str)) out += str;
      else {
        if (!unknown) unknown = Value::unknown("template interpolates a " + std::string(Value::typeName(v.type())));
        if (holes) holes->push_back(StringPart{false, "opaque"});
        holes = nullptr;
      }
      continue;
    }
    // Directive: %{if}/%{for}. Its text is not tracked piece by piece: if the string turns out
    // unknown, it is unknown as a whole.
    if (holes) holes->push_back(StringPart{false, "opaque"});
    holes = nullptr;
    TSNode d = item.node;
    ++pieces;
    std::vector<TSNode> dk = childrenOf(d);
    size_t dc = dk.size();
    if (dc < 2) continue;
    if (nodeType(d) == "template_if") {
      TSNode intro = dk[0];
      TSNode cond{};
      for (TSNode k : childrenOf(intro, true))
        if (nodeType(k) == "expression") cond = k;
      Value cv = node(s, cond);
      bool b;
      if (cv.isUnknown() || !toBool(cv, b)) { if (!unknown) unknown = Value::unknown("template condition is unknown"); if (holes) holes->push_back(StringPart{false, "opaque"}); holes = nullptr; continue; }
      size_t elseIdx = dc - 1;
      for (size_t k = 1; k < dc; ++k) if (nodeType(dk[k]) == "template_else_intro") elseIdx = k;
      size_t endIdx = dc - 1;
      int dummy = 0;
      Value ignore;
      if (b) templParts(s, templateItems(dk, 1, elseIdx), nullptr, ts_node_end_byte(intro), ts_node_start_byte(dk[elseIdx]), heredoc, out, ignore, dummy, unknown);
      else if (elseIdx != endIdx) templParts(s, templateItems(dk, elseIdx + 1, endIdx), nullptr, ts_node_end_byte(dk[elseIdx]), ts_node_start_byte(dk[endIdx]), heredoc, out, ignore, dummy, unknown);
    } else {
      TSNode start = dk[0];
      std::vector<std::string> ids;
      TSNode coll{};
      for (TSNode e : childrenOf(start, true)) {
        if (nodeType(e) == "identifier") ids.emplace_back(s.slice(e));
        else if (nodeType(e) == "expression") coll = e;
      }
      Value cv = node(s, coll);
      if (cv.isUnknown() || !(cv.isArray() || cv.isObject()) || ids.empty()) { if (!unknown) unknown = Value::unknown("template loop is over an unknown value"); if (holes) holes->push_back(StringPart{false, "opaque"}); holes = nullptr; continue; }
      size_t endIdx = dc - 1;
      const std::vector<TemplateItem> loopItems = templateItems(dk, 1, endIdx);
      auto body = [&](Value k, Value v) {
        if (oversizedString(out.size())) return;  // reported by the loop in templParts
        size_t mark = bindings.size();
        if (ids.size() == 2) { bindings.push_back({ids[0], std::move(k)}); bindings.push_back({ids[1], std::move(v)}); }
        else bindings.push_back({ids[0], std::move(v)});
        int dummy = 0;
        Value ignore;
        templParts(s, loopItems, nullptr, ts_node_end_byte(start), ts_node_start_byte(dk[endIdx]), heredoc, out, ignore, dummy, unknown);
        bindings.resize(mark);
      };
      if (cv.isArray()) { double i2 = 0; for (const Value& e : cv.asArray()) body(Value(i2++), e); }
      else for (const Member& m : cv.asObject()) body(Value(m.key), m.value);
    }
  }
  literal(cursor, litEnd);
}

Value Evaluator::templ(const ExprSource& s, TSNode n, bool heredoc) {
  std::vector<TSNode> kids = childrenOf(n);
  size_t cnt = kids.size();
  uint32_t litBegin, litEnd;
  size_t childBegin = 1, childEnd = cnt == 0 ? 0 : cnt - 1;
  bool strip = false;
  if (heredoc) {
    if (cnt < 3) return unknownAt("malformed heredoc", s, n);
    strip = s.slice(kids[0]) == "<<-";
    TSNode openId = kids[1];
    TSNode closeId = kids[cnt - 1];
    size_t nl = s.text.find('\n', ts_node_end_byte(openId));
    litBegin = nl == std::string_view::npos ? ts_node_end_byte(openId) : static_cast<uint32_t>(nl + 1);
    size_t ls = s.text.rfind('\n', ts_node_start_byte(closeId));
    litEnd = ls == std::string_view::npos ? ts_node_start_byte(closeId) : static_cast<uint32_t>(ls + 1);
    if (litEnd < litBegin) litEnd = litBegin;
    childBegin = 2;
  } else {
    if (cnt < 2) return Value(std::string());
    litBegin = ts_node_end_byte(kids[0]);
    litEnd = ts_node_start_byte(kids[cnt - 1]);
  }
  return templText(s, templateItems(kids, childBegin, childEnd), litBegin, litEnd, heredoc, strip, nullptr);
}

// A template's value from its children (items) and the text between its delimiters; `strip`
// for <<- heredocs; `inner`: the compiled interpolations of a compiled template.
Value Evaluator::templText(const ExprSource& s, const std::vector<TemplateItem>& items, uint32_t litBegin, uint32_t litEnd,
                           bool heredoc, bool strip, const std::vector<CompiledExpr>* inner) {
  std::string out;
  Value single;
  int pieces = 0;
  std::optional<Value> unknown;
  std::vector<StringPart> holes;
  templParts(s, items, inner, litBegin, litEnd, heredoc, out, single, pieces, unknown, &holes);
  if (unknown) {
    Value u = *unknown;
    // A partially known string, unless a directive, a non-string value or a heredoc's
    // indentation makes the text itself unknown.
    if (pieces == 1 && !heredoc) return Value::partialString(u.unknownParts(), u.unknownReason());  // "${x}" is x
    bool opaque = heredoc;
    for (const StringPart& p : holes) opaque = opaque || (!p.known && p.text == "opaque");
    if (opaque || holes.empty()) return Value::unknown(u.unknownReason());
    holes.push_back(StringPart{true, std::move(out)});
    return Value::partialString(std::move(holes), u.unknownReason());
  }
  // "${x}" alone keeps x's type (Terraform semantics).
  if (pieces == 1 && !single.isNull()) { single.prov = Provenance{}; return single; }
  if (strip) out = dedent(out);
  return Value(std::move(out));
}

Value Evaluator::collection(const ExprSource& s, TSNode n) {
  std::string_view t = nodeType(n);
  if (t == "tuple") {
    Value out = Value::array();
    for (TSNode c : tupleElements(n)) out.asArray().push_back(node(s, c));
    return out;
  }
  Value out = Value::object();
  for (const ObjectElement& e : objectElements(s, n)) {
    std::string key;
    if (e.bare) key = std::string(*e.bare);
    else if (!toTfString(node(s, e.key), key)) continue;  // unknown key: the member cannot be placed
    Value val = node(s, e.value);
    val.prov.file = s.file;
    val.prov.key = s.range(e.key);
    out.set(key, std::move(val));
  }
  return out;
}

Value Evaluator::forExpr(const ExprSource& s, TSNode n) {
  bool isObject = nodeType(n) == "for_object_expr";
  TSNode intro{};
  std::vector<TSNode> exprs;
  TSNode cond{};
  bool haveCond = false, grouping = false;
  for (TSNode c : childrenOf(n, true)) {
    std::string_view t = nodeType(c);
    if (t == "for_intro") intro = c;
    else if (t == "expression") exprs.push_back(c);
    else if (t == "for_cond") { cond = ts_node_named_child(c, 0); haveCond = true; }
    else if (t == "ellipsis") grouping = true;
  }
  std::vector<std::string> ids;
  TSNode collNode{};
  for (TSNode c : childrenOf(intro, true)) {
    if (nodeType(c) == "identifier") ids.emplace_back(s.slice(c));
    else if (nodeType(c) == "expression") collNode = c;
  }
  if (ids.empty() || exprs.size() < (isObject ? 2u : 1u)) return unknownAt("malformed for expression", s, n);
  Value coll = node(s, collNode);
  if (coll.isUnknown()) return Value::unknown(coll.unknownReason());
  if (!coll.isArray() && !coll.isObject()) return unknownAt("for expression over a " + std::string(Value::typeName(coll.type())), s, n);
  Value out = isObject ? Value::object() : Value::array();
  std::optional<Value> unknown;
  auto one = [&](Value k, const Value& v) {
    size_t mark = bindings.size();
    if (ids.size() == 2) { bindings.push_back({ids[0], std::move(k)}); bindings.push_back({ids[1], v}); }
    else bindings.push_back({ids[0], v});
    bool keep = true;
    if (haveCond) {
      Value c = node(s, cond);
      bool b;
      if (c.isUnknown() || !toBool(c, b)) { unknown = Value::unknown("for expression condition is unknown"); keep = false; }
      else keep = b;
    }
    if (keep) {
      if (isObject) {
        Value kv = node(s, exprs[0]);
        std::string key;
        if (!toTfString(kv, key)) unknown = Value::unknown("for expression key is unknown");
        else {
          Value vv = node(s, exprs[1]);
          if (grouping) {
            Value* g = out.get(key);
            if (!g) g = &out.set(key, Value::array());
            g->asArray().push_back(std::move(vv));
          } else {
            out.set(key, std::move(vv));
          }
        }
      } else {
        out.asArray().push_back(node(s, exprs[0]));
      }
    }
    bindings.resize(mark);
  };
  if (coll.isArray()) { double i = 0; for (const Value& e : coll.asArray()) { one(Value(i), e); i += 1; } }
  else for (const Member& m : coll.asObject()) one(Value(m.key), m.value);
  if (unknown) return *unknown;
  return out;
}

Value Evaluator::call(const ExprSource& s, TSNode n) {
  std::string_view name = s.slice(ts_node_named_child(n, 0));
  bool expand = false;
  std::vector<TSNode> argNodes = callArguments(n, expand);
  return invoke(name, argNodes.size(), expand, [&](size_t i) { return node(s, argNodes[i]); }, s.file, s.range(n));
}

// A call of `name` over `count` arguments, `arg(i)` evaluating the i-th (try and can evaluate
// only those they need); `at` is the call's range.
template <class Arg>
Value Evaluator::invoke(std::string_view name, size_t count, bool expand, Arg&& arg, FileId file, ByteRange at) {
  // Provider-namespaced functions (provider::x::f) are not evaluated.
  if (name.find("::") != std::string_view::npos) return unknownIn(std::string(name) + "() is a provider function", file, at);
  if (name == "try") {
    for (size_t i = 0; i < count; ++i) {
      Value v = arg(i);
      if (!v.containsUnknown()) return v;
    }
    return unknownIn("try(): no argument is known statically", file, at);
  }
  if (name == "can") {
    if (count == 0) return Value(false);
    Value v = arg(0);
    if (v.containsUnknown()) return unknownIn("can(): argument is unknown", file, at);
    return Value(true);
  }
  std::vector<Value> args;
  args.reserve(count);
  for (size_t i = 0; i < count; ++i) args.push_back(arg(i));
  if (expand && !args.empty()) {
    Value last = std::move(args.back());
    args.pop_back();
    if (last.isUnknown()) return unknownIn("expanded argument is unknown", file, at);
    if (last.isArray()) for (Value& e : last.asArray()) args.push_back(std::move(e));
  }
  return callFunction(name, args);
}

Value Evaluator::conditional(const ExprSource& s, TSNode n) {
  std::vector<TSNode> parts;
  for (TSNode c : childrenOf(n, true))
    if (nodeType(c) == "expression") parts.push_back(c);
  if (parts.size() != 3) return unknownAt("malformed conditional", s, n);
  Value c = node(s, parts[0]);
  bool b;
  if (!c.isUnknown() && toBool(c, b)) return node(s, parts[b ? 1 : 2]);
  // Unknown condition: if both branches agree the result is still known.
  Value a = node(s, parts[1]), e = node(s, parts[2]);
  if (!a.containsUnknown() && a == e) return a;
  return unknownAt("the condition " + std::string(s.slice(parts[0]).substr(0, 60)) + " is unknown", s, n);
}

Value Evaluator::operation(const ExprSource& s, TSNode n) {
  std::vector<TSNode> kids = childrenOf(n);
  size_t cnt = kids.size();
  if (cnt < 2) return unknownAt("malformed operation", s, n);
  if (nodeType(n) == "unary_operation") {
    std::string_view op = nodeType(kids[0]);
    Value v = term(s, kids, 1, cnt);
    if (v.isUnknown()) return v;
    if (op == "!") { bool b; if (toBool(v, b)) return Value(!b); }
    else { double d; if (toNumber(v, d)) return Value(-d); }
    return unknownAt("invalid operand for '" + std::string(op) + "'", s, n);
  }
  size_t opIdx = 0;
  std::string_view op;
  for (size_t i = 1; i + 1 < cnt; ++i) {
    TSNode c = kids[i];
    if (ts_node_is_named(c)) continue;
    std::string_view t = nodeType(c);
    if (t == "(" || t == ")") continue;
    opIdx = i;
    op = t;
    break;
  }
  if (opIdx == 0) return unknownAt("malformed operation", s, n);
  Value l = term(s, kids, 0, opIdx);
  if (op == "&&" || op == "||") {
    bool lb;
    bool lk = !l.isUnknown() && toBool(l, lb);
    if (lk && op == "&&" && !lb) return Value(false);
    if (lk && op == "||" && lb) return Value(true);
    Value r = term(s, kids, opIdx + 1, cnt);
    bool rb;
    bool rk = !r.isUnknown() && toBool(r, rb);
    if (rk && op == "&&" && !rb) return Value(false);
    if (rk && op == "||" && rb) return Value(true);
    if (lk && rk) return Value(op == "&&" ? (lb && rb) : (lb || rb));
    return unknownAt("operand of '" + std::string(op) + "' is unknown", s, n);
  }
  Value r = term(s, kids, opIdx + 1, cnt);
  if (op == "==" || op == "!=") {
    if (l.containsUnknown() || r.containsUnknown()) return unknownAt("comparison with an unknown value", s, n);
    bool eq = l == r;
    return Value(op == "==" ? eq : !eq);
  }
  if (l.isUnknown()) return l;
  if (r.isUnknown()) return r;
  double a, b;
  if (!toNumber(l, a) || !toNumber(r, b)) return unknownAt("operands of '" + std::string(op) + "' are not numbers", s, n);
  if (op == "+") return Value(a + b);
  if (op == "-") return Value(a - b);
  if (op == "*") return Value(a * b);
  if (op == "/") return b == 0 ? unknownAt("division by zero", s, n) : Value(a / b);
  if (op == "%") return b == 0 ? unknownAt("division by zero", s, n) : Value(std::fmod(a, b));
  if (op == "<") return Value(a < b);
  if (op == "<=") return Value(a <= b);
  if (op == ">") return Value(a > b);
  if (op == ">=") return Value(a >= b);
  return unknownAt("unsupported operator '" + std::string(op) + "'", s, n);
}

namespace {
bool isMetaArgument(std::string_view n) {
  return n == "count" || n == "for_each" || n == "depends_on" || n == "provider" || n == "providers";
}
}  // namespace

Value Evaluator::evalBody(const Block& b) {
  Value out = Value::object();
  out.prov = Provenance{b.file, b.range, b.typeRange};
  dynamicInstances_ = 0;
  addBody(b, out, 0);
  return out;
}

void Evaluator::addBody(const Block& b, Value& out, int depth) {
  if (depth > kMaxBlockDepth) return;
  if (out.isObject()) out.asObject().reserve(out.asObject().size() + b.attributes.size() + b.blocks.size());
  for (const Attribute& a : b.attributes) {
    if (depth == 0 && isMetaArgument(a.name)) continue;
    Value v;
    if (a.literal && evalDepth() < kMaxEvalDepth) {
      v = *a.literal;  // as eval gives it (its node would not be past the depth limit here), its range the expression's
    } else {
      v = eval(a.expr);
      v.prov.file = a.expr.src ? a.expr.src->file : b.file;
      v.prov.value = a.expr.range();
    }
    v.prov.key = a.nameRange;
    out.set(a.name, std::move(v));
  }
  auto append = [&](const std::string& type, Value obj) {
    Value* list = out.get(type);
    if (!list || !list->isArray()) {
      Value arr = Value::array();
      arr.prov = obj.prov;
      list = &out.set(type, std::move(arr));
    }
    list->asArray().push_back(std::move(obj));
  };
  for (const Block& nb : b.blocks) {
    if (nb.type == "lifecycle" || nb.type == "provisioner" || nb.type == "connection") continue;
    if (nb.type == "dynamic" && !nb.labels.empty()) {
      const Block* content = nb.block("content");
      if (!content) continue;
      std::string iter = nb.labels[0];
      if (const Attribute* it = nb.attr("iterator"); it && it->expr.src && !it->expr.json)
        iter = std::string(it->expr.src->slice(it->expr.node));
      Value coll = Value::unknown("dynamic block without for_each");
      if (const Attribute* fe = nb.attr("for_each")) coll = eval(fe->expr);
      auto instance = [&](Value key, Value val) {
        // Nested dynamic blocks multiply: three levels over 200 items are 8 million blocks
        // (4.5 KB of HCL took 5 GB). Past the limit the block is unknown.
        if (++dynamicInstances_ > kMaxDynamicInstances) {
          if (dynamicInstances_ == kMaxDynamicInstances + 1) {
            Value u = Value::unknown("dynamic blocks expand to more than " + std::to_string(kMaxDynamicInstances) + " blocks");
            u.prov = Provenance{nb.file, nb.range, nb.typeRange};
            append(nb.labels[0], std::move(u));
          }
          return;
        }
        Value itv = Value::object();
        itv.set("key", std::move(key));
        itv.set("value", std::move(val));
        bindings.push_back({iter, std::move(itv)});
        Value obj = Value::object();
        obj.prov = Provenance{nb.file, nb.range, nb.typeRange};
        addBody(*content, obj, depth + 1);
        bindings.pop_back();
        append(nb.labels[0], std::move(obj));
      };
      if (coll.isArray()) { double i = 0; for (const Value& e : coll.asArray()) { instance(Value(i), e); i += 1; } }
      else if (coll.isObject()) for (const Member& m : coll.asObject()) instance(Value(m.key), m.value);
      else if (coll.isUnknown()) {
        std::string why = coll.unknownReason();
        instance(Value::unknown("dynamic \"" + nb.labels[0] + "\" iterates over an unknown value: " + why),
                 Value::unknown("dynamic \"" + nb.labels[0] + "\" iterates over an unknown value: " + why));
      }
      continue;
    }
    Value obj = Value::object();
    obj.prov = Provenance{nb.file, nb.range, nb.typeRange};
    addBody(nb, obj, depth + 1);
    append(nb.type, std::move(obj));
  }
}

}  // namespace eg::terraform
