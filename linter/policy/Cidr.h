// IPv4/IPv6 addresses and CIDR ranges for the cidr_* operators and the cidr_addresses
// template filter. Private to linter/policy.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eg::policy {

struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};  // IPv4 uses the first 4 bytes
  int prefix = 0;                  // a bare address is /32 (IPv4) or /128 (IPv6)
  int bits() const { return v6 ? 128 : 32; }
};

// Parses "10.0.0.0/8", "10.1.2.3", "2001:db8::/32", "::ffff:1.2.3.4". Surrounding spaces are
// ignored; anything else that is not an address yields nullopt.
std::optional<Cidr> parseCidr(std::string_view text);

// True when every address of `inner` lies in `outer` (same family only).
bool cidrContains(const Cidr& outer, const Cidr& inner);

// How many addresses the range admits: "65,536" for IPv4, "2^80" for IPv6 (exact below 2^16).
std::string cidrAddressCount(const Cidr& c);

}  // namespace eg::policy
