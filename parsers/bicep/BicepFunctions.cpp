// Bicep built-in functions (see BicepFunctions.h).
#include "parsers/bicep/BicepFunctions.h"

#include "linter/core/Budget.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "parsers/arm/ArmExpression.h"
#include "parsers/json/JsonReader.h"

namespace eg::bicep {

namespace {

std::string lower(std::string_view s) { return toLowerAscii(s); }

std::string upper(std::string_view s) { return toUpperAscii(s); }

std::string str(const Value& v) { return v.isString() ? v.asString() : v.toDisplay(); }

bool known(const std::vector<Value>& vs) {
  for (const Value& v : vs) if (v.containsUnknown()) return false;
  return true;
}

// .NET composite format: {0}, {1:fmt} (format specifiers ignored), {{ and }}.
bool formatString(const std::string& f, const std::vector<Value>& args, std::string& out) {
  for (size_t i = 0; i < f.size(); ++i) {
    if (oversizedString(out.size())) return false;  // `{0}` a thousand times over a long value
    char c = f[i];
    if (c == '{' && i + 1 < f.size() && f[i + 1] == '{') { out += '{'; ++i; continue; }
    if (c == '}' && i + 1 < f.size() && f[i + 1] == '}') { out += '}'; ++i; continue; }
    if (c != '{') { out += c; continue; }
    size_t close = f.find('}', i);
    if (close == std::string::npos) return false;
    std::string inner = f.substr(i + 1, close - i - 1);
    size_t colon = inner.find_first_of(":,");
    std::string idx = inner.substr(0, colon);
    if (idx.empty() || idx.size() > 6 || !std::all_of(idx.begin(), idx.end(), ::isdigit)) return false;  // stoul would throw
    size_t k = std::stoul(idx) + 1;
    if (k >= args.size()) return false;
    out += str(args[k]);
    i = close;
  }
  return true;
}

const std::unordered_set<std::string>& deploymentFunctions() {
  static const std::unordered_set<std::string> s = {
      "resourcegroup", "subscription", "tenant", "managementgroup", "deployment", "environment", "uniquestring",
      "guid", "newguid", "utcnow", "reference", "resourceid", "subscriptionresourceid", "tenantresourceid",
      "extensionresourceid", "managementgroupresourceid", "listkeys", "listsecrets", "list", "pickzones",
      "providers", "getsecret", "loadtextcontent", "loadjsoncontent", "loadyamlcontent", "loadfileasbase64",
      "externalinput", "readenvironmentvariable", "deployer", "managementgroupresourceid"};
  return s;
}

// One call: the function's name as written and in lower case, its argument nodes and, for
// functions of values, the evaluated arguments.
struct Call {
  const std::string& name;
  const std::string& fn;
  const std::vector<const Node*>& nodes;
  FunctionHost& host;
  ByteRange at;
  std::vector<Value> a;

  const Value& arg(size_t i) const {
    static const Value null;
    return i < a.size() ? a[i] : null;
  }
  Value unknown(std::string why) const {
    Value v = Value::unknown(std::move(why));
    v.prov = Provenance{host.file(), at, {}};
    return v;
  }
};

// What a function is given: its argument nodes (it evaluates them itself: lambdas are applied,
// not evaluated), its evaluated arguments even when some are unknown, or only fully known ones
// (a call with an unknown argument is unknown without calling it).
enum class Takes { Nodes, Values, KnownValues };
// The value of a call, or nullopt when the function is not evaluated for these arguments.
using Impl = std::optional<Value> (*)(Call&);
struct Builtin {
  Takes takes;
  Impl impl;
};

// --- functions of argument nodes ----------------------------------------------------------

// resourceId() with known arguments gives the same id the ARM front-end builds
// ("<type>/<name>/..."), so a policy sees which resource it names (for example a built-in
// registry scope map); subscription and resource group stay out of it.
std::optional<Value> resourceIdFn(Call& c) {
  std::vector<Value> ids;
  for (const Node* n : c.nodes) ids.push_back(c.host.evalArg(n));
  std::string id = arm::resourceIdString(ids);
  if (!id.empty()) return Value(std::move(id));
  return c.unknown(c.name + "() is evaluated at deployment");
}

// map, filter, sort, reduce, toObject, groupBy, mapValues: the lambda argument is applied.
std::optional<Value> lambdaFn(Call& c) {
  const std::string& fn = c.fn;
  const std::vector<const Node*>& argNodes = c.nodes;
  if (argNodes.empty()) return c.unknown(c.name + "() needs arguments");
  Value src = c.host.evalArg(argNodes[0]);
  if (!src.isArray() || argNodes.size() < 2) return c.unknown(c.name + "() over a value that is not known");
  const Array& items = src.asArray();
  if (items.size() > 1000) return c.unknown(c.name + "() over too many items");
  if (fn == "map") {
    Value out = Value::array();
    for (size_t i = 0; i < items.size(); ++i) out.asArray().push_back(c.host.applyLambda(argNodes[1], {items[i], Value(static_cast<double>(i))}));
    return out;
  }
  if (fn == "filter") {
    Value out = Value::array();
    for (size_t i = 0; i < items.size(); ++i) {
      Value keep = c.host.applyLambda(argNodes[1], {items[i], Value(static_cast<double>(i))});
      if (!keep.isBool()) return c.unknown("filter() condition is not known");
      if (keep.asBool()) out.asArray().push_back(items[i]);
    }
    return out;
  }
  if (fn == "reduce" && argNodes.size() >= 3) {
    Value acc = c.host.evalArg(argNodes[1]);
    for (size_t i = 0; i < items.size(); ++i) acc = c.host.applyLambda(argNodes[2], {acc, items[i], Value(static_cast<double>(i))});
    return acc;
  }
  if (fn == "toobject") {
    Value out = Value::object();
    for (const Value& it : items) {
      Value k = c.host.applyLambda(argNodes[1], {it});
      if (!k.isString()) return c.unknown("toObject() key is not known");
      out.set(k.asString(), argNodes.size() > 2 ? c.host.applyLambda(argNodes[2], {it}) : it);
    }
    return out;
  }
  return std::nullopt;  // sort, groupBy, mapValues
}

// --- functions that tolerate unknown arguments ---------------------------------------------

std::optional<Value> coalesceFn(Call& c) {
  for (const Value& v : c.a) {
    if (v.isUnknown()) return c.unknown("coalesce() argument is not known");
    if (!v.isNull()) return v;
  }
  return Value();
}

std::optional<Value> ifFn(Call& c) {
  if (c.arg(0).isBool()) return c.arg(0).asBool() ? c.arg(1) : c.arg(2);
  return c.unknown("if() condition is not known");
}

std::optional<Value> emptyFn(Call& c) {
  const Value& v = c.arg(0);
  if (v.isNull()) return Value(true);
  if (v.isString()) return Value(v.asString().empty());
  if (v.isArray()) return Value(v.asArray().empty());
  if (v.isObject()) return Value(v.asObject().empty());
  return c.unknown("empty() argument is not known");
}

std::optional<Value> lengthFn(Call& c) {
  const Value& v = c.arg(0);
  if (v.isString()) return Value(static_cast<double>(v.asString().size()));
  if (v.isArray()) return Value(static_cast<double>(v.asArray().size()));
  if (v.isObject()) return Value(static_cast<double>(v.asObject().size()));
  return c.unknown("length() argument is not known");
}

std::optional<Value> unionFn(Call& c) {
  if (c.a.empty()) return c.unknown("union() needs arguments");
  if (c.arg(0).isObject()) {
    Value out = Value::object();
    for (const Value& v : c.a) {
      if (v.isNull()) continue;
      if (!v.isObject()) return c.unknown("union() argument is not a known object");
      out.mergeFrom(v);
    }
    return out;
  }
  if (c.arg(0).isArray()) {
    Value out = Value::array();
    for (const Value& v : c.a) {
      if (!v.isArray()) return c.unknown("union() argument is not a known array");
      for (const Value& x : v.asArray()) {
        if (std::none_of(out.asArray().begin(), out.asArray().end(), [&](const Value& y) { return x == y; }))
          out.asArray().push_back(x);
      }
    }
    return out;
  }
  return c.unknown("union() argument is not known");
}

std::optional<Value> concatFn(Call& c) {
  if (!c.a.empty() && c.arg(0).isArray()) {
    Value out = Value::array();
    for (const Value& v : c.a) {
      if (v.isArray()) for (const Value& x : v.asArray()) out.asArray().push_back(x);
      else if (v.isUnknown()) return c.unknown("concat() argument is not known");
      else out.asArray().push_back(v);
    }
    return out;
  }
  if (!known(c.a)) return c.unknown("concat() argument is not known");
  std::string out;
  for (const Value& v : c.a) out += str(v);
  return Value(std::move(out));
}

// createArray(), array()
std::optional<Value> arrayFn(Call& c) {
  if (c.fn == "array" && c.a.size() == 1 && c.arg(0).isArray()) return c.arg(0);
  if (c.fn == "array" && c.a.size() == 1 && c.arg(0).isUnknown()) return c.unknown("array() argument is not known");
  Value out = Value::array();
  for (const Value& v : c.a) out.asArray().push_back(v);
  return out;
}

std::optional<Value> createObjectFn(Call& c) {
  Value out = Value::object();
  for (size_t i = 0; i + 1 < c.a.size(); i += 2) {
    if (!c.a[i].isString()) return c.unknown("createObject() key is not known");
    out.set(c.a[i].asString(), c.a[i + 1]);
  }
  return out;
}

// first(), last()
std::optional<Value> firstLastFn(Call& c) {
  bool first = c.fn == "first";
  const Value& v = c.arg(0);
  if (v.isArray()) {
    if (v.asArray().empty()) return Value();
    return first ? v.asArray().front() : v.asArray().back();
  }
  if (v.isString()) {
    if (v.asString().empty()) return Value("");
    return Value(std::string(1, first ? v.asString().front() : v.asString().back()));
  }
  return c.unknown(c.name + "() argument is not known");
}

std::optional<Value> containsFn(Call& c) {
  const Value& container = c.arg(0);
  const Value& x = c.arg(1);
  if (container.isUnknown() || x.containsUnknown()) return c.unknown("contains() argument is not known");
  if (container.isString() && (x.isString() || x.isNumber()))
    return Value(container.asString().find(str(x)) != std::string::npos);
  if (container.isArray())
    return Value(std::any_of(container.asArray().begin(), container.asArray().end(), [&](const Value& y) { return y == x; }));
  if (container.isObject() && x.isString()) return Value(container.get(x.asString()) != nullptr);
  return c.unknown("contains() arguments have the wrong types");
}

std::optional<Value> itemsFn(Call& c) {
  if (!c.arg(0).isObject()) return c.unknown("items() argument is not a known object");
  Value out = Value::array();
  std::vector<const Member*> ms;
  for (const Member& m : c.arg(0).asObject()) ms.push_back(&m);
  std::stable_sort(ms.begin(), ms.end(), [](const Member* x, const Member* y) { return lower(x->key) < lower(y->key); });
  for (const Member* m : ms) out.asArray().push_back(Value(Object{Member{"key", Value(m->key)}, Member{"value", m->value}}));
  return out;
}

std::optional<Value> objectKeysFn(Call& c) {
  if (!c.arg(0).isObject()) return c.unknown("objectKeys() argument is not a known object");
  Value out = Value::array();
  for (const Member& m : c.arg(0).asObject()) out.asArray().push_back(Value(m.key));
  return out;
}

std::optional<Value> tryGetFn(Call& c) {
  const Value* cur = &c.arg(0);
  for (size_t i = 1; i < c.a.size(); ++i) {
    const Value& key = c.a[i];
    if (cur->isUnknown() || key.isUnknown()) return c.unknown("tryGet() argument is not known");
    if (cur->isObject() && key.isString()) {
      cur = cur->get(key.asString());
      if (!cur) return Value();
    } else if (cur->isArray() && key.isNumber()) {
      double k = key.asNumber();
      if (k < 0 || k >= static_cast<double>(cur->asArray().size())) return Value();
      cur = &cur->asArray()[static_cast<size_t>(k)];
    } else {
      return Value();
    }
  }
  return *cur;
}

// --- functions of known arguments ------------------------------------------------------------

std::optional<Value> formatFn(Call& c) {
  if (!c.arg(0).isString()) return c.unknown("format() needs a format string");
  std::string out;
  if (!formatString(c.arg(0).asString(), c.a, out)) return c.unknown("format() string is not understood");
  return Value(std::move(out));
}

// toLower(), toUpper()
std::optional<Value> caseFn(Call& c) {
  if (!c.arg(0).isString()) return std::nullopt;
  return Value(c.fn == "tolower" ? lower(c.arg(0).asString()) : upper(c.arg(0).asString()));
}

std::optional<Value> stringFn(Call& c) { return c.arg(0).isString() ? c.arg(0) : Value(c.arg(0).toJson()); }

std::optional<Value> intFn(Call& c) {
  if (c.arg(0).isNumber()) return Value(std::trunc(c.arg(0).asNumber()));
  if (c.arg(0).isString()) {
    char* end = nullptr;
    const std::string& s = c.arg(0).asString();
    double d = std::strtod(s.c_str(), &end);
    if (end && *end == '\0' && !s.empty()) return Value(std::trunc(d));
  }
  return c.unknown("int() argument is not a number");
}

std::optional<Value> boolFn(Call& c) {
  const Value& v = c.arg(0);
  if (v.isBool()) return v;
  if (v.isString()) {
    if (equalsIgnoreCase(v.asString(), "true")) return Value(true);
    if (equalsIgnoreCase(v.asString(), "false")) return Value(false);
  }
  if (v.isNumber()) return Value(v.asNumber() != 0);
  return c.unknown("bool() argument is not a bool");
}

std::optional<Value> jsonFn(Call& c) {
  if (!c.arg(0).isString()) return std::nullopt;
  Value out;
  json::JsonError err;
  if (json::parseJsonText(c.arg(0).asString(), kNoFile, 0, out, err)) {
    out.prov = Provenance{};
    return out;
  }
  return c.unknown("json() argument is not valid JSON");
}

std::optional<Value> replaceFn(Call& c) {
  if (!c.arg(0).isString() || !c.arg(1).isString() || !c.arg(2).isString()) return std::nullopt;
  std::string s = c.arg(0).asString();
  const std::string& from = c.arg(1).asString();
  if (from.empty()) return Value(s);
  std::string out;
  size_t i = 0;
  for (size_t j; (j = s.find(from, i)) != std::string::npos; i = j + from.size()) {
    // replace(s, 'a', s) grows as |s|^2: stop at the size of one value, not at the machine's.
    if (oversizedString(out.size())) return c.unknown("replace(): " + oversizedReason(out.size()));
    out.append(s, i, j - i).append(c.arg(2).asString());
  }
  out.append(s, i, std::string::npos);
  return Value(std::move(out));
}

std::optional<Value> splitFn(Call& c) {
  if (!c.arg(0).isString()) return std::nullopt;
  std::vector<std::string> delims;
  if (c.arg(1).isString()) delims.push_back(c.arg(1).asString());
  else if (c.arg(1).isArray()) for (const Value& d : c.arg(1).asArray()) if (d.isString()) delims.push_back(d.asString());
  Value out = Value::array();
  const std::string& s = c.arg(0).asString();
  size_t start = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    for (const std::string& d : delims) if (!d.empty() && s.compare(i, d.size(), d) == 0) { len = d.size(); break; }
    if (len) {
      out.asArray().push_back(Value(s.substr(start, i - start)));
      i += len;
      start = i;
    } else {
      ++i;
    }
  }
  out.asArray().push_back(Value(s.substr(start)));
  return out;
}

std::optional<Value> joinFn(Call& c) {
  if (!c.arg(0).isArray() || !c.arg(1).isString()) return std::nullopt;
  std::string out;
  bool firstItem = true;
  for (const Value& v : c.arg(0).asArray()) {
    if (!firstItem) out += c.arg(1).asString();
    firstItem = false;
    out += str(v);
  }
  return Value(std::move(out));
}

// startsWith(), endsWith(): case-insensitive, as in ARM.
std::optional<Value> startsEndsWithFn(Call& c) {
  if (!c.arg(0).isString() || !c.arg(1).isString()) return std::nullopt;
  std::string s = lower(c.arg(0).asString()), p = lower(c.arg(1).asString());
  return Value(c.fn == "startswith" ? s.starts_with(p) : s.ends_with(p));
}

// indexOf(), lastIndexOf()
std::optional<Value> indexOfFn(Call& c) {
  if (!c.arg(0).isString() || !c.arg(1).isString()) return std::nullopt;
  std::string s = lower(c.arg(0).asString()), p = lower(c.arg(1).asString());
  size_t i = c.fn == "indexof" ? s.find(p) : s.rfind(p);
  return Value(i == std::string::npos ? -1.0 : static_cast<double>(i));
}

std::optional<Value> substringFn(Call& c) {
  if (!c.arg(0).isString() || !c.arg(1).isNumber()) return std::nullopt;
  const std::string& s = c.arg(0).asString();
  size_t start = static_cast<size_t>(std::max(0.0, c.arg(1).asNumber()));
  if (start > s.size()) return c.unknown("substring() start is out of range");
  size_t len = c.arg(2).isNumber() ? static_cast<size_t>(std::max(0.0, c.arg(2).asNumber())) : std::string::npos;
  return Value(s.substr(start, len));
}

// take(), skip()
std::optional<Value> takeSkipFn(Call& c) {
  if (!c.arg(1).isNumber()) return std::nullopt;
  bool take = c.fn == "take";
  size_t k = static_cast<size_t>(std::max(0.0, c.arg(1).asNumber()));
  if (c.arg(0).isString()) {
    const std::string& s = c.arg(0).asString();
    k = std::min(k, s.size());
    return Value(take ? s.substr(0, k) : s.substr(k));
  }
  if (c.arg(0).isArray()) {
    const Array& arr = c.arg(0).asArray();
    k = std::min(k, arr.size());
    return take ? Value(Array(arr.begin(), arr.begin() + static_cast<long>(k)))
                : Value(Array(arr.begin() + static_cast<long>(k), arr.end()));
  }
  return std::nullopt;
}

std::optional<Value> trimFn(Call& c) {
  if (!c.arg(0).isString()) return std::nullopt;
  const std::string& s = c.arg(0).asString();
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return Value("");
  size_t e = s.find_last_not_of(" \t\r\n");
  return Value(s.substr(b, e - b + 1));
}

std::optional<Value> rangeFn(Call& c) {
  if (!c.arg(0).isNumber() || !c.arg(1).isNumber()) return std::nullopt;
  double n = c.arg(1).asNumber();
  if (n < 0 || n > 1000) return c.unknown("range() is too large");
  Value out = Value::array();
  for (double i = 0; i < n; ++i) out.asArray().push_back(Value(c.arg(0).asNumber() + i));
  return out;
}

// min(), max(): of numbers and arrays of numbers.
std::optional<Value> minMaxFn(Call& c) {
  if (c.a.empty()) return std::nullopt;
  std::vector<double> xs;
  for (const Value& v : c.a) {
    if (v.isNumber()) xs.push_back(v.asNumber());
    else if (v.isArray()) for (const Value& x : v.asArray()) if (x.isNumber()) xs.push_back(x.asNumber());
  }
  if (xs.empty()) return c.unknown(c.name + "() has no numbers");
  return Value(c.fn == "min" ? *std::min_element(xs.begin(), xs.end()) : *std::max_element(xs.begin(), xs.end()));
}

std::optional<Value> padLeftFn(Call& c) {
  if (!c.arg(0).isString() && !c.arg(0).isNumber()) return std::nullopt;
  std::string s = str(c.arg(0));
  // Capped as ARM's padLeft is (padLeft('h', 4000000000, 'x') asked for 4 GB).
  size_t width = c.arg(1).isNumber() ? static_cast<size_t>(std::clamp(c.arg(1).asNumber(), 0.0, 4096.0)) : 0;
  char pad = c.arg(2).isString() && !c.arg(2).asString().empty() ? c.arg(2).asString()[0] : ' ';
  if (s.size() < width) s.insert(0, width - s.size(), pad);
  return Value(std::move(s));
}

std::optional<Value> equalsFn(Call& c) { return Value(c.arg(0) == c.arg(1)); }

std::optional<Value> notFn(Call& c) {
  if (!c.arg(0).isBool()) return std::nullopt;
  return Value(!c.arg(0).asBool());
}

// and(), or()
std::optional<Value> andOrFn(Call& c) {
  bool isAnd = c.fn == "and";
  bool acc = isAnd;
  for (const Value& v : c.a) {
    if (!v.isBool()) return c.unknown(c.name + "() argument is not a bool");
    acc = isAnd ? (acc && v.asBool()) : (acc || v.asBool());
  }
  return Value(acc);
}

std::optional<Value> intersectionFn(Call& c) {
  if (!c.arg(0).isArray()) return std::nullopt;
  Value out = Value::array();
  for (const Value& x : c.arg(0).asArray()) {
    bool all = true;
    for (size_t i = 1; i < c.a.size(); ++i) {
      if (!c.a[i].isArray() || std::none_of(c.a[i].asArray().begin(), c.a[i].asArray().end(), [&](const Value& y) { return x == y; }))
        all = false;
    }
    if (all) out.asArray().push_back(x);
  }
  return out;
}

std::optional<Value> flattenFn(Call& c) {
  if (!c.arg(0).isArray()) return std::nullopt;
  Value out = Value::array();
  for (const Value& v : c.arg(0).asArray()) {
    if (v.isArray()) for (const Value& x : v.asArray()) out.asArray().push_back(x);
    else out.asArray().push_back(v);
  }
  return out;
}

// The evaluated built-ins by lower-case name. A name not here is not evaluated (unknown).
const std::unordered_map<std::string_view, Builtin>& builtins() {
  static const std::unordered_map<std::string_view, Builtin> table = {
      {"resourceid", {Takes::Nodes, resourceIdFn}},
      {"map", {Takes::Nodes, lambdaFn}},
      {"filter", {Takes::Nodes, lambdaFn}},
      {"sort", {Takes::Nodes, lambdaFn}},
      {"reduce", {Takes::Nodes, lambdaFn}},
      {"toobject", {Takes::Nodes, lambdaFn}},
      {"groupby", {Takes::Nodes, lambdaFn}},
      {"mapvalues", {Takes::Nodes, lambdaFn}},

      {"coalesce", {Takes::Values, coalesceFn}},
      {"if", {Takes::Values, ifFn}},
      {"empty", {Takes::Values, emptyFn}},
      {"length", {Takes::Values, lengthFn}},
      {"union", {Takes::Values, unionFn}},
      {"concat", {Takes::Values, concatFn}},
      {"createarray", {Takes::Values, arrayFn}},
      {"array", {Takes::Values, arrayFn}},
      {"createobject", {Takes::Values, createObjectFn}},
      {"first", {Takes::Values, firstLastFn}},
      {"last", {Takes::Values, firstLastFn}},
      {"contains", {Takes::Values, containsFn}},
      {"items", {Takes::Values, itemsFn}},
      {"objectkeys", {Takes::Values, objectKeysFn}},
      {"tryget", {Takes::Values, tryGetFn}},

      {"format", {Takes::KnownValues, formatFn}},
      {"tolower", {Takes::KnownValues, caseFn}},
      {"toupper", {Takes::KnownValues, caseFn}},
      {"string", {Takes::KnownValues, stringFn}},
      {"int", {Takes::KnownValues, intFn}},
      {"bool", {Takes::KnownValues, boolFn}},
      {"json", {Takes::KnownValues, jsonFn}},
      {"replace", {Takes::KnownValues, replaceFn}},
      {"split", {Takes::KnownValues, splitFn}},
      {"join", {Takes::KnownValues, joinFn}},
      {"startswith", {Takes::KnownValues, startsEndsWithFn}},
      {"endswith", {Takes::KnownValues, startsEndsWithFn}},
      {"indexof", {Takes::KnownValues, indexOfFn}},
      {"lastindexof", {Takes::KnownValues, indexOfFn}},
      {"substring", {Takes::KnownValues, substringFn}},
      {"take", {Takes::KnownValues, takeSkipFn}},
      {"skip", {Takes::KnownValues, takeSkipFn}},
      {"trim", {Takes::KnownValues, trimFn}},
      {"range", {Takes::KnownValues, rangeFn}},
      {"min", {Takes::KnownValues, minMaxFn}},
      {"max", {Takes::KnownValues, minMaxFn}},
      {"padleft", {Takes::KnownValues, padLeftFn}},
      {"equals", {Takes::KnownValues, equalsFn}},
      {"not", {Takes::KnownValues, notFn}},
      {"and", {Takes::KnownValues, andOrFn}},
      {"or", {Takes::KnownValues, andOrFn}},
      {"intersection", {Takes::KnownValues, intersectionFn}},
      {"flatten", {Takes::KnownValues, flattenFn}},
  };
  return table;
}

}  // namespace

Value callBuiltin(const std::string& name, const std::vector<const Node*>& argNodes, FunctionHost& host, ByteRange at) {
  std::string fn = lower(name);
  Call call{name, fn, argNodes, host, at, {}};
  auto it = builtins().find(fn);
  const Builtin* builtin = it == builtins().end() ? nullptr : &it->second;
  if (builtin && builtin->takes == Takes::Nodes) {
    if (std::optional<Value> v = builtin->impl(call)) return *v;
    return call.unknown(name + "() is not evaluated");
  }
  if (deploymentFunctions().count(fn) || fn.starts_with("list"))
    return call.unknown(name + "() is evaluated at deployment");

  call.a.reserve(argNodes.size());
  for (const Node* n : argNodes) call.a.push_back(host.evalArg(n));
  if (builtin && builtin->takes == Takes::Values) {
    if (std::optional<Value> v = builtin->impl(call)) return *v;
    return call.unknown(name + "() is not evaluated");
  }
  if (!known(call.a)) return call.unknown(name + "() argument is not known");
  if (builtin) {
    if (std::optional<Value> v = builtin->impl(call)) return *v;
  }
  return call.unknown(name + "() is not evaluated");
}

}  // namespace eg::bicep
