// Rule documentation generated from policy files: one Markdown page per policy and an index.
// The same text backs `edgeguard explain`, the committed docs/rules/ pages (the catalog test
// fails when they are stale) and, later, SARIF help and LSP hovers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "linter/policy/Policy.h"

namespace eg::policy {

// Base of the links to the published rule pages (docs/rules/<id>-<name>.md).
inline constexpr std::string_view kRuleDocsBaseUrl = "https://github.com/edgeguard/edgeguard/blob/main/docs/rules/";

// File name of a policy's page: "EG005-ip-filter-default-allow.md".
std::string docsFileName(const Policy& policy);
// The published page of a built-in policy (SARIF helpUri, LSP code descriptions): the base URL
// and docsFileName. User policies have no page; callers check Policy::builtin.
std::string docsUrl(const Policy& policy);
// The page: title, severity, Defender recommendation, what/why, parameters, fixes per format,
// references.
std::string renderMarkdown(const Policy& policy);
// docs/rules/README.md: a table of every rule linking to its page.
std::string renderIndex(const std::vector<std::shared_ptr<Policy>>& policies);
// policies/CATALOG.md: every built-in rule with its formats, Defender recommendation and peer
// rules of other scanners (checkov, KICS, trivy, PSRule, Azure Policy; tflint when used),
// linking to docs/rules/.
std::string renderCatalog(const std::vector<std::shared_ptr<Policy>>& policies);

}  // namespace eg::policy
