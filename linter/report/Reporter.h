// Reporters turn one scan's findings and errors into an output format (text, json, sarif,
// junit, github, markdown). One interface; each format has its own golden test over the same
// inputs (tests/e2e/mixed-*). Reporters derive 1-based line/column from byte ranges through
// each file's LineIndex. The report layer depends on linter/core only: what it needs of the
// policy catalog (RuleInfo) and of the resource graph (ReportNode/ReportEdge) the CLI copies
// into the Report.
#pragma once

#include <memory>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"

namespace eg {

inline constexpr std::string_view kToolInformationUri = "https://github.com/edgeguard/edgeguard";

// What reporters know about a rule: SARIF rule metadata, links from Markdown and JUnit.
struct RuleInfo {
  std::string id;           // "EG005"
  std::string name;         // "ip-filter-default-allow"
  Severity severity = Severity::Medium;
  std::string title;        // one line
  std::string description;  // plain text: what it does and why it matters
  std::string helpMarkdown; // the rule's documentation page
  std::string helpUri;      // "" for rules without a published page (user policies)
  std::vector<std::string> tags;
};

// The part of the resource graph the Markdown diagram draws (copied from ResourceGraph).
struct ReportNode {
  std::string address;  // "azurerm_iothub.hub"
  std::string kind;     // "Microsoft.Devices/IotHubs"
  FileId file = kNoFile;
  ByteRange range;  // the declaration's header
};
struct ReportEdge {
  size_t from = 0, to = 0;  // indices into Report::nodes
  std::string kind;         // "reference", "registry", ...
};

struct Report {
  const SourceStore& sources;
  const std::vector<Finding>& findings;  // includes suppressed and (with --show-unknown) unknown findings
  const std::vector<Error>& errors;
  size_t files = 0;
  size_t resources = 0;
  std::string toolVersion;
  bool color = false;  // ANSI colour (text reporter only)
  std::vector<RuleInfo> rules;    // the catalog (SARIF driver rules, help links); may be empty
  std::vector<ReportNode> nodes;  // resources and edges (Markdown diagram); may be empty
  std::vector<ReportEdge> edges;
  bool compact = false;  // text: one line per finding, no code frame or notes
  // --fail-on: in JUnit, findings below it (all of them with `none`) are reported in passing
  // test cases, not as failures, so a CI that fails on JUnit failures agrees with the exit status.
  std::optional<Severity> failOn;  // unset: every active finding is a failure
  bool failOnNone = false;
  // Markdown: links to a file at a line are made absolute with this when set (a CI that names
  // the repository and the commit; see ciSourceLinks), relative otherwise.
  struct SourceLinks {
    enum class Kind : uint8_t { None, GitHub, GitLab, AzureDevOps } kind = Kind::None;
    std::string base;    // repository URL
    std::string commit;  // commit id
  } links;

  // The rule with this id, or nullptr (engine diagnostics such as EG903/EG906 have none).
  const RuleInfo* findRule(std::string_view id) const;
};

// Counts used by summaries: suppressed and unknown findings are not counted by severity.
struct ReportCounts {
  size_t high = 0, medium = 0, low = 0, suppressed = 0, unknown = 0;
  size_t active() const { return high + medium + low; }
};
ReportCounts countFindings(const std::vector<Finding>& findings);

// The findings that are not suppressed, most severe first (high, medium, low, then unknown);
// equal severities keep the report's order (file, position, rule).
std::vector<const Finding*> mostSevereFirst(const std::vector<Finding>& findings);

// Active (not suppressed, not unknown) findings per rule, most severe first, then the most
// frequent, then by id: the text report's closing summary.
struct RuleCount {
  std::string rule, name;
  Severity severity = Severity::Low;
  size_t count = 0;
};
std::vector<RuleCount> countByRule(const std::vector<Finding>& findings);

// Where a location starts and ends, 1-based (end column is exclusive, as in SARIF).
struct ResolvedRange {
  std::string path;
  uint32_t line = 0, column = 0, endLine = 0, endColumn = 0;
};
ResolvedRange resolve(const SourceStore& sources, const Location& loc);
ResolvedRange resolve(const SourceStore& sources, const Error& error);

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void write(const Report& report, std::ostream& out) = 0;
  // Threads a reporter may render with (scan --jobs); the output does not depend on it.
  void setJobs(unsigned jobs) { jobs_ = jobs ? jobs : 1; }

 protected:
  unsigned jobs_ = 1;
};

// Severity as shown, "unknown" for findings whose verdict depended on unresolvable values.
std::string_view severityLabel(const Finding& f);

// The reporters, one row each (Reporter.cpp, kReporters): the only list of output formats.
// `scan --format` takes its choices and help from it, the man page and the shell completions
// are rendered from those, and the CLI decides what to put in a Report by these flags, never by
// a format's name. Adding a reporter: its file (linter/report/<Name>Reporter.cpp, found by the
// build's glob), one row in kReporters, and its golden tests/e2e/mixed-<name>.
struct ReporterInfo {
  std::string_view name;                     // the --format value: "sarif"
  std::unique_ptr<Reporter> (*make)();       // its factory
  std::string_view description;              // one line: what it is for (--help, man page)
  bool ruleDocs = false;   // reads the rules' documentation (RuleInfo::description, helpMarkdown)
  bool ruleLinks = false;  // reads Report::rules (names, links to the rule pages)
  bool graph = false;      // reads Report::nodes and edges (the resource graph)
  bool colour = false;     // may write ANSI colour (Report::color) on a terminal
};
const std::vector<ReporterInfo>& reporters();
// The row of `format`, or nullptr.
const ReporterInfo* findReporter(std::string_view format);

// One of reporterFormats(); nullptr for an unknown format.
std::unique_ptr<Reporter> makeReporter(std::string_view format);
std::vector<std::string_view> reporterFormats();

// The repository and commit the CI environment names (GitHub Actions: GITHUB_SERVER_URL,
// GITHUB_REPOSITORY, GITHUB_SHA; GitLab: CI_PROJECT_URL, CI_COMMIT_SHA; Azure Pipelines:
// BUILD_REPOSITORY_URI, BUILD_SOURCEVERSION), or Kind::None.
Report::SourceLinks ciSourceLinks();
// A link to `path` (relative to the repository root) at `line` with `links`, or "" when none.
std::string sourceLink(const Report::SourceLinks& links, std::string_view path, uint32_t line);

}  // namespace eg
