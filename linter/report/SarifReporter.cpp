// SARIF 2.1.0 reporter, shaped for GitHub code scanning and other SARIF viewers:
// - the driver lists the rules the results refer to (engine diagnostics included) with
//   descriptions, Markdown help, a help URI, default level, security-severity and tags;
// - each result has a physical location (relative URI against %SRCROOT%) and region, a
//   partial fingerprint that survives line moves (Finding::fingerprint), related locations and,
//   for suppressed findings, an inSource suppression with its justification;
// - errors (inputs that could not be read or parsed) are tool execution notifications, and
//   invocations[0].executionSuccessful is false when there are any (notices are level "note"
//   and do not count).
// Code scanning rejects a whole upload when one result lacks a file location, so a finding
// without one (which the engine does not produce today) becomes a notification instead.
#include <nlohmann/json.hpp>

#include "linter/report/Escaping.h"
#include "linter/report/Reporter.h"

namespace eg {
namespace {

using nlohmann::ordered_json;

std::string_view sarifLevel(Severity s) {
  switch (s) {
    case Severity::High: return "error";
    case Severity::Medium: return "warning";
    case Severity::Low: return "note";
  }
  return "warning";
}

// GitHub's security-severity scale: >= 7.0 high, >= 4.0 medium, > 0.1 low.
std::string_view securitySeverity(Severity s) {
  switch (s) {
    case Severity::High: return "8.0";
    case Severity::Medium: return "5.5";
    case Severity::Low: return "3.0";
  }
  return "5.5";
}

ordered_json physicalLocation(const ResolvedRange& r) {
  bool relative = true;
  ordered_json artifact = {{"uri", report::sarifUri(r.path, relative)}};
  if (relative) artifact["uriBaseId"] = "%SRCROOT%";
  ordered_json loc = {{"artifactLocation", std::move(artifact)}};
  if (r.line > 0) {
    uint32_t column = r.column ? r.column : 1;
    uint32_t endLine = r.endLine >= r.line ? r.endLine : r.line;
    uint32_t endColumn = r.endColumn ? r.endColumn : column;
    if (endLine == r.line && endColumn < column) endColumn = column;
    loc["region"] = {{"startLine", r.line}, {"startColumn", column}, {"endLine", endLine}, {"endColumn", endColumn}};
  }
  return loc;
}

ordered_json ruleObject(const RuleInfo& rule) {
  ordered_json j;
  j["id"] = rule.id;
  j["name"] = rule.name;
  j["shortDescription"] = {{"text", rule.title.empty() ? rule.name : rule.title}};
  j["fullDescription"] = {{"text", rule.description.empty() ? (rule.title.empty() ? rule.name : rule.title)
                                                            : rule.description}};
  std::string helpText = rule.description.empty() ? rule.title : rule.description;
  if (!rule.helpUri.empty()) helpText.append(helpText.empty() ? "" : "\n\n").append("Documentation: ").append(rule.helpUri);
  if (helpText.empty()) helpText = rule.name;
  ordered_json help = {{"text", helpText}};
  if (!rule.helpMarkdown.empty()) help["markdown"] = rule.helpMarkdown;
  j["help"] = std::move(help);
  if (!rule.helpUri.empty()) j["helpUri"] = rule.helpUri;
  j["defaultConfiguration"] = {{"level", sarifLevel(rule.severity)}};
  ordered_json tags = ordered_json::array();
  tags.push_back("security");
  for (const std::string& t : rule.tags) {
    if (t != "security") tags.push_back(t);
  }
  j["properties"] = {{"tags", std::move(tags)},
                     {"precision", "high"},
                     {"security-severity", securitySeverity(rule.severity)}};
  return j;
}

class SarifReporter : public Reporter {
 public:
  void write(const Report& report, std::ostream& out) override {
    // Rules: those the results refer to, in order of first use (listing the whole catalog would
    // only make the log bigger and every new policy a change to each SARIF golden). Engine
    // diagnostics (EG903, EG906) are not in the catalog and get a minimal entry.
    std::vector<RuleInfo> rules;
    auto ruleIndex = [&](const Finding& f) -> size_t {
      for (size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].id == f.rule) return i;
      }
      if (const RuleInfo* known = report.findRule(f.rule)) {
        rules.push_back(*known);
      } else {
        RuleInfo synthesized;
        synthesized.id = f.rule;
        synthesized.name = f.name;
        synthesized.severity = f.severity;
        synthesized.title = "edgeguard diagnostic " + f.name;
        synthesized.tags = {"edgeguard-diagnostic"};
        rules.push_back(std::move(synthesized));
      }
      return rules.size() - 1;
    };

    ordered_json results = ordered_json::array();
    ordered_json notifications = ordered_json::array();
    for (const Finding& f : report.findings) {
      ResolvedRange where = resolve(report.sources, f.location);
      if (where.path.empty()) where = resolve(report.sources, f.anchor);
      for (size_t i = 0; where.path.empty() && i < f.related.size(); ++i) {
        where = resolve(report.sources, f.related[i].location);
      }
      if (where.path.empty()) {
        notifications.push_back({{"level", f.unknown ? "note" : sarifLevel(f.severity)},
                                 {"message", {{"text", f.rule + " " + f.message}}},
                                 {"descriptor", {{"id", f.rule}}}});
        continue;
      }
      ordered_json r;
      r["ruleId"] = f.rule;
      r["ruleIndex"] = ruleIndex(f);
      r["level"] = f.unknown ? "note" : sarifLevel(f.severity);
      r["message"] = {{"text", f.message}};
      ordered_json location = {{"physicalLocation", physicalLocation(where)}};
      if (!f.resource.empty()) {
        location["logicalLocations"] = ordered_json::array({{{"fullyQualifiedName", f.resource}, {"kind", "resource"}}});
      }
      r["locations"] = ordered_json::array({std::move(location)});
      if (!f.fingerprint.empty()) r["partialFingerprints"] = {{"edgeguard/v1", f.fingerprint}};
      if (!f.related.empty()) {
        ordered_json related = ordered_json::array();
        int id = 1;
        for (const RelatedLocation& rl : f.related) {
          ResolvedRange rr = resolve(report.sources, rl.location);
          if (rr.path.empty()) continue;
          related.push_back({{"id", id++}, {"physicalLocation", physicalLocation(rr)}, {"message", {{"text", rl.message}}}});
        }
        if (!related.empty()) r["relatedLocations"] = std::move(related);
      }
      if (f.suppressed) {
        r["suppressions"] = ordered_json::array({{{"kind", "inSource"}, {"justification", f.suppressionReason}}});
      }
      ordered_json props = {{"severity", severityLabel(f)}};
      if (!f.kind.empty()) props["resourceKind"] = f.kind;
      if (f.unknown) props["unknown"] = true;
      r["properties"] = std::move(props);
      results.push_back(std::move(r));
    }
    for (const Error& e : report.errors) {
      ordered_json n = {{"level", e.notice ? "note" : "error"}, {"message", {{"text", e.message}}}, {"descriptor", {{"id", e.code}}}};
      ResolvedRange r = resolve(report.sources, e);
      if (!r.path.empty()) n["locations"] = ordered_json::array({{{"physicalLocation", physicalLocation(r)}}});
      notifications.push_back(std::move(n));
    }

    ordered_json driverRules = ordered_json::array();
    for (const RuleInfo& rule : rules) driverRules.push_back(ruleObject(rule));
    ordered_json driver;
    driver["name"] = "edgeguard";
    driver["version"] = report.toolVersion;
    driver["semanticVersion"] = report.toolVersion;
    driver["informationUri"] = kToolInformationUri;
    driver["rules"] = std::move(driverRules);

    ordered_json invocation = {{"executionSuccessful", !hasRealErrors(report.errors)}};
    if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

    ordered_json run;
    run["tool"] = {{"driver", std::move(driver)}};
    run["invocations"] = ordered_json::array({std::move(invocation)});
    run["originalUriBaseIds"] = {
        {"%SRCROOT%", {{"description", {{"text", "The directory edgeguard was run in; paths are relative to it."}}}}}};
    run["columnKind"] = "unicodeCodePoints";
    run["results"] = std::move(results);

    ordered_json doc;
    doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    doc["version"] = "2.1.0";
    doc["runs"] = ordered_json::array({std::move(run)});
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
};

}  // namespace

std::unique_ptr<Reporter> makeSarifReporter() { return std::make_unique<SarifReporter>(); }

}  // namespace eg
