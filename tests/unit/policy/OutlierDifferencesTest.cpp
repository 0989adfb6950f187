// Outlier aggregates that compare objects: which settings differ from the group majority
// ({{outlier.differences}}, {{outlier.keys}}, {{outlier.majority}}), `compare:` as a mapping
// of named settings (paths or templates), and the finding's location.
#include "PolicyTestUtil.h"

using namespace eg::policy::test;
using eg::ResourceGraph;

namespace {

constexpr const char* kModule = "IoTEdge/module";

std::string outlierPolicy(const std::string& compare, const std::string& message) {
  return policyText("aggregate:\n  group_by: group\n  compare: " + compare + "\n  outlier: majority\nmessage: \"" + message + "\"\n",
                    "[IoTEdge/module]");
}

std::vector<eg::Finding> runOn(const eg::policy::Policy& p, std::initializer_list<std::pair<const char*, std::string>> members,
                               bool includeUnknown = true) {
  ResourceGraph g;
  for (const auto& [name, attrs] : members) g.add(resource(kModule, attrs, name, "edge"));
  return run(p, g, includeUnknown);
}

}  // namespace

TEST_CASE("outlier on an object path names each differing member and its majority value") {
  auto l = loadOk(outlierPolicy("settings", "{{outlier.differences}} | {{outlier.keys}} | {{outlier.majority}}"));
  const std::string odd = "{group: g, settings: {Privileged: true, NetworkMode: host, LogType: json-file}}";
  auto f = runOn(*l->policy, {{"a", "{group: g, settings: {Privileged: false, NetworkMode: bridge, LogType: json-file}}"},
                              {"b", "{group: g, settings: {NetworkMode: bridge, Privileged: false, LogType: json-file}}"},
                              {"c", odd}});
  REQUIRE(f.size() == 1);
  CHECK(f[0].resource == "c");
  CHECK(f[0].message ==
        "Privileged: true (majority: false); NetworkMode: host (majority: bridge) | Privileged, NetworkMode | "
        "Privileged: false; NetworkMode: bridge");
  // Located at the first differing setting, not at the whole object.
  CHECK(f[0].location.range.begin == offsetOf(odd, "true"));
  CHECK(f[0].detailKey == "settings");
}

TEST_CASE("outlier on an object path: a member missing on either side is not set") {
  auto l = loadOk(outlierPolicy("settings", "{{outlier.differences}}"));
  auto f = runOn(*l->policy, {{"a", "{group: g, settings: {x: 1, y: 2}}"},
                              {"b", "{group: g, settings: {x: 1, y: 2}}"},
                              {"c", "{group: g, settings: {x: 1, z: 3}}"}});
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "z: 3 (majority: not set); y: not set (majority: 2)");
}

TEST_CASE("outlier on a scalar: differences show the value and the majority value") {
  auto l = loadOk(outlierPolicy("mode", "{{outlier.differences}} / {{outlier.keys}} / {{outlier.majority}}"));
  auto f = runOn(*l->policy, {{"a", "{group: g, mode: bridge}"}, {"b", "{group: g, mode: bridge}"}, {"c", "{group: g}"}});
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "not set (majority: bridge) / mode / bridge");
}

TEST_CASE("compare as a mapping of named settings: paths and templates") {
  auto l = loadOk(outlierPolicy(
      "{Privileged: '{{attr.hc.Privileged | lower | default:\"false\"}}', CapAdd: '{{attr.hc.CapAdd | upper | sort | join | "
      "default:\"none\"}}', LogConfig: hc.LogConfig}",
      "{{outlier.differences}}"));
  const std::string odd = "{group: g, hc: {Privileged: 'True', CapAdd: [net_admin], LogConfig: {Type: none}}}";
  auto f = runOn(*l->policy, {
                                 // Same settings written differently: explicit default, order, case.
                                 {"a", "{group: g, hc: {Privileged: false, CapAdd: [SYS_TIME, NET_RAW], LogConfig: {Type: local, max: 1}}}"},
                                 {"b", "{group: g, hc: {CapAdd: [net_raw, sys_time], LogConfig: {max: 1, Type: local}}}"},
                                 {"c", odd},
                             });
  REQUIRE(f.size() == 1);
  CHECK(f[0].resource == "c");
  CHECK(f[0].message ==
        "Privileged: true (majority: false); CapAdd: NET_ADMIN (majority: NET_RAW, SYS_TIME); "
        "LogConfig: {\"Type\":\"none\"} (majority: {\"Type\":\"local\",\"max\":1})");
  CHECK(f[0].location.range.begin == offsetOf(odd, "'True'"));
  CHECK(f[0].detailKey == "Privileged, CapAdd, LogConfig");
}

TEST_CASE("compare mapping: a placeholder behind a default is still unknown, ties give no verdict") {
  auto l = loadOk(outlierPolicy("{Privileged: '{{attr.p | default:\"false\"}}'}", "{{outlier.differences}}"));
  auto f = runOn(*l->policy, {{"a", "{group: g, p: false}"}, {"b", "{group: g, p: false}"}, {"c", "{group: g, p: !unknown var.x}"}});
  REQUIRE(f.size() == 1);
  CHECK(f[0].resource == "c");
  CHECK(f[0].unknown);
  // Tie: two against two, no finding is a verdict.
  auto t = runOn(*l->policy, {{"a", "{group: g, p: true}"}, {"b", "{group: g, p: false}"}}, false);
  CHECK(t.empty());
}

TEST_CASE("outlier template variables and compare mappings are checked at load time") {
  auto err = [](const std::string& logic) {
    auto l = load(policyText(logic, "[IoTEdge/module]"));
    REQUIRE(!l->errors.empty());
    return l->errors[0].message;
  };
  CHECK(err("aggregate: {group_by: g, having: {count_gt: 1}}\nmessage: '{{outlier.keys}}'\n").find("{{outlier...}} needs aggregate: with compare:") !=
        std::string::npos);
  CHECK(err("aggregate: {group_by: g, compare: c, outlier: majority}\nmessage: '{{outlier.nope}}'\n").find("unknown outlier field") !=
        std::string::npos);
  CHECK(err("aggregate: {group_by: g, compare: {}, outlier: majority}\nmessage: m\n").find("at least one setting") != std::string::npos);
  CHECK(err("aggregate: {group_by: g, compare: {a: x, A: y}, outlier: majority}\nmessage: m\n").find("duplicate compare setting") !=
        std::string::npos);
  CHECK(err("aggregate: {group_by: g, compare: {a: 'x[*]'}, outlier: majority}\nmessage: m\n").find("no [*]") != std::string::npos);
  CHECK(err("aggregate: {group_by: g, compare: {a: '{{group.size}}'}, outlier: majority}\nmessage: m\n").find("needs aggregate") !=
        std::string::npos);
}

TEST_CASE("template filter sort orders a list by its display text") {
  auto l = loadOk(policyText("violation: {attribute: l, exists: true}\nmessage: '{{attr.l | sort | join:\"+\"}}'\n"));
  ResourceGraph g;
  g.add(resource(kHub, "{l: [b, C, a]}"));
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "C+a+b");
}
