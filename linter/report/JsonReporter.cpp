// JSON reporter: the contract of DESIGN §4 (version 1). Field order is fixed for stable diffs.
#include <nlohmann/json.hpp>

#include "linter/report/Reporter.h"

namespace eg {
namespace {

class JsonReporter : public Reporter {
 public:
  void write(const Report& report, std::ostream& out) override {
    using nlohmann::ordered_json;
    ordered_json doc;
    doc["version"] = 1;
    doc["tool"] = {{"name", "edgeguard"}, {"version", report.toolVersion}};
    ordered_json findings = ordered_json::array();
    for (const Finding& f : report.findings) {
      ResolvedRange r = resolve(report.sources, f.location);
      ordered_json j;
      j["rule"] = f.rule;
      j["name"] = f.name;
      j["severity"] = f.unknown ? "unknown" : std::string(toString(f.severity));
      j["message"] = f.message;
      j["file"] = r.path;
      j["line"] = r.line;
      j["column"] = r.column;
      j["end_line"] = r.endLine;
      j["end_column"] = r.endColumn;
      j["resource"] = f.resource;
      j["kind"] = f.kind;
      j["fingerprint"] = f.fingerprint;
      j["suppressed"] = f.suppressed;
      if (f.suppressed) j["suppression_reason"] = f.suppressionReason;
      if (f.unknown) j["unknown"] = true;
      if (!f.related.empty()) {
        ordered_json rel = ordered_json::array();
        for (const RelatedLocation& rl : f.related) {
          ResolvedRange rr = resolve(report.sources, rl.location);
          rel.push_back({{"file", rr.path}, {"line", rr.line}, {"column", rr.column}, {"message", rl.message}});
        }
        j["related"] = std::move(rel);
      }
      findings.push_back(std::move(j));
    }
    doc["findings"] = std::move(findings);
    ordered_json errors = ordered_json::array();
    for (const Error& e : report.errors) {
      ResolvedRange r = resolve(report.sources, e);
      errors.push_back({{"file", r.path}, {"line", r.line}, {"column", r.column}, {"code", e.code},
                        {"message", e.message}});
    }
    doc["errors"] = std::move(errors);
    ReportCounts c = countFindings(report.findings);
    doc["summary"] = {{"files", report.files}, {"resources", report.resources}, {"high", c.high},
                      {"medium", c.medium}, {"low", c.low}, {"suppressed", c.suppressed}};
    if (c.unknown) doc["summary"]["unknown"] = c.unknown;
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
};

}  // namespace

std::unique_ptr<Reporter> makeJsonReporter() { return std::make_unique<JsonReporter>(); }

}  // namespace eg
