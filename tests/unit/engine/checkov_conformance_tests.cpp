// checkov conformance: for every Terraform and ARM checkov check we implement, our rule must give the
// verdicts checkov's own unit tests assert (corpus/checkov/EXPECTED.md, parsed here so the test
// follows the file): a finding on every failing resource, none on any passing one. Deliberate
// disagreements are listed below with the reason; for them the test asserts the opposite
// verdict, so a change on either side is noticed. The corpus lives outside the repository
// (EG_SOURCE_DIR/../shared/corpus); without it the test passes with a message.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "linter/engine/Session.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {

// checkov check (Terraform, ARM; graph checks included) -> our rule. Not listed on purpose:
// ACRUseSignedImages (CKV_AZURE_164) requires Docker Content Trust, which Azure no longer lets
// new registries enable (EG210 reports its use instead), and ACREnableZoneRedundancy
// (CKV_AZURE_233) judges a property that no longer says whether a registry is zone-redundant.
const std::map<std::string, std::string> kImplemented = {
    {"ACRAdminAccountDisabled", "EG201"},
    {"ACRAnonymousPullDisabled", "EG202"},
    {"ACRPublicNetworkAccessDisabled", "EG203"},
    {"ACREnableImageQuarantine", "EG205"},
    {"ACREnableRetentionPolicy", "EG206"},
    {"AzureACR_HTTPSwebhook", "EG209"},
    {"ACRGeoreplicated", "EG211"},
    {"ACRDedicatedDataEndpointEnabled", "EG212"},
    {"ACRContainerScanEnabled", "EG214"},
    {"IoTNoPublicNetworkAccess", "EG101"},
};

// Cases where we disagree with checkov on purpose. `item` is a resource id (`<type>.<name>`)
// or, for checks whose cases are one file each, the file name.
struct Disagreement {
  std::string check;
  std::string item;
  std::string reason;
};
const std::vector<Disagreement> kDisagreements = {
    {"IoTNoPublicNetworkAccess", "test_success_missing_attribute.tf",
     "checkov passes a hub without public_network_access_enabled; the provider and Azure default "
     "is public network access enabled, so EG101 reports it"},
    {"ACRGeoreplicated", "azurerm_container_registry.fail",
     "a Basic registry cannot have replicas: EG211 judges Premium registries and EG214 reports the SKU"},
    {"ACRGeoreplicated", "azurerm_container_registry.fail2",
     "a registry without a SKU (not deployable: sku is required) is outside EG211's Premium scope"},
    {"ACRDedicatedDataEndpointEnabled", "azurerm_container_registry.fail2",
     "a Standard registry cannot enable dedicated data endpoints: EG212 judges Premium registries"},
    // ACRPublicNetworkAccessDisabled's ARM `fail` registry denies by default but is on the Basic
    // SKU, where network rules do not apply: EG203 reports it too, so there is no disagreement.
};

// checkov names ARM resources "<type>.<name>"; our ARM address for a known name is "<type>/<name>".
std::string ourAddress(const std::string& format, const std::string& item) {
  if (format != "arm") return item;
  size_t slash = item.rfind('/');
  size_t dot = item.find('.', slash == std::string::npos ? 0 : slash);
  if (dot == std::string::npos) return item;
  return item.substr(0, dot) + "/" + item.substr(dot + 1);
}

const Disagreement* disagreement(const std::string& check, const std::string& item) {
  for (const Disagreement& d : kDisagreements)
    if (d.check == check && d.item == item) return &d;
  return nullptr;
}

struct Case {
  std::string item;  // resource id, or file name for per-file cases
  bool failing = false;
};

struct Check {
  std::string format;  // "terraform", "arm"
  std::string name;    // "ACRAdminAccountDisabled"
  std::string fixtureDir;
  bool perFile = false;  // cases are files ("- name.tf: ... -> PASSED")
  std::vector<Case> cases;
};

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    part = trim(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// Sections look like:
//   ### terraform: ACRAdminAccountDisabled (CKV_AZURE_137: ...)
//   - fixture dir: tests/terraform/.../example_ACRAdminAccountDisabled/ [remarks]
//   - passing: a.b, c.d
//   - failing: e.f
// or, with one file per case:
//   - test_failure.tf: public_network_access_enabled = true -> FAILED
std::vector<Check> parseExpected(const std::string& text) {
  // "### terraform graph check: ..." sections (checkov's graph checks) count as terraform.
  static const std::regex header(R"(^###\s+([A-Za-z]+)(?:\s+graph\s+check)?:\s+([A-Za-z0-9_]+)\s*\()");
  static const std::regex fixture(R"(^-\s+fixture dir:\s+(\S+))");
  static const std::regex list(R"(^-\s+(passing|failing):(.*)$)");
  static const std::regex perFile(R"(^-\s+([^\s:]+\.(?:tf|tf\.json)):.*->\s*(?:checkov\s+)?(PASSED|FAILED)\b)");
  std::vector<Check> checks;
  std::stringstream ss(text);
  std::string line;
  Check* cur = nullptr;
  while (std::getline(ss, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::smatch m;
    if (line.rfind("###", 0) == 0) {
      cur = nullptr;
      if (std::regex_search(line, m, header)) {
        checks.push_back(Check{m[1], m[2], "", false, {}});
        cur = &checks.back();
      }
      continue;
    }
    if (!cur) continue;
    if (std::regex_search(line, m, fixture)) {
      cur->fixtureDir = m[1];
    } else if (std::regex_search(line, m, list)) {
      bool failing = m[1] == "failing";
      for (const std::string& id : splitList(m[2])) cur->cases.push_back(Case{id, failing});
    } else if (std::regex_search(line, m, perFile)) {
      cur->perFile = true;
      cur->cases.push_back(Case{m[1], m[2] == "FAILED"});
    }
  }
  return checks;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ScanOutcome {
  std::set<std::string> flagged;    // resource addresses with a non-suppressed, known finding of the rule
  std::set<std::string> resources;  // every resource address loaded
  std::string errors;
};

ScanOutcome scanFor(const std::string& rule, const fs::path& path) {
  ScanOptions options;
  options.paths = {path};
  options.jobs = 1;
  options.showUnknown = false;
  Session session(options);
  std::vector<Error> policyErrors;
  REQUIRE(session.loadPolicies(policyErrors));
  ScanResult result = session.scan();
  ScanOutcome out;
  for (const Error& e : result.errors) out.errors += e.code + " " + e.path + ": " + e.message + "\n";
  for (const Resource& r : session.graph().resources()) out.resources.insert(r.address);
  for (const Finding& f : result.findings)
    if (f.rule == rule && !f.suppressed && !f.unknown) out.flagged.insert(f.resource);
  return out;
}

// A fresh directory holding only `file`: checkov's per-file cases are independent
// configurations (they reuse resource addresses), while one directory is one Terraform module.
struct IsolatedCopy {
  fs::path dir;
  explicit IsolatedCopy(const fs::path& file) {
    static std::atomic<int> counter{0};
    dir = fs::temp_directory_path() /
          ("eg-checkov-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    fs::copy_file(file, dir / file.filename(), fs::copy_options::overwrite_existing);
  }
  ~IsolatedCopy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

TEST_CASE("checkov conformance: our rules agree with checkov's Terraform unit-test verdicts") {
  fs::path corpus = fs::path(EG_SOURCE_DIR) / ".." / "shared" / "corpus";
  fs::path base = corpus / "checkov";
  fs::path expectedFile = base / "EXPECTED.md";
  if (!fs::exists(expectedFile)) {
    MESSAGE("checkov corpus not found at " << expectedFile.string() << ": conformance test skipped");
    return;
  }
  std::vector<Check> checks = parseExpected(readFile(expectedFile));
  REQUIRE_FALSE(checks.empty());

  // Every implemented check must be described in EXPECTED.md (a renamed section must not
  // silently turn this test into a no-op), and every disagreement must name a real case.
  for (const auto& [name, rule] : kImplemented) {
    bool found = std::any_of(checks.begin(), checks.end(),
                             [&](const Check& c) { return c.format == "terraform" && c.name == name; });
    CHECK_MESSAGE(found, "EXPECTED.md has no terraform section for " << name << " (" << rule << ")");
  }
  for (const Disagreement& d : kDisagreements) {
    bool found = std::any_of(checks.begin(), checks.end(), [&](const Check& c) {
      return c.name == d.check &&
             std::any_of(c.cases.begin(), c.cases.end(), [&](const Case& k) { return k.item == d.item; });
    });
    CHECK_MESSAGE(found, "documented disagreement " << d.check << " / " << d.item << " is not a case in EXPECTED.md");
  }

  size_t agreements = 0, disagreements = 0;
  for (const Check& check : checks) {
    if (check.format != "terraform" && check.format != "arm") continue;  // the same rules cover ARM
    CAPTURE(check.format);
    auto impl = kImplemented.find(check.name);
    if (impl == kImplemented.end()) continue;
    const std::string& rule = impl->second;
    CAPTURE(check.name);
    CAPTURE(rule);
    REQUIRE_MESSAGE(!check.fixtureDir.empty(), check.name << " has no fixture dir in EXPECTED.md");
    REQUIRE_MESSAGE(!check.cases.empty(), check.name << " lists no cases in EXPECTED.md");
    fs::path dir = base / check.fixtureDir;
    REQUIRE_MESSAGE(fs::is_directory(dir), dir.string() << " does not exist");

    auto judge = [&](const Case& c, bool flagged) {
      const Disagreement* d = disagreement(check.name, c.item);
      bool expected = d ? !c.failing : c.failing;
      std::string checkov = c.failing ? "FAILED" : "PASSED";
      std::string ours = flagged ? " reports it" : " does not report it";
      if (d) {
        CHECK_MESSAGE(flagged == expected, check.name << " " << c.item << ": checkov " << checkov << "; we disagree on purpose ("
                                                     << d->reason << ") but " << rule << ours);
        ++disagreements;
      } else {
        CHECK_MESSAGE(flagged == expected, check.name << " " << c.item << ": checkov " << checkov << " but " << rule << ours);
        ++agreements;
      }
    };

    if (check.perFile) {
      for (const Case& c : check.cases) {
        CAPTURE(c.item);
        fs::path file = dir / c.item;
        REQUIRE_MESSAGE(fs::is_regular_file(file), file.string() << " does not exist");
        IsolatedCopy copy(file);
        ScanOutcome out = scanFor(rule, copy.dir);
        CHECK_MESSAGE(out.errors.empty(), c.item << " does not load cleanly:\n" << out.errors);
        CHECK_MESSAGE(!out.resources.empty(), c.item << " yields no resource");
        judge(c, !out.flagged.empty());
      }
    } else {
      ScanOutcome out = scanFor(rule, dir);
      CHECK_MESSAGE(out.errors.empty(), dir.string() << " does not load cleanly:\n" << out.errors);
      for (const Case& c : check.cases) {
        CAPTURE(c.item);
        // A resource we failed to load would otherwise look like a pass.
        std::string address = ourAddress(check.format, c.item);
        CHECK_MESSAGE(out.resources.count(address), c.item << " was not loaded from " << dir.string());
        judge(c, out.flagged.count(address) > 0);
      }
    }
  }
  MESSAGE("checkov conformance: " << agreements << " verdicts agree, " << disagreements
                                  << " documented deliberate disagreements");
  CHECK(agreements + disagreements > 0);
}
