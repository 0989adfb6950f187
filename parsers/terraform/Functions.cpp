// Terraform built-in functions that can be evaluated statically. Anything else, or any call
// with an unknown or ill-typed argument, is Unknown with a reason: a linter must never fail
// on a configuration Terraform itself would accept.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <re2/re2.h>

#include "parsers/json/JsonReader.h"
#include "linter/core/Budget.h"
#include "parsers/terraform/TerraformModule.h"

namespace eg::terraform {

bool toTfString(const Value& v, std::string& out) {
  switch (v.type()) {
    case Value::Type::String: out = v.asString(); return true;
    case Value::Type::Bool: out = v.asBool() ? "true" : "false"; return true;
    case Value::Type::Number: out = v.toDisplay(); return true;
    default: return false;
  }
}

namespace {

// replace() with a regular expression: RE2 is linear in the input, so these bound only the
// result: at most (input + 1) matches, each rewritten with at most kMaxRegexRewrite bytes.
constexpr size_t kMaxRegexInput = 65536;
constexpr size_t kMaxRegexPattern = 4096;
constexpr size_t kMaxRegexRewrite = 256;

using Args = std::vector<Value>;

Value unknownFn(std::string_view name, std::string why) {
  return Value::unknown(std::string(name) + "(): " + why);
}

bool num(const Value& v, double& d) {
  if (v.isNumber()) { d = v.asNumber(); return true; }
  if (v.isString()) {
    char* end = nullptr;
    d = std::strtod(v.asString().c_str(), &end);
    return !v.asString().empty() && end && *end == '\0';
  }
  return false;
}

// A collection's elements: arrays as-is, objects by value.
bool elements(const Value& v, std::vector<const Value*>& out) {
  if (v.isArray()) { for (const Value& e : v.asArray()) out.push_back(&e); return true; }
  if (v.isObject()) { for (const Member& m : v.asObject()) out.push_back(&m.value); return true; }
  return false;
}

std::string caseMap(std::string s, int mode) {
  bool start = true;
  for (char& c : s) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (mode == 0 && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    else if (mode == 1 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    else if (mode == 2 && start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = !letter && !(c >= '0' && c <= '9');
  }
  return s;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string jsonEncode(const Value& v) { return v.toJson(); }

bool formatOne(std::string_view fmt, const Args& args, size_t argBase, std::string& out, std::string& err) {
  size_t argi = argBase;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (oversizedString(out.size())) { err = oversizedReason(out.size()); return false; }
    char c = fmt[i];
    if (c != '%') { out += c; continue; }
    if (++i >= fmt.size()) { err = "format string ends with '%'"; return false; }
    if (fmt[i] == '%') { out += '%'; continue; }
    std::string spec = "%";
    size_t digits = 0;  // of the current width or precision
    while (i < fmt.size() && std::string_view("#+- 0123456789.").find(fmt[i]) != std::string_view::npos) {
      digits = fmt[i] >= '0' && fmt[i] <= '9' ? digits + 1 : 0;
      // A width or precision of 100 or more (`%.999999999f`) would make the C library build
      // gigabytes of digits that the 128-byte buffer then cuts: not evaluated.
      if (digits > 2) { err = "format width or precision over 99"; return false; }
      spec += fmt[i++];
    }
    if (i >= fmt.size()) { err = "incomplete format verb"; return false; }
    char verb = fmt[i];
    if (argi >= args.size()) { err = "not enough arguments for the format string"; return false; }
    const Value& a = args[argi++];
    std::string s;
    char buf[128];
    switch (verb) {
      case 's': case 'v':
        if (!toTfString(a, s)) { if (verb == 'v') s = jsonEncode(a); else { err = "%s needs a primitive"; return false; } }
        out += s;
        break;
      case 'q': if (!toTfString(a, s)) { err = "%q needs a string"; return false; } out += Value(s).toJson(); break;
      case 't': if (!a.isBool()) { err = "%t needs a bool"; return false; } out += a.asBool() ? "true" : "false"; break;
      case 'd': { double d; if (!num(a, d)) { err = "%d needs a number"; return false; }
        std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), static_cast<long long>(d)); out += buf; break; }
      case 'f': case 'e': case 'g': { double d; if (!num(a, d)) { err = "%f needs a number"; return false; }
        std::snprintf(buf, sizeof buf, (spec + verb).c_str(), d); out += buf; break; }
      case 'x': case 'X': case 'o': case 'b': { double d; if (!num(a, d) || verb == 'b') { err = "unsupported verb"; return false; }
        std::snprintf(buf, sizeof buf, (spec + "ll" + verb).c_str(), static_cast<long long>(d)); out += buf; break; }
      default: err = std::string("unsupported format verb %") + verb; return false;
    }
  }
  return true;
}

bool parseIpv4(std::string_view s, uint32_t& ip) {
  ip = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t b = i;
    uint32_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') { v = v * 10 + static_cast<uint32_t>(s[i] - '0'); ++i; if (v > 255) return false; }
    if (i == b) return false;
    ip = (ip << 8) | v;
    ++parts;
    if (parts < 4) { if (i >= s.size() || s[i] != '.') return false; ++i; }
  }
  return i == s.size();
}

std::string ipv4Text(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) + "." +
         std::to_string(ip & 255);
}

bool parseCidr4(std::string_view s, uint32_t& net, int& bits) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  if (!parseIpv4(s.substr(0, slash), net)) return false;
  std::string b(s.substr(slash + 1));
  char* end = nullptr;
  long v = std::strtol(b.c_str(), &end, 10);
  if (b.empty() || *end || v < 0 || v > 32) return false;
  bits = static_cast<int>(v);
  uint32_t mask = bits == 0 ? 0 : (0xFFFFFFFFu << (32 - bits));
  net &= mask;
  return true;
}

// Argument i as a string (Terraform converts bools and numbers), false when it is not one.
bool str(const Args& a, size_t i, std::string& out) { return i < a.size() && toTfString(a[i], out); }

// lower(), upper(), title()
Value caseFn(std::string_view name, Args& a) {
  std::string s0;
  if (!str(a, 0, s0)) return unknownFn(name, "needs a string");
  return Value(caseMap(std::move(s0), name == "lower" ? 0 : name == "upper" ? 1 : 2));
}

// trimspace(), chomp()
Value trimSpaceFn(std::string_view name, Args& a) {
  std::string s0;
  if (!str(a, 0, s0)) return unknownFn(name, "needs a string");
  size_t e = s0.size();
  if (name == "chomp") { while (e > 0 && (s0[e - 1] == '\n' || s0[e - 1] == '\r')) --e; return Value(s0.substr(0, e)); }
  size_t b = 0;
  while (b < e && isSpace(s0[b])) ++b;
  while (e > b && isSpace(s0[e - 1])) --e;
  return Value(s0.substr(b, e - b));
}

// trim()
Value trimFn(std::string_view name, Args& a) {
  std::string s0, s1;
  if (!str(a, 0, s0) || !str(a, 1, s1)) return unknownFn(name, "needs two strings");
  size_t b = s0.find_first_not_of(s1), e = s0.find_last_not_of(s1);
  return Value(b == std::string::npos ? std::string() : s0.substr(b, e - b + 1));
}

// trimprefix(), trimsuffix()
Value trimAffixFn(std::string_view name, Args& a) {
  std::string s0, s1;
  if (!str(a, 0, s0) || !str(a, 1, s1)) return unknownFn(name, "needs two strings");
  if (name == "trimprefix" && s0.compare(0, s1.size(), s1) == 0) return Value(s0.substr(s1.size()));
  if (name == "trimsuffix" && s0.size() >= s1.size() && s0.compare(s0.size() - s1.size(), s1.size(), s1) == 0)
    return Value(s0.substr(0, s0.size() - s1.size()));
  return Value(s0);
}

// startswith(), endswith()
Value startsEndsWithFn(std::string_view name, Args& a) {
  std::string s0, s1;
  if (!str(a, 0, s0) || !str(a, 1, s1)) return unknownFn(name, "needs two strings");
  if (name == "startswith") return Value(s0.compare(0, s1.size(), s1) == 0);
  return Value(s0.size() >= s1.size() && s0.compare(s0.size() - s1.size(), s1.size(), s1) == 0);
}

// format()
Value formatFn(std::string_view name, Args& a) {
  std::string s0;
  if (!str(a, 0, s0)) return unknownFn(name, "needs a format string");
  std::string out, err;
  if (!formatOne(s0, a, 1, out, err)) return unknownFn(name, err);
  return Value(std::move(out));
}

// formatlist()
Value formatlistFn(std::string_view name, Args& a) {
  std::string s0;
  if (!str(a, 0, s0)) return unknownFn(name, "needs a format string");
  size_t n = SIZE_MAX;
  for (size_t i = 1; i < a.size(); ++i) if (a[i].isArray()) n = std::min(n, a[i].asArray().size());
  if (n == SIZE_MAX) n = 1;
  Value out = Value::array();
  for (size_t k = 0; k < n; ++k) {
    Args row{a[0]};
    for (size_t i = 1; i < a.size(); ++i) row.push_back(a[i].isArray() ? a[i].asArray()[k] : a[i]);
    std::string line, err;
    if (!formatOne(s0, row, 1, line, err)) return unknownFn(name, err);
    out.asArray().push_back(Value(std::move(line)));
  }
  return out;
}

// join()
Value joinFn(std::string_view name, Args& a) {
  std::string s0;
  if (!str(a, 0, s0)) return unknownFn(name, "needs a separator");
  std::string out;
  bool first = true;
  for (size_t i = 1; i < a.size(); ++i) {
    if (!a[i].isArray()) return unknownFn(name, "needs lists");
    for (const Value& e : a[i].asArray()) {
      if (oversizedString(out.size())) return unknownFn(name, oversizedReason(out.size()));
      std::string s;
      if (!toTfString(e, s)) return unknownFn(name, "list elements must be strings");
      if (!first) out += s0;
      out += s;
      first = false;
    }
  }
  return Value(std::move(out));
}

// split()
Value splitFn(std::string_view name, Args& a) {
  std::string s0, s1;
  if (!str(a, 0, s0) || !str(a, 1, s1)) return unknownFn(name, "needs two strings");
  Value out = Value::array();
  if (s1.empty()) return out;
  if (s0.empty()) { for (char c : s1) out.asArray().push_back(Value(std::string(1, c))); return out; }
  size_t b = 0;
  while (true) {
    size_t e = s1.find(s0, b);
    out.asArray().push_back(Value(s1.substr(b, e == std::string::npos ? std::string::npos : e - b)));
    if (e == std::string::npos) break;
    b = e + s0.size();
  }
  return out;
}

// replace()
Value replaceFn(std::string_view name, Args& a) {
  std::string s0, s1, s2;
  if (!str(a, 0, s0) || !str(a, 1, s1) || !str(a, 2, s2)) return unknownFn(name, "needs three strings");
  if (s1.size() >= 2 && s1.front() == '/' && s1.back() == '/') {
    // Terraform's regular expressions are Go's, whose syntax RE2 shares; RE2 runs in time
    // linear in the input, so both pattern and text may come from the scanned file.
    if (s0.size() > kMaxRegexInput || s1.size() > kMaxRegexPattern || s2.size() > kMaxRegexRewrite) {
      return unknownFn(name, "input, regular expression or replacement too long to evaluate statically");
    }
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(int64_t{8} << 20);
    re2::RE2 re(s1.substr(1, s1.size() - 2), options);
    if (!re.ok()) return unknownFn(name, "unsupported regular expression");
    // Go's replacement syntax ($1, ${1}, $$) in RE2's (\1, \\); named groups are not evaluated.
    std::string rewrite;
    for (size_t i = 0; i < s2.size(); ++i) {
      char c = s2[i];
      if (c == '\\') { rewrite += "\\\\"; continue; }
      if (c != '$' || i + 1 >= s2.size()) { rewrite += c; continue; }
      if (s2[i + 1] == '$') { rewrite += '$'; ++i; continue; }
      size_t j = i + 1;
      bool braced = s2[j] == '{';
      if (braced) ++j;
      size_t digits = j;
      while (digits < s2.size() && s2[digits] >= '0' && s2[digits] <= '9') ++digits;
      if (digits == j || (braced && (digits >= s2.size() || s2[digits] != '}'))) {
        if (braced || std::isalpha(static_cast<unsigned char>(s2[j])) || s2[j] == '_')
          return unknownFn(name, "named groups in the replacement are not evaluated");
        rewrite += c;
        continue;
      }
      int group = std::atoi(s2.substr(j, digits - j).c_str());
      if (group > 9 || group > re.NumberOfCapturingGroups()) return unknownFn(name, "the replacement names a missing group");
      rewrite += '\\';
      rewrite += static_cast<char>('0' + group);
      i = braced ? digits : digits - 1;
    }
    std::string out = s0;
    re2::RE2::GlobalReplace(&out, re, rewrite);
    if (oversizedString(out.size())) return unknownFn(name, oversizedReason(out.size()));
    return Value(std::move(out));
  }
  if (s1.empty()) return Value(s0);
  std::string out;
  size_t b = 0;
  while (true) {
    // replace(s, "a", s) grows as |s|^2: stop at the size of one value, not at the machine's.
    if (oversizedString(out.size())) return unknownFn(name, oversizedReason(out.size()));
    size_t e = s0.find(s1, b);
    if (e == std::string::npos) { out.append(s0, b, std::string::npos); break; }
    out.append(s0, b, e - b);
    out += s2;
    b = e + s1.size();
  }
  return Value(std::move(out));
}

// substr()
Value substrFn(std::string_view name, Args& a) {
  std::string s0;
  double off, len;
  if (!str(a, 0, s0) || a.size() < 3 || !num(a[1], off) || !num(a[2], len)) return unknownFn(name, "bad arguments");
  // Byte-based; Terraform counts characters, which only differs for non-ASCII text.
  long n = static_cast<long>(s0.size());
  long o = static_cast<long>(off);
  if (o < 0) o += n;
  if (o < 0 || o > n) return unknownFn(name, "offset out of range");
  long l = static_cast<long>(len);
  if (l < 0 || o + l > n) l = n - o;
  return Value(s0.substr(static_cast<size_t>(o), static_cast<size_t>(l)));
}

// concat()
Value concatFn(std::string_view name, Args& a) {
  Value out = Value::array();
  for (Value& v : a) {
    if (!v.isArray()) return unknownFn(name, "needs lists");
    for (Value& e : v.asArray()) out.asArray().push_back(std::move(e));
  }
  return out;
}

// merge()
Value mergeFn(std::string_view name, Args& a) {
  Value out = Value::object();
  for (Value& v : a) {
    if (v.isNull()) continue;
    if (!v.isObject()) return unknownFn(name, "needs objects");
    for (Member& m : v.asObject()) out.set(m.key, std::move(m.value));
  }
  return out;
}

// lookup()
Value lookupFn(std::string_view name, Args& a) {
  std::string s1;
  if (a.size() < 2 || !a[0].isObject() || !toTfString(a[1], s1)) return unknownFn(name, "bad arguments");
  if (const Value* v = a[0].get(s1)) return *v;
  if (a.size() >= 3) return a[2];
  return unknownFn(name, "key '" + s1 + "' not found");
}

// coalesce()
Value coalesceFn(std::string_view name, Args& a) {
  for (Value& v : a) {
    if (v.isNull() || (v.isString() && v.asString().empty())) continue;
    return v;
  }
  return unknownFn(name, "all arguments are null or empty");
}

// coalescelist()
Value coalesceListFn(std::string_view name, Args& a) {
  for (Value& v : a) if (v.isArray() && !v.asArray().empty()) return v;
  return Value::array();
}

// contains()
Value containsFn(std::string_view name, Args& a) {
  if (a.size() != 2) return unknownFn(name, "needs two arguments");
  std::vector<const Value*> els;
  if (!elements(a[0], els)) return unknownFn(name, "needs a collection");
  for (const Value* e : els) if (*e == a[1]) return Value(true);
  return Value(false);
}

// length()
Value lengthFn(std::string_view name, Args& a) {
  if (a.size() != 1) return unknownFn(name, "needs one argument");
  if (a[0].isArray()) return Value(static_cast<double>(a[0].asArray().size()));
  if (a[0].isObject()) return Value(static_cast<double>(a[0].asObject().size()));
  if (a[0].isString()) {
    size_t n = 0;
    for (char c : a[0].asString()) if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return Value(static_cast<double>(n));
  }
  return unknownFn(name, "needs a collection or string");
}

// keys(), values()
Value keysValuesFn(std::string_view name, Args& a) {
  if (a.size() != 1 || !a[0].isObject()) return unknownFn(name, "needs a map");
  // Terraform returns map keys in lexical order.
  std::vector<const Member*> ms;
  for (const Member& m : a[0].asObject()) ms.push_back(&m);
  std::sort(ms.begin(), ms.end(), [](const Member* x, const Member* y) { return x->key < y->key; });
  Value out = Value::array();
  for (const Member* m : ms) out.asArray().push_back(name == "keys" ? Value(m->key) : m->value);
  return out;
}

// element()
Value elementFn(std::string_view name, Args& a) {
  double i;
  if (a.size() != 2 || !a[0].isArray() || !num(a[1], i)) return unknownFn(name, "bad arguments");
  const Array& arr = a[0].asArray();
  if (arr.empty()) return unknownFn(name, "empty list");
  return arr[static_cast<size_t>(std::max(0.0, i)) % arr.size()];
}

// flatten()
Value flattenFn(std::string_view name, Args& a) {
  if (a.size() != 1 || !a[0].isArray()) return unknownFn(name, "needs a list");
  Value out = Value::array();
  std::function<void(const Value&)> rec = [&](const Value& v) {
    for (const Value& e : v.asArray()) { if (e.isArray()) rec(e); else out.asArray().push_back(e); }
  };
  rec(a[0]);
  return out;
}

// distinct(), toset()
Value distinctFn(std::string_view name, Args& a) {
  if (a.size() != 1 || !a[0].isArray()) return unknownFn(name, "needs a list");
  if (a[0].containsUnknown()) return unknownFn(name, "the list has unknown elements");
  // First occurrences, found through a hash of each element's JSON text (a search per
  // element made 150,000 elements take 27 s).
  Value out = Value::array();
  std::unordered_set<std::string> seen;
  for (const Value& e : a[0].asArray()) {
    checkBudget();
    if (seen.insert(std::string(Value::typeName(e.type())) + ':' + e.toJson()).second) out.asArray().push_back(e);
  }
  if (name == "toset") {
    // Sets of strings iterate in lexical order in Terraform.
    bool allStrings = std::all_of(out.asArray().begin(), out.asArray().end(), [](const Value& v) { return v.isString(); });
    if (allStrings) std::sort(out.asArray().begin(), out.asArray().end(), [](const Value& x, const Value& y) { return x.asString() < y.asString(); });
  }
  return out;
}

// reverse()
Value reverseFn(std::string_view name, Args& a) {
  if (a.size() != 1 || !a[0].isArray()) return unknownFn(name, "needs a list");
  Value out = a[0];
  std::reverse(out.asArray().begin(), out.asArray().end());
  return out;
}

// tostring()
Value toStringFn(std::string_view name, Args& a) {
  std::string s0;
  if (a.size() == 1 && a[0].isNull()) return Value(nullptr);
  if (!str(a, 0, s0)) return unknownFn(name, "needs a primitive");
  return Value(std::move(s0));
}

// tonumber()
Value toNumberFn(std::string_view name, Args& a) {
  double d;
  if (a.size() == 1 && a[0].isNull()) return Value(nullptr);
  if (a.size() != 1 || !num(a[0], d)) return unknownFn(name, "not a number");
  return Value(d);
}

// tobool()
Value toBoolFn(std::string_view name, Args& a) {
  if (a.size() == 1 && a[0].isNull()) return Value(nullptr);
  if (a.size() == 1 && a[0].isBool()) return a[0];
  if (a.size() == 1 && a[0].isString() && (a[0].asString() == "true" || a[0].asString() == "false"))
    return Value(a[0].asString() == "true");
  return unknownFn(name, "not a bool");
}

// tolist()
Value toListFn(std::string_view name, Args& a) {
  if (a.size() == 1 && a[0].isArray()) return a[0];
  return unknownFn(name, "needs a list or set");
}

// tomap()
Value toMapFn(std::string_view name, Args& a) {
  if (a.size() == 1 && a[0].isObject()) return a[0];
  return unknownFn(name, "needs an object");
}

// jsonencode()
Value jsonEncodeFn(std::string_view name, Args& a) {
  if (a.size() != 1) return unknownFn(name, "needs one argument");
  return Value(jsonEncode(a[0]));
}

// jsondecode()
Value jsonDecodeFn(std::string_view name, Args& a) {
  std::string s0;
  if (!str(a, 0, s0)) return unknownFn(name, "needs a string");
  Value out;
  json::JsonError err;
  json::JsonOptions opts;
  opts.allowComments = false;
  if (!json::parseJsonText(s0, kNoFile, 0, out, err, opts)) return unknownFn(name, "invalid JSON: " + err.message);
  return out;
}

// min(), max(), abs(), floor(), ceil()
Value numberFn(std::string_view name, Args& a) {
  std::vector<double> ns;
  for (Value& v : a) { double d; if (!num(v, d)) return unknownFn(name, "needs numbers"); ns.push_back(d); }
  if (ns.empty()) return unknownFn(name, "needs numbers");
  if (name == "min") return Value(*std::min_element(ns.begin(), ns.end()));
  if (name == "max") return Value(*std::max_element(ns.begin(), ns.end()));
  if (name == "abs") return Value(std::fabs(ns[0]));
  if (name == "floor") return Value(std::floor(ns[0]));
  return Value(std::ceil(ns[0]));
}

// zipmap()
Value zipMapFn(std::string_view name, Args& a) {
  if (a.size() != 2 || !a[0].isArray() || !a[1].isArray() || a[0].asArray().size() != a[1].asArray().size())
    return unknownFn(name, "needs two lists of equal length");
  Value out = Value::object();
  for (size_t i = 0; i < a[0].asArray().size(); ++i) {
    std::string k;
    if (!toTfString(a[0].asArray()[i], k)) return unknownFn(name, "keys must be strings");
    out.set(k, a[1].asArray()[i]);
  }
  return out;
}

// compact()
Value compactFn(std::string_view name, Args& a) {
  if (a.size() != 1 || !a[0].isArray()) return unknownFn(name, "needs a list");
  Value out = Value::array();
  for (const Value& e : a[0].asArray()) if (!e.isNull() && !(e.isString() && e.asString().empty())) out.asArray().push_back(e);
  return out;
}

// one()
Value oneFn(std::string_view name, Args& a) {
  if (a.size() != 1 || !a[0].isArray() || a[0].asArray().size() > 1) return unknownFn(name, "needs a list of at most one element");
  return a[0].asArray().empty() ? Value(nullptr) : a[0].asArray()[0];
}

// cidrsubnet()
Value cidrSubnetFn(std::string_view name, Args& a) {
  std::string s0;
  double nb, nn;
  uint32_t net;
  int bits;
  if (!str(a, 0, s0) || a.size() != 3 || !num(a[1], nb) || !num(a[2], nn)) return unknownFn(name, "bad arguments");
  if (!parseCidr4(s0, net, bits)) return unknownFn(name, "only IPv4 prefixes are evaluated");
  int newBits = bits + static_cast<int>(nb);
  if (newBits > 32 || nn < 0 || (nb < 32 && nn >= std::ldexp(1.0, static_cast<int>(nb)))) return unknownFn(name, "prefix out of range");
  uint32_t sub = net | (newBits == 32 && nb == 0 ? 0 : (static_cast<uint32_t>(nn) << (32 - newBits)));
  return Value(ipv4Text(sub) + "/" + std::to_string(newBits));
}

// cidrhost()
Value cidrHostFn(std::string_view name, Args& a) {
  std::string s0;
  double hn;
  uint32_t net;
  int bits;
  if (!str(a, 0, s0) || a.size() != 2 || !num(a[1], hn)) return unknownFn(name, "bad arguments");
  if (!parseCidr4(s0, net, bits)) return unknownFn(name, "only IPv4 prefixes are evaluated");
  double size = std::ldexp(1.0, 32 - bits);
  if (hn < 0) hn += size;
  if (hn < 0 || hn >= size) return unknownFn(name, "host number out of range");
  return Value(ipv4Text(net + static_cast<uint32_t>(hn)));
}

// The functions evaluated statically, by name; any other is unknown ("not evaluated statically"):
// file(), templatefile(), timestamp(), uuid(), bcrypt(), ... depend on the machine or the time.
const std::unordered_map<std::string_view, Value (*)(std::string_view, Args&)>& functions() {
  static const std::unordered_map<std::string_view, Value (*)(std::string_view, Args&)> table = {
      {"lower", caseFn},
      {"upper", caseFn},
      {"title", caseFn},
      {"trimspace", trimSpaceFn},
      {"chomp", trimSpaceFn},
      {"trim", trimFn},
      {"trimprefix", trimAffixFn},
      {"trimsuffix", trimAffixFn},
      {"startswith", startsEndsWithFn},
      {"endswith", startsEndsWithFn},
      {"format", formatFn},
      {"formatlist", formatlistFn},
      {"join", joinFn},
      {"split", splitFn},
      {"replace", replaceFn},
      {"substr", substrFn},
      {"concat", concatFn},
      {"merge", mergeFn},
      {"lookup", lookupFn},
      {"coalesce", coalesceFn},
      {"coalescelist", coalesceListFn},
      {"contains", containsFn},
      {"length", lengthFn},
      {"keys", keysValuesFn},
      {"values", keysValuesFn},
      {"element", elementFn},
      {"flatten", flattenFn},
      {"distinct", distinctFn},
      {"toset", distinctFn},
      {"reverse", reverseFn},
      {"tostring", toStringFn},
      {"tonumber", toNumberFn},
      {"tobool", toBoolFn},
      {"tolist", toListFn},
      {"tomap", toMapFn},
      {"jsonencode", jsonEncodeFn},
      {"jsondecode", jsonDecodeFn},
      {"min", numberFn},
      {"max", numberFn},
      {"abs", numberFn},
      {"floor", numberFn},
      {"ceil", numberFn},
      {"zipmap", zipMapFn},
      {"compact", compactFn},
      {"one", oneFn},
      {"cidrsubnet", cidrSubnetFn},
      {"cidrhost", cidrHostFn},
  };
  return table;
}

Value fn(std::string_view name, Args& a) {
  auto it = functions().find(name);
  if (it == functions().end()) return Value::unknown(std::string(name) + "() is not evaluated statically");
  return it->second(name, a);
}

}  // namespace

Value callFunction(std::string_view name, std::vector<Value>& args) {
  // coalesce may skip unknowns only after a known value; every other function needs all
  // arguments known.
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].containsUnknown()) continue;
    if (name == "coalesce") {
      bool earlierKnown = false;
      for (size_t k = 0; k < i; ++k) if (!args[k].isNull() && !(args[k].isString() && args[k].asString().empty())) earlierKnown = true;
      if (earlierKnown) break;
    }
    if (args[i].isUnknown()) return Value::unknown(args[i].unknownReason());
    return Value::unknown(std::string(name) + "(): an argument contains an unknown value");
  }
  Value r = fn(name, args);
  r.prov = Provenance{};
  return r;
}

}  // namespace eg::terraform
