// Bicep built-in functions (see BicepFunctions.h).
#include "parsers/bicep/BicepFunctions.h"

#include "linter/core/Budget.h"

#include <algorithm>
#include <cmath>
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

}  // namespace

Value callBuiltin(const std::string& name, const std::vector<const Node*>& argNodes, FunctionHost& host, ByteRange at) {
  std::string fn = lower(name);
  auto unknown = [&](std::string why) {
    Value v = Value::unknown(std::move(why));
    v.prov = Provenance{host.file(), at, {}};
    return v;
  };
  // resourceId() with known arguments gives the same id the ARM front-end builds
  // ("<type>/<name>/..."), so a policy sees which resource it names (for example a built-in
  // registry scope map); subscription and resource group stay out of it.
  if (fn == "resourceid") {
    std::vector<Value> ids;
    for (const Node* n : argNodes) ids.push_back(host.evalArg(n));
    std::string id = arm::resourceIdString(ids);
    if (!id.empty()) return Value(std::move(id));
  }
  if (deploymentFunctions().count(fn) || fn.starts_with("list"))
    return unknown(name + "() is evaluated at deployment");

  // Lambda functions: the lambda argument is applied, not evaluated.
  if (fn == "map" || fn == "filter" || fn == "sort" || fn == "reduce" || fn == "toobject" || fn == "groupby" ||
      fn == "mapvalues") {
    if (argNodes.empty()) return unknown(name + "() needs arguments");
    Value src = host.evalArg(argNodes[0]);
    if (!src.isArray() || argNodes.size() < 2) return unknown(name + "() over a value that is not known");
    const Array& items = src.asArray();
    if (items.size() > 1000) return unknown(name + "() over too many items");
    if (fn == "map") {
      Value out = Value::array();
      for (size_t i = 0; i < items.size(); ++i) out.asArray().push_back(host.applyLambda(argNodes[1], {items[i], Value(static_cast<double>(i))}));
      return out;
    }
    if (fn == "filter") {
      Value out = Value::array();
      for (size_t i = 0; i < items.size(); ++i) {
        Value keep = host.applyLambda(argNodes[1], {items[i], Value(static_cast<double>(i))});
        if (!keep.isBool()) return unknown("filter() condition is not known");
        if (keep.asBool()) out.asArray().push_back(items[i]);
      }
      return out;
    }
    if (fn == "reduce" && argNodes.size() >= 3) {
      Value acc = host.evalArg(argNodes[1]);
      for (size_t i = 0; i < items.size(); ++i) acc = host.applyLambda(argNodes[2], {acc, items[i], Value(static_cast<double>(i))});
      return acc;
    }
    if (fn == "toobject") {
      Value out = Value::object();
      for (const Value& it : items) {
        Value k = host.applyLambda(argNodes[1], {it});
        if (!k.isString()) return unknown("toObject() key is not known");
        out.set(k.asString(), argNodes.size() > 2 ? host.applyLambda(argNodes[2], {it}) : it);
      }
      return out;
    }
    return unknown(name + "() is not evaluated");
  }

  std::vector<Value> a;
  a.reserve(argNodes.size());
  for (const Node* n : argNodes) a.push_back(host.evalArg(n));
  auto arg = [&](size_t i) -> const Value& {
    static const Value null;
    return i < a.size() ? a[i] : null;
  };

  // Functions that tolerate unknown arguments.
  if (fn == "coalesce") {
    for (const Value& v : a) {
      if (v.isUnknown()) return unknown("coalesce() argument is not known");
      if (!v.isNull()) return v;
    }
    return Value();
  }
  if (fn == "if") {
    if (arg(0).isBool()) return arg(0).asBool() ? arg(1) : arg(2);
    return unknown("if() condition is not known");
  }
  if (fn == "empty") {
    const Value& v = arg(0);
    if (v.isNull()) return Value(true);
    if (v.isString()) return Value(v.asString().empty());
    if (v.isArray()) return Value(v.asArray().empty());
    if (v.isObject()) return Value(v.asObject().empty());
    return unknown("empty() argument is not known");
  }
  if (fn == "length") {
    const Value& v = arg(0);
    if (v.isString()) return Value(static_cast<double>(v.asString().size()));
    if (v.isArray()) return Value(static_cast<double>(v.asArray().size()));
    if (v.isObject()) return Value(static_cast<double>(v.asObject().size()));
    return unknown("length() argument is not known");
  }
  if (fn == "union") {
    if (a.empty()) return unknown("union() needs arguments");
    if (arg(0).isObject()) {
      Value out = Value::object();
      for (const Value& v : a) {
        if (v.isNull()) continue;
        if (!v.isObject()) return unknown("union() argument is not a known object");
        out.mergeFrom(v);
      }
      return out;
    }
    if (arg(0).isArray()) {
      Value out = Value::array();
      for (const Value& v : a) {
        if (!v.isArray()) return unknown("union() argument is not a known array");
        for (const Value& x : v.asArray()) {
          if (std::none_of(out.asArray().begin(), out.asArray().end(), [&](const Value& y) { return x == y; }))
            out.asArray().push_back(x);
        }
      }
      return out;
    }
    return unknown("union() argument is not known");
  }
  if (fn == "concat") {
    if (!a.empty() && arg(0).isArray()) {
      Value out = Value::array();
      for (const Value& v : a) {
        if (v.isArray()) for (const Value& x : v.asArray()) out.asArray().push_back(x);
        else if (v.isUnknown()) return unknown("concat() argument is not known");
        else out.asArray().push_back(v);
      }
      return out;
    }
    if (!known(a)) return unknown("concat() argument is not known");
    std::string out;
    for (const Value& v : a) out += str(v);
    return Value(std::move(out));
  }
  if (fn == "createarray" || fn == "array") {
    if (fn == "array" && a.size() == 1 && arg(0).isArray()) return arg(0);
    if (fn == "array" && a.size() == 1 && arg(0).isUnknown()) return unknown("array() argument is not known");
    Value out = Value::array();
    for (const Value& v : a) out.asArray().push_back(v);
    return out;
  }
  if (fn == "createobject") {
    Value out = Value::object();
    for (size_t i = 0; i + 1 < a.size(); i += 2) {
      if (!a[i].isString()) return unknown("createObject() key is not known");
      out.set(a[i].asString(), a[i + 1]);
    }
    return out;
  }
  if (fn == "first" || fn == "last") {
    const Value& v = arg(0);
    if (v.isArray()) {
      if (v.asArray().empty()) return Value();
      return fn == "first" ? v.asArray().front() : v.asArray().back();
    }
    if (v.isString()) {
      if (v.asString().empty()) return Value("");
      return Value(std::string(1, fn == "first" ? v.asString().front() : v.asString().back()));
    }
    return unknown(name + "() argument is not known");
  }
  if (fn == "contains") {
    const Value& c = arg(0);
    const Value& x = arg(1);
    if (c.isUnknown() || x.containsUnknown()) return unknown("contains() argument is not known");
    if (c.isString() && (x.isString() || x.isNumber())) return Value(c.asString().find(str(x)) != std::string::npos);
    if (c.isArray()) return Value(std::any_of(c.asArray().begin(), c.asArray().end(), [&](const Value& y) { return y == x; }));
    if (c.isObject() && x.isString()) return Value(c.get(x.asString()) != nullptr);
    return unknown("contains() arguments have the wrong types");
  }
  if (fn == "items") {
    if (!arg(0).isObject()) return unknown("items() argument is not a known object");
    Value out = Value::array();
    std::vector<const Member*> ms;
    for (const Member& m : arg(0).asObject()) ms.push_back(&m);
    std::stable_sort(ms.begin(), ms.end(), [](const Member* x, const Member* y) { return lower(x->key) < lower(y->key); });
    for (const Member* m : ms) out.asArray().push_back(Value(Object{Member{"key", Value(m->key)}, Member{"value", m->value}}));
    return out;
  }
  if (fn == "objectkeys") {
    if (!arg(0).isObject()) return unknown("objectKeys() argument is not a known object");
    Value out = Value::array();
    for (const Member& m : arg(0).asObject()) out.asArray().push_back(Value(m.key));
    return out;
  }
  if (fn == "tryget") {
    const Value* cur = &arg(0);
    for (size_t i = 1; i < a.size(); ++i) {
      if (cur->isUnknown() || a[i].isUnknown()) return unknown("tryGet() argument is not known");
      if (cur->isObject() && a[i].isString()) {
        cur = cur->get(a[i].asString());
        if (!cur) return Value();
      } else if (cur->isArray() && a[i].isNumber()) {
        double k = a[i].asNumber();
        if (k < 0 || k >= static_cast<double>(cur->asArray().size())) return Value();
        cur = &cur->asArray()[static_cast<size_t>(k)];
      } else {
        return Value();
      }
    }
    return *cur;
  }

  // The rest need fully known arguments.
  if (!known(a)) return unknown(name + "() argument is not known");
  if (fn == "format") {
    if (!arg(0).isString()) return unknown("format() needs a format string");
    std::string out;
    if (!formatString(arg(0).asString(), a, out)) return unknown("format() string is not understood");
    return Value(std::move(out));
  }
  if (fn == "tolower" && arg(0).isString()) return Value(lower(arg(0).asString()));
  if (fn == "toupper" && arg(0).isString()) return Value(upper(arg(0).asString()));
  if (fn == "string") return arg(0).isString() ? arg(0) : Value(arg(0).toJson());
  if (fn == "int") {
    if (arg(0).isNumber()) return Value(std::trunc(arg(0).asNumber()));
    if (arg(0).isString()) {
      char* end = nullptr;
      const std::string& s = arg(0).asString();
      double d = std::strtod(s.c_str(), &end);
      if (end && *end == '\0' && !s.empty()) return Value(std::trunc(d));
    }
    return unknown("int() argument is not a number");
  }
  if (fn == "bool") {
    if (arg(0).isBool()) return arg(0);
    if (arg(0).isString()) {
      if (equalsIgnoreCase(arg(0).asString(), "true")) return Value(true);
      if (equalsIgnoreCase(arg(0).asString(), "false")) return Value(false);
    }
    if (arg(0).isNumber()) return Value(arg(0).asNumber() != 0);
    return unknown("bool() argument is not a bool");
  }
  if (fn == "json" && arg(0).isString()) {
    Value out;
    json::JsonError err;
    if (json::parseJsonText(arg(0).asString(), kNoFile, 0, out, err)) {
      out.prov = Provenance{};
      return out;
    }
    return unknown("json() argument is not valid JSON");
  }
  if (fn == "replace" && arg(0).isString() && arg(1).isString() && arg(2).isString()) {
    std::string s = arg(0).asString();
    const std::string& from = arg(1).asString();
    if (from.empty()) return Value(s);
    std::string out;
    size_t i = 0;
    for (size_t j; (j = s.find(from, i)) != std::string::npos; i = j + from.size()) {
      // replace(s, 'a', s) grows as |s|^2: stop at the size of one value, not at the machine's.
      if (oversizedString(out.size())) return unknown("replace(): " + oversizedReason(out.size()));
      out.append(s, i, j - i).append(arg(2).asString());
    }
    out.append(s, i, std::string::npos);
    return Value(std::move(out));
  }
  if (fn == "split" && arg(0).isString()) {
    std::vector<std::string> delims;
    if (arg(1).isString()) delims.push_back(arg(1).asString());
    else if (arg(1).isArray()) for (const Value& d : arg(1).asArray()) if (d.isString()) delims.push_back(d.asString());
    Value out = Value::array();
    const std::string& s = arg(0).asString();
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
  if (fn == "join" && arg(0).isArray() && arg(1).isString()) {
    std::string out;
    bool firstItem = true;
    for (const Value& v : arg(0).asArray()) {
      if (!firstItem) out += arg(1).asString();
      firstItem = false;
      out += str(v);
    }
    return Value(std::move(out));
  }
  if ((fn == "startswith" || fn == "endswith") && arg(0).isString() && arg(1).isString()) {
    std::string s = lower(arg(0).asString()), p = lower(arg(1).asString());
    return Value(fn == "startswith" ? s.starts_with(p) : s.ends_with(p));
  }
  if ((fn == "indexof" || fn == "lastindexof") && arg(0).isString() && arg(1).isString()) {
    std::string s = lower(arg(0).asString()), p = lower(arg(1).asString());
    size_t i = fn == "indexof" ? s.find(p) : s.rfind(p);
    return Value(i == std::string::npos ? -1.0 : static_cast<double>(i));
  }
  if (fn == "substring" && arg(0).isString() && arg(1).isNumber()) {
    const std::string& s = arg(0).asString();
    size_t start = static_cast<size_t>(std::max(0.0, arg(1).asNumber()));
    if (start > s.size()) return unknown("substring() start is out of range");
    size_t len = arg(2).isNumber() ? static_cast<size_t>(std::max(0.0, arg(2).asNumber())) : std::string::npos;
    return Value(s.substr(start, len));
  }
  if ((fn == "take" || fn == "skip") && arg(1).isNumber()) {
    size_t k = static_cast<size_t>(std::max(0.0, arg(1).asNumber()));
    if (arg(0).isString()) {
      const std::string& s = arg(0).asString();
      k = std::min(k, s.size());
      return Value(fn == "take" ? s.substr(0, k) : s.substr(k));
    }
    if (arg(0).isArray()) {
      const Array& arr = arg(0).asArray();
      k = std::min(k, arr.size());
      return fn == "take" ? Value(Array(arr.begin(), arr.begin() + static_cast<long>(k)))
                          : Value(Array(arr.begin() + static_cast<long>(k), arr.end()));
    }
  }
  if (fn == "trim" && arg(0).isString()) {
    const std::string& s = arg(0).asString();
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return Value("");
    size_t e = s.find_last_not_of(" \t\r\n");
    return Value(s.substr(b, e - b + 1));
  }
  if (fn == "range" && arg(0).isNumber() && arg(1).isNumber()) {
    double n = arg(1).asNumber();
    if (n < 0 || n > 1000) return unknown("range() is too large");
    Value out = Value::array();
    for (double i = 0; i < n; ++i) out.asArray().push_back(Value(arg(0).asNumber() + i));
    return out;
  }
  if ((fn == "min" || fn == "max") && !a.empty()) {
    std::vector<double> xs;
    for (const Value& v : a) {
      if (v.isNumber()) xs.push_back(v.asNumber());
      else if (v.isArray()) for (const Value& x : v.asArray()) if (x.isNumber()) xs.push_back(x.asNumber());
    }
    if (xs.empty()) return unknown(name + "() has no numbers");
    return Value(fn == "min" ? *std::min_element(xs.begin(), xs.end()) : *std::max_element(xs.begin(), xs.end()));
  }
  if (fn == "padleft" && (arg(0).isString() || arg(0).isNumber())) {
    std::string s = str(arg(0));
    // Capped as ARM's padLeft is (padLeft('h', 4000000000, 'x') asked for 4 GB).
    size_t width = arg(1).isNumber() ? static_cast<size_t>(std::clamp(arg(1).asNumber(), 0.0, 4096.0)) : 0;
    char pad = arg(2).isString() && !arg(2).asString().empty() ? arg(2).asString()[0] : ' ';
    if (s.size() < width) s.insert(0, width - s.size(), pad);
    return Value(std::move(s));
  }
  if (fn == "equals") return Value(arg(0) == arg(1));
  if (fn == "not" && arg(0).isBool()) return Value(!arg(0).asBool());
  if (fn == "and" || fn == "or") {
    bool acc = fn == "and";
    for (const Value& v : a) {
      if (!v.isBool()) return unknown(name + "() argument is not a bool");
      acc = fn == "and" ? (acc && v.asBool()) : (acc || v.asBool());
    }
    return Value(acc);
  }
  if (fn == "intersection" && arg(0).isArray()) {
    Value out = Value::array();
    for (const Value& x : arg(0).asArray()) {
      bool all = true;
      for (size_t i = 1; i < a.size(); ++i) {
        if (!a[i].isArray() || std::none_of(a[i].asArray().begin(), a[i].asArray().end(), [&](const Value& y) { return x == y; }))
          all = false;
      }
      if (all) out.asArray().push_back(x);
    }
    return out;
  }
  if (fn == "flatten" && arg(0).isArray()) {
    Value out = Value::array();
    for (const Value& v : arg(0).asArray()) {
      if (v.isArray()) for (const Value& x : v.asArray()) out.asArray().push_back(x);
      else out.asArray().push_back(v);
    }
    return out;
  }
  return unknown(name + "() is not evaluated");
}

}  // namespace eg::bicep
