// The resource graph as a picture or data (`edgeguard graph --format dot|mermaid|json`): every
// resource with its findings marked, and every edge (references, registry credentials to
// registries, modules to credentials, deployments to security groups). The Markdown reporter
// draws the part of it around the findings with the same Mermaid code.
#pragma once

#include <map>
#include <ostream>
#include <set>
#include <string_view>
#include <vector>

#include "linter/report/Reporter.h"

namespace eg {

// Active (not suppressed, not unknown) findings on one node.
struct NodeFindings {
  size_t high = 0, medium = 0, low = 0;
  std::set<std::string> rules;
  size_t total() const { return high + medium + low; }
  std::string_view worst() const { return high ? "high" : medium ? "medium" : low ? "low" : "none"; }
};

// Node index -> findings on it (a finding belongs to the resource it names, in its file).
std::map<size_t, NodeFindings> findingsByNode(const Report& report);

// A Mermaid flowchart of `shown` nodes and `edges` (indices into report.nodes/edges).
void writeMermaidFlowchart(const Report& report, const std::map<size_t, NodeFindings>& flagged,
                           const std::set<size_t>& shown, const std::vector<const ReportEdge*>& edges,
                           std::ostream& out);

std::vector<std::string_view> graphFormats();  // dot, mermaid, json
// The whole graph in `format`; false for an unknown format.
bool writeGraph(const Report& report, std::string_view format, std::ostream& out);

}  // namespace eg
