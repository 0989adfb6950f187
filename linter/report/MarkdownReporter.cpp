// Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment (GitHub-flavoured):
// counts by severity, a table of findings with links to the lines (`path#L12`, relative to the
// repository root, which is where CI runs the scan), the errors, suppressed findings folded
// away, and a Mermaid flowchart of the resources with findings, their direct neighbours in the
// resource graph and the edges between them (GitHub renders ```mermaid blocks).
#include <algorithm>
#include <map>
#include <set>

#include "linter/report/Escaping.h"
#include "linter/report/GraphWriter.h"
#include "linter/report/Reporter.h"

namespace eg {
namespace {

using report::escapeMarkdownCell;
using report::plural;

constexpr size_t kMaxDiagramResources = 40;

// A link to the file at the line: absolute into the repository when the CI names it and the
// commit (a job summary or a PR comment is not rendered beside the files), relative otherwise.
std::string link(const Report& report, const ResolvedRange& r) {
  std::string text = r.path;
  if (r.line) text.append(":").append(std::to_string(r.line));
  std::string target = sourceLink(report.links, r.path, r.line);
  if (target.empty()) {
    bool relative = true;
    target = report::sarifUri(r.path, relative);
    if (r.line) target.append("#L").append(std::to_string(r.line));
  }
  return std::string("[").append(escapeMarkdownCell(text)).append("](").append(target).append(")");
}

std::string ruleCell(const Report& report, const std::string& id, const std::string& name) {
  const RuleInfo* rule = report.findRule(id);
  std::string cell = rule && !rule->helpUri.empty() ? std::string("[").append(id).append("](").append(rule->helpUri).append(")")
                                                    : escapeMarkdownCell(id);
  return cell.append(" ").append(escapeMarkdownCell(name));
}

void writeDiagram(const Report& report, std::ostream& out) {
  if (report.nodes.empty()) return;
  std::map<size_t, NodeFindings> flagged = findingsByNode(report);
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

  out << "\n### Resources with findings\n\n```mermaid\n";
  writeMermaidFlowchart(report, flagged, shown, edges, out);
  out << "```\n";
  if (truncated) out << "\nThe diagram shows the first " << kMaxDiagramResources << " resources with findings.\n";
}

class MarkdownReporter : public Reporter {
 public:
  void write(const Report& report, std::ostream& out) override {
    ReportCounts c = countFindings(report.findings);
    std::string scanned = plural(report.files, "file") + ", " + plural(report.resources, "resource");
    out << "## edgeguard\n\n";
    size_t errors = countRealErrors(report.errors), notes = report.errors.size() - errors;
    if (c.active() == 0 && errors == 0) {
      out << "No findings in " << scanned;
    } else {
      out << "**" << plural(c.active(), "finding") << "**";
      if (errors) out << " and **" << plural(errors, "error") << "**";
      out << " in " << scanned;
    }
    if (notes) out << "; " << plural(notes, "note");
    if (c.suppressed) out << "; " << c.suppressed << " suppressed";
    if (c.unknown) out << "; " << c.unknown << " unknown";
    out << ".\n";
    if (c.active() == 0 && report.errors.empty() && c.unknown == 0) return;

    out << "\n| Severity | Findings |\n|---|---:|\n"
        << "| high | " << c.high << " |\n| medium | " << c.medium << " |\n| low | " << c.low << " |\n";
    if (c.unknown) out << "| unknown | " << c.unknown << " |\n";

    if (c.active() || c.unknown) {
      out << "\n### Findings\n\n| Rule | Severity | Location | Message |\n|---|---|---|---|\n";
      for (const Finding* f : mostSevereFirst(report.findings)) {  // the ones that matter on top
        out << "| " << ruleCell(report, f->rule, f->name) << " | " << severityLabel(*f) << " | "
            << link(report, resolve(report.sources, f->location)) << " | " << escapeMarkdownCell(f->message) << " |\n";
      }
    }
    if (!report.errors.empty()) {
      out << (countRealErrors(report.errors) == report.errors.size() ? "\n### Errors" : "\n### Errors and notes")
          << "\n\n| Code | Location | Message |\n|---|---|---|\n";
      for (const Error& e : report.errors) {
        out << "| " << escapeMarkdownCell(e.code) << " | " << link(report, resolve(report.sources, e)) << " | "
            << escapeMarkdownCell(e.message) << " |\n";
      }
    }
    if (c.suppressed) {
      out << "\n<details><summary>" << plural(c.suppressed, "suppressed finding")
          << "</summary>\n\n| Rule | Location | Reason |\n|---|---|---|\n";
      for (const Finding& f : report.findings) {
        if (!f.suppressed) continue;
        out << "| " << ruleCell(report, f.rule, f.name) << " | " << link(report, resolve(report.sources, f.location))
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
