// Every reporter over one shared set of findings and errors (ReportFixture): structural
// checks that do not depend on exact text (the e2e goldens pin that), above all that the
// SARIF log has what the 2.1.0 schema and GitHub code scanning require.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "linter/report/Reporter.h"

using namespace eg;
using nlohmann::json;

namespace {

// The reporters only copy RuleInfo::helpUri (the CLI fills it from policy::docsUrl).
constexpr std::string_view kRuleDocsBaseUrl = "https://docs.example/rules/";

constexpr std::string_view kHub =
    "resource \"azurerm_iothub\" \"hub\" {\n"   // line 1
    "  name = \"h\"\n"                           // line 2
    "  min_tls_version = \"1.0\"\n"              // line 3
    "  default_action = \"Allow\"\n"             // line 4
    "}\n";

ByteRange rangeOf(std::string_view text, std::string_view needle) {
  auto at = static_cast<uint32_t>(text.find(needle));
  return ByteRange{at, at + static_cast<uint32_t>(needle.size())};
}

// One scan's worth of results covering every case a reporter must handle.
struct ReportFixture {
  SourceStore sources;
  std::vector<Finding> findings;
  std::vector<Error> errors;
  std::vector<RuleInfo> rules;

  ReportFixture() {
    const SourceFile* hub = sources.add("infra/my hub.tf", std::string(kHub));
    const SourceFile* broken = sources.add("infra/broken.tf", "resource \"x\" {\n  a =\n");
    auto finding = [&](std::string rule, std::string name, Severity s, std::string message, ByteRange r) {
      Finding f;
      f.rule = std::move(rule);
      f.name = std::move(name);
      f.severity = s;
      f.message = std::move(message);
      f.location = {hub->id(), r};
      f.anchor = {hub->id(), rangeOf(kHub, "resource \"azurerm_iothub\" \"hub\" {")};
      f.resource = "azurerm_iothub.hub";
      f.kind = "Microsoft.Devices/IotHubs";
      f.fingerprint = "fp-" + f.rule;
      return f;
    };
    findings.push_back(finding("EG201", "acr-admin-user-enabled", Severity::High,
                               "100% bad: a|b <x> & \"y\", z\nsecond line", rangeOf(kHub, "\"h\"")));
    findings.back().related.push_back({{hub->id(), rangeOf(kHub, "name")}, "declared here"});
    findings.push_back(finding("EG004", "weak-tls", Severity::Medium, "TLS 1.0", rangeOf(kHub, "\"1.0\"")));
    findings.push_back(finding("EG005", "ip-filter-default-allow", Severity::Low, "allow", rangeOf(kHub, "\"Allow\"")));
    Finding suppressed = finding("EG004", "weak-tls", Severity::Medium, "TLS again", rangeOf(kHub, "min_tls_version"));
    suppressed.suppressed = true;
    suppressed.suppressionReason = "legacy devices";
    findings.push_back(suppressed);
    Finding unknown = finding("EG005", "ip-filter-default-allow", Severity::Medium, "unknown", rangeOf(kHub, "name"));
    unknown.unknown = true;
    findings.push_back(unknown);
    Finding diagnostic = finding("EG906", "suppression-without-reason", Severity::Low, "no reason", rangeOf(kHub, "}"));
    findings.push_back(diagnostic);

    errors.push_back(Error{broken->path(), broken->id(), ByteRange{20, 20}, 0, 0, "expected a value", "EG901"});
    errors.push_back(Error{"infra/blob.tf", kNoFile, {}, 0, 0, "binary file", "EG901"});

    for (auto [id, name, sev] : {std::tuple{"EG004", "weak-tls", Severity::Medium},
                                 std::tuple{"EG005", "ip-filter-default-allow", Severity::Medium},
                                 std::tuple{"EG201", "acr-admin-user-enabled", Severity::High},
                                 std::tuple{"EG999", "unused", Severity::Low}}) {
      RuleInfo r;
      r.id = id;
      r.name = name;
      r.severity = sev;
      r.title = std::string("Title of ").append(id);
      r.description = "What and why.";
      r.helpMarkdown = "# " + r.id;
      r.helpUri = std::string(kRuleDocsBaseUrl).append(id).append(".md");
      r.tags = {"security", "azure-iot"};
      rules.push_back(std::move(r));
    }
  }

  Report report() const {
    Report r{sources, findings, errors, 2, 1, "1.2.3", false, rules, {}, {}, false, std::nullopt, false, {}};
    r.nodes = {{"azurerm_iothub.hub", "Microsoft.Devices/IotHubs", 0, {}},
               {"azurerm_container_registry.acr", "Microsoft.ContainerRegistry/registries", 0, {}},
               {"azurerm_resource_group.unrelated", "Microsoft.Resources/resourceGroups", 0, {}}};
    r.edges = {{0, 1, "registry"}};
    return r;
  }

  std::string render(std::string_view format) const {
    auto reporter = makeReporter(format);
    REQUIRE(reporter);
    std::ostringstream out;
    reporter->write(report(), out);
    return out.str();
  }
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

void checkPhysicalLocation(const json& loc) {
  REQUIRE(loc.contains("artifactLocation"));
  std::string uri = loc["artifactLocation"]["uri"];
  CHECK_FALSE(uri.empty());
  CHECK(uri.find('\\') == std::string::npos);
  CHECK(uri.find(' ') == std::string::npos);
  if (uri.rfind("file://", 0) != 0) CHECK(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  if (loc.contains("region")) {
    const json& r = loc["region"];
    CHECK(r["startLine"].get<int>() >= 1);
    CHECK(r["startColumn"].get<int>() >= 1);
    CHECK(r["endLine"].get<int>() >= r["startLine"].get<int>());
    CHECK(r["endColumn"].get<int>() >= 1);
    if (r["endLine"] == r["startLine"]) CHECK(r["endColumn"].get<int>() >= r["startColumn"].get<int>());
  }
}

}  // namespace

TEST_CASE("every listed format has a reporter and unknown formats have none") {
  std::set<std::string_view> names;
  for (const ReporterInfo& r : reporters()) {
    CAPTURE(r.name);
    CHECK(names.insert(r.name).second);
    CHECK(makeReporter(r.name) != nullptr);
    CHECK(findReporter(r.name) == &r);
    CHECK_FALSE(r.description.empty());
    CHECK(r.description.find('\n') == std::string_view::npos);
    CHECK((!r.ruleDocs || r.ruleLinks));  // documentation comes with the rules it documents
  }
  CHECK(reporterFormats().size() == reporters().size());
  CHECK(makeReporter("xml") == nullptr);
  CHECK(findReporter("xml") == nullptr);
}

// The CLI fills a Report by the table's flags only (cli/main.cpp): a reporter must not read
// what its row does not ask for, or its output would silently lack it.
TEST_CASE("a reporter reads no more of a Report than its row's flags ask for") {
  ReportFixture fx;
  for (const ReporterInfo& info : reporters()) {
    CAPTURE(info.name);
    Report full = fx.report();
    full.color = info.colour;
    std::ostringstream fullOut;
    info.make()->write(full, fullOut);

    Report lean = fx.report();
    lean.color = info.colour;
    if (!info.ruleLinks) lean.rules.clear();
    if (!info.ruleDocs) {
      for (RuleInfo& r : lean.rules) r.description.clear(), r.helpMarkdown.clear();
    }
    if (!info.graph) lean.nodes.clear(), lean.edges.clear();
    std::ostringstream leanOut;
    info.make()->write(lean, leanOut);
    CHECK(fullOut.str() == leanOut.str());
  }
}

// Each reporter has its golden: tests/e2e/mixed-<name> runs it over fixtures/e2e/mixed (the
// first row, the default format, without --format).
TEST_CASE("every reporter has its end-to-end golden") {
  namespace fs = std::filesystem;
  for (const ReporterInfo& r : reporters()) {
    CAPTURE(r.name);
    fs::path dir = fs::path(EG_SOURCE_DIR) / "tests" / "e2e" / ("mixed-" + std::string(r.name));
    std::ifstream in(dir / "cmd");
    std::string cmd;
    std::getline(in, cmd);
    REQUIRE_MESSAGE(bool(in), "missing " << (dir / "cmd").string());
    bool isDefault = &r == &reporters().front();
    bool runsIt = cmd.find("--format " + std::string(r.name)) != std::string::npos ||
                  (isDefault && cmd.find("--format") == std::string::npos);
    CHECK(runsIt);
    CHECK(fs::is_regular_file(dir / "stdout"));
  }
}

// README.md's "Output formats" table names every reporter, in the table's order.
TEST_CASE("README.md lists the reporters") {
  std::ifstream in(std::string(EG_SOURCE_DIR) + "/README.md");
  std::vector<std::string> listed;
  bool inTable = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `--format` |", 0) == 0) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| `", 0) != 0) break;
    listed.push_back(line.substr(3, line.find('`', 3) - 3));
  }
  std::vector<std::string> names;
  for (const ReporterInfo& r : reporters()) names.emplace_back(r.name);
  CHECK(listed == names);
}

TEST_CASE("sarif output is a structurally valid SARIF 2.1.0 log") {
  ReportFixture fx;
  json doc = json::parse(fx.render("sarif"));
  CHECK(doc["version"] == "2.1.0");
  CHECK(doc["$schema"].get<std::string>().find("sarif") != std::string::npos);
  REQUIRE(doc["runs"].size() == 1);
  const json& run = doc["runs"][0];
  const json& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "edgeguard");
  CHECK(driver["version"] == "1.2.3");
  CHECK(driver["informationUri"] == std::string(kToolInformationUri));

  const std::set<std::string> levels{"none", "note", "warning", "error"};
  const json& rules = driver["rules"];
  std::set<std::string> ruleIds;
  for (const json& rule : rules) {
    std::string id = rule["id"];
    CHECK(ruleIds.insert(id).second);
    CHECK_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    CHECK_FALSE(rule["fullDescription"]["text"].get<std::string>().empty());
    CHECK_FALSE(rule["help"]["text"].get<std::string>().empty());
    CHECK(levels.count(rule["defaultConfiguration"]["level"].get<std::string>()));
    double severity = std::stod(rule["properties"]["security-severity"].get<std::string>());
    CHECK(severity > 0.0);
    CHECK(severity <= 10.0);
    CHECK(rule["properties"]["tags"][0] == "security");
    if (id != "EG906") CHECK(rule["helpUri"].get<std::string>().rfind("https://", 0) == 0);
  }
  // Only rules that results refer to; the catalog-less engine diagnostic gets an entry too.
  CHECK(ruleIds == std::set<std::string>{"EG201", "EG004", "EG005", "EG906"});
  CHECK(rules[0]["defaultConfiguration"]["level"] == "error");  // EG201 is high
  CHECK(rules[0]["properties"]["security-severity"] == "8.0");

  const json& results = run["results"];
  REQUIRE(results.size() == fx.findings.size());
  for (const json& r : results) {
    size_t index = r["ruleIndex"];
    REQUIRE(index < rules.size());
    CHECK(rules[index]["id"] == r["ruleId"]);
    CHECK(levels.count(r["level"].get<std::string>()));
    CHECK_FALSE(r["message"]["text"].get<std::string>().empty());
    REQUIRE(r["locations"].size() == 1);  // code scanning rejects results without one
    checkPhysicalLocation(r["locations"][0]["physicalLocation"]);
    CHECK(r["partialFingerprints"]["edgeguard/v1"] == "fp-" + r["ruleId"].get<std::string>());
  }
  CHECK(results[0]["level"] == "error");
  CHECK(results[0]["message"]["text"] == fx.findings[0].message);
  CHECK(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/my%20hub.tf");
  const json& region = results[0]["locations"][0]["physicalLocation"]["region"];
  CHECK(region["startLine"] == 2);
  CHECK(region["startColumn"] == 10);
  CHECK(region["endColumn"] == 13);
  REQUIRE(results[0]["relatedLocations"].size() == 1);
  checkPhysicalLocation(results[0]["relatedLocations"][0]["physicalLocation"]);
  CHECK(results[0]["relatedLocations"][0]["message"]["text"] == "declared here");
  CHECK(results[1]["level"] == "warning");
  CHECK(results[2]["level"] == "note");
  REQUIRE(results[3].contains("suppressions"));
  CHECK(results[3]["suppressions"][0]["kind"] == "inSource");
  CHECK(results[3]["suppressions"][0]["justification"] == "legacy devices");
  CHECK_FALSE(results[0].contains("suppressions"));
  CHECK(results[4]["level"] == "note");
  CHECK(results[4]["properties"]["unknown"] == true);

  REQUIRE(run["invocations"].size() == 1);
  const json& invocation = run["invocations"][0];
  CHECK(invocation["executionSuccessful"] == false);
  const json& notes = invocation["toolExecutionNotifications"];
  REQUIRE(notes.size() == 2);
  for (const json& n : notes) {
    CHECK(n["level"] == "error");
    CHECK(n["descriptor"]["id"] == "EG901");
    checkPhysicalLocation(n["locations"][0]["physicalLocation"]);
  }
  CHECK(notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2);
  CHECK_FALSE(notes[1]["locations"][0]["physicalLocation"].contains("region"));
}

TEST_CASE("sarif marks a run without errors as successful and has no notifications") {
  ReportFixture fx;
  fx.errors.clear();
  json doc = json::parse(fx.render("sarif"));
  CHECK(doc["runs"][0]["invocations"][0]["executionSuccessful"] == true);
  CHECK_FALSE(doc["runs"][0]["invocations"][0].contains("toolExecutionNotifications"));
}

TEST_CASE("junit has one test case per rule and file and balanced, escaped XML") {
  ReportFixture fx;
  std::string xml = fx.render("junit");
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
  // Tag balance and no raw markup characters in text (the escaping unit tests cover details).
  std::vector<std::string> stack;
  for (size_t i = xml.find("?>") + 2; i < xml.size();) {
    size_t lt = xml.find('<', i);
    std::string text = xml.substr(i, (lt == std::string::npos ? xml.size() : lt) - i);
    CHECK(text.find('>') == std::string::npos);
    for (size_t amp = text.find('&'); amp != std::string::npos; amp = text.find('&', amp + 1)) {
      CHECK(text.find(';', amp) != std::string::npos);
    }
    if (lt == std::string::npos) break;
    size_t gt = xml.find('>', lt);
    REQUIRE(gt != std::string::npos);
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    CHECK(tag.find('<') == std::string::npos);
    if (tag[0] == '/') {
      REQUIRE_FALSE(stack.empty());
      CHECK(stack.back() == tag.substr(1));
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find(' ')));
    }
    i = gt + 1;
  }
  CHECK(stack.empty());
  CHECK(xml.find("<testsuites name=\"edgeguard\" tests=\"6\" failures=\"4\" errors=\"2\" skipped=\"0\">") !=
        std::string::npos);
  CHECK(xml.find("<testsuite name=\"EG201 acr-admin-user-enabled\" tests=\"1\" failures=\"1\"") != std::string::npos);
  CHECK(xml.find("message=\"100% bad: a|b &lt;x&gt; &amp; &quot;y&quot;, z&#10;second line\"") != std::string::npos);
  CHECK(xml.find("infra/my hub.tf:2:10: high EG201 ") != std::string::npos);
  CHECK(xml.find("<skipped message=\"suppressed: legacy devices\"/>") == std::string::npos);  // EG004 has a failure too
  CHECK(xml.find("<skipped message=\"unknown: unknown\"/>") == std::string::npos);          // EG005 too
  CHECK(xml.find("<error message=\"binary file\" type=\"EG901\">") != std::string::npos);
  CHECK(xml.find("EG999") == std::string::npos);
}

TEST_CASE("junit reports a clean scan as one passing test") {
  ReportFixture fx;
  fx.findings.clear();
  fx.errors.clear();
  std::string xml = fx.render("junit");
  CHECK(xml.find("tests=\"1\" failures=\"0\" errors=\"0\"") != std::string::npos);
  CHECK(xml.find("<testcase name=\"no findings\"") != std::string::npos);
}

TEST_CASE("github writes one workflow command per error and unsuppressed finding") {
  ReportFixture fx;
  std::vector<std::string> out = lines(fx.render("github"));
  REQUIRE(out.size() == 2 + 5);
  CHECK(out[0] == "::error file=infra/broken.tf,line=2,col=6,endLine=2,endColumn=6,title=EG901::expected a value");
  CHECK(out[1] == "::error file=infra/blob.tf,title=EG901::binary file");
  CHECK(out[2] ==
        "::error file=infra/my hub.tf,line=2,col=10,endLine=2,endColumn=13,title=EG201 acr-admin-user-enabled::"
        "100%25 bad: a|b <x> & \"y\", z%0Asecond line");
  CHECK(out[3].rfind("::warning file=infra/my hub.tf,line=3,", 0) == 0);
  CHECK(out[4].rfind("::notice ", 0) == 0);
  CHECK(out[5].find("title=EG906 suppression-without-reason::") != std::string::npos);
  // Unknown verdicts come after every known severity.
  CHECK(out[6].find("title=EG005 ip-filter-default-allow (unknown)::unknown") != std::string::npos);
  CHECK(out[6].rfind("::notice ", 0) == 0);
  for (const std::string& l : out) CHECK(l.find("TLS again") == std::string::npos);  // suppressed
}

TEST_CASE("github puts the most severe first and caps each level at GitHub's 10 per step") {
  ReportFixture fx;
  fx.errors.clear();
  std::vector<Finding> base = fx.findings;
  fx.findings.clear();
  // Low findings first in file order: the annotations still start with the high ones.
  for (int i = 0; i < 12; ++i) fx.findings.push_back(base[2]);  // low EG005
  for (int i = 0; i < 13; ++i) fx.findings.push_back(base[0]);  // high EG201
  fx.findings.push_back(base[1]);                               // medium EG004
  std::vector<std::string> out = lines(fx.render("github"));
  REQUIRE(out.size() == 10 + 1 + 9 + 1);
  for (int i = 0; i < 10; ++i) CHECK(out[i].rfind("::error ", 0) == 0);
  CHECK(out[10].rfind("::warning ", 0) == 0);
  for (int i = 11; i < 20; ++i) CHECK(out[i].rfind("::notice file=", 0) == 0);
  CHECK(out[20] ==
        "::notice title=edgeguard::6 more not annotated (3 high, 3 low): GitHub shows 10 annotations of each level per "
        "step. The SARIF report (code scanning) and the job summary list them all.");
  // Within the cap nothing is added.
  fx.findings.resize(12);
  out = lines(fx.render("github"));
  CHECK(out.size() == 10);
}

TEST_CASE("text ends with a summary by rule, most severe first, and compact drops the code frames") {
  ReportFixture fx;
  fx.errors.clear();
  fx.findings.push_back(fx.findings[2]);  // a second low EG005
  std::string text = fx.render("text");
  size_t summary = text.find("\nFindings by rule\n");
  REQUIRE(summary != std::string::npos);
  size_t high = text.find("  high   EG201 [acr-admin-user-enabled]", summary);
  size_t medium = text.find("  medium EG004 [weak-tls]", summary);
  size_t low = text.find("  low    EG005 [ip-filter-default-allow]", summary);
  CHECK(high != std::string::npos);
  CHECK(medium > high);
  CHECK(low > medium);
  CHECK(medium != std::string::npos);
  CHECK(low != std::string::npos);
  CHECK(text.find(" | ") != std::string::npos);  // code frames
  Report r = fx.report();
  r.compact = true;
  std::ostringstream compact;
  makeReporter("text")->write(r, compact);
  CHECK(compact.str().find(" | ") == std::string::npos);
  CHECK(compact.str().find("note: ") == std::string::npos);
  CHECK(compact.str().find("Findings by rule") != std::string::npos);
}

TEST_CASE("markdown summarizes counts, links lines, escapes cells and draws the affected graph") {
  ReportFixture fx;
  std::string md = fx.render("markdown");
  CHECK(md.rfind("## edgeguard\n\n**4 findings** and **2 errors** in 2 files, 1 resource; 1 suppressed; 1 unknown.\n", 0) ==
        0);
  CHECK(md.find("| high | 1 |") != std::string::npos);
  CHECK(md.find("| [EG201](" + std::string(kRuleDocsBaseUrl) +
                "EG201.md) acr-admin-user-enabled | high | [infra/my hub.tf:2](infra/my%20hub.tf#L2) | "
                "100% bad: a\\|b \\<x\\> & \"y\", z<br>second line |") != std::string::npos);
  CHECK(md.find("| EG906 suppression-without-reason | low |") != std::string::npos);
  CHECK(md.find("### Errors") != std::string::npos);
  CHECK(md.find("| EG901 | [infra/blob.tf](infra/blob.tf) | binary file |") != std::string::npos);
  CHECK(md.find("legacy devices") != std::string::npos);
  size_t diagram = md.find("```mermaid\nflowchart LR\n");
  REQUIRE(diagram != std::string::npos);
  CHECK(md.find("n0[\"azurerm_iothub.hub<br/>Microsoft.Devices/IotHubs<br/>4 findings\"]:::high", diagram) !=
        std::string::npos);
  CHECK(md.find("n1[\"azurerm_container_registry.acr<br/>Microsoft.ContainerRegistry/registries\"]:::context",
                diagram) != std::string::npos);
  CHECK(md.find("n0 -->|\"registry\"| n1", diagram) != std::string::npos);
  CHECK(md.find("unrelated") == std::string::npos);
  CHECK(md.substr(md.size() - 4) == "```\n");
}

TEST_CASE("markdown of a clean scan is one line") {
  ReportFixture fx;
  fx.findings.clear();
  fx.errors.clear();
  CHECK(fx.render("markdown") == "## edgeguard\n\nNo findings in 2 files, 1 resource.\n");
}

TEST_CASE("json is written in the layout of a two-space dump, escapes controls and replaces invalid UTF-8") {
  ReportFixture fx;
  fx.findings.front().message = std::string("ctl \x01\x1f tab\t quote\" back\\ del\x7f \xc3\xa9 bad \xff\xc3 end");
  std::string out = fx.render("json");
  REQUIRE(!out.empty());
  CHECK(out.back() == '\n');
  // The streaming writer must give byte for byte what a document dump gives (the goldens were
  // made that way): parse it back and dump it again.
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(out);
  CHECK(doc.dump(2) + "\n" == out);
  std::string message = doc["findings"][0]["message"];
  CHECK(message == "ctl \x01\x1f tab\t quote\" back\\ del\x7f \xc3\xa9 bad \xef\xbf\xbd\xef\xbf\xbd end");
  CHECK(out.find("ctl \\u0001\\u001f tab\\t quote\\\" back\\\\") != std::string::npos);
  CHECK(doc["findings"].size() == fx.findings.size());
  CHECK(doc["errors"].size() == fx.errors.size());
  CHECK(doc["summary"]["files"] == 2);
  CHECK(doc["findings"][0]["related"][0]["message"] == "declared here");
}

TEST_CASE("json renders the same bytes on any number of jobs") {
  // More findings than one slice (512), with the fixture's special cases repeated: related
  // locations, suppressed, unknown, strings to escape.
  ReportFixture fx;
  std::vector<Finding> many;
  for (size_t i = 0; many.size() < 1700; ++i) {
    Finding f = fx.findings[i % fx.findings.size()];
    f.message += " #" + std::to_string(i);
    many.push_back(std::move(f));
  }
  fx.findings = std::move(many);
  auto render = [&](unsigned jobs) {
    auto reporter = makeReporter("json");
    reporter->setJobs(jobs);
    std::ostringstream out;
    reporter->write(fx.report(), out);
    return out.str();
  };
  std::string one = render(1);
  CHECK(one.find("#1699") != std::string::npos);
  CHECK(render(2) == one);
  CHECK(render(3) == one);
  CHECK(render(8) == one);
  // An empty report as well.
  fx.findings.clear();
  CHECK(render(4) == render(1));
}
