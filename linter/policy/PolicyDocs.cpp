#include "linter/policy/PolicyDocs.h"

#include <map>

namespace eg::policy {
namespace {

std::string cell(const std::string& text);

std::string trimEnd(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Code-fence language per format.
std::string fenceLanguage(const std::string& format) {
  static const std::map<std::string, std::string> langs = {
      {"terraform", "hcl"}, {"bicep", "bicep"}, {"arm", "json"}, {"edge", "json"}, {"aziot", "toml"}};
  auto it = langs.find(format);
  return it == langs.end() ? "" : it->second;
}

std::string formatName(const std::string& format) {
  static const std::map<std::string, std::string> names = {{"terraform", "Terraform"},
                                                           {"bicep", "Bicep"},
                                                           {"arm", "ARM template"},
                                                           {"edge", "IoT Edge deployment manifest"},
                                                           {"aziot", "IoT Edge device configuration"}};
  auto it = names.find(format);
  return it == names.end() ? format : it->second;
}

std::string scannerName(const std::string& scanner) {
  static const std::map<std::string, std::string> names = {{"checkov", "checkov"},
                                                           {"kics", "KICS"},
                                                           {"trivy", "trivy / tfsec"},
                                                           {"psrule", "PSRule for Azure"},
                                                           {"azure_policy", "Azure Policy"},
                                                           {"tflint", "tflint (azurerm ruleset)"}};
  auto it = names.find(scanner);
  return it == names.end() ? scanner : it->second;
}

}  // namespace

std::string docsFileName(const Policy& p) { return p.id + "-" + p.name + ".md"; }

std::string docsUrl(const Policy& p) { return std::string(kRuleDocsBaseUrl).append(docsFileName(p)); }

std::string renderMarkdown(const Policy& p) {
  std::string out;
  out += "<!-- Generated from " + p.sourcePath + " by `edgeguard docs`; do not edit. -->\n";
  out += "# " + p.id + " " + p.name + "\n\n";
  out += "**" + p.title + "**\n\n";
  out += "| | |\n|---|---|\n";
  out += "| Severity | " + std::string(toString(p.severity)) + " |\n";
  out.append("| Preset | `").append(p.preset).append("`");
  if (!p.presetReason.empty()) out.append(": ").append(cell(p.presetReason));
  out.append(" |\n");
  if (!p.defender.empty()) out += "| Defender for IoT recommendation | " + p.defender + " |\n";
  std::string kinds;
  for (const auto& k : p.kinds) kinds += (kinds.empty() ? "`" : ", `") + k + "`";
  out += "| Resource kinds | " + kinds + " |\n";
  std::string formats;
  for (const auto& f : p.formats) formats += (formats.empty() ? "" : ", ") + formatName(f);
  if (!formats.empty()) out += "| Formats | " + formats + " |\n";
  out += "\n## What it does\n\n" + trimEnd(p.description) + "\n\n";
  out += "## Why it matters\n\n" + trimEnd(p.rationale) + "\n\n";
  if (p.parameters.isObject() && !p.parameters.asObject().empty()) {
    out += "## Parameters\n\n| name | default |\n|---|---|\n";
    for (const Member& m : p.parameters.asObject()) out += "| `" + m.key + "` | `" + m.value.toJson() + "` |\n";
    out += "\n";
  }
  if (!p.examples.empty()) {
    out += "## Examples\n\n";
    for (const auto& [format, ex] : p.examples) {
      out += "### " + formatName(format) + "\n\nReported:\n\n";
      out += "```" + fenceLanguage(format) + "\n" + trimEnd(ex.bad) + "\n```\n\nNot reported:\n\n";
      out += "```" + fenceLanguage(format) + "\n" + trimEnd(ex.good) + "\n```\n\n";
    }
  }
  out += "## How to fix\n\n";
  if (!p.fixes.empty()) {
    out += "### Automatic fixes\n\n";
    out += "Editors offer these as quick fixes (`edgeguard lsp`); `edgeguard scan --fix` applies the ones marked safe.\n"
           "Each is made only where the value is a literal (not an expression, a variable or a placeholder),\n"
           "or the attribute is missing from an object that is written out.\n\n";
    for (const PolicyFix& fix : p.fixes) {
      const std::string* title = fix.titleFor("default");
      if (!title) title = &fix.titles.begin()->second;
      std::string formats;
      for (const auto& f : fix.formats.empty() ? p.formats : fix.formats) formats += (formats.empty() ? "" : ", ") + formatName(f);
      out.append("- ").append(*title).append(fix.preferred ? " (safe)" : "").append(": sets `").append(fix.path);
      out.append("` to `").append(fix.value.toJson()).append("`");
      if (!formats.empty()) out.append("; ").append(formats);
      out.append("\n");
    }
    out += "\n";
  }
  for (const auto& [format, text] : p.remediation) {
    out += "### " + formatName(format) + "\n\n";
    out += "```" + fenceLanguage(format) + "\n" + trimEnd(text) + "\n```\n\n";
  }
  out += "## Suppressing\n\n";
  out += "Put `# edgeguard:ignore " + p.id + " <reason>` (or `//` in Bicep and JSON) on the line above the\n"
         "resource or attribute, or at the end of its line. The reason is required.\n";
  if (p.peers.empty() && p.builtin) {
    out += "\n## Equivalent rules in other scanners\n\nNone that we know of: checkov, KICS, trivy, PSRule for Azure, Azure "
           "Policy and tflint have no rule for this.\n";
  }
  if (!p.peers.empty()) {
    out += "\n## Equivalent rules in other scanners\n\n| scanner | rules |\n|---|---|\n";
    for (const auto& [scanner, ids] : p.peers) {
      std::string list;
      for (const auto& id : ids) list += (list.empty() ? "`" : ", `") + id + "`";
      out += "| " + scannerName(scanner) + " | " + list + " |\n";
    }
  }
  if (!p.references.empty()) {
    out += "\n## References\n\n";
    for (const auto& r : p.references) out += "- " + r + "\n";
  }
  return out;
}

namespace {

// A Markdown table cell: one line, `|` escaped.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

// The scanners a peer column is shown for, in the order of the policy schema.
const std::vector<std::string>& peerScanners() {
  static const std::vector<std::string> scanners = {"checkov", "kics", "trivy", "psrule", "azure_policy", "tflint"};
  return scanners;
}

// One table of the built-in rules, shared by the docs index and the catalog: the id links to
// the rule's page under `pageBase`, then name, severity, title and the optional columns.
struct TableColumns {
  bool formats = false;
  bool defender = false;
  bool peers = false;
};

std::string ruleTable(const std::vector<std::shared_ptr<Policy>>& policies, const std::string& pageBase,
                      const TableColumns& cols) {
  std::vector<std::string> scanners;
  if (cols.peers) {
    // The five scanners users compare us with always get a column (a dash says "none");
    // others only when some rule names one of their ids.
    for (const std::string& s : peerScanners()) {
      bool used = s != "tflint";
      for (const auto& p : policies) used = used || (p->builtin && p->peers.count(s));
      if (used) scanners.push_back(s);
    }
  }
  std::string out = "| id | name | severity | preset | title |";
  std::string rule = "|---|---|---|---|---|";
  if (cols.formats) { out += " formats |"; rule += "---|"; }
  if (cols.defender) { out += " Defender for IoT recommendation |"; rule += "---|"; }
  // append() throughout: GCC 12 gives a false -Wrestrict on "literal" + std::string.
  for (const std::string& s : scanners) {
    out.append(" ").append(scannerName(s)).append(" |");
    rule += "---|";
  }
  out.append("\n").append(rule).append("\n");
  for (const auto& p : policies) {
    if (!p->builtin) continue;
    out += "| [" + p->id + "](" + pageBase + docsFileName(*p) + ") | " + p->name + " | " +
           std::string(toString(p->severity)) + " | " + p->preset + " | " + cell(p->title) + " |";
    if (cols.formats) {
      std::string formats;
      for (const auto& f : p->formats) formats += (formats.empty() ? "" : ", ") + formatName(f);
      out.append(" ").append(formats).append(" |");
    }
    if (cols.defender) out.append(" ").append(p->defender.empty() ? std::string("—") : cell(p->defender)).append(" |");
    for (const std::string& s : scanners) {
      auto it = p->peers.find(s);
      std::string ids;
      if (it != p->peers.end())
        for (const auto& id : it->second) ids += (ids.empty() ? "`" : "<br>`") + cell(id) + "`";
      out.append(" ").append(ids.empty() ? std::string("—") : ids).append(" |");
    }
    out += "\n";
  }
  return out;
}

}  // namespace

std::string renderIndex(const std::vector<std::shared_ptr<Policy>>& policies) {
  std::string out = "<!-- Generated by `edgeguard docs`; do not edit. -->\n# Rules\n\n";
  return out + ruleTable(policies, "", TableColumns{});
}

std::string renderCatalog(const std::vector<std::shared_ptr<Policy>>& policies) {
  size_t count = 0;
  for (const auto& p : policies) count += p->builtin ? 1 : 0;
  // Built with append(): GCC 12 gives a false -Wrestrict on "literal" + std::string.
  std::string out(
      "<!-- Generated from policies/*.yaml by `edgeguard docs --catalog policies/CATALOG.md` (`make docs`); "
      "do not edit. -->\n"
      "# Built-in rule catalog\n\n"
      "Every built-in rule (");
  out.append(std::to_string(count))
      .append(
          "), with the formats it checks, the Microsoft Defender for IoT\n"
          "recommendation it implements before deployment, and the equivalent rules of other scanners, for\n"
          "migrating from them. Each id links to the rule's page: what it reports, why, examples and fixes per\n"
          "format, and how it differs from its peers. A dash means the scanner has no such rule.\n\n");
  TableColumns cols;
  cols.formats = cols.defender = cols.peers = true;
  out += ruleTable(policies, "../docs/rules/", cols);
  out.append(
      "\n## Presets\n\n"
      "`edgeguard scan` runs the `recommended` preset unless `--preset` or the configuration's `extends:`\n"
      "chooses `strict` (the other rules) or `all` (both); `rules.enable`, `rules.disable`, `--select` and\n"
      "`--ignore` adjust it rule by rule (docs/configuration.md).\n\n"
      "- **recommended**: the Defender for IoT recommendations, and the hardening rules that are both\n"
      "  high-confidence (they read an exact value from the code) and cheap to fix (one attribute or one\n"
      "  word, without redesigning the deployment). Every high-severity rule is here. A team can keep it\n"
      "  on from its first scan.\n"
      "- **strict**: rules whose fix is an architecture, cost or compliance decision (private networking,\n"
      "  customer-managed keys, geo-replication, Premium-only features, Entra-only authentication), or\n"
      "  whose evidence may live outside the scanned code (diagnostic settings, device-wide logging).\n"
      "  Turn it on once the recommended findings are gone, or rule by rule.\n\n"
      "EG009 (module logging) is the one Defender recommendation in `strict`: a module without a\n"
      "`LogConfig` is correctly configured when the device's Docker/Moby `daemon.json` sets the default\n"
      "log driver and its limits, which is what the IoT Edge production checklist recommends and what a\n"
      "deployment manifest cannot show; it reported nearly every module of real repositories.\n");
  for (std::string_view preset : kPolicyPresets) {
    out.append("\n### ").append(preset).append("\n\n| id | name | why it is in this preset |\n|---|---|---|\n");
    for (const auto& p : policies) {
      if (!p->builtin || p->preset != preset) continue;
      out.append("| [").append(p->id).append("](../docs/rules/").append(docsFileName(*p)).append(") | ")
          .append(p->name).append(" | ").append(cell(p->presetReason)).append(" |\n");
    }
  }
  return out;
}

}  // namespace eg::policy
