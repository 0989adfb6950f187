// Value: the attribute model shared by every front-end and the policy engine.
// JSON-like (null/bool/number/string/array/object) plus `unknown` for anything that cannot
// be resolved statically (a variable without default, listKeys(), a ${VAR} placeholder).
// Every value carries its provenance: where its text is, and where its key is.
// Object member order is source order; lookups are ASCII case-insensitive because ARM
// property names are case-insensitive.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "linter/core/SourceFile.h"

namespace eg {

struct Provenance {
  FileId file = kNoFile;
  ByteRange value;  // the text that produced the value
  ByteRange key;    // the key/attribute name, when the value is a member (else empty)
  bool valid() const { return file != kNoFile; }
};

class Value;
struct Member;
using Array = std::vector<Value>;
using Object = std::vector<Member>;

// A piece of a partially known string: known text, or a hole (an unknown value; `text` is then
// why it is unknown, for messages only).
struct StringPart {
  bool known = true;
  std::string text;
};

struct Unknown {
  std::string reason;  // "var.tls has no value", "listKeys() is evaluated at deployment"
  // A string built from known text and unknown values (a Bicep interpolation, ARM concat() or
  // format(), a Terraform template): its pieces in order, holes included. Empty when nothing of
  // the value is known (or it is not known to be a string).
  std::vector<StringPart> parts;
};

// A T on the heap with value semantics (a copy copies the T), like C++26 std::indirect: keeps
// a rarely used alternative from widening a variant that every value pays for. Moved from, it
// holds nothing and reads as a default T.
template <typename T>
class Indirect {
 public:
  explicit Indirect(T v) : p_(std::make_unique<T>(std::move(v))) {}
  Indirect(const Indirect& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Indirect(Indirect&&) noexcept = default;
  Indirect& operator=(const Indirect& o) {
    p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Indirect& operator=(Indirect&&) noexcept = default;
  ~Indirect() = default;

  const T& operator*() const {
    static const T empty;
    return p_ ? *p_ : empty;
  }
  const T* operator->() const { return &**this; }

 private:
  std::unique_ptr<T> p_;
};

class Value {
 public:
  enum class Type : uint8_t { Null, Bool, Number, String, Array, Object, Unknown };

  // Defined below Member: clang with libstdc++ needs Member complete wherever the variant is
  // constructed (its destructor is instantiated for the exception path).
  Value();
  Value(std::nullptr_t);
  Value(bool b);
  Value(double d);
  Value(int i);
  Value(int64_t i);
  Value(std::string s);
  Value(std::string_view s);
  Value(const char* s);
  Value(Array a);
  Value(Object o);
  Value(Unknown u);

  static Value unknown(std::string reason);
  static Value array();
  static Value object();

  Type type() const { return static_cast<Type>(data_.index()); }
  bool isNull() const { return type() == Type::Null; }
  bool isBool() const { return type() == Type::Bool; }
  bool isNumber() const { return type() == Type::Number; }
  bool isString() const { return type() == Type::String; }
  bool isArray() const { return type() == Type::Array; }
  bool isObject() const { return type() == Type::Object; }
  bool isUnknown() const { return type() == Type::Unknown; }
  // True when this value or anything inside it is unknown.
  bool containsUnknown() const;
  // Whether this value has more than `limit` nodes (itself, elements, members, at any depth);
  // counting stops at the limit, so the cost is at most `limit` steps.
  bool hasMoreNodesThan(size_t limit) const;

  bool asBool() const { return std::get<bool>(data_); }
  double asNumber() const { return std::get<double>(data_); }
  const std::string& asString() const { return std::get<std::string>(data_); }
  const Array& asArray() const { return std::get<Array>(data_); }
  Array& asArray() { return std::get<Array>(data_); }
  const Object& asObject() const { return std::get<Object>(data_); }
  Object& asObject() { return std::get<Object>(data_); }
  const std::string& unknownReason() const { return std::get<Indirect<Unknown>>(data_)->reason; }
  // The pieces of a partially known string (empty unless an unknown string has known text).
  const std::vector<StringPart>& unknownParts() const { return std::get<Indirect<Unknown>>(data_)->parts; }
  // An unknown string made of `parts` (adjacent known texts merged); wholly unknown when no
  // piece is known text.
  static Value partialString(std::vector<StringPart> parts, std::string reason);

  // Object member lookup (ASCII case-insensitive). nullptr when absent or not an object.
  const Value* get(std::string_view key) const;
  Value* get(std::string_view key);
  // Sets (replacing a case-insensitive match) and returns the stored value.
  Value& set(std::string_view key, Value v);
  bool erase(std::string_view key);
  // Dotted path lookup without wildcards: "properties.networkRuleSets.defaultAction",
  // "ipRules[0].ipMask". nullptr when any step is absent.
  const Value* at(std::string_view dottedPath) const;

  // Deep merge: objects merge member-wise (other wins), everything else is replaced.
  void mergeFrom(const Value& other);

  // Compact JSON-ish rendering for messages and goldens. Unknown prints as <unknown: reason>.
  std::string toJson() const;
  // Scalar as a message string: strings unquoted, numbers without trailing ".0".
  std::string toDisplay() const;

  static std::string_view typeName(Type t);

  Provenance prov;

 private:
  // Unknown is boxed: inline, its 56 bytes would make every value 88 bytes instead of 64.
  std::variant<std::nullptr_t, bool, double, std::string, Array, Object, Indirect<Unknown>> data_;
};

struct Member {
  std::string key;
  Value value;  // value.prov.key is the key's range
};

// Graphs hold millions of values: keep them small (64 bytes with libstdc++ on 64-bit targets).
static_assert(sizeof(Value) <= 64, "Value grew: box what makes it larger (see Indirect)");

inline Value::Value() = default;
inline Value::Value(std::nullptr_t) {}
inline Value::Value(bool b) : data_(b) {}
inline Value::Value(double d) : data_(d) {}
inline Value::Value(int i) : data_(static_cast<double>(i)) {}
inline Value::Value(int64_t i) : data_(static_cast<double>(i)) {}
inline Value::Value(std::string s) : data_(std::move(s)) {}
inline Value::Value(std::string_view s) : data_(std::string(s)) {}
inline Value::Value(const char* s) : data_(std::string(s)) {}
inline Value::Value(Unknown u) : data_(Indirect<Unknown>(std::move(u))) {}
inline Value Value::unknown(std::string reason) { return Value(Unknown{std::move(reason), {}}); }
inline Value Value::array() { return Value(Array{}); }
inline Value Value::object() { return Value(Object{}); }

bool equalsIgnoreCase(std::string_view a, std::string_view b);
// Appends unknown `v` to the pieces of a string being built: its own pieces when it is a
// partially known string, else one hole.
void appendUnknownPart(std::vector<StringPart>& parts, const Value& v);
// Total length of the known text of `parts`.
size_t knownPartsSize(const std::vector<StringPart>& parts);
// Gives `v` provenance `p` and everything inside it the same value range (without a key
// range): for values parsed from text whose positions cannot be mapped back into the file.
void setProvenanceDeep(Value& v, const Provenance& p);

// Gives every array and object in `v`, at any depth, exactly the room it uses (push_back leaves
// up to half of it spare): for finished trees that are kept, such as a resource's attributes.
void shrinkToFit(Value& v);

// Calls f on v and on every value inside it (array elements and member values), parents first.
template <typename F>
void forEachValue(Value& v, F&& f) {
  f(v);
  if (v.isArray()) {
    for (Value& e : v.asArray()) forEachValue(e, f);
  } else if (v.isObject()) {
    for (Member& m : v.asObject()) forEachValue(m.value, f);
  }
}

std::string toLowerAscii(std::string_view s);
std::string toUpperAscii(std::string_view s);
// Structural equality (strings compared case-sensitively; provenance ignored).
bool operator==(const Value& a, const Value& b);

}  // namespace eg
