// Policy model, catalog and evaluator.
//
// A policy is data: one YAML file (see policies/README.md for the language and
// policies/schema.json for editors). PolicyCatalog loads and validates policy files
// (built-in ones embedded in the binary, user ones from --policy-dir), rejecting any
// error with file:line:column. evaluate() runs one policy over a ResourceGraph with
// three-valued logic (pass / fail / unknown) and returns its findings.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/graph/Value.h"

namespace eg::policy {

struct CheckNode;  // compiled check tree; defined in the evaluator

// Rule presets. A policy belongs to one of kPolicyPresets; `all` selects both.
inline constexpr std::string_view kPolicyPresets[] = {"recommended", "strict"};
inline constexpr std::string_view kPresetNames[] = {"recommended", "strict", "all"};
inline constexpr std::string_view kDefaultPreset = "recommended";
// True when a rule of `rulePreset` is on under `preset` (recommended, strict or all).
inline bool inPreset(std::string_view rulePreset, std::string_view preset) {
  return preset == "all" || rulePreset == preset;
}

// A fix the policy declares (`fix:`, policies/README.md "Fixes"): set one attribute of the
// finding's resource to a value. The front-end of the resource's format writes it in its
// syntax (parsers/SourceEditor.h); the engine only routes (linter/engine/Fixes.h).
struct PolicyFix {
  // The title editors and `--fix` show, per format ("default" for the others).
  std::map<std::string, std::string> titles;
  std::string path;                // the attribute path as written: "properties.minTlsVersion"
  std::vector<std::string> steps;  // its member names: {"properties", "minTlsVersion"}
  Value value;
  // Safe to apply without asking: `scan --fix` applies it, editors mark it preferred. A
  // policy's fixes that are alternatives (the user must choose) are not.
  bool preferred = false;
  // The formats it is offered in (empty: every format of the policy).
  std::vector<std::string> formats;
  // Its title for a resource of `format`: that format's, else the default; null when neither.
  const std::string* titleFor(std::string_view format) const {
    auto it = titles.find(std::string(format));
    if (it == titles.end()) it = titles.find("default");
    return it == titles.end() ? nullptr : &it->second;
  }
};

struct Policy {
  std::string id;        // "EG005"
  std::string name;      // "ip-filter-default-allow"
  Severity severity = Severity::Medium;
  std::string title;
  std::string defender;  // the Defender for IoT recommendation it implements ("" if none)
  // The preset it belongs to: "recommended" (on by default) or "strict" (opt in with
  // `--preset strict|all` or `extends:`). Built-in policies must state it and why
  // (presetReason, one line, shown in the catalog); user policies default to recommended.
  std::string preset = "recommended";
  std::string presetReason;
  std::string description;
  std::string rationale;
  std::map<std::string, std::string> remediation;  // format -> text
  std::vector<std::string> references;
  // Equivalent rules of other scanners, for users migrating: scanner -> rule ids.
  // Scanners: checkov, kics, trivy (tfsec), psrule, azure_policy, tflint.
  std::map<std::string, std::vector<std::string>> peers;
  // Short bad and good examples per format, shown in the docs.
  struct Example {
    std::string bad;
    std::string good;
  };
  std::map<std::string, Example> examples;  // format -> example
  std::vector<std::string> kinds;    // resource kinds it applies to
  std::vector<std::string> formats;  // formats it applies to (fixtures are required for each)
  Value parameters = Value::object();
  std::string message;  // template
  // Declared fixes, in order; each may also have a `when:` condition (compiled into `check`).
  std::vector<PolicyFix> fixes;
  std::string sourcePath;  // "policies/EG005-ip-filter-default-allow.yaml" or user path
  bool builtin = false;
  // False when loaded without its documentation (description, rationale, remediation,
  // references, peers, examples are then empty): scans that print no rule help.
  bool documented = true;
  std::shared_ptr<const CheckNode> check;  // opaque, built by the loader
  std::shared_ptr<const void> compiled;    // loader-private extra state
};

class PolicyCatalog {
 public:
  PolicyCatalog();
  ~PolicyCatalog();
  // Loads the built-in pack (embeddedPolicies()). Returns false and appends errors on failure.
  // Without `documentation` the policies' documentation is not parsed (see loadPolicy).
  bool loadBuiltins(std::vector<Error>& errors, bool documentation = true);
  // Loads every *.yaml / *.yml in a directory (not recursive).
  bool loadDirectory(const std::filesystem::path& dir, std::vector<Error>& errors);
  // Loads one policy from text; `path` is used in error messages.
  bool loadText(std::string_view text, const std::string& path, bool builtin, std::vector<Error>& errors);
  // Overrides a parameter (from configuration). False, with the reason in *error, when the
  // policy or parameter is unknown or the value does not fit (the policy is then unchanged).
  bool setParameter(std::string_view policy, std::string_view name, Value value, std::string* error = nullptr);
  // Changes a rule's severity (from configuration). False when the policy is unknown.
  bool setSeverity(std::string_view policy, Severity severity);
  // Drops the policies for which `drop` returns true (rules disabled by configuration).
  template <typename Pred>
  void removeIf(Pred drop) {
    std::erase_if(policies_, [&](const std::shared_ptr<Policy>& p) { return drop(static_cast<const Policy&>(*p)); });
  }

  const std::vector<std::shared_ptr<Policy>>& policies() const { return policies_; }
  const Policy* find(std::string_view idOrName) const;

 private:
  // Registers a compiled policy unless its id or name is taken (then an error, false).
  bool add(std::shared_ptr<Policy> p, const std::string& path, std::vector<Error>& errors);
  std::vector<std::shared_ptr<Policy>> policies_;
};

struct EvalOptions {
  bool includeUnknown = false;  // also return findings whose verdict is unknown (Finding::unknown)
  // The scanned files, for `expression_matches` (which reads the text behind a value).
  // Optional: without it that operator sees only known scalar values.
  const SourceStore* sources = nullptr;
  // Only these resources are judged, in this order; null: every resource of the graph. What a
  // resource-local policy (see isResourceLocal) finds on them does not depend on the others.
  const std::vector<const Resource*>* subjects = nullptr;
};

struct EvaluationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The declared fixes of `policy` offered for a finding on `r`: the resource's format is one of
// the fix's, and its `when:` (a condition on the resource, like `where:`) holds — true, not
// unknown. In declaration order.
std::vector<const PolicyFix*> applicableFixes(const Policy& policy, const Resource& r, const ResourceGraph& graph,
                                              const EvalOptions& options = {});

// Evaluates one policy over the graph. Sets on each finding: rule, name, severity, message,
// location, anchor, resource, kind, detailKey, unknown, related. Fingerprints and
// suppressions are the engine's job. Throws EvaluationError on an internal failure.
std::vector<Finding> evaluate(const Policy& policy, const ResourceGraph& graph, const EvalOptions& options);

// True when the policy's verdict on a resource depends on that resource alone: no aggregate
// and no `related:` condition (edges may join units; unit- and scan-wide conditions see other
// resources). The engine evaluates such policies again only on the units that changed.
bool isResourceLocal(const Policy& policy);
// True when the policy judges resources as a group (`aggregate:`): a finding on one resource
// depends on every other resource of its kinds. Otherwise each finding is about one subject,
// located at the subject or at one of its values.
bool isAggregate(const Policy& policy);

}  // namespace eg::policy
