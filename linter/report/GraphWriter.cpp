#include "linter/report/GraphWriter.h"

#include <nlohmann/json.hpp>

#include "linter/report/Escaping.h"

namespace eg {

namespace {

using report::plural;

// DOT double-quoted string contents.
std::string dotEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string nodePath(const Report& report, const ReportNode& n) {
  const SourceFile* f = report.sources.get(n.file);
  return f ? f->path() : std::string();
}

uint32_t nodeLine(const Report& report, const ReportNode& n) {
  const SourceFile* f = report.sources.get(n.file);
  return f ? f->position(n.range.begin).line : 0;
}

void writeDot(const Report& report, const std::map<size_t, NodeFindings>& flagged, std::ostream& out) {
  static const std::map<std::string_view, std::pair<const char*, const char*>> colours = {
      {"high", {"#ffebe9", "#cf222e"}}, {"medium", {"#fff8c5", "#9a6700"}}, {"low", {"#ddf4ff", "#0969da"}},
      {"none", {"#f6f8fa", "#8c959f"}}};
  out << "digraph edgeguard {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (size_t i = 0; i < report.nodes.size(); ++i) {
    const ReportNode& n = report.nodes[i];
    std::string label = n.address;
    if (!n.kind.empty()) label.append("\n").append(n.kind);
    std::string_view worst = "none";
    if (auto it = flagged.find(i); it != flagged.end()) {
      worst = it->second.worst();
      std::string rules;
      for (const auto& r : it->second.rules) rules.append(rules.empty() ? "" : ", ").append(r);
      label.append("\n").append(plural(it->second.total(), "finding")).append(": ").append(rules);
    }
    auto [fill, stroke] = colours.at(worst);
    out << "  n" << i << " [label=\"" << dotEscape(label) << "\", fillcolor=\"" << fill << "\", color=\"" << stroke
        << "\", tooltip=\"" << dotEscape(nodePath(report, n)) << ":" << nodeLine(report, n) << "\"];\n";
  }
  for (const ReportEdge& e : report.edges) {
    if (e.from >= report.nodes.size() || e.to >= report.nodes.size()) continue;
    out << "  n" << e.from << " -> n" << e.to;
    if (!e.kind.empty()) out << " [label=\"" << dotEscape(e.kind) << "\"]";
    out << ";\n";
  }
  out << "}\n";
}

void writeJson(const Report& report, const std::map<size_t, NodeFindings>& flagged, std::ostream& out) {
  nlohmann::ordered_json doc;
  doc["nodes"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < report.nodes.size(); ++i) {
    const ReportNode& n = report.nodes[i];
    nlohmann::ordered_json j;
    j["id"] = i;
    j["address"] = n.address;
    j["kind"] = n.kind;
    j["file"] = nodePath(report, n);
    j["line"] = nodeLine(report, n);
    nlohmann::ordered_json f;
    auto it = flagged.find(i);
    f["high"] = it == flagged.end() ? 0 : it->second.high;
    f["medium"] = it == flagged.end() ? 0 : it->second.medium;
    f["low"] = it == flagged.end() ? 0 : it->second.low;
    f["rules"] = it == flagged.end() ? std::vector<std::string>{}
                                     : std::vector<std::string>(it->second.rules.begin(), it->second.rules.end());
    j["findings"] = std::move(f);
    doc["nodes"].push_back(std::move(j));
  }
  doc["edges"] = nlohmann::ordered_json::array();
  for (const ReportEdge& e : report.edges) {
    if (e.from >= report.nodes.size() || e.to >= report.nodes.size()) continue;
    doc["edges"].push_back(nlohmann::ordered_json{{"from", e.from}, {"to", e.to}, {"kind", e.kind}});
  }
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace

std::map<size_t, NodeFindings> findingsByNode(const Report& report) {
  std::multimap<std::string, size_t> byAddress;
  for (size_t i = 0; i < report.nodes.size(); ++i) byAddress.emplace(report.nodes[i].address, i);
  std::map<size_t, NodeFindings> flagged;
  for (const Finding& f : report.findings) {
    if (f.suppressed || f.unknown || f.resource.empty()) continue;
    auto [begin, end] = byAddress.equal_range(f.resource);
    if (begin == end) continue;
    size_t node = begin->second;
    for (auto it = begin; it != end; ++it) {
      if (report.nodes[it->second].file == f.anchor.file) node = it->second;
    }
    NodeFindings& s = flagged[node];
    if (f.severity == Severity::High) ++s.high;
    else if (f.severity == Severity::Medium) ++s.medium;
    else ++s.low;
    s.rules.insert(f.rule);
  }
  return flagged;
}

void writeMermaidFlowchart(const Report& report, const std::map<size_t, NodeFindings>& flagged,
                           const std::set<size_t>& shown, const std::vector<const ReportEdge*>& edges,
                           std::ostream& out) {
  using report::escapeMermaidLabel;
  out << "flowchart LR\n";
  for (size_t node : shown) {
    const ReportNode& n = report.nodes[node];
    std::string label = escapeMermaidLabel(n.address);
    if (!n.kind.empty()) label.append("<br/>").append(escapeMermaidLabel(n.kind));
    std::string cls = "context";
    if (auto it = flagged.find(node); it != flagged.end()) {
      label.append("<br/>").append(plural(it->second.total(), "finding"));
      cls = it->second.worst();
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
      << "  classDef context fill:#f6f8fa,stroke:#8c959f,color:#1f2328\n";
}

std::vector<std::string_view> graphFormats() { return {"dot", "mermaid", "json"}; }

bool writeGraph(const Report& report, std::string_view format, std::ostream& out) {
  std::map<size_t, NodeFindings> flagged = findingsByNode(report);
  if (format == "dot") {
    writeDot(report, flagged, out);
  } else if (format == "json") {
    writeJson(report, flagged, out);
  } else if (format == "mermaid") {
    std::set<size_t> shown;
    for (size_t i = 0; i < report.nodes.size(); ++i) shown.insert(i);
    std::vector<const ReportEdge*> edges;
    for (const ReportEdge& e : report.edges) {
      if (e.from < report.nodes.size() && e.to < report.nodes.size()) edges.push_back(&e);
    }
    writeMermaidFlowchart(report, flagged, shown, edges, out);
  } else {
    return false;
  }
  return true;
}

}  // namespace eg
