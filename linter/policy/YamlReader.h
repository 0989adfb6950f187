// Reading YAML documents strictly: every mapping's keys are checked against the allowed
// names, every value against its expected type, and every problem is thrown as a
// LoadFailure with its position. Shared by the policy loader and the configuration loader
// (linter/engine/Config). The walk is bounded in depth and node count, because yaml-cpp
// shares aliased nodes and a small file with nested aliases would otherwise expand into
// billions of visits.
#pragma once

#include <yaml-cpp/exceptions.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "linter/core/Strings.h"
#include "linter/graph/Value.h"
#include "linter/policy/YamlTree.h"

namespace eg::policy {

struct LoadFailure {
  YAML::Mark mark;
  std::string message;
};

using eg::joined;
using eg::oneOf;

// "a list", "a mapping", "null", "a scalar".
std::string_view typeOf(const YamlNode& n);
// Plain (unquoted) scalars follow the YAML 1.2 core schema; quoted ones are strings.
bool isQuoted(const YamlNode& n);
Value plainScalar(const std::string& s);

class YamlReader {
 public:
  // `document` names the file kind in limit errors ("policy", "configuration").
  YamlReader(std::string document, int maxDepth, size_t maxNodes)
      : document_(std::move(document)), maxDepth_(maxDepth), maxNodes_(maxNodes) {}
  virtual ~YamlReader() = default;

  [[noreturn]] void fail(const YamlNode& n, std::string message) const { throw LoadFailure{n.Mark(), std::move(message)}; }

  void visit(const YamlNode& n, int depth) {
    if (depth > maxDepth_) fail(n, document_ + " nested deeper than " + std::to_string(maxDepth_) + " levels");
    if (++nodes_ > maxNodes_) {
      fail(n, document_ + " too large: more than " + std::to_string(maxNodes_) + " YAML nodes (are aliases expanding it?)");
    }
  }

  // A mapping's entries, checked for scalar keys, duplicates and allowed names.
  struct Fields {
    YamlNode self;
    std::vector<std::pair<std::string, YamlNode>> entries;
    std::vector<YamlNode> keys;
    const YamlNode* find(std::string_view key) const {
      for (const auto& [k, v] : entries) {
        if (k == key) return &v;
      }
      return nullptr;
    }
  };

  template <typename Allowed>
  Fields fields(const YamlNode& n, int depth, std::string_view what, const Allowed& allowed) {
    return entries(n, depth, what, [&](const YamlNode& key) {
      for (std::string_view a : allowed) {
        if (a == key.Scalar()) return;
      }
      fail(key, "unknown key '" + key.Scalar() + "' in " + std::string(what) + "; expected one of: " + joined(allowed));
    });
  }

  // A mapping whose keys are names chosen by the author (rule ids, group names).
  Fields anyFields(const YamlNode& n, int depth, std::string_view what) {
    return entries(n, depth, what, [](const YamlNode&) {});
  }

  const YamlNode& require(const Fields& f, std::string_view key, std::string_view what) const {
    const YamlNode* n = f.find(key);
    if (!n) fail(f.self, std::string(what) + " needs '" + std::string(key) + "'");
    return *n;
  }

  std::string string(const YamlNode& n, int depth, std::string_view what) {
    visit(n, depth);
    if (!n.IsScalar()) fail(n, std::string(what) + " must be a string, not " + std::string(typeOf(n)));
    return n.Scalar();
  }

  std::string nonEmpty(const YamlNode& n, int depth, std::string_view what) {
    std::string s = string(n, depth, what);
    if (s.find_first_not_of(" \t\r\n") == std::string::npos) fail(n, std::string(what) + " must not be empty");
    return s;
  }

  bool boolean(const YamlNode& n, int depth, std::string_view what) {
    visit(n, depth);
    Value v = n.IsScalar() && !isQuoted(n) ? plainScalar(n.Scalar()) : Value(nullptr);
    if (!v.isBool()) fail(n, std::string(what) + " must be true or false");
    return v.asBool();
  }

  std::vector<std::string> strings(const YamlNode& n, int depth, std::string_view what, bool allowScalar) {
    visit(n, depth);
    std::vector<std::string> out;
    if (allowScalar && n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence()) fail(n, std::string(what) + " must be a list of strings, not " + std::string(typeOf(n)));
    for (const YamlNode& e : n.elements()) out.push_back(string(e, depth + 1, std::string(what) + " entries"));
    return out;
  }

  // Any YAML value as a Value (parameters, operands). With `substitute`, scalars holding
  // "{{...}}" go through substituted().
  Value toValue(const YamlNode& n, int depth, bool substitute = false) {
    visit(n, depth);
    switch (n.Type()) {
      case YAML::NodeType::Scalar: {
        const std::string& s = n.Scalar();
        if (substitute && s.find("{{") != std::string::npos) return substituted(n);
        return isQuoted(n) ? Value(s) : plainScalar(s);
      }
      case YAML::NodeType::Sequence: {
        Array a;
        for (const YamlNode& e : n.elements()) a.push_back(toValue(e, depth + 1, substitute));
        return Value(std::move(a));
      }
      case YAML::NodeType::Map: {
        Value o = Value::object();
        for (const auto& [key, value] : n.entries()) {
          visit(key, depth + 1);
          if (!key.IsScalar()) fail(key, "keys must be strings");
          o.set(key.Scalar(), toValue(value, depth + 1, substitute));
        }
        return o;
      }
      default: return Value(nullptr);
    }
  }

 protected:
  template <typename CheckKey>
  Fields entries(const YamlNode& n, int depth, std::string_view what, CheckKey checkKey) {
    visit(n, depth);
    if (!n.IsMap()) fail(n, std::string(what) + " must be a mapping, not " + std::string(typeOf(n)));
    Fields f;
    f.self = n;
    for (const auto& [keyNode, value] : n.entries()) {
      visit(keyNode, depth + 1);
      if (!keyNode.IsScalar()) fail(keyNode, "keys must be strings");
      std::string key = keyNode.Scalar();
      if (f.find(key)) fail(keyNode, "duplicate key '" + key + "'");
      checkKey(keyNode);
      f.entries.emplace_back(key, value);
      f.keys.push_back(keyNode);
    }
    return f;
  }

  // Scalars with "{{...}}" when toValue() is asked to substitute; readers that allow
  // templates override it.
  virtual Value substituted(const YamlNode& n) { fail(n, "templates ({{...}}) are not allowed here"); }

 private:
  std::string document_;
  int maxDepth_;
  size_t maxNodes_;
  size_t nodes_ = 0;
};

}  // namespace eg::policy
