// for_each, related joins, aggregates (count and majority outlier) and message templates.
#include "PolicyTestUtil.h"

using namespace eg::policy::test;
using eg::ResourceGraph;

TEST_CASE("for_each: one finding per offending element, $resource and $item reach out") {
  auto l = loadOk(policyText(R"(
for_each: ['properties.a[*]', 'properties.b[*]']
violation:
  all:
    - {attribute: v, gt: 1}
    - {attribute: $resource.properties.on, is_true: true}
    - {attribute: $item.v, lt: 100}
message: "{{item.n}}={{item.v}} at {{resource.address}}"
)"));
  const std::string attrs = "properties: {on: true, a: [{n: x, v: 5}, {n: y, v: 0}], b: [{n: z, v: 7}, {n: u, v: !unknown var.u}]}";
  ResourceGraph g;
  g.add(resource(kHub, attrs));
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 3);
  CHECK(f[0].message == "x=5 at hub");
  CHECK(f[0].detailKey == "properties.a[0]");
  CHECK(f[0].location.range.begin == offsetOf(attrs, "5}"));
  CHECK(f[1].message == "z=7 at hub");
  CHECK(f[1].detailKey == "properties.b[0]");
  CHECK(f[2].unknown);
  CHECK(f[2].detailKey == "properties.b[1]");
  CHECK(run(*l->policy, g, false).size() == 2);
}

namespace {
const char* kAcr = "Microsoft.ContainerRegistry/registries";

// module -> registry edges; `where` checks the registry's admin user.
std::string relatedPolicy(const std::string& extra) {
  return policyText("violation:\n  related: {kind: " + std::string(kAcr) + ", via: registry, where: {attribute: properties.adminUserEnabled, is_true: true}" + extra + "}\nmessage: m\n");
}
}  // namespace

TEST_CASE("related: quantifiers over joined resources, zero related, unknown") {
  ResourceGraph g;
  auto hub = g.add(resource(kHub, "{}", "m"));
  auto admin = g.add(resource(kAcr, "properties: {adminUserEnabled: true}", "acr1"));
  auto clean = g.add(resource(kAcr, "properties: {adminUserEnabled: false}", "acr2"));
  auto unk = g.add(resource(kAcr, "properties: {adminUserEnabled: !unknown var.admin}", "acr3"));
  auto lonely = g.add(resource(kHub, "{}", "lonely"));
  (void)lonely;
  g.addEdge(hub, admin, "registry");
  g.addEdge(hub, clean, "registry");
  g.addEdge(hub, unk, "reference");  // other edge kind: ignored with via: registry

  auto verdicts = [&](const std::string& extra) {
    auto l = loadOk(relatedPolicy(extra));
    std::string out;
    for (const auto& f : run(*l->policy, g)) out += f.resource + (f.unknown ? "?" : "!") + " ";
    return out;
  };
  CHECK(verdicts("") == "m! ");                          // any: acr1 qualifies; lonely: zero -> false
  CHECK(verdicts(", quantifier: all") == "lonely! ");    // m: acr2 fails; lonely: vacuously true
  CHECK(verdicts(", quantifier: none") == "lonely! ");
  CHECK(verdicts(", count_gt: 0") == "m! ");
  CHECK(verdicts(", count_eq: 0") == "lonely! ");

  g.addEdge(hub, unk, "registry");
  CHECK(verdicts(", quantifier: all") == "lonely! ");        // acr2 is false: decided despite acr3
  CHECK(verdicts(", count_gt: 1") == "m? ");                 // 1 known + 1 unknown
  CHECK(verdicts(", count_gt: 0") == "m! ");
}

TEST_CASE("related: direction in/out/any and via omitted") {
  ResourceGraph g;
  auto a = g.add(resource(kHub, "{}", "a"));
  auto r = g.add(resource(kAcr, "properties: {adminUserEnabled: true}", "acr"));
  g.addEdge(r, a, "target");
  auto count = [&](const char* extra) {
    auto l = loadOk(policyText(std::string("violation:\n  related: {kind: ") + kAcr + extra + "}\nmessage: m\n"));
    return run(*l->policy, g).size();
  };
  CHECK(count("") == 0);                    // default direction: out
  CHECK(count(", direction: in") == 1);
  CHECK(count(", direction: any") == 1);
  CHECK(count(", direction: in, via: registry") == 0);
}

namespace {
const char* kDevice = "IoTEdge/deviceConfig";
std::string aggregatePolicy(const std::string& aggregate, const std::string& message = "m") {
  return policyText("aggregate: " + aggregate + "\nmessage: \"" + message + "\"\n", "[IoTEdge/deviceConfig]");
}
}  // namespace

TEST_CASE("aggregate count: one finding per member of a big group, with related members") {
  auto l = loadOk(aggregatePolicy("{group_by: auth.key, having: {count_gt: 1}}",
                                  "shares {{value | fingerprint}} with {{group.others}} ({{group.size}})"));
  ResourceGraph g;
  g.add(resource(kDevice, "auth: {key: S3cret}", "d1"));
  g.add(resource(kDevice, "auth: {key: other}", "d2"));
  g.add(resource(kDevice, "auth: {key: s3cret}", "d3"));  // group keys ignore case
  g.add(resource(kDevice, "auth: {key: !unknown env}", "d4"));
  g.add(resource(kDevice, "auth: {}", "d5"));  // no key: in no group
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 4);
  CHECK(f[0].resource == "d1");
  CHECK(f[0].message.find("with d3 (2)") != std::string::npos);
  CHECK(f[0].message.find("S3cret") == std::string::npos);  // secrets are never printed
  CHECK(f[0].message.find("fp:") != std::string::npos);
  REQUIRE(f[0].related.size() == 1);
  CHECK(f[0].related[0].message.find("d3") != std::string::npos);
  // d2 is alone in its group unless d4's unknown key is "other" too: undecided.
  CHECK(f[1].resource == "d2");
  CHECK(f[1].unknown);
  CHECK(f[2].resource == "d3");
  CHECK(f[3].resource == "d4");
  CHECK(f[3].unknown);
  CHECK(run(*l->policy, g, false).size() == 2);
}

TEST_CASE("aggregate count with a template key") {
  auto l = loadOk(aggregatePolicy("{group_by: \"{{attr.auth.user}}@{{attr.auth.host}}\", having: {count_ge: 2}}"));
  ResourceGraph g;
  g.add(resource(kDevice, "auth: {user: u, host: h}", "d1"));
  g.add(resource(kDevice, "auth: {user: u, host: h}", "d2"));
  g.add(resource(kDevice, "auth: {user: u, host: other}", "d3"));
  g.add(resource(kDevice, "auth: {user: u}", "d4"));  // part of the key missing: no group
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 2);
  CHECK(f[0].resource == "d1");
  CHECK(f[1].resource == "d2");
}

TEST_CASE("aggregate outlier: majority, ties and unknown members") {
  auto l = loadOk(aggregatePolicy("{group_by: group, compare: settings, outlier: majority}", "differs: {{value}}"));
  auto findings = [&](std::initializer_list<std::pair<const char*, const char*>> devices) {
    ResourceGraph g;
    for (auto [name, attrs] : devices) g.add(resource(kDevice, attrs, name));
    std::string out;
    for (const auto& f : run(*l->policy, g)) out += f.resource + (f.unknown ? "?" : "!") + " ";
    return out;
  };
  // Clear majority: the one that differs is reported; other groups are independent.
  CHECK(findings({{"a", "{group: g, settings: {x: 1, y: 2}}"},
                  {"b", "{group: g, settings: {y: 2, x: 1}}"},  // member order does not matter
                  {"c", "{group: g, settings: {x: 9, y: 2}}"},
                  {"d", "{group: h, settings: {x: 9, y: 2}}"}}) == "c! ");
  // A missing setting is a value of its own.
  CHECK(findings({{"a", "{group: g, settings: 1}"}, {"b", "{group: g, settings: 1}"}, {"c", "{group: g}"}}) == "c! ");
  // Tie: no majority, every member undecided.
  CHECK(findings({{"a", "{group: g, settings: 1}"}, {"b", "{group: g, settings: 2}"}}) == "a? b? ");
  // Unknown member that cannot change the majority: the outlier stands, the unknown one is undecided.
  CHECK(findings({{"a", "{group: g, settings: 1}"}, {"b", "{group: g, settings: 1}"}, {"c", "{group: g, settings: 1}"},
                  {"d", "{group: g, settings: 2}"}, {"e", "{group: g, settings: !unknown v}"}}) == "d! e? ");
  // Unknowns that could overturn it: undecided.
  CHECK(findings({{"a", "{group: g, settings: 1}"}, {"b", "{group: g, settings: 1}"}, {"c", "{group: g, settings: 2}"},
                  {"d", "{group: g, settings: !unknown v}"}}) == "a? b? c? d? ");
  // Unknown group key.
  CHECK(findings({{"a", "{group: !unknown g, settings: 1}"}, {"b", "{group: g, settings: 1}"}}) == "a? ");
  // Consistent group: nothing.
  CHECK(findings({{"a", "{group: g, settings: 1}"}, {"b", "{group: g, settings: 1}"}}) == "");
}

TEST_CASE("outlier finding points at the compare value and lists the majority") {
  auto l = loadOk(aggregatePolicy("{group_by: group, compare: settings, outlier: majority}", "{{value}} vs majority in {{group.others}}"));
  ResourceGraph g;
  const std::string odd = "{group: g, settings: odd}";
  g.add(resource(kDevice, "{group: g, settings: same}", "a"));
  g.add(resource(kDevice, "{group: g, settings: same}", "b"));
  g.add(resource(kDevice, odd, "c"));
  auto f = run(*l->policy, g);
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "odd vs majority in a, b");
  CHECK(f[0].location.range.begin == offsetOf(odd, "odd"));
  CHECK(f[0].related.size() == 2);
  CHECK(f[0].detailKey == "settings");
}

TEST_CASE("message templates and filters") {
  auto render = [](const std::string& message, const std::string& attrs, const std::string& params = "{p: 16, names: [a, b]}") {
    auto l = loadOk(policyText("parameters: " + params + "\nviolation: {attribute: v, exists: true}\nmessage: \"" + message + "\"\n"));
    ResourceGraph g;
    eg::Resource r = resource(kHub, attrs, "azurerm_iothub.hub", "terraform");
    r.sourceType = "azurerm_iothub";
    g.add(std::move(r));
    auto f = run(*l->policy, g);
    REQUIRE(f.size() == 1);
    return f[0].message;
  };
  CHECK(render("{{resource.label}} '{{resource.name}}' ({{resource.address}}, {{resource.type}}, {{resource.format}})",
               "{name: myhub, v: 1}") == "IoT Hub 'myhub' (azurerm_iothub.hub, azurerm_iothub, terraform)");
  CHECK(render("{{resource.name}}", "{v: 1}") == "azurerm_iothub.hub");  // no ARM name: the address
  CHECK(render("/{{params.p}} {{params.names | join}} {{params.names | join:\\\"+\\\"}}", "{v: 1}") == "/16 a, b a+b");
  CHECK(render("{{value}} {{attr.ip | cidr_addresses}} {{attr.ip6 | cidr_addresses}}", "{v: x, ip: 10.0.0.0/8, ip6: '2001:db8::/32'}") ==
        "x 16,777,216 2^96");
  CHECK(render("{{attr.missing}} {{attr.missing | default:\\\"none\\\"}} {{attr.u}} {{attr.u | default:'d'}}", "{v: 1, u: !unknown x}") ==
        "(unknown) none (unknown) d");
  CHECK(render("{{attr.list | count}} {{attr.missing | count}} {{attr.S | lower}} {{attr.S | upper}}", "{v: 1, list: [1, 2, 3], S: MiXed}") ==
        "3 0 mixed MIXED");
  CHECK(render("{{attr.list[*].n}}", "{v: 1, list: [{n: a}, {n: b}]}") == "a, b");
  std::string fp = render("{{attr.secret | fingerprint}}", "{v: 1, secret: hunter2}");
  CHECK(fp.size() == 11);
  CHECK(fp.rfind("fp:", 0) == 0);
  CHECK(fp == render("{{attr.secret | fingerprint}}", "{v: 1, secret: hunter2}"));  // stable
  CHECK(fp != render("{{attr.secret | fingerprint}}", "{v: 1, secret: hunter3}"));
}

TEST_CASE("setParameter recompiles operands and validates the new value") {
  auto l = loadOk(policyText("parameters: {min: 16}\nviolation: {attribute: ip, cidr_prefix_below: {ipv4: \"{{params.min}}\"}}\nmessage: \"/{{params.min}}\"\n"));
  ResourceGraph g;
  g.add(resource(kHub, "{ip: 10.0.0.0/12}"));
  CHECK(run(*l->catalog.find("TEST001"), g).size() == 1);
  CHECK(l->catalog.setParameter("test-policy", "min", eg::Value(8)));
  CHECK(run(*l->catalog.find("TEST001"), g).empty());
  CHECK(l->catalog.setParameter("TEST001", "min", eg::Value(24)));
  auto f = run(*l->catalog.find("TEST001"), g);
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == "/24");
  CHECK_FALSE(l->catalog.setParameter("TEST001", "min", eg::Value("wide")));  // not a prefix length
  CHECK_FALSE(l->catalog.setParameter("TEST001", "nope", eg::Value(1)));
  CHECK_FALSE(l->catalog.setParameter("NOPE001", "min", eg::Value(1)));
  CHECK(run(*l->catalog.find("TEST001"), g).size() == 1);  // unchanged after a rejected value
}

TEST_CASE("kind: conditions select per-kind semantics") {
  auto l = loadOk(policyText(R"(
violation:
  any:
    - all:
        - {kind: Microsoft.Devices/IotHubs}
        - {attribute: properties.x, absent: true}
    - {attribute: properties.x, equals: bad}
message: m
)", "[Microsoft.Devices/IotHubs, Microsoft.Devices/provisioningServices]"));
  ResourceGraph g;
  g.add(resource(kHub, "properties: {}", "hub-absent"));
  g.add(resource("Microsoft.Devices/provisioningServices", "properties: {}", "dps-absent"));
  g.add(resource("microsoft.devices/provisioningservices", "properties: {x: bad}", "dps-bad"));
  std::string out;
  for (const auto& f : run(*l->policy, g)) out += f.resource + " ";
  CHECK(out == "hub-absent dps-bad ");
  auto bad = load(policyText("violation: {kind: []}\nmessage: m\n"));
  REQUIRE(bad->errors.size() == 1);
  CHECK(bad->errors[0].message.find("kind: needs") != std::string::npos);
  CHECK(bad->errors[0].line == 9);
}

TEST_CASE("message case at: moves the finding to an attribute that is present, else keeps the witness") {
  auto l = loadOk(policyText(R"(
violation:
  any:
    - {attribute: properties.mode, equals: disabled}
    - all:
        - {attribute: name, exists: true}
        - {attribute: properties.settings.level, absent: true}
message:
  - when: {attribute: properties.mode, equals: disabled}
    text: "mode disabled"
  - text: "no level"
    at: properties.settings
)"));
  auto locate = [&](const std::string& attrs) {
    ResourceGraph g;
    g.add(resource(kHub, attrs));
    auto f = run(*l->policy, g);
    REQUIRE(f.size() == 1);
    return f[0];
  };
  // A missing setting: at the object it belongs in (its key), not at the witness `name`.
  const std::string missing = "{name: hub1, properties: {settings: {other: 1}}}";
  eg::Finding f = locate(missing);
  CHECK(f.message == "no level");
  CHECK(f.location.range.begin == offsetOf(missing, "settings"));
  CHECK(f.location.range.end == offsetOf(missing, "settings") + 8);
  // The object is missing too: the witness (name's value) decides as before.
  const std::string bare = "{name: hub1, properties: {}}";
  CHECK(locate(bare).location.range.begin == offsetOf(bare, "hub1"));
  // A case without at: keeps its witness even when the at: attribute of another case exists.
  const std::string off = "{name: hub1, properties: {mode: disabled, settings: {level: 1}}}";
  f = locate(off);
  CHECK(f.message == "mode disabled");
  CHECK(f.location.range.begin == offsetOf(off, "disabled,"));
}

TEST_CASE("message case at: must be a path") {
  auto l = load(policyText("violation: {attribute: v, exists: true}\nmessage:\n  - text: m\n    at: 'a[*'\n"));
  REQUIRE_FALSE(l->errors.empty());
  CHECK(l->policy == nullptr);
}
