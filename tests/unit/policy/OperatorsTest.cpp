// Every leaf operator: true, false, missing and unknown cases.
#include "PolicyTestUtil.h"

using namespace eg::policy::test;

namespace {
const char* kAttrs = R"(
name: hub
s: Deny
n: 42
ns: "42"
b: true
bs: "TRUE"
ver: "1.0"
ver12: "1.2"
tls: TLS1_0
nul: null
list: [a, B, c]
ip4: 10.0.0.0/8
ip4host: 10.1.2.3
ip6: 2001:db8::/32
any4: 0.0.0.0/0
text: "Hello World"
unk: !unknown var.x has no value
conn: !partial "HostName=|?|;SharedAccessKeyName=iothubowner;SharedAccessKey=|?"
connHoleName: !partial "HostName=x;SharedAccessKeyName=|?|;SharedAccessKey=|?"
)";

char v(const std::string& cond) { return verdict(cond, kAttrs); }
}  // namespace

TEST_CASE("equals and not_equals") {
  CHECK(v("{attribute: s, equals: Deny}") == 'T');
  CHECK(v("{attribute: s, equals: deny}") == 'T');  // case-insensitive by default
  CHECK(v("{attribute: s, equals: deny, case_sensitive: true}") == 'F');
  CHECK(v("{attribute: s, equals: Allow}") == 'F');
  CHECK(v("{attribute: missing, equals: Deny}") == 'F');
  CHECK(v("{attribute: nul, equals: Deny}") == 'F');
  CHECK(v("{attribute: nul, equals: null}") == 'T');
  CHECK(v("{attribute: unk, equals: Deny}") == 'U');
  CHECK(v("{attribute: n, equals: 42}") == 'T');
  CHECK(v("{attribute: ns, equals: 42}") == 'T');   // numeric strings compare as numbers
  CHECK(v("{attribute: n, equals: \"42\"}") == 'T');
  CHECK(v("{attribute: bs, equals: true}") == 'T');
  CHECK(v("{attribute: s, not_equals: Allow}") == 'T');
  CHECK(v("{attribute: s, not_equals: deny}") == 'F');
  CHECK(v("{attribute: missing, not_equals: Deny}") == 'T');  // exact negation of equals
  CHECK(v("{attribute: unk, not_equals: Deny}") == 'U');
}

TEST_CASE("in and not_in") {
  CHECK(v("{attribute: s, in: [allow, deny]}") == 'T');
  CHECK(v("{attribute: s, in: [allow]}") == 'F');
  CHECK(v("{attribute: missing, in: [allow]}") == 'F');
  CHECK(v("{attribute: unk, in: [allow]}") == 'U');
  CHECK(v("{attribute: s, not_in: [allow]}") == 'T');
  CHECK(v("{attribute: s, not_in: [DENY]}") == 'F');
  CHECK(v("{attribute: missing, not_in: [allow]}") == 'T');
}

TEST_CASE("exists and absent") {
  CHECK(v("{attribute: s, exists: true}") == 'T');
  CHECK(v("{attribute: missing, exists: true}") == 'F');
  CHECK(v("{attribute: missing, exists: false}") == 'T');
  CHECK(v("{attribute: nul, exists: true}") == 'T');  // present, even if null
  CHECK(v("{attribute: unk, exists: true}") == 'U');
  CHECK(v("{attribute: missing, absent: true}") == 'T');
  CHECK(v("{attribute: nul, absent: true}") == 'T');
  CHECK(v("{attribute: s, absent: true}") == 'F');
  CHECK(v("{attribute: s, absent: false}") == 'T');
  CHECK(v("{attribute: unk, absent: true}") == 'U');
  CHECK(v("{attribute: deeply.missing.path, absent: true}") == 'T');
}

TEST_CASE("matches and not_matches") {
  CHECK(v("{attribute: text, matches: '^hello'}") == 'T');  // case-insensitive by default
  CHECK(v("{attribute: text, matches: '^hello', case_sensitive: true}") == 'F');
  CHECK(v("{attribute: text, matches: 'World$'}") == 'T');
  CHECK(v("{attribute: text, matches: '^World'}") == 'F');
  CHECK(v("{attribute: missing, matches: '.*'}") == 'F');
  CHECK(v("{attribute: unk, matches: '.*'}") == 'U');
  CHECK(v("{attribute: n, matches: '^4[0-9]$'}") == 'T');
  CHECK(v("{attribute: text, not_matches: '^bye'}") == 'T');
}

TEST_CASE("matches on a partially known string") {
  // A match inside the known text holds whatever the holes are...
  CHECK(v("{attribute: conn, matches: ';SharedAccessKeyName=iothubowner;'}") == 'T');
  CHECK(v("{attribute: conn, not_matches: ';SharedAccessKeyName=iothubowner;'}") == 'F');
  CHECK(v("{attribute: conn, matches: 'hostname'}") == 'T');  // case-insensitive as usual
  // ...but no match in the known text may still be one across a hole.
  CHECK(v("{attribute: conn, matches: 'SharedAccessKeyName=service;'}") == 'U');
  CHECK(v("{attribute: connHoleName, matches: 'SharedAccessKeyName=iothubowner'}") == 'U');
  // Assertions look at what surrounds the piece: not decided on a piece alone.
  CHECK(v("{attribute: conn, matches: '^HostName='}") == 'U');
  CHECK(v("{attribute: conn, matches: 'iothubowner;SharedAccessKey=$'}") == 'U');
  CHECK(v("{attribute: conn, matches: '\\biothubowner\\b'}") == 'U');
  CHECK(v("{attribute: conn, matches: '[^x]iothubowner'}") == 'T');  // ^ inside a class is no anchor
  // Other operators stay unknown.
  CHECK(v("{attribute: conn, equals: x}") == 'U');
}

TEST_CASE("numeric comparisons") {
  CHECK(v("{attribute: n, gt: 41}") == 'T');
  CHECK(v("{attribute: n, gt: 42}") == 'F');
  CHECK(v("{attribute: n, ge: 42}") == 'T');
  CHECK(v("{attribute: n, lt: 43}") == 'T');
  CHECK(v("{attribute: n, le: 41}") == 'F');
  CHECK(v("{attribute: ns, gt: 41.5}") == 'T');  // strings holding numbers count
  CHECK(v("{attribute: s, gt: 1}") == 'F');      // not a number: false, not an error
  CHECK(v("{attribute: missing, lt: 1}") == 'F');
  CHECK(v("{attribute: unk, lt: 1}") == 'U');
}

TEST_CASE("version comparisons") {
  CHECK(v("{attribute: ver, version_lt: '1.2'}") == 'T');
  CHECK(v("{attribute: ver12, version_lt: '1.2'}") == 'F');
  CHECK(v("{attribute: ver12, version_le: '1.2'}") == 'T');
  CHECK(v("{attribute: ver12, version_ge: '1.2.0'}") == 'T');  // "1.2" == "1.2.0"
  CHECK(v("{attribute: ver12, version_gt: '1.10'}") == 'F');   // 1.2 < 1.10, not a decimal
  CHECK(v("{attribute: ver12, version_gt: 1.1}") == 'T');
  CHECK(v("{attribute: tls, version_lt: '1.2'}") == 'T');      // TLS1_0
  CHECK(v("{attribute: s, version_lt: '1.2'}") == 'F');
  CHECK(v("{attribute: missing, version_lt: '1.2'}") == 'F');
  CHECK(v("{attribute: unk, version_lt: '1.2'}") == 'U');
}

TEST_CASE("is_true and is_false") {
  CHECK(v("{attribute: b, is_true: true}") == 'T');
  CHECK(v("{attribute: bs, is_true: true}") == 'T');
  CHECK(v("{attribute: b, is_false: true}") == 'F');
  CHECK(v("{attribute: s, is_true: true}") == 'F');
  CHECK(v("{attribute: b, is_true: false}") == 'F');
  CHECK(v("{attribute: missing, is_false: true}") == 'F');
  CHECK(v("{attribute: unk, is_true: true}") == 'U');
}

TEST_CASE("cidr_prefix_below") {
  CHECK(v("{attribute: ip4, cidr_prefix_below: {ipv4: 16}}") == 'T');
  CHECK(v("{attribute: ip4, cidr_prefix_below: {ipv4: 8}}") == 'F');
  CHECK(v("{attribute: ip4host, cidr_prefix_below: {ipv4: 32}}") == 'F');  // bare address = /32
  CHECK(v("{attribute: ip6, cidr_prefix_below: {ipv4: 16, ipv6: 48}}") == 'T');
  CHECK(v("{attribute: ip6, cidr_prefix_below: {ipv4: 16}}") == 'F');  // no IPv6 limit given
  CHECK(v("{attribute: s, cidr_prefix_below: {ipv4: 16}}") == 'F');
  CHECK(v("{attribute: missing, cidr_prefix_below: {ipv4: 16}}") == 'F');
  CHECK(v("{attribute: unk, cidr_prefix_below: {ipv4: 16}}") == 'U');
}

TEST_CASE("cidr_contains (value covers operand) and cidr_within (value inside operand)") {
  CHECK(v("{attribute: any4, cidr_contains: 0.0.0.0/0}") == 'T');
  CHECK(v("{attribute: ip4, cidr_contains: 0.0.0.0/0}") == 'F');
  CHECK(v("{attribute: ip4, cidr_contains: 10.20.0.0/16}") == 'T');
  CHECK(v("{attribute: ip4, cidr_within: 10.0.0.0/8}") == 'T');
  CHECK(v("{attribute: ip4host, cidr_within: [192.168.0.0/16, 10.0.0.0/8]}") == 'T');
  CHECK(v("{attribute: ip4host, cidr_within: 192.168.0.0/16}") == 'F');
  CHECK(v("{attribute: ip6, cidr_within: 0.0.0.0/0}") == 'F');  // families never mix
  CHECK(v("{attribute: ip6, cidr_within: '::/0'}") == 'T');
  CHECK(v("{attribute: missing, cidr_within: 0.0.0.0/0}") == 'F');
  CHECK(v("{attribute: unk, cidr_contains: 0.0.0.0/0}") == 'U');
}

TEST_CASE("contains_any and length") {
  CHECK(v("{attribute: list, contains_any: [b, z]}") == 'T');
  CHECK(v("{attribute: list, contains_any: [z]}") == 'F');
  CHECK(v("{attribute: text, contains_any: [WORLD]}") == 'T');  // substring, case-insensitive
  CHECK(v("{attribute: text, contains_any: [WORLD], case_sensitive: true}") == 'F');
  CHECK(v("{attribute: missing, contains_any: [a]}") == 'F');
  CHECK(v("{attribute: unk, contains_any: [a]}") == 'U');
  CHECK(v("{attribute: list, length_gt: 2}") == 'T');
  CHECK(v("{attribute: list, length_lt: 3}") == 'F');
  CHECK(v("{attribute: list, length_eq: 3}") == 'T');
  CHECK(v("{attribute: missing, length_eq: 0}") == 'F');
}

TEST_CASE("contains_any over an array with an unknown element") {
  CHECK(verdict("{attribute: l, contains_any: [z]}", "l: [a, !unknown u]") == 'U');
  CHECK(verdict("{attribute: l, contains_any: [a]}", "l: [a, !unknown u]") == 'T');
}

TEST_CASE("CIDR parsing") {
  using eg::policy::parseCidr;
  CHECK(parseCidr("10.0.0.0/8")->prefix == 8);
  CHECK(parseCidr("10.1.2.3")->prefix == 32);
  CHECK(parseCidr("2001:db8::")->prefix == 128);
  CHECK(parseCidr("::ffff:1.2.3.4/120")->prefix == 120);
  CHECK_FALSE(parseCidr("10.0.0.256"));
  CHECK_FALSE(parseCidr("10.0.0.0/33"));
  CHECK_FALSE(parseCidr("1:2:3:4:5:6:7:8:9"));
  CHECK_FALSE(parseCidr("1::2::3"));
  CHECK_FALSE(parseCidr("*"));
  CHECK(eg::policy::cidrAddressCount(*parseCidr("10.0.0.0/8")) == "16,777,216");
  CHECK(eg::policy::cidrAddressCount(*parseCidr("10.0.0.0/16")) == "65,536");
  CHECK(eg::policy::cidrAddressCount(*parseCidr("0.0.0.0/0")) == "4,294,967,296");
  CHECK(eg::policy::cidrAddressCount(*parseCidr("2001:db8::/48")) == "2^80");
  CHECK(eg::policy::cidrAddressCount(*parseCidr("10.1.2.3")) == "1");
}

TEST_CASE("matches on an overlong value is an evaluation error, not a crash") {
  auto l = loadOk(policyText("violation: {attribute: v, matches: '(a|b)*c'}\nmessage: m\n", "[Microsoft.Devices/IotHubs]"));
  eg::ResourceGraph g;
  eg::Resource r = resource(kHub, "{}");
  r.attributes.set("v", eg::Value(std::string(eg::policy::kMaxRegexInput + 1, 'a')));
  g.add(std::move(r));
  std::string expected = "TEST001: value of " + std::to_string(eg::policy::kMaxRegexInput + 1) + " characters is too long";
  CHECK_THROWS_WITH_AS(run(*l->policy, g), doctest::Contains(expected.c_str()), eg::policy::EvaluationError);
}

TEST_CASE("matches runs in linear time: a pattern that backtracks exponentially elsewhere is decided") {
  // `^(a|a)*$` over 40 a's and a b: 2^40 paths for a backtracking engine (std::regex took 1.5 s
  // at 24 characters, doubling with each); RE2 answers at once, and without a match.
  auto l = loadOk(policyText("violation: {attribute: v, matches: '^(a|a)*$'}\nmessage: m\n", "[Microsoft.Devices/IotHubs]"));
  eg::ResourceGraph g;
  eg::Resource r = resource(kHub, "{}");
  r.attributes.set("v", eg::Value(std::string(100000, 'a') + "b"));
  g.add(std::move(r));
  eg::Resource m = resource(kHub, "{}");
  m.attributes.set("v", eg::Value(std::string(100000, 'a')));
  g.add(std::move(m));
  CHECK(run(*l->policy, g).size() == 1);  // only the value without the b
}

TEST_CASE("a pattern RE2 cannot run (a back-reference, a look-around) is a load error at its position") {
  auto l = load(policyText("violation: {attribute: v, matches: '(a)\\1|x(?!y)'}\nmessage: m\n", "[Microsoft.Devices/IotHubs]"));
  REQUIRE(!l->errors.empty());
  CHECK(l->errors.front().message.find("invalid regular expression") != std::string::npos);
  CHECK(l->errors.front().line > 0);
}
