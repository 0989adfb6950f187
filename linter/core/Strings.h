// Small helpers for fixed sets of names (keys, operators, filters) in loaders' messages.
#pragma once

#include <string>
#include <string_view>

namespace eg {

template <size_t N>
bool oneOf(std::string_view s, const std::string_view (&set)[N]) {
  for (std::string_view x : set) {
    if (x == s) return true;
  }
  return false;
}

// "a, b, c"
template <typename Range>
std::string joined(const Range& r) {
  std::string out;
  for (std::string_view x : r) {
    if (!out.empty()) out += ", ";
    out += x;
  }
  return out;
}

}  // namespace eg
