// GitHub Actions workflow commands, which the runner turns into annotations on the pull
// request's changed lines:
//   ::warning file=infra/hub.tf,line=16,col=22,endLine=16,endColumn=29,title=EG005 ip-filter-default-allow::message
// high -> error, medium -> warning, low and unknown -> notice. Errors are ::error with the
// position when there is one. Suppressed findings are left out. Escaping follows the runner's
// rules (Escaping.h): % CR LF everywhere, also : and , in properties.
// GitHub shows at most 10 annotations of each level per step and drops the rest, so the
// commands come most severe first (engine errors, high, medium, low, unknown) and each level
// is capped at 10; when any were left out, one closing notice (within the notice cap) says how
// many, by severity, and that the SARIF report and the job summary list them all.
#include <map>

#include "linter/report/Escaping.h"
#include "linter/report/Reporter.h"

namespace eg {
namespace {

using report::escapeGithubData;
using report::escapeGithubProperty;

std::string_view command(const Finding& f) {
  if (f.unknown) return "notice";
  switch (f.severity) {
    case Severity::High: return "error";
    case Severity::Medium: return "warning";
    case Severity::Low: return "notice";
  }
  return "warning";
}

void writeCommand(std::ostream& out, std::string_view cmd, const ResolvedRange& r, const std::string& title,
                  const std::string& message) {
  out << "::" << cmd << " ";
  if (!r.path.empty()) {
    out << "file=" << escapeGithubProperty(r.path) << ',';
    if (r.line) {
      out << "line=" << r.line << ",col=" << r.column << ",endLine=" << r.endLine << ",endColumn=" << r.endColumn
          << ',';
    }
  }
  out << "title=" << escapeGithubProperty(title) << "::" << escapeGithubData(message) << '\n';
}

class GithubReporter : public Reporter {
 public:
  static constexpr size_t kPerLevel = 10;  // GitHub's limit per level and step

  void write(const Report& report, std::ostream& out) override {
    struct Annotation {
      std::string_view level;
      ResolvedRange at;
      std::string title, message;
      const Finding* finding = nullptr;  // null for an engine error or note
    };
    std::vector<Annotation> all;
    for (const Error& e : report.errors) {
      if (!e.notice) all.push_back({"error", resolve(report.sources, e), e.code, e.message});
    }
    for (const Finding* f : mostSevereFirst(report.findings)) {
      std::string title = f->rule + " " + f->name;
      if (f->unknown) title += " (unknown)";
      all.push_back({command(*f), resolve(report.sources, f->location), title, f->message, f});
    }
    for (const Error& e : report.errors) {
      if (e.notice) all.push_back({"notice", resolve(report.sources, e), e.code, e.message});
    }
    // The levels in order; the notice level keeps a slot for the closing note when needed.
    std::map<std::string_view, size_t> perLevel;
    for (const Annotation& a : all) ++perLevel[a.level];
    bool overflow = false;
    for (const auto& [level, n] : perLevel) overflow = overflow || n > kPerLevel;
    std::map<std::string_view, size_t> shown;
    size_t high = 0, medium = 0, low = 0, unknown = 0, other = 0;
    for (const Annotation& a : all) {
      size_t cap = kPerLevel - (overflow && a.level == "notice" ? 1 : 0);
      if (shown[a.level] < cap) {
        ++shown[a.level];
        writeCommand(out, a.level, a.at, a.title, a.message);
        continue;
      }
      if (!a.finding) ++other;
      else if (a.finding->unknown) ++unknown;
      else if (a.finding->severity == Severity::High) ++high;
      else if (a.finding->severity == Severity::Medium) ++medium;
      else ++low;
    }
    size_t hidden = high + medium + low + unknown + other;
    if (!hidden) return;
    std::string detail;
    auto add = [&](size_t n, std::string_view what) {
      if (!n) return;
      detail.append(detail.empty() ? "" : ", ").append(std::to_string(n)).append(" ").append(what);
    };
    add(high, "high");
    add(medium, "medium");
    add(low, "low");
    add(unknown, "unknown");
    add(other, other == 1 ? "error or note" : "errors or notes");
    std::string message = std::to_string(hidden) + " more not annotated (" + detail +
                          "): GitHub shows 10 annotations of each level per step. The SARIF report (code scanning) and "
                          "the job summary list them all.";
    writeCommand(out, "notice", ResolvedRange{}, "edgeguard", message);
  }
};

}  // namespace

std::unique_ptr<Reporter> makeGithubReporter() { return std::make_unique<GithubReporter>(); }

}  // namespace eg
