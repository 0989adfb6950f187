// ARM template expressions: parser (recursive descent over the "[...]" text) and the static
// evaluator with its function library. See ArmExpression.h.
#include "parsers/arm/ArmExpression.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "parsers/json/JsonReader.h"
#include "linter/core/Budget.h"

namespace eg::arm {

// ---------------------------------------------------------------------------------------------
// Classification and parsing

namespace {

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Parser {
 public:
  Parser(std::string_view s, ExprError& err) : s_(s), err_(err) {}

  ExprPtr top() {
    skip();
    if (!eat('[')) return fail("an expression starts with '['");
    ExprPtr e = expr(0);
    if (!e) return nullptr;
    skip();
    if (pos_ >= s_.size() || s_[pos_] != ']') {
      return fail(pos_ >= s_.size() ? "expected ']' at the end of the expression"
                                    : "expected ']' at the end of the expression, found " + here());
    }
    ++pos_;
    skip();
    if (pos_ < s_.size()) return fail("unexpected text after the closing ']'");
    return e;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  ExprError& err_;
  bool failed_ = false;

  ExprPtr fail(std::string msg) {
    if (!failed_) {
      failed_ = true;
      err_.offset = static_cast<uint32_t>(std::min(pos_, s_.size()));
      err_.message = std::move(msg);
    }
    return nullptr;
  }
  std::string here() const {
    if (pos_ >= s_.size()) return "the end of the expression";
    return std::string("'") + s_[pos_] + "'";
  }
  void skip() {
    while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  static ExprPtr node(ExprNode::Kind k) {
    auto n = std::make_unique<ExprNode>();
    n->kind = k;
    return n;
  }

  ExprPtr expr(uint32_t depth) {
    if (depth >= kMaxExprDepth) return fail("expression is nested too deeply");
    ExprPtr e = primary(depth);
    if (!e) return nullptr;
    while (true) {
      skip();
      if (pos_ < s_.size() && s_[pos_] == '.') {
        ++pos_;
        skip();
        eat('?');  // tolerate the null-safe ".?" some generators emit
        skip();
        size_t b = pos_;
        while (pos_ < s_.size() && (isIdentChar(s_[pos_]) || s_[pos_] == '$')) ++pos_;
        if (pos_ == b) return fail("expected a property name after '.', found " + here());
        ExprPtr m = node(ExprNode::Kind::Member);
        m->text = std::string(s_.substr(b, pos_ - b));
        m->args.push_back(std::move(e));
        e = std::move(m);
      } else if (pos_ < s_.size() && s_[pos_] == '[') {
        ++pos_;
        ExprPtr idx = expr(depth + 1);
        if (!idx) return nullptr;
        skip();
        if (!eat(']')) return fail("expected ']' after the index, found " + here());
        ExprPtr m = node(ExprNode::Kind::Index);
        m->args.push_back(std::move(e));
        m->args.push_back(std::move(idx));
        e = std::move(m);
      } else {
        return e;
      }
    }
  }

  ExprPtr primary(uint32_t depth) {
    skip();
    if (pos_ >= s_.size()) return fail("expected a value, found the end of the expression");
    char c = s_[pos_];
    if (c == '\'') return string();
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) return number();
    if (!isIdentStart(c)) return fail("expected a function call, string or number, found " + here());
    size_t b = pos_;
    while (pos_ < s_.size() && isIdentChar(s_[pos_])) ++pos_;
    std::string name(s_.substr(b, pos_ - b));
    skip();
    // A user-defined function: namespace.name(...)
    if (pos_ < s_.size() && s_[pos_] == '.') {
      size_t save = pos_;
      ++pos_;
      skip();
      size_t nb = pos_;
      while (pos_ < s_.size() && isIdentChar(s_[pos_])) ++pos_;
      size_t ne = pos_;
      skip();
      if (ne > nb && pos_ < s_.size() && s_[pos_] == '(') {
        name += '.';
        name += s_.substr(nb, ne - nb);
      } else {
        pos_ = save;
      }
    }
    if (pos_ >= s_.size() || s_[pos_] != '(') {
      std::string lower = toLowerAscii(name);
      if (lower == "true" || lower == "false") {
        ExprPtr n = node(ExprNode::Kind::Bool);
        n->boolean = lower == "true";
        return n;
      }
      if (lower == "null") return node(ExprNode::Kind::Null);
      return fail("expected '(' after the function name '" + name + "', found " + here());
    }
    ++pos_;
    ExprPtr call = node(ExprNode::Kind::Call);
    call->text = toLowerAscii(name);
    skip();
    if (eat(')')) return call;
    while (true) {
      ExprPtr a = expr(depth + 1);
      if (!a) return nullptr;
      call->args.push_back(std::move(a));
      skip();
      if (eat(',')) continue;
      if (eat(')')) return call;
      return fail("expected ',' or ')' in the call to " + name + ", found " + here());
    }
  }

  ExprPtr string() {
    size_t open = pos_++;
    ExprPtr n = node(ExprNode::Kind::String);
    while (true) {
      size_t q = s_.find('\'', pos_);
      if (q == std::string_view::npos) {
        pos_ = open;
        return fail("unterminated string literal");
      }
      n->text.append(s_.data() + pos_, q - pos_);
      if (q + 1 < s_.size() && s_[q + 1] == '\'') {  // '' is an escaped quote
        n->text += '\'';
        pos_ = q + 2;
        continue;
      }
      pos_ = q + 1;
      return n;
    }
  }

  ExprPtr number() {
    size_t b = pos_;
    if (s_[pos_] == '-' || s_[pos_] == '+') ++pos_;
    size_t digits = pos_;
    while (pos_ < s_.size() && ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.')) ++pos_;
    if (pos_ == digits) return fail("expected a digit, found " + here());
    std::string tmp(s_.substr(b, pos_ - b));
    ExprPtr n = node(ExprNode::Kind::Number);
    n->number = std::strtod(tmp.c_str(), nullptr);
    return n;
  }
};

}  // namespace

StringForm classifyString(std::string_view s) {
  if (s.empty() || s[0] != '[') return StringForm::Literal;
  if (s.size() >= 2 && s[1] == '[') return StringForm::EscapedLiteral;
  // ARM looks at the very last character: "[1, 2]\n" is a literal.
  if (s.size() >= 2 && s.back() == ']') return StringForm::Expression;
  // Not closed: ARM reads it as a literal. "[fn(" is almost surely a broken expression.
  size_t i = 1;
  while (i < s.size() && isSpace(s[i])) ++i;
  size_t b = i;
  while (i < s.size() && (isIdentChar(s[i]) || s[i] == '.')) ++i;
  if (i > b && isIdentStart(s[b]) && i < s.size() && s[i] == '(') return StringForm::Unclosed;
  return StringForm::Literal;
}

ExprPtr parseExpression(std::string_view text, ExprError& err) {
  Parser p(text, err);
  return p.top();
}

// ---------------------------------------------------------------------------------------------
// Evaluation

namespace {

// Numbers print as ARM prints them: integers without a fraction. Value::toDisplay does that.
std::string numberString(double d) { return Value(d).toDisplay(); }

Value unknownAtDeployment(std::string_view fn) {
  return Value::unknown(std::string(fn) + "() is evaluated at deployment");
}

const Value* firstUnknown(const std::vector<Value>& args) {
  for (const Value& a : args) if (a.isUnknown()) return &a;
  return nullptr;
}

bool isInt(const Value& v) { return v.isNumber() && v.asNumber() == std::floor(v.asNumber()); }

Value typeError(std::string_view fn, std::string_view what) {
  return Value::unknown(std::string(fn) + "(): " + std::string(what));
}

using Args = std::vector<Value>;
using Fn = Value (*)(Args&, ExpressionHost&);

Value fnParameters(Args& a, ExpressionHost& h) {
  if (a.size() != 1 || !a[0].isString()) return typeError("parameters", "expects a parameter name");
  return h.parameter(a[0].asString());
}
Value fnVariables(Args& a, ExpressionHost& h) {
  if (a.size() != 1 || !a[0].isString()) return typeError("variables", "expects a variable name");
  return h.variable(a[0].asString());
}
Value fnCopyIndex(Args& a, ExpressionHost& h) {
  std::string loop;
  double offset = 0;
  for (const Value& v : a) {
    if (v.isString()) loop = v.asString();
    else if (v.isNumber()) offset = v.asNumber();
  }
  Value i = h.copyIndex(loop);
  if (i.isNumber()) return Value(i.asNumber() + offset);
  return i;
}

Value fnConcat(Args& a, ExpressionHost&) {
  if (a.empty()) return Value(std::string());
  bool arrays = std::all_of(a.begin(), a.end(), [](const Value& v) { return v.isArray() || v.isNull(); }) &&
                std::any_of(a.begin(), a.end(), [](const Value& v) { return v.isArray(); });
  if (arrays) {
    Array out;
    for (Value& v : a) {
      if (!v.isArray()) continue;
      for (Value& e : v.asArray()) out.push_back(std::move(e));
    }
    return Value(std::move(out));
  }
  // Unknown arguments leave holes in a partially known string:
  // concat('...;SharedAccessKeyName=', variables('k'), ';SharedAccessKey=', listKeys(...).primaryKey)
  // still says which key it names.
  std::string out;
  std::vector<StringPart> pieces;
  const Value* unknown = nullptr;
  for (const Value& v : a) {
    if (v.isUnknown()) {
      if (!unknown) unknown = &v;
      pieces.push_back(StringPart{true, std::move(out)});
      out.clear();
      appendUnknownPart(pieces, v);
      continue;
    }
    if (v.isArray() || v.isObject()) return typeError("concat", "cannot mix strings and arrays");
    if (!v.isNull()) out += armString(v);
  }
  if (unknown) {
    pieces.push_back(StringPart{true, std::move(out)});
    return Value::partialString(std::move(pieces), unknown->unknownReason());
  }
  return Value(std::move(out));
}

Value fnFormat(Args& a, ExpressionHost&) {
  if (a.empty() || !a[0].isString()) return typeError("format", "expects a format string");
  const std::string& f = a[0].asString();
  std::string out;
  std::vector<StringPart> pieces;  // as in concat(): unknown arguments are holes
  const Value* unknown = nullptr;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c == '{' && i + 1 < f.size() && f[i + 1] == '{') { out += '{'; ++i; continue; }
    if (c == '}' && i + 1 < f.size() && f[i + 1] == '}') { out += '}'; ++i; continue; }
    if (c != '{') { out += c; continue; }
    size_t close = f.find('}', i);
    if (close == std::string::npos) return typeError("format", "unbalanced '{' in the format string");
    std::string spec = f.substr(i + 1, close - i - 1);
    std::string fmt;
    if (size_t colon = spec.find(':'); colon != std::string::npos) {
      fmt = spec.substr(colon + 1);
      spec.resize(colon);
    }
    if (size_t comma = spec.find(','); comma != std::string::npos) spec.resize(comma);
    char* end = nullptr;
    long idx = std::strtol(spec.c_str(), &end, 10);
    if (spec.empty() || *end != '\0' || idx < 0 || static_cast<size_t>(idx) + 1 >= a.size())
      return typeError("format", "format item {" + spec + "} has no argument");
    const Value& v = a[static_cast<size_t>(idx) + 1];
    if (v.isUnknown()) {
      if (!unknown) unknown = &v;
      pieces.push_back(StringPart{true, std::move(out)});
      out.clear();
      appendUnknownPart(pieces, v);
    } else if (v.isNumber() && !fmt.empty() && (fmt[0] == 'D' || fmt[0] == 'd') && isInt(v)) {
      std::string digits = numberString(std::fabs(v.asNumber()));
      // The width, capped as padLeft caps it: `{0:D999999999}` must not allocate gigabytes
      // (found by fuzz_arm_expr).
      size_t width = 0;
      for (size_t k = 1; k < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[k])) && width <= 4096; ++k) {
        width = width * 10 + static_cast<size_t>(fmt[k] - '0');
      }
      width = std::min<size_t>(width, 4096);
      if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
      if (v.asNumber() < 0) digits.insert(0, 1, '-');
      out += digits;
    } else {
      out += armString(v);
    }
    i = close;
  }
  if (unknown) {
    pieces.push_back(StringPart{true, std::move(out)});
    return Value::partialString(std::move(pieces), unknown->unknownReason());
  }
  return Value(std::move(out));
}

template <typename F>
Value stringFn(std::string_view name, Args& a, size_t arity, F f) {
  if (const Value* u = firstUnknown(a)) return *u;
  if (a.size() < arity) return typeError(name, "too few arguments");
  for (size_t i = 0; i < arity; ++i) {
    if (!a[i].isString()) return typeError(name, "expects string arguments");
  }
  return f();
}

std::string mapAscii(std::string s, bool upper) {
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Value fnToLower(Args& a, ExpressionHost&) {
  return stringFn("toLower", a, 1, [&] { return Value(mapAscii(a[0].asString(), false)); });
}
Value fnToUpper(Args& a, ExpressionHost&) {
  return stringFn("toUpper", a, 1, [&] { return Value(mapAscii(a[0].asString(), true)); });
}
Value fnTrim(Args& a, ExpressionHost&) {
  return stringFn("trim", a, 1, [&] {
    std::string_view s = a[0].asString();
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return Value(s);
  });
}
Value fnReplace(Args& a, ExpressionHost&) {
  return stringFn("replace", a, 3, [&] {
    const std::string& s = a[0].asString();
    const std::string& from = a[1].asString();
    const std::string& to = a[2].asString();
    if (from.empty()) return Value(s);
    std::string out;
    size_t p = 0;
    while (true) {
      // replace(s, 'a', s) grows as |s|^2: stop at the size of one value, not at the machine's.
      if (oversizedString(out.size())) return Value::unknown("replace(): " + oversizedReason(out.size()));
      size_t q = s.find(from, p);
      if (q == std::string::npos) break;
      out.append(s, p, q - p);
      out += to;
      p = q + from.size();
    }
    out.append(s, p, std::string::npos);
    return Value(std::move(out));
  });
}
Value fnSubstring(Args& a, ExpressionHost&) {
  if (const Value* u = firstUnknown(a)) return *u;
  if (a.empty() || !a[0].isString()) return typeError("substring", "expects a string");
  const std::string& s = a[0].asString();
  double start = a.size() > 1 && a[1].isNumber() ? a[1].asNumber() : 0;
  double len = a.size() > 2 && a[2].isNumber() ? a[2].asNumber() : static_cast<double>(s.size()) - start;
  if (start < 0 || len < 0 || start + len > static_cast<double>(s.size()))
    return typeError("substring", "index out of range");
  return Value(s.substr(static_cast<size_t>(start), static_cast<size_t>(len)));
}
Value fnStartsWith(Args& a, ExpressionHost&) {
  return stringFn("startsWith", a, 2, [&] {
    const std::string& s = a[0].asString();
    const std::string& p = a[1].asString();
    return Value(s.size() >= p.size() && equalsIgnoreCase(std::string_view(s).substr(0, p.size()), p));
  });
}
Value fnEndsWith(Args& a, ExpressionHost&) {
  return stringFn("endsWith", a, 2, [&] {
    const std::string& s = a[0].asString();
    const std::string& p = a[1].asString();
    return Value(s.size() >= p.size() && equalsIgnoreCase(std::string_view(s).substr(s.size() - p.size()), p));
  });
}
Value fnIndexOf(Args& a, ExpressionHost&) {
  if (const Value* u = firstUnknown(a)) return *u;
  if (a.size() == 2 && a[0].isString() && a[1].isString()) {
    std::string s = toLowerAscii(a[0].asString());
    size_t p = s.find(toLowerAscii(a[1].asString()));
    return Value(p == std::string::npos ? -1.0 : static_cast<double>(p));
  }
  if (a.size() == 2 && a[0].isArray()) {
    const Array& arr = a[0].asArray();
    for (size_t i = 0; i < arr.size(); ++i) if (arr[i] == a[1]) return Value(static_cast<double>(i));
    return Value(-1.0);
  }
  return typeError("indexOf", "expects a string or an array");
}
Value fnLastIndexOf(Args& a, ExpressionHost&) {
  if (const Value* u = firstUnknown(a)) return *u;
  if (a.size() == 2 && a[0].isString() && a[1].isString()) {
    std::string s = toLowerAscii(a[0].asString());
    size_t p = s.rfind(toLowerAscii(a[1].asString()));
    return Value(p == std::string::npos ? -1.0 : static_cast<double>(p));
  }
  if (a.size() == 2 && a[0].isArray()) {
    const Array& arr = a[0].asArray();
    for (size_t i = arr.size(); i-- > 0;) if (arr[i] == a[1]) return Value(static_cast<double>(i));
    return Value(-1.0);
  }
  return typeError("lastIndexOf", "expects a string or an array");
}
Value fnPadLeft(Args& a, ExpressionHost&) {
  if (const Value* u = firstUnknown(a)) return *u;
  if (a.size() < 2 || !a[1].isNumber()) return typeError("padLeft", "expects a value and a length");
  std::string s = armString(a[0]);
  char pad = a.size() > 2 && a[2].isString() && !a[2].asString().empty() ? a[2].asString()[0] : ' ';
  size_t width = static_cast<size_t>(std::max(0.0, std::min(a[1].asNumber(), 4096.0)));
  if (s.size() < width) s.insert(0, width - s.size(), pad);
  return Value(std::move(s));
}

Value fnString(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("string", "expects one argument");
  if (a[0].containsUnknown()) return a[0].isUnknown() ? a[0] : Value::unknown("string() of a value with unknown parts");
  return Value(armString(a[0]));
}
Value fnInt(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("int", "expects one argument");
  if (a[0].isUnknown()) return a[0];
  if (a[0].isNumber()) return Value(std::trunc(a[0].asNumber()));
  if (a[0].isString()) {
    const std::string& s = a[0].asString();
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && *end == '\0') return Value(static_cast<double>(v));
  }
  return typeError("int", "cannot convert the value to an integer");
}
Value fnBool(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("bool", "expects one argument");
  if (a[0].isUnknown() || a[0].isBool()) return a[0];
  if (a[0].isNumber()) return Value(a[0].asNumber() != 0);
  if (a[0].isString()) {
    if (equalsIgnoreCase(a[0].asString(), "true")) return Value(true);
    if (equalsIgnoreCase(a[0].asString(), "false")) return Value(false);
  }
  return typeError("bool", "cannot convert the value to a boolean");
}
Value fnJson(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("json", "expects one argument");
  if (a[0].isUnknown()) return a[0];
  if (!a[0].isString()) return typeError("json", "expects a string");
  Value out;
  json::JsonError err;
  if (!json::parseJsonText(a[0].asString(), kNoFile, 0, out, err)) return typeError("json", "invalid JSON: " + err.message);
  return out;
}
Value fnArray(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("array", "expects one argument");
  if (a[0].isUnknown() || a[0].isArray()) return a[0];
  return Value(Array{std::move(a[0])});
}

Value fnIf(Args& a, ExpressionHost&) {
  if (a.size() != 3) return typeError("if", "expects three arguments");
  if (a[0].isUnknown()) return a[0];
  if (!a[0].isBool()) return typeError("if", "the condition is not a boolean");
  return a[0].asBool() ? std::move(a[1]) : std::move(a[2]);
}
Value fnEquals(Args& a, ExpressionHost&) {
  if (a.size() != 2) return typeError("equals", "expects two arguments");
  if (a[0].containsUnknown() || a[1].containsUnknown())
    return a[0].isUnknown() ? a[0] : a[1].isUnknown() ? a[1] : Value::unknown("equals() on values with unknown parts");
  return Value(a[0] == a[1]);
}
Value fnNot(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("not", "expects one argument");
  if (a[0].isUnknown()) return a[0];
  if (!a[0].isBool()) return typeError("not", "expects a boolean");
  return Value(!a[0].asBool());
}
Value fnAndOr(Args& a, bool isAnd) {
  const Value* unknown = nullptr;
  for (const Value& v : a) {
    if (v.isUnknown()) { if (!unknown) unknown = &v; continue; }
    if (!v.isBool()) return typeError(isAnd ? "and" : "or", "expects booleans");
    if (v.asBool() != isAnd) return Value(!isAnd);
  }
  if (unknown) return *unknown;
  return Value(isAnd);
}
Value fnAnd(Args& a, ExpressionHost&) { return fnAndOr(a, true); }
Value fnOr(Args& a, ExpressionHost&) { return fnAndOr(a, false); }

Value fnCompare(Args& a, std::string_view name, int want) {  // want: bit0 less, bit1 equal, bit2 greater
  if (a.size() != 2) return typeError(name, "expects two arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  int cmp;
  if (a[0].isNumber() && a[1].isNumber()) cmp = a[0].asNumber() < a[1].asNumber() ? -1 : a[0].asNumber() > a[1].asNumber() ? 1 : 0;
  else if (a[0].isString() && a[1].isString()) cmp = a[0].asString().compare(a[1].asString());
  else return typeError(name, "expects two numbers or two strings");
  int bit = cmp < 0 ? 1 : cmp == 0 ? 2 : 4;
  return Value((want & bit) != 0);
}
Value fnLess(Args& a, ExpressionHost&) { return fnCompare(a, "less", 1); }
Value fnLessOrEquals(Args& a, ExpressionHost&) { return fnCompare(a, "lessOrEquals", 3); }
Value fnGreater(Args& a, ExpressionHost&) { return fnCompare(a, "greater", 4); }
Value fnGreaterOrEquals(Args& a, ExpressionHost&) { return fnCompare(a, "greaterOrEquals", 6); }

Value fnArith(Args& a, std::string_view name, char op) {
  if (a.size() != 2) return typeError(name, "expects two arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  if (!a[0].isNumber() || !a[1].isNumber()) return typeError(name, "expects numbers");
  double x = a[0].asNumber(), y = a[1].asNumber();
  switch (op) {
    case '+': return Value(x + y);
    case '-': return Value(x - y);
    case '*': return Value(x * y);
    case '/': return y == 0 ? typeError(name, "division by zero") : Value(std::trunc(x / y));
    default: return y == 0 ? typeError(name, "division by zero") : Value(std::fmod(x, y));
  }
}
Value fnAdd(Args& a, ExpressionHost&) { return fnArith(a, "add", '+'); }
Value fnSub(Args& a, ExpressionHost&) { return fnArith(a, "sub", '-'); }
Value fnMul(Args& a, ExpressionHost&) { return fnArith(a, "mul", '*'); }
Value fnDiv(Args& a, ExpressionHost&) { return fnArith(a, "div", '/'); }
Value fnMod(Args& a, ExpressionHost&) { return fnArith(a, "mod", '%'); }

Value fnMinMax(Args& a, bool isMin) {
  const Array* items = &a;
  if (a.size() == 1 && a[0].isArray()) items = &a[0].asArray();
  if (items->empty()) return typeError(isMin ? "min" : "max", "expects at least one number");
  double best = 0;
  bool first = true;
  for (const Value& v : *items) {
    if (v.isUnknown()) return v;
    if (!v.isNumber()) return typeError(isMin ? "min" : "max", "expects numbers");
    if (first || (isMin ? v.asNumber() < best : v.asNumber() > best)) best = v.asNumber();
    first = false;
  }
  return Value(best);
}
Value fnMin(Args& a, ExpressionHost&) { return fnMinMax(a, true); }
Value fnMax(Args& a, ExpressionHost&) { return fnMinMax(a, false); }

Value fnEmpty(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("empty", "expects one argument");
  const Value& v = a[0];
  switch (v.type()) {
    case Value::Type::Unknown: return v;
    case Value::Type::Null: return Value(true);
    case Value::Type::String: return Value(v.asString().empty());
    case Value::Type::Array: return Value(v.asArray().empty());
    case Value::Type::Object: return Value(v.asObject().empty());
    default: return typeError("empty", "expects a string, array or object");
  }
}
Value fnLength(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("length", "expects one argument");
  const Value& v = a[0];
  switch (v.type()) {
    case Value::Type::Unknown: return v;
    case Value::Type::String: return Value(static_cast<double>(v.asString().size()));
    case Value::Type::Array: return Value(static_cast<double>(v.asArray().size()));
    case Value::Type::Object: return Value(static_cast<double>(v.asObject().size()));
    default: return typeError("length", "expects a string, array or object");
  }
}
Value fnContains(Args& a, ExpressionHost&) {
  if (a.size() != 2) return typeError("contains", "expects two arguments");
  const Value& c = a[0];
  const Value& item = a[1];
  if (c.isUnknown()) return c;
  if (item.isUnknown()) return item;
  if (c.isString()) {
    if (!item.isString() && !item.isNumber()) return typeError("contains", "expects a string to look for");
    return Value(c.asString().find(armString(item)) != std::string::npos);
  }
  if (c.isObject()) {
    if (!item.isString()) return typeError("contains", "expects a key");
    return Value(c.get(item.asString()) != nullptr);
  }
  if (c.isArray()) {
    bool unknown = false;
    for (const Value& e : c.asArray()) {
      if (e.containsUnknown()) { unknown = true; continue; }
      if (e == item) return Value(true);
    }
    if (unknown) return Value::unknown("contains(): the array has unknown elements");
    return Value(false);
  }
  return typeError("contains", "expects a string, array or object");
}
Value fnCreateArray(Args& a, ExpressionHost&) { return Value(std::move(a)); }
Value fnCreateObject(Args& a, ExpressionHost&) {
  if (a.size() % 2 != 0) return typeError("createObject", "expects key/value pairs");
  Value out = Value::object();
  for (size_t i = 0; i < a.size(); i += 2) {
    if (a[i].isUnknown()) return a[i];
    if (!a[i].isString()) return typeError("createObject", "keys must be strings");
    out.set(a[i].asString(), std::move(a[i + 1]));
  }
  return out;
}
Value fnUnion(Args& a, ExpressionHost&) {
  if (a.empty()) return typeError("union", "expects arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  if (std::all_of(a.begin(), a.end(), [](const Value& v) { return v.isObject() || v.isNull(); })) {
    Value out = Value::object();
    for (Value& v : a) {
      if (v.isNull()) continue;
      for (Member& m : v.asObject()) {
        Value* existing = out.get(m.key);
        if (existing && existing->isObject() && m.value.isObject()) existing->mergeFrom(m.value);
        else out.set(m.key, std::move(m.value));
      }
    }
    return out;
  }
  if (std::all_of(a.begin(), a.end(), [](const Value& v) { return v.isArray() || v.isNull(); })) {
    Array out;
    for (Value& v : a) {
      if (v.isNull()) continue;
      for (Value& e : v.asArray()) {
        if (std::none_of(out.begin(), out.end(), [&](const Value& x) { return x == e; })) out.push_back(std::move(e));
      }
    }
    return Value(std::move(out));
  }
  return typeError("union", "expects objects or arrays");
}
Value fnIntersection(Args& a, ExpressionHost&) {
  if (a.empty()) return typeError("intersection", "expects arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  if (std::all_of(a.begin(), a.end(), [](const Value& v) { return v.isArray(); })) {
    Array out;
    for (Value& e : a[0].asArray()) {
      bool all = std::all_of(a.begin() + 1, a.end(), [&](const Value& o) {
        return std::any_of(o.asArray().begin(), o.asArray().end(), [&](const Value& x) { return x == e; });
      });
      if (all && std::none_of(out.begin(), out.end(), [&](const Value& x) { return x == e; })) out.push_back(e);
    }
    return Value(std::move(out));
  }
  if (std::all_of(a.begin(), a.end(), [](const Value& v) { return v.isObject(); })) {
    Value out = Value::object();
    for (const Member& m : a[0].asObject()) {
      bool all = std::all_of(a.begin() + 1, a.end(), [&](const Value& o) {
        const Value* x = o.get(m.key);
        return x && *x == m.value;
      });
      if (all) out.set(m.key, m.value);
    }
    return out;
  }
  return typeError("intersection", "expects objects or arrays");
}
Value fnCoalesce(Args& a, ExpressionHost&) {
  for (Value& v : a) {
    if (v.isUnknown()) return v;
    if (!v.isNull()) return std::move(v);
  }
  return Value(nullptr);
}
Value fnFirstLast(Args& a, bool first) {
  if (a.size() != 1) return typeError(first ? "first" : "last", "expects one argument");
  Value& v = a[0];
  if (v.isUnknown()) return v;
  if (v.isString()) {
    if (v.asString().empty()) return Value(std::string());
    return Value(std::string(1, first ? v.asString().front() : v.asString().back()));
  }
  if (v.isArray()) {
    if (v.asArray().empty()) return Value(nullptr);
    return first ? std::move(v.asArray().front()) : std::move(v.asArray().back());
  }
  return typeError(first ? "first" : "last", "expects a string or an array");
}
Value fnFirst(Args& a, ExpressionHost&) { return fnFirstLast(a, true); }
Value fnLast(Args& a, ExpressionHost&) { return fnFirstLast(a, false); }
Value fnSkipTake(Args& a, bool skip) {
  std::string_view name = skip ? "skip" : "take";
  if (a.size() != 2) return typeError(name, "expects two arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  if (!a[1].isNumber()) return typeError(name, "expects a count");
  double n = std::max(0.0, a[1].asNumber());
  if (a[0].isString()) {
    const std::string& s = a[0].asString();
    size_t k = static_cast<size_t>(std::min(n, static_cast<double>(s.size())));
    return Value(skip ? s.substr(k) : s.substr(0, k));
  }
  if (a[0].isArray()) {
    Array& arr = a[0].asArray();
    size_t k = static_cast<size_t>(std::min(n, static_cast<double>(arr.size())));
    if (skip) return Value(Array(std::make_move_iterator(arr.begin() + static_cast<ptrdiff_t>(k)), std::make_move_iterator(arr.end())));
    arr.resize(k);
    return Value(std::move(arr));
  }
  return typeError(name, "expects a string or an array");
}
Value fnSkip(Args& a, ExpressionHost&) { return fnSkipTake(a, true); }
Value fnTake(Args& a, ExpressionHost&) { return fnSkipTake(a, false); }
Value fnRange(Args& a, ExpressionHost&) {
  if (a.size() != 2) return typeError("range", "expects two arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  if (!a[0].isNumber() || !a[1].isNumber()) return typeError("range", "expects numbers");
  double count = a[1].asNumber();
  if (count < 0 || count > 10000) return typeError("range", "count out of range");
  Array out;
  for (int i = 0; i < static_cast<int>(count); ++i) out.push_back(Value(a[0].asNumber() + i));
  return Value(std::move(out));
}
Value fnSplit(Args& a, ExpressionHost&) {
  if (a.size() != 2) return typeError("split", "expects two arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  if (!a[0].isString()) return typeError("split", "expects a string");
  std::vector<std::string> delims;
  if (a[1].isString()) delims.push_back(a[1].asString());
  else if (a[1].isArray()) {
    for (const Value& d : a[1].asArray()) {
      if (!d.isString()) return typeError("split", "delimiters must be strings");
      delims.push_back(d.asString());
    }
  } else {
    return typeError("split", "expects a delimiter");
  }
  const std::string& s = a[0].asString();
  Array out;
  size_t p = 0, start = 0;
  while (p < s.size()) {
    size_t matched = 0;
    for (const std::string& d : delims) {
      if (!d.empty() && s.compare(p, d.size(), d) == 0) { matched = d.size(); break; }
    }
    if (matched) {
      out.push_back(Value(s.substr(start, p - start)));
      p += matched;
      start = p;
    } else {
      ++p;
    }
  }
  out.push_back(Value(s.substr(start)));
  return Value(std::move(out));
}
Value fnJoin(Args& a, ExpressionHost&) {
  if (a.size() != 2) return typeError("join", "expects two arguments");
  if (const Value* u = firstUnknown(a)) return *u;
  if (!a[0].isArray() || !a[1].isString()) return typeError("join", "expects an array and a delimiter");
  std::string out;
  bool first = true;
  for (const Value& e : a[0].asArray()) {
    if (e.isUnknown()) return e;
    if (!first) out += a[1].asString();
    first = false;
    out += armString(e);
  }
  return Value(std::move(out));
}
Value fnItems(Args& a, ExpressionHost&) {
  if (a.size() != 1) return typeError("items", "expects one argument");
  if (a[0].isUnknown()) return a[0];
  if (!a[0].isObject()) return typeError("items", "expects an object");
  Array out;
  for (Member& m : a[0].asObject()) {
    Value e = Value::object();
    e.set("key", Value(m.key));
    e.set("value", std::move(m.value));
    out.push_back(std::move(e));
  }
  return Value(std::move(out));
}
Value fnTryGet(Args& a, ExpressionHost&) {
  if (a.empty()) return typeError("tryGet", "expects arguments");
  Value cur = std::move(a[0]);
  for (size_t i = 1; i < a.size(); ++i) {
    if (cur.isUnknown()) return cur;
    if (a[i].isUnknown()) return a[i];
    if (cur.isObject() && a[i].isString()) {
      const Value* v = cur.get(a[i].asString());
      if (!v) return Value(nullptr);
      Value next = *v;
      cur = std::move(next);
    } else if (cur.isArray() && a[i].isNumber()) {
      double idx = a[i].asNumber();
      if (idx < 0 || idx >= static_cast<double>(cur.asArray().size())) return Value(nullptr);
      Value next = std::move(cur.asArray()[static_cast<size_t>(idx)]);
      cur = std::move(next);
    } else {
      return Value(nullptr);
    }
  }
  return cur;
}
Value fnTrue(Args&, ExpressionHost&) { return Value(true); }
Value fnFalse(Args&, ExpressionHost&) { return Value(false); }
Value fnNull(Args&, ExpressionHost&) { return Value(nullptr); }

Value fnResourceId(Args& a, ExpressionHost& h) {
  std::string id = resourceIdString(a);
  if (id.empty()) {
    if (const Value* u = firstUnknown(a)) {
      // The type is known, a name is not: "Type/*" refers to the resources of that type whose
      // name is not known either (linkUnits in linter/engine/Linker.h), e.g. a hub named by a
      // parameter without value and its diagnostic setting's resourceId(..., parameters('name')).
      for (const Value& t : a) {
        if (t.isString() && t.asString().find('/') != std::string::npos && t.asString().find('.') != std::string::npos) {
          h.referenced(t.asString() + "/*");
          break;
        }
      }
      return *u;
    }
    return Value::unknown("resourceId() with arguments that are not known");
  }
  h.referenced(id);
  return Value(std::move(id));
}

Value fnReference(Args& a, ExpressionHost& h) {
  if (!a.empty() && a[0].isString()) h.referenced(a[0].asString());
  return unknownAtDeployment("reference");
}

const std::unordered_map<std::string_view, Fn>& functions() {
  static const std::unordered_map<std::string_view, Fn> table = {
      {"parameters", fnParameters}, {"variables", fnVariables}, {"copyindex", fnCopyIndex},
      {"concat", fnConcat}, {"format", fnFormat}, {"tolower", fnToLower}, {"toupper", fnToUpper},
      {"trim", fnTrim}, {"replace", fnReplace}, {"substring", fnSubstring}, {"startswith", fnStartsWith},
      {"endswith", fnEndsWith}, {"indexof", fnIndexOf}, {"lastindexof", fnLastIndexOf}, {"padleft", fnPadLeft},
      {"string", fnString}, {"int", fnInt}, {"bool", fnBool}, {"json", fnJson}, {"array", fnArray},
      {"if", fnIf}, {"equals", fnEquals}, {"not", fnNot}, {"and", fnAnd}, {"or", fnOr},
      {"less", fnLess}, {"lessorequals", fnLessOrEquals}, {"greater", fnGreater},
      {"greaterorequals", fnGreaterOrEquals}, {"add", fnAdd}, {"sub", fnSub}, {"mul", fnMul},
      {"div", fnDiv}, {"mod", fnMod}, {"min", fnMin}, {"max", fnMax}, {"empty", fnEmpty},
      {"length", fnLength}, {"contains", fnContains}, {"createarray", fnCreateArray},
      {"createobject", fnCreateObject}, {"union", fnUnion}, {"intersection", fnIntersection},
      {"coalesce", fnCoalesce}, {"first", fnFirst}, {"last", fnLast}, {"skip", fnSkip}, {"take", fnTake},
      {"range", fnRange}, {"split", fnSplit}, {"join", fnJoin}, {"items", fnItems}, {"tryget", fnTryGet},
      {"true", fnTrue}, {"false", fnFalse}, {"null", fnNull},
      {"resourceid", fnResourceId}, {"subscriptionresourceid", fnResourceId},
      {"tenantresourceid", fnResourceId}, {"managementgroupresourceid", fnResourceId},
      {"reference", fnReference},
  };
  return table;
}

Value member(Value obj, const std::string& name) {
  if (obj.isUnknown()) return obj;
  if (obj.isObject()) {
    if (Value* v = obj.get(name)) return std::move(*v);
    return Value::unknown("property '" + name + "' does not exist");
  }
  return Value::unknown("property '" + name + "' of a " + std::string(Value::typeName(obj.type())));
}

Value index(Value obj, const Value& idx) {
  if (obj.isUnknown()) return obj;
  if (idx.isUnknown()) return idx;
  if (obj.isArray() && idx.isNumber()) {
    double i = idx.asNumber();
    if (i >= 0 && i < static_cast<double>(obj.asArray().size())) return std::move(obj.asArray()[static_cast<size_t>(i)]);
    return Value::unknown("index " + numberString(i) + " is out of range");
  }
  if (obj.isObject() && idx.isString()) return member(std::move(obj), idx.asString());
  return Value::unknown("cannot index a " + std::string(Value::typeName(obj.type())));
}

}  // namespace

std::string armString(const Value& v) {
  switch (v.type()) {
    case Value::Type::String: return v.asString();
    case Value::Type::Number: return numberString(v.asNumber());
    case Value::Type::Bool: return v.asBool() ? "True" : "False";
    case Value::Type::Null: return "";
    case Value::Type::Unknown: return "";
    default:
      // string() of an array or object is its JSON text; one with an unknown inside is unknown.
      return v.containsUnknown() ? std::string() : v.toJson();
  }
}

std::string resourceIdString(const std::vector<Value>& args) {
  // [subscriptionId], [resourceGroupName], resourceType, name1, name2, ...
  size_t typeAt = args.size();
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].isString()) return {};
    if (args[i].asString().find('/') != std::string::npos) {
      typeAt = i;
      break;
    }
  }
  if (typeAt >= args.size()) return {};
  std::string id = args[typeAt].asString();
  for (size_t i = typeAt + 1; i < args.size(); ++i) {
    if (!args[i].isString()) return {};
    id += '/';
    id += args[i].asString();
  }
  return id;
}

Value evaluate(const ExprNode& n, ExpressionHost& host) {
  checkBudget();
  switch (n.kind) {
    case ExprNode::Kind::String: return Value(n.text);
    case ExprNode::Kind::Number: return Value(n.number);
    case ExprNode::Kind::Bool: return Value(n.boolean);
    case ExprNode::Kind::Null: return Value(nullptr);
    case ExprNode::Kind::Member: return member(evaluate(*n.args[0], host), n.text);
    case ExprNode::Kind::Index: {
      Value idx = evaluate(*n.args[1], host);
      return index(evaluate(*n.args[0], host), idx);
    }
    case ExprNode::Kind::Call: break;
  }
  Args args;
  args.reserve(n.args.size());
  for (const ExprPtr& a : n.args) args.push_back(evaluate(*a, host));
  const auto& table = functions();
  if (auto it = table.find(n.text); it != table.end()) {
    Value v = it->second(args, host);
    if (v.isString() && oversizedString(v.asString().size())) return Value::unknown(oversizedReason(v.asString().size()));
    return v;
  }
  if (n.text.find('.') != std::string::npos) return host.userFunction(n.text, args);
  if (n.text.rfind("list", 0) == 0) {  // listKeys, listSecrets, listCredentials, ...
    if (!args.empty() && args[0].isString()) host.referenced(args[0].asString());
    return Value::unknown(n.text + "() is evaluated at deployment");
  }
  static const std::unordered_map<std::string_view, std::string_view> deploymentTime = {
      {"uniquestring", "uniqueString"}, {"guid", "guid"}, {"newguid", "newGuid"}, {"utcnow", "utcNow"},
      {"resourcegroup", "resourceGroup"}, {"subscription", "subscription"}, {"deployment", "deployment"},
      {"environment", "environment"}, {"managementgroup", "managementGroup"}, {"tenant", "tenant"},
      {"extensionresourceid", "extensionResourceId"}, {"providers", "providers"}, {"pickzones", "pickZones"},
      {"datetimeadd", "dateTimeAdd"}, {"externalinput", "externalInput"}};
  if (auto it = deploymentTime.find(n.text); it != deploymentTime.end()) return unknownAtDeployment(it->second);
  return Value::unknown(n.text + "() is not evaluated statically");
}

}  // namespace eg::arm
