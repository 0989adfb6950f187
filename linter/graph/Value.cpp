#include "linter/graph/Value.h"

#include <cmath>
#include <cstdio>

#include "linter/core/Text.h"

namespace eg {

Value::Value(Array a) : data_(std::move(a)) {}
Value::Value(Object o) : data_(std::move(o)) {}

static char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

std::string toLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lowerAscii(c);
  return out;
}

void setProvenanceDeep(Value& v, const Provenance& p) {
  v.prov = p;
  if (v.isArray()) {
    for (Value& e : v.asArray()) setProvenanceDeep(e, Provenance{p.file, p.value, {}});
  } else if (v.isObject()) {
    for (Member& m : v.asObject()) setProvenanceDeep(m.value, Provenance{p.file, p.value, {}});
  }
}

void shrinkToFit(Value& v) {
  // Parents first: a shrunk vector moves its elements, which are then visited where they are.
  forEachValue(v, [](Value& x) {
    if (x.isArray()) x.asArray().shrink_to_fit();
    else if (x.isObject()) x.asObject().shrink_to_fit();
  });
}

std::string toUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

namespace {
// Counts nodes into `left` (decremented); false once it would go below zero.
bool countNodes(const Value& v, size_t& left) {
  if (left == 0) return false;
  --left;
  if (v.isArray()) {
    for (const Value& e : v.asArray()) if (!countNodes(e, left)) return false;
  } else if (v.isObject()) {
    for (const Member& m : v.asObject()) if (!countNodes(m.value, left)) return false;
  }
  return true;
}
}  // namespace

bool Value::hasMoreNodesThan(size_t limit) const {
  size_t left = limit;
  return !countNodes(*this, left);
}

bool Value::containsUnknown() const {
  switch (type()) {
    case Type::Unknown: return true;
    case Type::Array:
      for (const Value& v : asArray()) if (v.containsUnknown()) return true;
      return false;
    case Type::Object:
      for (const Member& m : asObject()) if (m.value.containsUnknown()) return true;
      return false;
    default: return false;
  }
}

const Value* Value::get(std::string_view key) const {
  if (!isObject()) return nullptr;
  const Object& o = asObject();
  for (const Member& m : o) if (m.key == key) return &m.value;
  for (const Member& m : o) if (equalsIgnoreCase(m.key, key)) return &m.value;
  return nullptr;
}

Value* Value::get(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->get(key));
}

Value& Value::set(std::string_view key, Value v) {
  if (!isObject()) data_ = Object{};
  Object& o = asObject();
  for (Member& m : o) {
    if (equalsIgnoreCase(m.key, key)) {
      m.value = std::move(v);
      return m.value;
    }
  }
  o.push_back(Member{std::string(key), std::move(v)});
  return o.back().value;
}

bool Value::erase(std::string_view key) {
  if (!isObject()) return false;
  Object& o = asObject();
  for (auto it = o.begin(); it != o.end(); ++it) {
    if (equalsIgnoreCase(it->key, key)) { o.erase(it); return true; }
  }
  return false;
}

const Value* Value::at(std::string_view path) const {
  const Value* cur = this;
  size_t i = 0;
  while (cur && i < path.size()) {
    if (path[i] == '.') { ++i; continue; }
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) return nullptr;
      std::string_view idx = path.substr(i + 1, close - i - 1);
      i = close + 1;
      if (!cur->isArray()) return nullptr;
      size_t n = 0;
      for (char c : idx) { if (c < '0' || c > '9') return nullptr; n = n * 10 + static_cast<size_t>(c - '0'); }
      if (n >= cur->asArray().size()) return nullptr;
      cur = &cur->asArray()[n];
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    cur = cur->get(path.substr(i, end - i));
    i = end;
  }
  return cur;
}

void Value::mergeFrom(const Value& other) {
  if (isObject() && other.isObject()) {
    for (const Member& m : other.asObject()) {
      Value* mine = get(m.key);
      if (mine && mine->isObject() && m.value.isObject()) mine->mergeFrom(m.value);
      else set(m.key, m.value);
    }
    return;
  }
  *this = other;
}

static std::string numberText(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<long long>(d));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

static void appendJson(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::Type::Null: out += "null"; break;
    case Value::Type::Bool: out += v.asBool() ? "true" : "false"; break;
    case Value::Type::Number: out += numberText(v.asNumber()); break;
    case Value::Type::String: appendJsonString(out, v.asString()); break;
    case Value::Type::Unknown: out += "<unknown: " + v.unknownReason() + ">"; break;
    case Value::Type::Array: {
      out += '[';
      bool first = true;
      for (const Value& e : v.asArray()) {
        if (!first) out += ',';
        first = false;
        appendJson(out, e);
      }
      out += ']';
      break;
    }
    case Value::Type::Object: {
      out += '{';
      bool first = true;
      for (const Member& m : v.asObject()) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, m.key);
        out += ':';
        appendJson(out, m.value);
      }
      out += '}';
      break;
    }
  }
}

std::string Value::toJson() const {
  std::string out;
  appendJson(out, *this);
  return out;
}

std::string Value::toDisplay() const {
  switch (type()) {
    case Type::String: return asString();
    case Type::Number: return numberText(asNumber());
    case Type::Null: return "null";
    case Type::Unknown: return "(unknown)";
    default: return toJson();
  }
}

std::string_view Value::typeName(Type t) {
  switch (t) {
    case Type::Null: return "null";
    case Type::Bool: return "bool";
    case Type::Number: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
    case Type::Unknown: return "unknown";
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::Null: return true;
    case Value::Type::Bool: return a.asBool() == b.asBool();
    case Value::Type::Number: return a.asNumber() == b.asNumber();
    case Value::Type::String: return a.asString() == b.asString();
    case Value::Type::Unknown: return false;  // two unknowns are never known to be equal
    case Value::Type::Array: {
      const Array &x = a.asArray(), &y = b.asArray();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) if (!(x[i] == y[i])) return false;
      return true;
    }
    case Value::Type::Object: {
      const Object &x = a.asObject(), &y = b.asObject();
      if (x.size() != y.size()) return false;
      for (const Member& m : x) {
        const Value* other = b.get(m.key);
        if (!other || !(m.value == *other)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace eg

namespace eg {

void appendUnknownPart(std::vector<StringPart>& parts, const Value& v) {
  if (v.isUnknown() && !v.unknownParts().empty()) {
    for (const StringPart& p : v.unknownParts()) parts.push_back(p);
    return;
  }
  parts.push_back(StringPart{false, v.isUnknown() ? v.unknownReason() : std::string("unknown")});
}

size_t knownPartsSize(const std::vector<StringPart>& parts) {
  size_t n = 0;
  for (const StringPart& p : parts) n += p.known ? p.text.size() : 0;
  return n;
}

Value Value::partialString(std::vector<StringPart> parts, std::string reason) {
  std::vector<StringPart> merged;
  bool anyKnown = false;
  for (StringPart& p : parts) {
    if (p.known && p.text.empty()) continue;
    if (p.known) anyKnown = true;
    if (p.known && !merged.empty() && merged.back().known) merged.back().text += p.text;
    else merged.push_back(std::move(p));
  }
  if (!anyKnown) merged.clear();
  return Value(Unknown{std::move(reason), std::move(merged)});
}

}  // namespace eg
