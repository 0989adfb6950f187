// Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment (GitHub-flavoured):
// counts by severity, a table of findings with links to the lines (`path#L12`, relative to the
// repository root, which is where CI runs the scan), the errors, suppressed findings folded
// away, and a Mermaid flowchart of the resources with findings, their direct neighbours in the
// resource graph and the edges between them (GitHub renders ```mermaid blocks).
#include <algorithm>
#include <map>
#include <set>

#include "linter/report/Escaping.h"
#include "linter/report/Reporter.h"

namespace eg {
namespace {

using report::escapeMarkdownCell;
using report::escapeMermaidLabel;

constexpr size_t kMaxDiagramResources = 40;

std::string plural(size_t n, const char* word) {
  return std::to_string(n).append(" ").append(word).append(n == 1 ? "" : "s");
}

std::string link(const ResolvedRange& r) {
  bool relative = true;
  std::string target = report::sarifUri(r.path, relative);
  std::string text = r.path;
  if (r.line) {
    text.append(":").append(std::to_string(r.line));
    target.append("#L").append(std::to_string(r.line));
  }
  return std::string("[").append(escapeMarkdownCell(text)).append("](").append(target).append(")");
}

std::string ruleCell(const Report& report, const std::string& id, const std::string& name) {
  const RuleInfo* rule = report.findRule(id);
  std::string cell = rule && !rule->helpUri.empty() ? std::string("[").append(id).append("](").append(rule->helpUri).append(")")
                                                    : escapeMarkdownCell(id);
  return cell.append(" ").append(escapeMarkdownCell(name));
}

struct NodeState {
  size_t high = 0, medium = 0, low = 0;
  size_t total() const { return high + medium + low; }
};

void writeDiagram(const Report& report, std::ostream& out) {
  if (report.nodes.empty()) return;
  std::multimap<std::string, size_t> byAddress;
  for (size_t i = 0; i < report.nodes.size(); ++i) byAddress.emplace(report.nodes[i].address, i);
  std::map<size_t, NodeState> flagged;  // node index -> active findings on it
  for (const Finding& f : report.findings) {
    if (f.suppressed || f.unknown || f.resource.empty()) continue;
    auto [begin, end] = byAddress.equal_range(f.resource);
    if (begin == end) continue;
    size_t node = begin->second;
    for (auto it = begin; it != end; ++it) {
      if (report.nodes[it->second].file == f.anchor.file) node = it->second;
    }
    NodeState& s = flagged[node];
    if (f.severity == Severity::High) ++s.high;
    else if (f.severity == Severity::Medium) ++s.medium;
    else ++s.low;
  }
  if (flagged.empty()) return;
  bool truncated = flagged.size() > kMaxDiagramResources;
  while (flagged.size() > kMaxDiagramResources) flagged.erase(std::prev(flagged.end()));

  std::set<size_t> shown;
  for (const auto& [node, state] : flagged) shown.insert(node);
  std::vector<const ReportEdge*> edges;
  for (const ReportEdge& e : report.edges) {
    if (e.from >= report.nodes.size() || e.to >= report.nodes.size() || e.from == e.to) continue;
    if (!flagged.count(e.from) && !flagged.count(e.to)) continue;
    edges.push_back(&e);
    shown.insert(e.from);
    shown.insert(e.to);
  }

  out << "\n### Resources with findings\n\n```mermaid\nflowchart LR\n";
  for (size_t node : shown) {
    const ReportNode& n = report.nodes[node];
    std::string label = escapeMermaidLabel(n.address);
    if (!n.kind.empty()) label.append("<br/>").append(escapeMermaidLabel(n.kind));
    std::string cls = "context";
    if (auto it = flagged.find(node); it != flagged.end()) {
      const NodeState& s = it->second;
      label.append("<br/>").append(plural(s.total(), "finding"));
      cls = s.high ? "high" : s.medium ? "medium" : "low";
    }
    out << "  n" << node << "[\"" << label << "\"]:::" << cls << '\n';
  }
  for (const ReportEdge* e : edges) {
    out << "  n" << e->from << " -->";
    if (!e->kind.empty()) out << "|\"" << escapeMermaidLabel(e->kind) << "\"|";
    out << " n" << e->to << '\n';
  }
  out << "  classDef high fill:#ffebe9,stroke:#cf222e,color:#1f2328\n"
      << "  classDef medium fill:#fff8c5,stroke:#9a6700,color:#1f2328\n"
      << "  classDef low fill:#ddf4ff,stroke:#0969da,color:#1f2328\n"
      << "  classDef context fill:#f6f8fa,stroke:#8c959f,color:#1f2328\n"
      << "```\n";
  if (truncated) out << "\nThe diagram shows the first " << kMaxDiagramResources << " resources with findings.\n";
}

class MarkdownReporter : public Reporter {
 public:
  void write(const Report& report, std::ostream& out) override {
    ReportCounts c = countFindings(report.findings);
    std::string scanned = plural(report.files, "file") + ", " + plural(report.resources, "resource");
    out << "## edgeguard\n\n";
    if (c.active() == 0 && report.errors.empty()) {
      out << "No findings in " << scanned;
    } else {
      out << "**" << plural(c.active(), "finding") << "**";
      if (!report.errors.empty()) out << " and **" << plural(report.errors.size(), "error") << "**";
      out << " in " << scanned;
    }
    if (c.suppressed) out << "; " << c.suppressed << " suppressed";
    if (c.unknown) out << "; " << c.unknown << " unknown";
    out << ".\n";
    if (c.active() == 0 && report.errors.empty() && c.unknown == 0) return;

    out << "\n| Severity | Findings |\n|---|---:|\n"
        << "| high | " << c.high << " |\n| medium | " << c.medium << " |\n| low | " << c.low << " |\n";
    if (c.unknown) out << "| unknown | " << c.unknown << " |\n";

    if (c.active() || c.unknown) {
      out << "\n### Findings\n\n| Rule | Severity | Location | Message |\n|---|---|---|---|\n";
      for (const Finding& f : report.findings) {
        if (f.suppressed) continue;
        out << "| " << ruleCell(report, f.rule, f.name) << " | " << severityLabel(f) << " | "
            << link(resolve(report.sources, f.location)) << " | " << escapeMarkdownCell(f.message) << " |\n";
      }
    }
    if (!report.errors.empty()) {
      out << "\n### Errors\n\n| Code | Location | Message |\n|---|---|---|\n";
      for (const Error& e : report.errors) {
        out << "| " << escapeMarkdownCell(e.code) << " | " << link(resolve(report.sources, e)) << " | "
            << escapeMarkdownCell(e.message) << " |\n";
      }
    }
    if (c.suppressed) {
      out << "\n<details><summary>" << plural(c.suppressed, "suppressed finding")
          << "</summary>\n\n| Rule | Location | Reason |\n|---|---|---|\n";
      for (const Finding& f : report.findings) {
        if (!f.suppressed) continue;
        out << "| " << ruleCell(report, f.rule, f.name) << " | " << link(resolve(report.sources, f.location))
            << " | " << escapeMarkdownCell(f.suppressionReason) << " |\n";
      }
      out << "\n</details>\n";
    }
    writeDiagram(report, out);
  }
};

}  // namespace

std::unique_ptr<Reporter> makeMarkdownReporter() { return std::make_unique<MarkdownReporter>(); }

}  // namespace eg
