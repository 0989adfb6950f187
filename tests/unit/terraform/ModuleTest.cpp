#include <algorithm>
// Module model: variable precedence, local module calls, cycles, count/for_each/dynamic,
// .tf.json, and syntax errors with positions.
#include "TfTestUtil.h"

using eg::Value;
using tftest::Result;
using tftest::TempTree;

TEST_CASE("variables: default < terraform.tfvars < *.auto.tfvars < --var-file < --var") {
  TempTree t({{"root/main.tf", R"(
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "none" {}
resource "test_probe" "p" {
  a = var.a
  b = var.b
  c = var.c
  d = var.d
  e = var.e
  n = var.none
}
)"},
              {"root/terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n"},
              {"root/a.auto.tfvars", "c = \"auto-a\"\nd = \"auto-a\"\n"},
              {"root/b.auto.tfvars.json", R"({"c": "auto-b"})"},
              {"root/other.tfvars", "e = \"not auto-loaded\"\n"},
              {"extra.tfvars", "d = \"var-file\"\ne = \"var-file\"\n"}});
  Result res;
  res.options.terraformVarFiles = {t.root / "extra.tfvars"};
  res.options.terraformVars = {{"e", "[1, 2]"}, {"x", "not hcl {"}};
  tftest::run(res, t.root / "root");
  INFO(res.errorText());
  CHECK(res.errors.empty());
  const eg::Resource* p = res.find("test_probe.p");
  REQUIRE(p);
  CHECK(p->attributes.at("_terraform.a")->asString() == "default");
  CHECK(p->attributes.at("_terraform.b")->asString() == "tfvars");
  CHECK(p->attributes.at("_terraform.c")->asString() == "auto-b");
  CHECK(p->attributes.at("_terraform.d")->asString() == "var-file");
  CHECK(p->attributes.at("_terraform.e")->toJson() == "[1,2]");
  CHECK(p->attributes.at("_terraform.n")->unknownReason() == "var.none has no value");
  // The tfvars value keeps its own location.
  CHECK(res.text(p->attributes.at("_terraform.b")->prov) == "var.b");
}

TEST_CASE("modules: inputs, outputs, nested addresses, parsed once") {
  TempTree t({{"root/main.tf", R"(
module "hub" {
  source = "./modules/hub"
  name   = "hub-${local.env}"
}
module "hub2" {
  source = "./modules/hub"
  name   = "second"
}
locals { env = "prod" }
resource "test_probe" "p" {
  out = module.hub.hub_name
}
)"},
              {"root/modules/hub/main.tf", R"(
variable "name" {}
resource "azurerm_iothub" "this" {
  name     = var.name
  location = "westeurope"
  sku {
    name     = "S1"
    capacity = 1
  }
}
module "inner" {
  source = "../inner"
  prefix = var.name
}
output "hub_name" { value = azurerm_iothub.this.name }
)"},
              {"root/modules/inner/main.tf", R"(
variable "prefix" {}
resource "azurerm_container_registry" "acr" {
  name = "${var.prefix}acr"
  sku  = "Premium"
}
)"}});
  Result res;
  tftest::run(res, t.root / "root");
  INFO(res.errorText());
  CHECK(res.errors.empty());
  const eg::Resource* hub = res.find("module.hub.azurerm_iothub.this");
  REQUIRE(hub);
  CHECK(hub->kind == "Microsoft.Devices/IotHubs");
  CHECK(hub->attributes.get("name")->asString() == "hub-prod");
  const eg::Resource* acr = res.find("module.hub.module.inner.azurerm_container_registry.acr");
  REQUIRE(acr);
  CHECK(acr->attributes.get("name")->asString() == "hub-prodacr");
  REQUIRE(res.find("module.hub2.azurerm_iothub.this"));
  CHECK(res.find("module.hub2.azurerm_iothub.this")->attributes.get("name")->asString() == "second");
  CHECK(res.find("test_probe.p")->attributes.at("_terraform.out")->asString() == "hub-prod");
  // Both calls share one parse of modules/hub/main.tf: the store holds each file once.
  CHECK(res.store.size() == 3);
}

TEST_CASE("modules: a cycle is an EG902 error, not a hang") {
  TempTree t({{"root/main.tf", "module \"a\" {\n  source = \"./a\"\n}\n"},
              {"root/a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n"},
              {"root/b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\nresource \"test_probe\" \"x\" {}\n"}});
  Result res;
  tftest::run(res, t.root / "root");
  REQUIRE(res.errors.size() == 1);
  CHECK(res.errors[0].code == "EG902");
  CHECK(res.errors[0].message.find("cycle") != std::string::npos);
  CHECK(res.find("module.a.module.b.test_probe.x"));
}

TEST_CASE("modules: missing local module is EG902, a registry module not installed is one EG910 note") {
  TempTree t(std::map<std::string, std::string>{{"root/main.tf", R"(
module "gone" { source = "./nothing-here" }
module "naming" {
  source  = "Azure/naming/azurerm"
  version = "0.4.0"
}
)"}});
  Result res;
  tftest::run(res, t.root / "root");
  REQUIRE(res.errors.size() == 2);
  std::sort(res.errors.begin(), res.errors.end(), [](const eg::Error& a, const eg::Error& b) { return a.code < b.code; });
  CHECK(res.errors[0].code == "EG902");
  CHECK(!res.errors[0].notice);
  CHECK(res.text(eg::Provenance{res.errors[0].file, res.errors[0].range, {}}) == "\"./nothing-here\"");
  CHECK(res.errors[1].code == "EG910");
  CHECK(res.errors[1].notice);
  CHECK(res.errors[1].message.find("run terraform init") != std::string::npos);
  CHECK(res.text(eg::Provenance{res.errors[1].file, res.errors[1].range, {}}) == "\"Azure/naming/azurerm\"");
}

TEST_CASE("modules: a registry module installed by terraform init is followed through .terraform/modules") {
  TempTree t(std::map<std::string, std::string>{
      {"root/main.tf", R"(
module "outer" {
  source = "example/outer/azurerm"
  tls    = "1.0"
}
)"},
      {"root/.terraform/modules/modules.json",
       R"({"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"outer","Source":"registry.terraform.io/example/outer/azurerm","Dir":".terraform/modules/outer"},{"Key":"outer.inner","Source":"git::https://example.com/inner.git","Dir":".terraform/modules/outer.inner"}]})"},
      {"root/.terraform/modules/outer/main.tf", R"(
variable "tls" {}
module "inner" {
  source = "git::https://example.com/inner.git"
  tls    = var.tls
}
)"},
      {"root/.terraform/modules/outer.inner/main.tf", R"(
variable "tls" {}
resource "azurerm_iothub" "hub" {
  name            = "inner-hub"
  min_tls_version = var.tls
}
)"}});
  Result res;
  tftest::run(res, t.root / "root");
  CHECK(res.errors.empty());
  const eg::Resource* hub = res.find("module.outer.module.inner.azurerm_iothub.hub");
  REQUIRE(hub);
  REQUIRE(hub->attributes.at("properties.minTlsVersion"));
  CHECK(hub->attributes.at("properties.minTlsVersion")->asString() == "1.0");
}

TEST_CASE("count and for_each: one representative instance") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
variable "n" {}
resource "test_probe" "counted" {
  count = 2
  idx   = count.index
}
resource "test_probe" "unknown_count" {
  count = var.n
  idx   = count.index
}
resource "test_probe" "off" {
  count = 0
}
resource "test_probe" "each" {
  for_each = { b = "vb", a = "va" }
  k = each.key
  v = each.value
}
resource "test_probe" "each_set" {
  for_each = toset(["y", "x"])
  k = each.key
}
)"}});
  CHECK(res.find("test_probe.counted")->attributes.at("_terraform.idx")->asNumber() == 0);
  CHECK(res.find("test_probe.unknown_count")->attributes.at("_terraform.idx")->isUnknown());
  CHECK_FALSE(res.find("test_probe.off"));
  CHECK(res.find("test_probe.each")->attributes.at("_terraform.k")->asString() == "a");
  CHECK(res.find("test_probe.each")->attributes.at("_terraform.v")->asString() == "va");
  CHECK(res.find("test_probe.each_set")->attributes.at("_terraform.k")->asString() == "x");
}

TEST_CASE("dynamic blocks expand known collections, unknown gives one instance") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", R"(
variable "rules" {}
resource "test_probe" "known" {
  dynamic "rule" {
    for_each = ["10.0.0.0/24", "10.1.0.0/24"]
    content {
      mask = rule.value
      i    = rule.key
    }
  }
}
resource "test_probe" "iter" {
  dynamic "rule" {
    for_each = { r1 = "a" }
    iterator = it
    content { v = it.value }
  }
}
resource "test_probe" "unknown" {
  dynamic "rule" {
    for_each = var.rules
    content { mask = rule.value.mask }
  }
}
)"}});
  CHECK(res.find("test_probe.known")->attributes.at("_terraform.rule")->toJson() ==
        "[{\"mask\":\"10.0.0.0/24\",\"i\":0},{\"mask\":\"10.1.0.0/24\",\"i\":1}]");
  CHECK(res.find("test_probe.iter")->attributes.at("_terraform.rule[0].v")->asString() == "a");
  const Value* u = res.find("test_probe.unknown")->attributes.at("_terraform.rule");
  REQUIRE(u);
  REQUIRE(u->asArray().size() == 1);
  CHECK(u->asArray()[0].get("mask")->isUnknown());
}

TEST_CASE("terraform JSON syntax") {
  Result res;
  tftest::runMemory(res, {{"mem/main.tf.json", R"({
  "variable": {"tls": {"default": "1.2"}},
  "locals": {"hub": "hub-json"},
  "resource": {
    "azurerm_iothub": {
      "hub": {
        "name": "${local.hub}",
        "min_tls_version": "${var.tls}",
        "sku": {"name": "S1", "capacity": 1}
      }
    }
  }
})"}});
  INFO(res.errorText());
  const eg::Resource* hub = res.find("azurerm_iothub.hub");
  REQUIRE(hub);
  CHECK(hub->attributes.get("name")->asString() == "hub-json");
  CHECK(hub->attributes.at("properties.minTlsVersion")->asString() == "1.2");
  CHECK(res.text(hub->attributes.at("properties.minTlsVersion")->prov) == "\"${var.tls}\"");
  CHECK(hub->attributes.at("sku.name")->asString() == "S1");
}

TEST_CASE("syntax errors: EG901 with line:column, and what parsed cleanly is kept") {
  struct Case { std::string text; std::string expect; };
  std::vector<Case> cases = {
      {"resource \"a\" \"b\" {\n  x = 1\n}\n}\n", "EG901 mem/main.tf:4:1: unexpected '}'"},
      {"resource \"a\" \"b\" {\n  x = \"open\n}\n", "EG901 mem/main.tf:2:7: unterminated string"},
      {"resource \"a\" \"b\" {\n  x 1\n}\n", "EG901 mem/main.tf:2:5: missing '=' after attribute name 'x'"},
      {"locals {\n  a = [1, 2\n}\n", "EG901 mem/main.tf:"},
  };
  for (const auto& c : cases) {
    Result res;
    tftest::runMemory(res, {{"mem/main.tf", c.text}});
    INFO(c.text);
    INFO(res.errorText());
    REQUIRE_FALSE(res.errors.empty());
    CHECK(res.errorText().rfind(c.expect, 0) == 0);
  }
  Result res;
  tftest::runMemory(res, {{"mem/main.tf", "resource \"test_probe\" \"ok\" {\n  v = 1\n}\nresource \"x\" {\n  = broken\n}\n"}});
  CHECK_FALSE(res.errors.empty());
  CHECK(res.find("test_probe.ok"));
}

TEST_CASE("syntax errors: hostile input does not crash") {
  std::string braces(20000, '{');
  std::string junk;
  for (int i = 0; i < 20000; ++i) junk += static_cast<char>('!' + (i * 7919) % 90);
  for (const std::string& text : {braces, junk, std::string("a = <<EOF\nno end")}) {
    Result res;
    tftest::runMemory(res, {{"mem/main.tf", text}});
    CHECK_FALSE(res.errors.empty());
    CHECK(res.errors.size() <= 5);
  }
}

TEST_CASE("duplicate declarations in one module are EG907 errors, the first declaration is kept") {
  TempTree t({{"root/a.tf", "resource \"test_probe\" \"x\" {\n  v = \"first\"\n}\nvariable \"v\" {}\n"},
              {"root/b.tf", "resource \"test_probe\" \"x\" {\n  v = \"second\"\n}\nvariable \"v\" {}\n"}});
  Result res;
  tftest::run(res, t.root / "root");
  REQUIRE(res.errors.size() == 2);
  CHECK(res.errors[0].code == "EG907");
  CHECK(res.errors[0].message.find("duplicate resource \"test_probe\" \"x\"") == 0);
  CHECK(res.errors[0].message.find("a.tf:1") != std::string::npos);
  CHECK(res.text(eg::Provenance{res.errors[0].file, res.errors[0].range, {}}).find("resource \"test_probe\"") == 0);
  CHECK(res.errors[1].message.find("duplicate variable \"v\"") == 0);
  CHECK(res.find("test_probe.x")->attributes.at("_terraform.v")->asString() == "first");
  // The duplicate is still emitted, so findings on it are not lost.
  size_t probes = 0;
  for (const auto& r : res.resources) probes += r.address == "test_probe.x";
  CHECK(probes == 2);
}
