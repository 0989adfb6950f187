// EG004, EG005 and EG006 loaded from the real policies/*.yaml, on hand-built graphs.
#include "PolicyTestUtil.h"

using namespace eg::policy::test;
using eg::ResourceGraph;

namespace {

std::unique_ptr<Loaded> builtin(const std::string& file) {
  auto l = load(readSource("policies/" + file), "policies/" + file, true);
  for (const auto& e : l->errors) FAIL_CHECK(e.line << ":" << e.column << ": " << e.message);
  REQUIRE(l->policy);
  return l;
}

std::vector<eg::Finding> on(const Loaded& l, const std::string& kind, const std::string& attrs, bool includeUnknown = true) {
  ResourceGraph g;
  g.add(resource(kind, attrs));
  return run(*l.policy, g, includeUnknown);
}

}  // namespace

TEST_CASE("EG004 weak-tls") {
  auto l = builtin("EG004-weak-tls.yaml");
  CHECK(l->policy->id == "EG004");
  CHECK(l->policy->defender == "TLS cipher suite upgrade needed");

  const std::string weak = "{name: myhub, properties: {minTlsVersion: '1.0'}}";
  auto f = on(*l, kHub, weak);
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IoT Hub 'myhub' accepts TLS 1.0: minTlsVersion is '1.0', below 1.2");
  CHECK(f[0].location.range.begin == offsetOf(weak, "'1.0'"));
  CHECK(f[0].detailKey == "properties.minTlsVersion");
  CHECK((f[0].severity == eg::Severity::Medium));

  f = on(*l, kHub, "{name: myhub, properties: {}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IoT Hub 'myhub' does not set minTlsVersion, so TLS 1.0 and 1.1 are accepted");
  CHECK(f[0].location.range == kHeader);

  // DPS serves TLS 1.2 only: absent is fine there, an explicit old version is not.
  CHECK(on(*l, kDps, "{name: mydps, properties: {}}").empty());
  f = on(*l, kDps, "{name: mydps, properties: {minTlsVersion: '1.1'}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "Device Provisioning Service 'mydps' accepts TLS 1.1: minTlsVersion is '1.1', below 1.2");

  CHECK(on(*l, kHub, "{properties: {minTlsVersion: '1.2'}}").empty());
  CHECK(on(*l, kHub, "{properties: {minTlsVersion: '1.3'}}").empty());
  CHECK(on(*l, "Microsoft.Storage/storageAccounts", "{properties: {}}").empty());

  const std::string unknown = "{properties: {minTlsVersion: !unknown var.tls has no value}}";
  CHECK(on(*l, kHub, unknown, false).empty());
  f = on(*l, kHub, unknown, true);
  REQUIRE(f.size() == 1);
  CHECK(f[0].unknown);
  CHECK(f[0].message.find("var.tls has no value") != std::string::npos);

  // The threshold is a parameter.
  CHECK(l->catalog.setParameter("EG004", "min_version", eg::Value("1.3")));
  f = on(*l, kHub, "{name: h, properties: {minTlsVersion: '1.2'}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IoT Hub 'h' accepts TLS 1.2: minTlsVersion is '1.2', below 1.3");
}

TEST_CASE("EG005 ip-filter-default-allow") {
  auto l = builtin("EG005-ip-filter-default-allow.yaml");
  auto count = [&](const std::string& kind, const std::string& attrs) { return on(*l, kind, attrs).size(); };

  // networkRuleSets decides for a hub.
  CHECK(count(kHub, "{properties: {networkRuleSets: {defaultAction: Deny}}}") == 0);
  CHECK(count(kHub, "{properties: {networkRuleSets: {defaultAction: deny}}}") == 0);
  CHECK(count(kHub, "{properties: {networkRuleSets: {ipRules: []}}}") == 0);  // ARM default action: Deny
  // networkRuleSets takes precedence over legacy rules.
  CHECK(count(kHub, "{properties: {networkRuleSets: {defaultAction: Deny}, ipFilterRules: [{action: Accept, ipMask: 0.0.0.0/0}]}}") == 0);
  const std::string allow = "{name: h, properties: {networkRuleSets: {defaultAction: Allow, ipRules: []}}}";
  auto f = on(*l, kHub, allow);
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IoT Hub 'h' allows any IP address by default: networkRuleSets.defaultAction is 'Allow'");
  CHECK(f[0].location.range.begin == offsetOf(allow, "Allow"));
  // Public access disabled: nothing to filter.
  CHECK(count(kHub, "{properties: {publicNetworkAccess: Disabled, networkRuleSets: {defaultAction: Allow}}}") == 0);
  CHECK(count(kHub, "{properties: {publicNetworkAccess: Disabled}}") == 0);
  // Neither networkRuleSets nor ipFilterRules: allow by default, reported at the header.
  f = on(*l, kHub, "{name: h, properties: {publicNetworkAccess: Enabled}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IoT Hub 'h' allows any IP address by default: no IP filter rule rejects 0.0.0.0/0");
  CHECK(count(kHub, "{properties: {}}") == 1);
  CHECK(on(*l, kHub, "{}")[0].location.range == kHeader);
  // Legacy ipFilterRules: the first rule covering 0.0.0.0/0 decides.
  CHECK(count(kHub, "{properties: {ipFilterRules: [{filterName: a, action: Accept, ipMask: 203.0.113.0/24}, "
                    "{filterName: deny, action: Reject, ipMask: 0.0.0.0/0}]}}") == 0);
  CHECK(count(kHub, "{properties: {ipFilterRules: [{filterName: deny, action: Reject, ipMask: 0.0.0.0/0}]}}") == 0);
  const std::string acceptFirst =
      "{name: h, properties: {ipFilterRules: [{filterName: all, action: Accept, ipMask: 0.0.0.0/0}, "
      "{filterName: deny, action: Reject, ipMask: 0.0.0.0/0}]}}";
  f = on(*l, kHub, acceptFirst);
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IoT Hub 'h' allows any IP address: an Accept rule for 0.0.0.0/0 comes before any Reject rule");
  CHECK(f[0].location.range.begin == offsetOf(acceptFirst, "Accept"));
  CHECK(count(kHub, "{properties: {ipFilterRules: [{filterName: a, action: Reject, ipMask: 10.0.0.0/8}]}}") == 1);
  // DPS: ipFilterRules with targets.
  CHECK(count(kDps, "{properties: {ipFilterRules: [{action: Reject, ipMask: 0.0.0.0/0, target: all}]}}") == 0);
  CHECK(count(kDps, "{properties: {ipFilterRules: [{action: Reject, ipMask: 0.0.0.0/0}]}}") == 0);
  CHECK(count(kDps, "{properties: {ipFilterRules: [{action: Reject, ipMask: 0.0.0.0/0, target: deviceApi}]}}") == 1);
  CHECK(count(kDps, "{properties: {}}") == 1);
  // Unknown parts give unknown findings, not verdicts.
  f = on(*l, kHub, "{properties: {networkRuleSets: {defaultAction: !unknown var.action}}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].unknown);
  f = on(*l, kHub, "{properties: {publicNetworkAccess: !unknown var.pna}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].unknown);
  CHECK(on(*l, kHub, "{properties: {publicNetworkAccess: !unknown var.pna}}", false).empty());
}

TEST_CASE("EG006 ip-filter-wide-range") {
  auto l = builtin("EG006-ip-filter-wide-range.yaml");
  const std::string wide =
      "{name: h, properties: {networkRuleSets: {defaultAction: Deny, ipRules: ["
      "{filterName: corp, action: Allow, ipMask: 10.0.0.0/8}, "
      "{filterName: site, action: Allow, ipMask: 10.20.0.0/16}, "
      "{filterName: host, action: Allow, ipMask: 203.0.113.7}, "
      "{filterName: v6, action: Allow, ipMask: '2001:db8::/32'}, "
      "{filterName: v6ok, action: Allow, ipMask: '2001:db8:1::/48'}]}}}";
  auto f = on(*l, kHub, wide);
  REQUIRE(f.size() == 2);
  CHECK(f[0].message == "IP filter rule 'corp' of IoT Hub 'h' allows 10.0.0.0/8, which admits 16,777,216 addresses");
  CHECK(f[0].location.range.begin == offsetOf(wide, "10.0.0.0/8"));
  CHECK(f[0].detailKey == "properties.networkRuleSets.ipRules[0]");
  CHECK(f[1].message == "IP filter rule 'v6' of IoT Hub 'h' allows 2001:db8::/32, which admits 2^96 addresses");
  CHECK(f[1].detailKey == "properties.networkRuleSets.ipRules[3]");

  // Legacy rules: Accept counts, Reject does not; DPS too.
  f = on(*l, kDps, "{name: d, properties: {ipFilterRules: [{filterName: r, action: Reject, ipMask: 0.0.0.0/0}, "
                   "{filterName: a, action: Accept, ipMask: 100.64.0.0/10}]}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IP filter rule 'a' of Device Provisioning Service 'd' allows 100.64.0.0/10, which admits 4,194,304 addresses");
  CHECK(f[0].detailKey == "properties.ipFilterRules[1]");
  // No action on a network rule means Allow; no name is "(unnamed)".
  f = on(*l, kHub, "{name: h, properties: {networkRuleSets: {ipRules: [{ipMask: 0.0.0.0/0}]}}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "IP filter rule '(unnamed)' of IoT Hub 'h' allows 0.0.0.0/0, which admits 4,294,967,296 addresses");
  // Public access disabled: rules have no effect.
  CHECK(on(*l, kHub, "{properties: {publicNetworkAccess: Disabled, networkRuleSets: {ipRules: [{action: Allow, ipMask: 10.0.0.0/8}]}}}").empty());
  // Unknown public access: only wide rules are undecided.
  f = on(*l, kHub, "{properties: {publicNetworkAccess: !unknown var.pna, networkRuleSets: {ipRules: ["
                   "{action: Allow, ipMask: 203.0.113.0/24}, {action: Allow, ipMask: 10.0.0.0/8}]}}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].unknown);
  CHECK(f[0].detailKey == "properties.networkRuleSets.ipRules[1]");
  // Unknown mask: an unknown finding for that rule only.
  f = on(*l, kHub, "{properties: {ipFilterRules: [{action: Accept, ipMask: !unknown var.mask}]}}");
  REQUIRE(f.size() == 1);
  CHECK(f[0].unknown);
  // Thresholds are parameters.
  CHECK(l->catalog.setParameter("EG006", "ipv4_min_prefix", eg::Value(8)));
  CHECK(on(*l, kHub, "{properties: {networkRuleSets: {ipRules: [{action: Allow, ipMask: 10.0.0.0/8}]}}}").empty());
}

TEST_CASE("every file in policies/ loads as a built-in") {
  for (const char* file : {"EG004-weak-tls.yaml", "EG005-ip-filter-default-allow.yaml", "EG006-ip-filter-wide-range.yaml"}) {
    CAPTURE(file);
    auto l = builtin(file);
    CHECK_FALSE(l->policy->remediation.empty());
    CHECK(l->policy->remediation.count("terraform"));
    CHECK(l->policy->remediation.count("bicep"));
    CHECK(l->policy->remediation.count("arm"));
    CHECK_FALSE(l->policy->references.empty());
  }
}
