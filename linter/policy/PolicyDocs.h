// Rule documentation generated from policy files: one Markdown page per policy and an index.
// The same text backs `edgeguard explain`, the committed docs/rules/ pages (the catalog test
// fails when they are stale) and, later, SARIF help and LSP hovers.
#pragma once

#include <string>
#include <vector>

#include "linter/policy/Policy.h"

namespace eg::policy {

// File name of a policy's page: "EG005-ip-filter-default-allow.md".
std::string docsFileName(const Policy& policy);
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
