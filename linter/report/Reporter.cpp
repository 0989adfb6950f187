#include "linter/report/Reporter.h"
#include "linter/report/Escaping.h"

#include <cstdlib>

#include <algorithm>
#include <map>

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

Report::SourceLinks ciSourceLinks() {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  auto trimmed = [](std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
  };
  Report::SourceLinks links;
  if (!env("GITHUB_SERVER_URL").empty() && !env("GITHUB_REPOSITORY").empty() && !env("GITHUB_SHA").empty()) {
    links = {Report::SourceLinks::Kind::GitHub, trimmed(env("GITHUB_SERVER_URL")) + "/" + env("GITHUB_REPOSITORY"),
             env("GITHUB_SHA")};
  } else if (!env("CI_PROJECT_URL").empty() && !env("CI_COMMIT_SHA").empty()) {
    links = {Report::SourceLinks::Kind::GitLab, trimmed(env("CI_PROJECT_URL")), env("CI_COMMIT_SHA")};
  } else if (!env("BUILD_REPOSITORY_URI").empty() && !env("BUILD_SOURCEVERSION").empty()) {
    links = {Report::SourceLinks::Kind::AzureDevOps, trimmed(env("BUILD_REPOSITORY_URI")), env("BUILD_SOURCEVERSION")};
  }
  // Only a web address and a plain commit id make a link (the values come from the environment).
  bool web = links.base.rfind("https://", 0) == 0 || links.base.rfind("http://", 0) == 0;
  bool hex = !links.commit.empty() && links.commit.size() <= 64 &&
             links.commit.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  if (!web || !hex || links.base.find_first_of(" \"<>()[]") != std::string::npos) links = {};
  return links;
}

std::string sourceLink(const Report::SourceLinks& links, std::string_view path, uint32_t line) {
  if (links.kind == Report::SourceLinks::Kind::None || path.empty() || path.front() == '/') return {};
  bool relative = true;
  std::string p = report::sarifUri(path, relative);  // percent-encoded, '/' kept
  if (!relative) return {};
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  if (p.rfind("../", 0) == 0) return {};  // outside the checkout: no link into the repository
  std::string l = line ? std::to_string(line) : std::string();
  switch (links.kind) {
    case Report::SourceLinks::Kind::GitHub:
      return links.base + "/blob/" + links.commit + "/" + p + (line ? "#L" + l : "");
    case Report::SourceLinks::Kind::GitLab:
      return links.base + "/-/blob/" + links.commit + "/" + p + (line ? "#L" + l : "");
    case Report::SourceLinks::Kind::AzureDevOps:
      return links.base + "?path=/" + p + "&version=GC" + links.commit +
             (line ? "&line=" + l + "&lineEnd=" + l + "&lineStartColumn=1&lineEndColumn=1" : "");
    case Report::SourceLinks::Kind::None: break;
  }
  return {};
}

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

namespace {
int rank(const Finding& f) { return f.unknown ? -1 : static_cast<int>(f.severity); }
}  // namespace

std::vector<const Finding*> mostSevereFirst(const std::vector<Finding>& findings) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings) {
    if (!f.suppressed) out.push_back(&f);
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding* a, const Finding* b) { return rank(*a) > rank(*b); });
  return out;
}

std::vector<RuleCount> countByRule(const std::vector<Finding>& findings) {
  // A rule's findings share its severity unless a finding's was changed; the summary shows the
  // rule under each severity it reported at.
  std::map<std::pair<std::string, int>, RuleCount> counts;
  for (const Finding& f : findings) {
    if (f.suppressed || f.unknown) continue;
    RuleCount& c = counts[{f.rule, static_cast<int>(f.severity)}];
    c.rule = f.rule;
    c.name = f.name;
    c.severity = f.severity;
    ++c.count;
  }
  std::vector<RuleCount> out;
  for (auto& [key, c] : counts) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(), [](const RuleCount& a, const RuleCount& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.count != b.count) return a.count > b.count;
    return a.rule < b.rule;
  });
  return out;
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

const std::vector<ReporterInfo>& reporters() {
  // One row per format; flags left out are false. The first row is the default format.
  static const std::vector<ReporterInfo> kReporters = {
      {.name = "text",
       .make = makeTextReporter,
       .description = "for people: path:line:col: severity RULE [name] message and the source line",
       .colour = true},
      {.name = "json", .make = makeJsonReporter, .description = "for scripts: findings, errors and a summary as JSON"},
      {.name = "sarif",
       .make = makeSarifReporter,
       .description = "SARIF 2.1.0 for GitHub code scanning and other SARIF viewers",
       .ruleDocs = true,
       .ruleLinks = true},
      {.name = "junit",
       .make = makeJunitReporter,
       .description = "JUnit XML for CI test views: one test case per rule and file",
       .ruleLinks = true},
      {.name = "github",
       .make = makeGithubReporter,
       .description = "GitHub Actions annotations (::error, ::warning, ::notice)"},
      {.name = "markdown",
       .make = makeMarkdownReporter,
       .description = "a Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment, with a diagram",
       .ruleLinks = true,
       .graph = true},
  };
  return kReporters;
}

const ReporterInfo* findReporter(std::string_view format) {
  for (const ReporterInfo& r : reporters()) {
    if (r.name == format) return &r;
  }
  return nullptr;
}

std::unique_ptr<Reporter> makeReporter(std::string_view format) {
  const ReporterInfo* r = findReporter(format);
  return r ? r->make() : nullptr;
}

std::vector<std::string_view> reporterFormats() {
  std::vector<std::string_view> out;
  for (const ReporterInfo& r : reporters()) out.push_back(r.name);
  return out;
}

}  // namespace eg
