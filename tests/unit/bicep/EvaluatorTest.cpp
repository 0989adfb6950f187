// Evaluation into the resource graph: params/vars/functions, resources (nested, parent, loops,
// conditions, existing), references, modules, .bicepparam and main.parameters.json, provenance.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "BicepTestUtil.h"

using biceptest::Result;
using biceptest::eval;
using biceptest::load;
namespace fs = std::filesystem;

TEST_CASE("evaluator: pure functions and operators") {
  CHECK(eval("toLower('ABC')").toJson() == "\"abc\"");
  CHECK(eval("toUpper('abc')").toJson() == "\"ABC\"");
  CHECK(eval("format('{0}-{1}', 'a', 2)").toJson() == "\"a-2\"");
  CHECK(eval("concat('a', 'b')").toJson() == "\"ab\"");
  CHECK(eval("concat([1], [2])").toJson() == "[1,2]");
  CHECK(eval("union({a: 1, b: {c: 1}}, {b: {d: 2}})").toJson() == "{\"a\":1,\"b\":{\"c\":1,\"d\":2}}");
  CHECK(eval("contains(['a', 'b'], 'b')").toJson() == "true");
  CHECK(eval("empty([])").toJson() == "true");
  CHECK(eval("string(1)").toJson() == "\"1\"");
  CHECK(eval("int('42')").toJson() == "42");
  CHECK(eval("bool('true')").toJson() == "true");
  CHECK(eval("json('{\"a\": [1]}').a[0]").toJson() == "1");
  CHECK(eval("length('abc')").toJson() == "3");
  CHECK(eval("replace('a-b', '-', '_')").toJson() == "\"a_b\"");
  CHECK(eval("split('a,b', ',')").toJson() == "[\"a\",\"b\"]");
  CHECK(eval("join(['a', 'b'], '/')").toJson() == "\"a/b\"");
  CHECK(eval("first([3, 4])").toJson() == "3");
  CHECK(eval("last([3, 4])").toJson() == "4");
  CHECK(eval("coalesce(null, 'x')").toJson() == "\"x\"");
  CHECK(eval("map([1, 2], x => x * 10)").toJson() == "[10,20]");
  CHECK(eval("filter([1, 2, 3], x => x > 1)").toJson() == "[2,3]");
  CHECK(eval("reduce([1, 2, 3], 0, (acc, x) => acc + x)").toJson() == "6");
  CHECK(eval("true ? 'a' : 'b'").toJson() == "\"a\"");
  CHECK(eval("null ?? 'd'").toJson() == "\"d\"");
  CHECK(eval("{a: {b: 1}}.?c").toJson() == "null");
  CHECK(eval("[1, 2, 3][^1]").toJson() == "3");
  CHECK(eval("{ ...{a: 1}, b: 2 }").toJson() == "{\"a\":1,\"b\":2}");
  CHECK(eval("[...[1], 2]").toJson() == "[1,2]");
  CHECK(eval("'x${1 + 1}y'").toJson() == "\"x2y\"");
  CHECK(eval("[for (x, i) in ['a', 'b']: '${i}${x}']").toJson() == "[\"0a\",\"1b\"]");
  CHECK(eval("[for x in [1, 2, 3]: if (x != 2) x]").toJson() == "[1,3]");
  CHECK(eval("double(21)", "func double(x int) int => x * 2").toJson() == "42");
  CHECK(eval("p", "param p string = 'dflt'").toJson() == "\"dflt\"");
  CHECK(eval("v", "var v = 'a${w}'\nvar w = 'b'").toJson() == "\"ab\"");
  CHECK(eval("'a' =~ 'A'").toJson() == "true");
}

TEST_CASE("evaluator: environment-dependent values are unknown, never errors") {
  for (std::string_view e : {"resourceGroup().location", "uniqueString('x')", "subscription().id", "listKeys('x', 'y')",
                             "reference('x')", "utcNow()", "p", "undefinedThing", "a.b", "x ? 1 : 2"}) {
    CAPTURE(e);
    CHECK(eval(e, "param p string\nparam a object\nparam x bool").isUnknown());
  }
  CHECK(eval("concat('a', resourceGroup().location)").isUnknown());
  CHECK(eval("v", "var v = w\nvar w = v").isUnknown());  // cycle
}

TEST_CASE("evaluator: resources in the ARM shape with provenance") {
  Result r;
  load(r, R"(param tls string = '1.0'
var suffix = 'hub'
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'contoso-${suffix}'
  location: resourceGroup().location
  properties: {
    minTlsVersion: tls
  }
  resource cg 'eventHubEndpoints/events/consumerGroups' = {
    name: 'cg'
  }
}
resource cert 'Microsoft.Devices/IotHubs/certificates@2023-06-30' = {
  parent: hub
  name: 'cert'
}
resource old 'Microsoft.Devices/IotHubs@2023-06-30' existing = {
  name: 'old'
}
resource off 'Microsoft.Devices/IotHubs@2023-06-30' = if (false) {
  name: 'off'
}
resource dps 'Microsoft.Devices/provisioningServices@2022-12-12' = {
  name: 'dps'
  properties: {
    iotHubs: [ { name: hub.name, connectionString: 'x', location: 'westeurope' } ]
  }
  dependsOn: [ cert ]
}
)");
  REQUIRE(r.errorText() == "");
  REQUIRE(r.declaredResources() == 4);
  const eg::Resource* hub = r.find("hub");
  REQUIRE(hub);
  CHECK(hub->kind == "Microsoft.Devices/IotHubs");
  CHECK(hub->sourceType == "Microsoft.Devices/IotHubs@2023-06-30");
  CHECK(hub->format == "bicep");
  CHECK(r.text(hub->file, hub->header) == "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {");
  CHECK(r.text(hub->file, hub->body).starts_with("resource hub"));
  CHECK(r.text(hub->file, hub->body).ends_with("}"));
  CHECK(r.attr("hub", "name") == "\"contoso-hub\"");
  CHECK(r.attr("hub", "apiVersion") == "\"2023-06-30\"");
  CHECK(r.attr("hub", "location").starts_with("<unknown"));
  CHECK(r.attr("hub", "properties.minTlsVersion") == "\"1.0\"");
  const eg::Value* tls = hub->attributes.at("properties.minTlsVersion");
  CHECK(r.text(tls->prov) == "tls");
  CHECK(r.text(tls->prov, true) == "minTlsVersion");
  CHECK(std::find(hub->aliases.begin(), hub->aliases.end(), std::string("contoso-hub")) != hub->aliases.end());

  const eg::Resource* cg = r.find("hub::cg");
  REQUIRE(cg);
  CHECK(cg->kind == "Microsoft.Devices/IotHubs/eventHubEndpoints/events/consumerGroups");
  CHECK(r.attr("hub::cg", "name") == "\"contoso-hub/cg\"");
  CHECK(cg->references == std::vector<std::string>{"hub"});
  CHECK(r.attr("cert", "name") == "\"contoso-hub/cert\"");
  CHECK(r.find("old") == nullptr);
  CHECK(r.find("off") == nullptr);
  const eg::Resource* dps = r.find("dps");
  REQUIRE(dps);
  CHECK(dps->references == std::vector<std::string>{"cert", "hub"});
  CHECK(r.attr("dps", "properties.iotHubs[0].name") == "\"contoso-hub\"");
  CHECK(dps->attributes.get("dependsOn") == nullptr);
}

TEST_CASE("evaluator: loops give one representative instance") {
  Result r;
  load(r, R"(param names array
resource hubs 'Microsoft.Devices/IotHubs@2023-06-30' = [for n in names: {
  name: n
  properties: { minTlsVersion: '1.2' }
}]
resource none 'Microsoft.Devices/IotHubs@2023-06-30' = [for n in []: { name: n }]
)");
  REQUIRE(r.errorText() == "");
  REQUIRE(r.declaredResources() == 1);
  CHECK(r.attr("hubs", "name").starts_with("<unknown"));
  CHECK(r.attr("hubs", "properties.minTlsVersion") == "\"1.2\"");
}

TEST_CASE("evaluator: .bicepparam and main.parameters.json supply values") {
  std::string templ = "param tls string = '1.2'\nresource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n"
                      "  properties: { minTlsVersion: tls }\n}\n";
  {
    Result r;
    load(r, {{"main.bicep", templ}, {"main.bicepparam", "using './main.bicep'\nparam tls = '1.0'\n"}});
    CHECK(r.errorText() == "");
    CHECK(r.attr("hub", "properties.minTlsVersion") == "\"1.0\"");
  }
  {
    Result r;
    load(r, {{"main.bicep", templ},
             {"main.parameters.json", R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {"tls": {"value": "1.1"}}})"}});
    CHECK(r.errorText() == "");
    CHECK(r.attr("hub", "properties.minTlsVersion") == "\"1.1\"");
  }
  {
    Result r;
    load(r, {{"main.bicep", templ}});
    CHECK(r.attr("hub", "properties.minTlsVersion") == "\"1.2\"");
  }
}

TEST_CASE("evaluator: bad input gives clear errors and other files still load") {
  Result r;
  load(r, {{"broken.bicep", "param x\n"},
           {"ok.bicep", "resource a 'Microsoft.ContainerRegistry/registries@2023-07-01' = { name: 'a' }\n"},
           {"dev.bicepparam", "using './missing.bicep'\nparam x = 1\n"}});
  CHECK(r.errorText() ==
        "broken.bicep:1:8: EG901 expected a type after the parameter name, found a new line\n"
        "dev.bicepparam:1:7: EG901 the template './missing.bicep' named by 'using' cannot be read: no such file\n");
  CHECK(r.find("a") != nullptr);
}

TEST_CASE("evaluator: local modules are followed, cycles reported, registry modules left alone") {
  fs::path dir = fs::temp_directory_path() / "eg-bicep-modules";
  fs::remove_all(dir);
  fs::create_directories(dir / "mods");
  auto write = [&](const fs::path& p, const std::string& s) { std::ofstream(dir / p, std::ios::binary) << s; };
  write("main.bicep", "module acr './mods/acr.bicep' = {\n  name: 'acr'\n  params: { admin: true }\n}\n"
                      "module ext 'br/public:avm/res/container-registry/registry:0.1.0' = { name: 'ext' }\n"
                      "module loop './mods/a.bicep' = { name: 'a' }\n");
  write("mods/acr.bicep", "param admin bool = false\nresource reg 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n"
                          "  name: 'reg'\n  properties: { adminUserEnabled: admin }\n}\n");
  write("mods/a.bicep", "module b './b.bicep' = { name: 'b' }\n");
  write("mods/b.bicep", "module a './a.bicep' = { name: 'a' }\n");
  Result r;
  eg::LoadError err;
  const eg::SourceFile* f = r.store.load(dir / "main.bicep", &err);
  REQUIRE(f);
  eg::bicep::BicepFrontEnd fe;
  eg::LoadContext ctx{r.store, r.options};
  fe.loadUnit({f}, ctx);
  r.resources = std::move(ctx.resources);
  r.errors = std::move(ctx.errors);
  CHECK(r.attr("module.acr.reg", "properties.adminUserEnabled") == "true");
  std::erase_if(r.errors, [](const eg::Error& e) { return e.notice; });  // EG910: the registry module is not restored
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == "EG902");
  CHECK(r.errors[0].message.find("creates a cycle") != std::string::npos);
  fs::remove_all(dir);
}

// Found by fuzz_bicep: two resources with one symbolic name (Bicep's BCP028) crashed the
// evaluator, which looked up the first declaration in an index the second had taken over.
TEST_CASE("evaluator: a resource symbol declared twice is an error, not a crash") {
  Result r;
  load(r, "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'one'\n}\n"
          "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'two'\n  resource child 'routes' = {\n    name: 'c'\n  }\n}\n");
  CHECK(r.errorText() == "main.bicep:1:10: EG902 the symbol 'hub' is declared more than once; this declaration is not evaluated\n");
  CHECK(r.declaredResources() >= 1);
}
