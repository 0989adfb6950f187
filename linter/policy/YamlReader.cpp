#include "linter/policy/YamlReader.h"

#include <charconv>
#include <cmath>

namespace eg::policy {

std::string_view typeOf(const YamlNode& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "null";
    default: return "a scalar";
  }
}

bool isQuoted(const YamlNode& n) { return n.quoted(); }

Value plainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return Value(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value(false);
  std::string_view t = s;
  if (t.front() == '+') t.remove_prefix(1);
  bool numeric = !t.empty();
  for (char c : t) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')) numeric = false;
  }
  if (numeric) {
    double d = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec == std::errc() && ptr == t.data() + t.size() && std::isfinite(d)) return Value(d);
  }
  return Value(s);
}

}  // namespace eg::policy
