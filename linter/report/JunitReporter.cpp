// JUnit XML reporter for CI test viewers (Jenkins, GitLab, Azure Pipelines, GitHub test
// reporters). One <testsuite> per rule, one <testcase> per (rule, file) with a <failure>
// listing each finding as "path:line:col: message". Only rules with findings appear (so a
// new policy does not change every report); a clean scan is one passing "no findings" case,
// because some CI servers treat a report without tests as a failure. Suppressed and unknown
// findings alone make a <skipped> case. Inputs that could not be read or parsed are <error> test cases in an
// "edgeguard" suite. No timestamps or durations: the output is reproducible.
#include <map>
#include <sstream>

#include "linter/report/Escaping.h"
#include "linter/report/Reporter.h"

namespace eg {
namespace {

using report::escapeXml;

struct Case {
  std::string file;
  std::vector<const Finding*> active;   // failures
  std::vector<const Finding*> below;    // active but below --fail-on: a passing case with output
  std::vector<const Finding*> skipped;  // suppressed or unknown
};

struct Suite {
  std::string id, name;
  std::vector<Case> cases;  // in order of first finding (findings are sorted by file)
  Case& at(const std::string& file) {
    for (Case& c : cases) {
      if (c.file == file) return c;
    }
    cases.push_back(Case{file, {}, {}, {}});
    return cases.back();
  }
};

std::string position(const ResolvedRange& r) {
  std::string s = r.path;
  if (r.line) s.append(":").append(std::to_string(r.line)).append(":").append(std::to_string(r.column));
  return s;
}

class JunitReporter : public Reporter {
 public:
  void write(const Report& report, std::ostream& out) override {
    std::vector<Suite> suites;
    auto suite = [&](const std::string& id, const std::string& name) -> Suite& {
      for (Suite& s : suites) {
        if (s.id == id) return s;
      }
      suites.push_back(Suite{id, name, {}});
      return suites.back();
    };
    for (const Finding& f : report.findings) {
      ResolvedRange r = resolve(report.sources, f.location);
      Case& c = suite(f.rule, f.name).at(r.path);
      bool fails = !report.failOnNone && (!report.failOn || f.severity >= *report.failOn);
      (f.suppressed || f.unknown ? c.skipped : fails ? c.active : c.below).push_back(&f);
    }

    size_t tests = 0, failures = 0, skippedCount = 0;
    std::ostringstream body;
    for (const Suite& s : suites) {
      size_t suiteTests = s.cases.size(), suiteFailures = 0, suiteSkipped = 0;
      for (const Case& c : s.cases) {
        if (!c.active.empty()) ++suiteFailures;
        else if (c.below.empty()) ++suiteSkipped;
      }
      tests += suiteTests;
      failures += suiteFailures;
      skippedCount += suiteSkipped;
      std::string suiteName = s.id + " " + s.name;
      body << "  <testsuite name=\"" << escapeXml(suiteName, true) << "\" tests=\"" << suiteTests
           << "\" failures=\"" << suiteFailures << "\" errors=\"0\" skipped=\"" << suiteSkipped << "\">\n";
      for (const Case& c : s.cases) {
        body << "    <testcase name=\"" << escapeXml(c.file, true) << "\" classname=\"" << escapeXml(s.id, true)
             << "\" file=\"" << escapeXml(c.file, true) << "\"";
        if (c.active.empty() && !c.below.empty()) {
          body << ">\n      <system-out>";
          for (const Finding* f : c.below) {
            ResolvedRange r = resolve(report.sources, f->location);
            body << escapeXml(position(r) + ": " + std::string(severityLabel(*f)) + " " + f->rule + " " + f->message +
                                  " (below --fail-on)",
                              false)
                 << '\n';
          }
          body << "</system-out>\n    </testcase>\n";
          continue;
        }
        if (c.active.empty()) {
          const Finding& f = *c.skipped.front();
          std::string why = f.suppressed ? "suppressed: " + f.suppressionReason : "unknown: " + f.message;
          body << ">\n      <skipped message=\"" << escapeXml(why, true) << "\"/>\n    </testcase>\n";
          continue;
        }
        const Finding& first = *c.active.front();
        std::string message = c.active.size() == 1 ? first.message
                                                   : std::to_string(c.active.size()) + " findings of " + s.id;
        body << ">\n      <failure message=\"" << escapeXml(message, true) << "\" type=\""
             << escapeXml(severityLabel(first), true) << "\">";
        for (const Finding* f : c.active) {
          ResolvedRange r = resolve(report.sources, f->location);
          body << escapeXml(position(r) + ": " + std::string(severityLabel(*f)) + " " + f->rule + " " + f->message,
                            false)
               << '\n';
        }
        if (const RuleInfo* rule = report.findRule(s.id); rule && !rule->helpUri.empty()) {
          body << escapeXml("See " + rule->helpUri, false) << '\n';
        }
        body << "</failure>\n    </testcase>\n";
      }
      body << "  </testsuite>\n";
    }
    if (suites.empty()) {
      ++tests;
      body << "  <testsuite name=\"edgeguard\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
           << "    <testcase name=\"no findings\" classname=\"edgeguard\"/>\n  </testsuite>\n";
    }
    size_t errorCount = countRealErrors(report.errors);  // notices are not test cases
    if (errorCount) {
      tests += errorCount;
      body << "  <testsuite name=\"edgeguard\" tests=\"" << errorCount << "\" failures=\"0\" errors=\""
           << errorCount << "\" skipped=\"0\">\n";
      for (const Error& e : report.errors) {
        if (e.notice) continue;
        ResolvedRange r = resolve(report.sources, e);
        body << "    <testcase name=\"" << escapeXml(r.path, true) << "\" classname=\"" << escapeXml(e.code, true)
             << "\" file=\"" << escapeXml(r.path, true) << "\">\n      <error message=\""
             << escapeXml(e.message, true) << "\" type=\"" << escapeXml(e.code, true) << "\">"
             << escapeXml(position(r) + ": " + e.code + " " + e.message, false) << "\n</error>\n    </testcase>\n";
      }
      body << "  </testsuite>\n";
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"edgeguard\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\""
        << errorCount << "\" skipped=\"" << skippedCount << "\">\n"
        << body.str() << "</testsuites>\n";
  }
};

}  // namespace

std::unique_ptr<Reporter> makeJunitReporter() { return std::make_unique<JunitReporter>(); }

}  // namespace eg
