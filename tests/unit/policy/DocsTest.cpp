// Generated documentation: the rule catalog (policies/CATALOG.md) and the docs index share one
// table; the catalog adds formats, the Defender recommendation and one column per peer scanner.
#include <doctest/doctest.h>

#include <memory>

#include "linter/policy/PolicyDocs.h"

using namespace eg::policy;

namespace {

std::shared_ptr<Policy> rule(std::string id, std::string name, bool builtin) {
  auto p = std::make_shared<Policy>();
  p->id = std::move(id);
  p->name = std::move(name);
  p->severity = eg::Severity::Low;
  p->title = "Title with a | pipe";
  p->formats = {"terraform", "arm"};
  p->builtin = builtin;
  return p;
}

}  // namespace

TEST_CASE("the catalog lists built-in rules with formats, Defender recommendation and peers per scanner") {
  auto a = rule("EG201", "acr-admin-user-enabled", true);
  a->defender = "Service principal not used with ACR repository";
  a->peers["checkov"] = {"CKV_AZURE_137"};
  a->peers["azure_policy"] = {"guid-1 (one)", "guid-2 (two)"};
  auto b = rule("EG202", "acr-anonymous-pull-enabled", true);
  b->preset = "strict";
  b->presetReason = "a reason | with a pipe";
  auto user = rule("ACME-1", "user-rule", false);
  user->peers["tflint"] = {"azurerm_x"};
  std::string md = renderCatalog({a, b, user});

  CHECK(md.find("Every built-in rule (2)") != std::string::npos);
  CHECK(md.find("| id | name | severity | preset | title | formats | Defender for IoT recommendation | checkov | KICS | "
                "trivy / tfsec | PSRule for Azure | Azure Policy |\n") != std::string::npos);
  CHECK(md.find("| [EG201](../docs/rules/EG201-acr-admin-user-enabled.md) | acr-admin-user-enabled | low | recommended | "
                "Title with a \\| pipe | Terraform, ARM template | Service principal not used with ACR repository | "
                "`CKV_AZURE_137` | — | — | — | `guid-1 (one)`<br>`guid-2 (two)` |\n") != std::string::npos);
  CHECK(md.find("| [EG202](../docs/rules/EG202-acr-anonymous-pull-enabled.md) | acr-anonymous-pull-enabled | low | strict | "
                "Title with a \\| pipe | Terraform, ARM template | — | — | — | — | — | — |\n") != std::string::npos);
  // The presets section says why each rule is where it is.
  CHECK(md.find("## Presets\n") != std::string::npos);
  CHECK(md.find("### strict\n\n| id | name | why it is in this preset |\n|---|---|---|\n"
                "| [EG202](../docs/rules/EG202-acr-anonymous-pull-enabled.md) | acr-anonymous-pull-enabled | "
                "a reason \\| with a pipe |\n") != std::string::npos);
  // User policies are not in the built-in catalog, and neither is a column only they would need.
  CHECK(md.find("ACME-1") == std::string::npos);
  CHECK(md.find("tflint") == std::string::npos);
}

TEST_CASE("the docs index keeps its five columns and links pages beside it") {
  auto a = rule("EG201", "acr-admin-user-enabled", true);
  a->peers["checkov"] = {"CKV_AZURE_137"};
  std::string md = renderIndex({a});
  CHECK(md.find("| id | name | severity | preset | title |\n|---|---|---|---|---|\n") != std::string::npos);
  CHECK(md.find("| [EG201](EG201-acr-admin-user-enabled.md) | acr-admin-user-enabled | low | recommended | Title with a \\| pipe |\n") !=
        std::string::npos);
  CHECK(md.find("CKV_AZURE_137") == std::string::npos);
}
