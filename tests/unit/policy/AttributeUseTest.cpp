// AttributeUses (linter/policy/AttributeUse.h): what policies read of resources' attributes, per
// kind, and trimming a resource to it — for_each items, `first:` candidates, related resources,
// aggregates, templates and `at:` paths are kept; everything else goes.
#include "PolicyTestUtil.h"
#include "linter/policy/AttributeUse.h"

using namespace eg::policy::test;
using eg::Value;
using eg::policy::AttributeUses;

namespace {

const char* kAcr = "Microsoft.ContainerRegistry/registries";

std::string trimmed(const AttributeUses& uses, const std::string& kind, const std::string& attrs) {
  Value v = yamlValue(attrs);
  uses.trim(kind, v);
  return v.toJson();
}

}  // namespace

TEST_CASE("trimming keeps what a policy's paths, for_each items, first: candidates and templates read") {
  auto l = loadOk(policyText(R"(
where: {attribute: properties.enabled, is_true: true}
for_each: ['properties.rules[*]']
violation:
  all:
    - {attribute: v, gt: 1}
    - {attribute: $resource.properties.on, is_true: true}
    - not:
        first:
          of: $resource.properties.filters[*]
          where: {attribute: mask, equals: x}
          satisfies: {attribute: action, equals: Reject}
message:
  - when: {attribute: w, exists: true}
    at: $resource.properties.where
    text: "{{item.n}} {{resource.name}} {{attr.tags.env}}"
  - text: m
)"));
  AttributeUses uses;
  uses.addPolicies({l->policy});
  const std::string attrs =
      "name: hub\nlocation: westeurope\ntags: {env: prod, owner: me}\n"
      "properties: {enabled: true, on: false, where: {deep: {x: 1}}, other: {big: [1, 2, 3]},\n"
      "  rules: [{v: 5, w: 1, n: a, unused: [1, 2]}, {v: 0, n: b, extra: {z: 1}}],\n"
      "  filters: [{mask: x, action: Reject, comment: c}], list: [1, 2]}";
  CHECK(trimmed(uses, kHub, attrs) ==
        R"({"name":"hub","tags":{"env":"prod"},"properties":{"enabled":true,"on":false,"where":{"deep":{"x":1}},)"
        R"("rules":[{"v":5,"w":1,"n":"a"},{"v":0,"n":"b"}],"filters":[{"mask":"x","action":"Reject"}]}})");
  // Member lookups ignore ASCII case, and so does trimming.
  CHECK(trimmed(uses, "microsoft.devices/iothubs", "{Properties: {ON: true, Off: 1}}") == R"({"Properties":{"ON":true}})");
  // A kind no policy reads keeps nothing; keepEverywhere keeps a top-level attribute on every kind.
  CHECK(trimmed(uses, kDps, attrs) == "{}");
  uses.keepEverywhere("location");
  CHECK(trimmed(uses, kDps, attrs) == R"({"location":"westeurope"})");
  CHECK(trimmed(uses, kHub, "{location: x, tags: {owner: y}}") == R"({"location":"x","tags":{}})");
}

TEST_CASE("trimming keeps what related resources are asked and what aggregates group and compare") {
  auto related = loadOk(policyText("violation:\n  related: {kind: " + std::string(kAcr) +
                                   ", via: registry, where: {attribute: properties.adminUserEnabled, is_true: true}}\nmessage: m\n"));
  auto aggregate = loadOk(policyText(R"(
aggregate:
  group_by: "{{attr.group}}/{{attr.name}}"
  compare:
    image: "{{attr.image}}"
    opts: settings.opts
  outlier: majority
message: "{{outlier.differences}}"
)", "[IoTEdge/module]"));
  AttributeUses uses;
  uses.addPolicies({related->policy, aggregate->policy});
  // The subject of the related policy reads nothing itself; the registry it joins is asked one thing.
  CHECK(trimmed(uses, kHub, "{name: h, properties: {x: 1}}") == "{}");
  CHECK(trimmed(uses, kAcr, "{name: r, properties: {adminUserEnabled: true, sku: Basic}}") ==
        R"({"properties":{"adminUserEnabled":true}})");
  CHECK(trimmed(uses, "IoTEdge/module", "{group: g, name: m, image: i, settings: {opts: {a: [1]}, env: {K: v}}, status: running}") ==
        R"({"group":"g","name":"m","image":"i","settings":{"opts":{"a":[1]}}})");
}

TEST_CASE("a wildcard over an object's members and a named member of it are both kept") {
  auto l = loadOk(policyText(R"(
violation:
  any:
    - {attribute: 'properties.routes[*].enabled', is_false: true}
    - {attribute: properties.routes.main.source, equals: x}
message: m
)"));
  AttributeUses uses;
  uses.addPolicies({l->policy});
  CHECK(trimmed(uses, kHub, "{properties: {routes: {main: {enabled: true, source: s, tag: t}, b: {enabled: false, tag: u}}}}") ==
        R"({"properties":{"routes":{"main":{"enabled":true,"source":"s"},"b":{"enabled":false}}}})");
  // An array no path reaches into keeps no element; unknown values stay as they are.
  AttributeUses none;
  none.keepEverywhere("a");
  Value v = yamlValue("{a: !unknown var.x, b: [1, 2]}");
  none.trim(kHub, v);
  CHECK(v.toJson() == R"({"a":<unknown: var.x>})");
}
