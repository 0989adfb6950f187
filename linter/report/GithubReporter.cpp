// GitHub Actions workflow commands, which the runner turns into annotations on the pull
// request's changed lines:
//   ::warning file=infra/hub.tf,line=16,col=22,endLine=16,endColumn=29,title=EG005 ip-filter-default-allow::message
// high -> error, medium -> warning, low and unknown -> notice. Errors are ::error with the
// position when there is one. Suppressed findings are left out. Escaping follows the runner's
// rules (Escaping.h): % CR LF everywhere, also : and , in properties.
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
  void write(const Report& report, std::ostream& out) override {
    for (const Error& e : report.errors) {
      writeCommand(out, e.notice ? "notice" : "error", resolve(report.sources, e), e.code, e.message);
    }
    for (const Finding& f : report.findings) {
      if (f.suppressed) continue;
      std::string title = f.rule + " " + f.name;
      if (f.unknown) title += " (unknown)";
      writeCommand(out, command(f), resolve(report.sources, f.location), title, f.message);
    }
  }
};

}  // namespace

std::unique_ptr<Reporter> makeGithubReporter() { return std::make_unique<GithubReporter>(); }

}  // namespace eg
