// Reporters turn one scan's findings and errors into an output format. One interface;
// each format has its own golden test over the same inputs. Reporters derive 1-based
// line/column from byte ranges through each file's LineIndex.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"

namespace eg {

struct Report {
  const SourceStore& sources;
  const std::vector<Finding>& findings;  // includes suppressed and (with --show-unknown) unknown findings
  const std::vector<Error>& errors;
  size_t files = 0;
  size_t resources = 0;
  std::string toolVersion;
  bool color = false;  // ANSI colour (text reporter only)
};

// Counts used by summaries: suppressed and unknown findings are not counted by severity.
struct ReportCounts {
  size_t high = 0, medium = 0, low = 0, suppressed = 0, unknown = 0;
  size_t active() const { return high + medium + low; }
};
ReportCounts countFindings(const std::vector<Finding>& findings);

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
};

// "text" or "json"; nullptr for an unknown format.
std::unique_ptr<Reporter> makeReporter(std::string_view format);
std::vector<std::string_view> reporterFormats();

}  // namespace eg
