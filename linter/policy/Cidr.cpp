// CIDR parsing and containment (see Cidr.h).
#include "linter/policy/Cidr.h"

#include <vector>

namespace eg::policy {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parseDecimal(std::string_view s, unsigned max, unsigned* out) {
  if (s.empty() || s.size() > 3) return false;
  unsigned n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (n > max) return false;
  *out = n;
  return true;
}

bool parseV4(std::string_view s, uint8_t* out) {
  for (int part = 0; part < 4; ++part) {
    size_t dot = s.find('.');
    std::string_view p = part < 3 ? s.substr(0, dot) : s;
    if (part < 3 && dot == std::string_view::npos) return false;
    unsigned n;
    if (!parseDecimal(p, 255, &n)) return false;
    out[part] = static_cast<uint8_t>(n);
    if (part < 3) s.remove_prefix(dot + 1);
  }
  return true;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses groups separated by ':' (no "::"); an IPv4 tail counts as two groups.
bool parseGroups(std::string_view s, std::vector<uint16_t>& out, bool allowV4Tail) {
  if (s.empty()) return true;
  while (true) {
    size_t colon = s.find(':');
    std::string_view g = s.substr(0, colon);
    if (colon == std::string_view::npos && allowV4Tail && g.find('.') != std::string_view::npos) {
      uint8_t b[4];
      if (!parseV4(g, b)) return false;
      out.push_back(static_cast<uint16_t>(b[0] << 8 | b[1]));
      out.push_back(static_cast<uint16_t>(b[2] << 8 | b[3]));
      return true;
    }
    if (g.empty() || g.size() > 4) return false;
    unsigned v = 0;
    for (char c : g) {
      int d = hexDigit(c);
      if (d < 0) return false;
      v = v * 16 + static_cast<unsigned>(d);
    }
    out.push_back(static_cast<uint16_t>(v));
    if (colon == std::string_view::npos) return true;
    s.remove_prefix(colon + 1);
  }
}

bool parseV6(std::string_view s, uint8_t* out) {
  std::vector<uint16_t> head, tail;
  size_t dbl = s.find("::");
  if (dbl != std::string_view::npos) {
    if (s.find("::", dbl + 1) != std::string_view::npos) return false;
    if (!parseGroups(s.substr(0, dbl), head, false)) return false;
    if (!parseGroups(s.substr(dbl + 2), tail, true)) return false;
    if (head.size() + tail.size() > 7) return false;
  } else {
    if (!parseGroups(s, head, true) || head.size() != 8) return false;
  }
  std::vector<uint16_t> groups(8, 0);
  for (size_t i = 0; i < head.size(); ++i) groups[i] = head[i];
  for (size_t i = 0; i < tail.size(); ++i) groups[8 - tail.size() + i] = tail[i];
  for (size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(groups[i] & 0xff);
  }
  return true;
}

}  // namespace

std::optional<Cidr> parseCidr(std::string_view text) {
  text = trim(text);
  Cidr c;
  std::string_view addr = text;
  std::optional<unsigned> prefix;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    unsigned n;
    if (!parseDecimal(text.substr(slash + 1), 128, &n)) return std::nullopt;
    prefix = n;
  }
  if (addr.find(':') != std::string_view::npos) {
    c.v6 = true;
    if (!parseV6(addr, c.addr.data())) return std::nullopt;
  } else if (!parseV4(addr, c.addr.data())) {
    return std::nullopt;
  }
  if (prefix && static_cast<int>(*prefix) > c.bits()) return std::nullopt;
  c.prefix = prefix ? static_cast<int>(*prefix) : c.bits();
  return c;
}

bool cidrContains(const Cidr& outer, const Cidr& inner) {
  if (outer.v6 != inner.v6 || outer.prefix > inner.prefix) return false;
  int full = outer.prefix / 8, rem = outer.prefix % 8;
  for (int i = 0; i < full; ++i) {
    if (outer.addr[static_cast<size_t>(i)] != inner.addr[static_cast<size_t>(i)]) return false;
  }
  if (rem) {
    auto mask = static_cast<uint8_t>(0xff << (8 - rem));
    if ((outer.addr[static_cast<size_t>(full)] & mask) != (inner.addr[static_cast<size_t>(full)] & mask)) return false;
  }
  return true;
}

std::string cidrAddressCount(const Cidr& c) {
  int hostBits = c.bits() - c.prefix;
  if (c.v6 && hostBits > 16) return "2^" + std::to_string(hostBits);
  std::string digits = std::to_string(uint64_t{1} << hostBits);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace eg::policy
