#include "linter/report/Reporter.h"

namespace eg {

std::unique_ptr<Reporter> makeTextReporter();
std::unique_ptr<Reporter> makeJsonReporter();
std::unique_ptr<Reporter> makeSarifReporter();
std::unique_ptr<Reporter> makeJunitReporter();
std::unique_ptr<Reporter> makeGithubReporter();
std::unique_ptr<Reporter> makeMarkdownReporter();

const RuleInfo* Report::findRule(std::string_view id) const {
  for (const RuleInfo& r : rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string_view severityLabel(const Finding& f) { return f.unknown ? "unknown" : toString(f.severity); }

ReportCounts countFindings(const std::vector<Finding>& findings) {
  ReportCounts c;
  for (const Finding& f : findings) {
    if (f.suppressed) ++c.suppressed;
    else if (f.unknown) ++c.unknown;
    else if (f.severity == Severity::High) ++c.high;
    else if (f.severity == Severity::Medium) ++c.medium;
    else ++c.low;
  }
  return c;
}

ResolvedRange resolve(const SourceStore& sources, const Location& loc) {
  ResolvedRange r;
  const SourceFile* file = sources.get(loc.file);
  if (!file) return r;
  r.path = file->path();
  LineCol b = file->position(loc.range.begin);
  // An end at the start of a following line is shown as the end of the previous one.
  uint32_t endOffset = loc.range.end;
  while (endOffset > loc.range.begin &&
         (file->text()[endOffset - 1] == '\n' || file->text()[endOffset - 1] == '\r')) {
    --endOffset;
  }
  LineCol e = file->position(endOffset);
  r.line = b.line;
  r.column = b.column;
  r.endLine = e.line;
  r.endColumn = e.column;
  return r;
}

ResolvedRange resolve(const SourceStore& sources, const Error& error) {
  if (error.file != kNoFile) {
    ResolvedRange r = resolve(sources, Location{error.file, error.range});
    if (!r.path.empty()) return r;
  }
  ResolvedRange r;
  r.path = error.path;
  r.line = r.endLine = error.line;
  r.column = r.endColumn = error.column;
  return r;
}

std::unique_ptr<Reporter> makeReporter(std::string_view format) {
  if (format == "text") return makeTextReporter();
  if (format == "json") return makeJsonReporter();
  if (format == "sarif") return makeSarifReporter();
  if (format == "junit") return makeJunitReporter();
  if (format == "github") return makeGithubReporter();
  if (format == "markdown") return makeMarkdownReporter();
  return nullptr;
}

std::vector<std::string_view> reporterFormats() { return {"text", "json", "sarif", "junit", "github", "markdown"}; }

}  // namespace eg
