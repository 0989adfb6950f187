// Small string helpers: fixed sets of names (keys, operators, filters) in loaders' messages,
// hexadecimal digits.
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

// The value of a hexadecimal digit, or -1.
inline int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `s` cut to at most `max` bytes at a UTF-8 character boundary, with "…" appended when cut: a
// value quoted in a message (a name built from a 200,000-element chain) stays readable.
inline std::string shortened(std::string s, size_t max = 200) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s += "\xE2\x80\xA6";
  return s;
}

}  // namespace eg
