// Bicep/ARM equivalence: the same deployment written in Bicep and compiled to ARM JSON must get
// the same verdicts. Two corpora:
//  - azure-bicep (the Bicep compiler's own samples): every `main.bicep` that has its compiled
//    `main.json` beside it (baselines/*/ and user_submitted/**/). Each side is scanned alone, in
//    its own Session, with the built-in policies; the sets of (rule, resource kind, resource
//    name) of the known, unsuppressed findings must be identical. The name is the evaluated
//    `attributes.name` when it is a known string and is left out otherwise.
//  - kics (assets/queries/azureResourceManager/*/test/): hand-written `x.bicep` / `x.json`
//    pairs. There the graphs are compared as well as the findings: the same multiset of
//    (resource kind, name where known). Attributes are not compared value for value: the ARM
//    side is written by hand and often carries properties (apiVersion-specific defaults, empty
//    objects) the Bicep side omits, which no policy looks at; equal findings is the policy-
//    relevant comparison.
// `Invalid*` baselines are skipped; a pair where either side reports an error is skipped and
// counted. Known, legitimate differences are listed below with the reason, and the test asserts
// that each listed difference still exists, so the list stays honest. The corpus lives outside
// the repository (EG_SOURCE_DIR/../shared/corpus); without it the test passes with a message.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "linter/engine/Session.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {

struct Exception {
  std::string pair;  // path relative to the corpus folder, without extension
  std::string reason;
};

// azure-bicep pairs whose findings legitimately differ: none at present.
const std::vector<Exception> kBicepExceptions = {};

// kics pairs whose findings or resources legitimately differ.
const char* const kPostgresReason =
    "the ARM sample names the firewall rule [concat(variables('serverName'),'firewall')] but declares no variables (a kics sample defect), so its name is unknown; the Bicep declares var serverName = 'server'";
const char* const kStorageLoggingReason =
    "the ARM sample puts the diagnostic setting in a nested deployment (an extra Microsoft.Resources/deployments resource) named from parameters without defaults (unknown); the Bicep declares it at top level with a literal name";
const std::vector<Exception> kKicsExceptions = {
    {"postgres_sql_server_ssl_disabled/test/negative1", kPostgresReason},
    {"postgres_sql_server_ssl_disabled/test/negative2", kPostgresReason},
    {"postgres_sql_server_ssl_disabled/test/positive1", kPostgresReason},
    {"postgres_sql_server_ssl_disabled/test/positive2", kPostgresReason},
    {"postgres_sql_server_ssl_disabled/test/positive3", kPostgresReason},
    {"postgres_sql_server_ssl_disabled/test/positive4", kPostgresReason},
    {"storage_logging_for_read_write_delete_requests_disabled/test/negative1", kStorageLoggingReason},
    {"storage_logging_for_read_write_delete_requests_disabled/test/positive1", kStorageLoggingReason},
    {"storage_logging_for_read_write_delete_requests_disabled/test/positive2", kStorageLoggingReason},
    {"storage_logging_for_read_write_delete_requests_disabled/test/positive3", kStorageLoggingReason},
    {"storage_logging_for_read_write_delete_requests_disabled/test/positive4", kStorageLoggingReason},
    {"storage_logging_for_read_write_delete_requests_disabled/test/positive5", kStorageLoggingReason},
    {"storage_logging_for_read_write_delete_requests_disabled/test/positive6", kStorageLoggingReason},
};

const Exception* findException(const std::vector<Exception>& list, const std::string& pair) {
  for (const Exception& e : list)
    if (e.pair == pair) return &e;
  return nullptr;
}

struct Outcome {
  std::set<std::string> findings;         // "rule|kind|name"
  std::multiset<std::string> resources;   // "kind|name", of the scanned file only
  std::string errors;
  size_t rawFindings = 0;                 // known, unsuppressed findings before deduplication
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string knownName(const Resource& r) {
  const Value* name = r.attributes.get("name");
  if (name && name->isString()) return name->asString();
  return std::string();
}

Outcome scanOne(const fs::path& file) {
  ScanOptions options;
  options.paths = {file};
  options.jobs = 1;
  options.showUnknown = false;
  Session session(options);
  std::vector<Error> policyErrors;
  REQUIRE(session.loadPolicies(policyErrors));
  ScanResult result = session.scan();
  Outcome out;
  for (const Error& e : result.errors)
    out.errors += std::string(e.code).append(" ").append(e.path).append(":").append(std::to_string(e.line))
                      .append(": ").append(e.message).append("\n");
  const ResourceGraph& graph = session.graph();
  // Kinds are compared case-insensitively: ARM types are case-insensitive and the compiled
  // JSON keeps the spelling of the Bicep source, but hand-written pairs do not always.
  // A Bicep file is loaded with the other Bicep files of its folder as context; only the
  // resources declared in the scanned file itself are compared. Parameter declarations
  // (Deployment/parameter) are not deployed resources, and the hand-written pairs declare
  // them differently; their findings are still compared.
  const SourceFile* scanned = session.sources().find(file);
  FileId scannedId = scanned ? scanned->id() : kNoFile;
  for (const Resource& r : graph.resources())
    if (r.file == scannedId && !equalsIgnoreCase(r.kind, "Deployment/parameter"))
      out.resources.insert(std::string(lower(r.kind)).append("|").append(knownName(r)));
  for (const Finding& f : result.findings) {
    if (f.suppressed || f.unknown) continue;
    ++out.rawFindings;
    std::string name;
    for (const Resource& r : graph.resources())
      if (r.address == f.resource && r.kind == f.kind && r.file != kNoFile) {
        name = knownName(r);
        break;
      }
    out.findings.insert(std::string(f.rule).append("|").append(lower(f.kind)).append("|").append(name));
  }
  return out;
}

template <typename Set>
std::string difference(const Set& a, const Set& b) {
  std::vector<std::string> onlyA, onlyB;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(onlyA));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(onlyB));
  std::string out;
  for (const std::string& s : onlyA) out.append("  bicep only: ").append(s).append("\n");
  for (const std::string& s : onlyB) out.append("  arm only:   ").append(s).append("\n");
  return out;
}

struct Tally {
  size_t checked = 0, agreed = 0, excepted = 0, skippedErrors = 0;
  size_t findings = 0, withFindings = 0;  // distinct (rule, kind, name) findings compared; pairs with any
  std::vector<std::string> unexpected;      // differences not in the exception list
  std::vector<std::string> stale;           // listed exceptions that now agree
  std::vector<std::string> errorPairs;
  std::set<std::string> seenExceptions;
};

void comparePair(const std::string& id, const fs::path& bicep, const fs::path& json, bool compareResources,
                 const std::vector<Exception>& exceptions, Tally& t) {
  Outcome b = scanOne(bicep);
  Outcome a = scanOne(json);
  if (!b.errors.empty() || !a.errors.empty()) {
    ++t.skippedErrors;
    t.errorPairs.push_back(std::string(id).append("\n").append(b.errors).append(a.errors));
    if (findException(exceptions, id)) t.seenExceptions.insert(id);
    return;
  }
  ++t.checked;
  t.findings += b.findings.size();
  if (!b.findings.empty() || !a.findings.empty()) ++t.withFindings;
  std::string diff = difference(b.findings, a.findings);
  if (compareResources && b.resources != a.resources) {
    std::multiset<std::string> onlyB, onlyA;
    std::set_difference(b.resources.begin(), b.resources.end(), a.resources.begin(), a.resources.end(),
                        std::inserter(onlyB, onlyB.end()));
    std::set_difference(a.resources.begin(), a.resources.end(), b.resources.begin(), b.resources.end(),
                        std::inserter(onlyA, onlyA.end()));
    for (const std::string& s : onlyB) diff.append("  bicep-only resource: ").append(s).append("\n");
    for (const std::string& s : onlyA) diff.append("  arm-only resource:   ").append(s).append("\n");
  }
  const Exception* ex = findException(exceptions, id);
  if (ex) t.seenExceptions.insert(id);
  if (diff.empty()) {
    ++t.agreed;
    if (ex) t.stale.push_back(std::string(id).append(" (listed: ").append(ex->reason).append(")"));
  } else if (ex) {
    ++t.excepted;
  } else {
    t.unexpected.push_back(std::string(id).append("\n").append(diff));
  }
}

void report(const std::string& corpus, const Tally& t, const std::vector<Exception>& exceptions) {
  MESSAGE(corpus << ": " << t.checked << " pairs checked, " << t.agreed << " agree, " << t.excepted
                 << " listed exceptions, " << t.skippedErrors << " skipped for errors; " << t.withFindings
                 << " pairs have findings, " << t.findings << " distinct findings compared");
  for (const std::string& e : t.errorPairs) MESSAGE("skipped (error): " << e);
  for (const std::string& u : t.unexpected) FAIL_CHECK("findings differ: " << u);
  for (const std::string& s : t.stale) FAIL_CHECK("listed exception no longer differs: " << s);
  for (const Exception& e : exceptions)
    if (!t.seenExceptions.count(e.pair)) FAIL_CHECK("listed exception names no pair: " << e.pair);
}

std::string relNoExt(const fs::path& p, const fs::path& base) {
  fs::path rel = fs::relative(p, base);
  rel.replace_extension();
  return rel.generic_string();
}

}  // namespace

TEST_CASE("bicep and arm equivalence: compiled azure-bicep samples get the same findings") {
  fs::path base = fs::path(EG_SOURCE_DIR) / ".." / "shared" / "corpus" / "azure-bicep" / "src" / "Bicep.Core.Samples" / "Files";
  if (!fs::exists(base)) {
    MESSAGE("azure-bicep corpus not found at " << base.string() << ": equivalence test skipped");
    return;
  }
  base = fs::canonical(base);
  std::vector<fs::path> jsons;
  for (const auto& entry : fs::recursive_directory_iterator(base))
    if (entry.is_regular_file() && entry.path().filename() == "main.json") jsons.push_back(entry.path());
  std::sort(jsons.begin(), jsons.end());
  Tally t;
  for (const fs::path& json : jsons) {
    fs::path rel = fs::relative(json, base);
    std::string top = rel.begin()->string();
    if (top != "baselines" && top != "user_submitted") continue;
    std::string folder = json.parent_path().filename().string();
    if (top == "baselines" && folder.rfind("Invalid", 0) == 0) continue;
    fs::path bicep = json.parent_path() / "main.bicep";
    if (!fs::exists(bicep)) continue;
    comparePair(relNoExt(json, base), bicep, json, false, kBicepExceptions, t);
  }
  CHECK(t.checked > 100);
  report("azure-bicep", t, kBicepExceptions);
}

TEST_CASE("bicep and arm equivalence: kics ARM and Bicep pairs give the same resources and findings") {
  fs::path base = fs::path(EG_SOURCE_DIR) / ".." / "shared" / "corpus" / "kics" / "assets" / "queries" / "azureResourceManager";
  if (!fs::exists(base)) {
    MESSAGE("kics corpus not found at " << base.string() << ": equivalence test skipped");
    return;
  }
  base = fs::canonical(base);
  std::vector<fs::path> bicepFiles;
  for (const auto& entry : fs::recursive_directory_iterator(base))
    if (entry.is_regular_file() && entry.path().extension() == ".bicep") bicepFiles.push_back(entry.path());
  std::sort(bicepFiles.begin(), bicepFiles.end());
  Tally t;
  for (const fs::path& bicep : bicepFiles) {
    fs::path json = bicep;
    json.replace_extension(".json");
    if (!fs::exists(json)) continue;
    comparePair(relNoExt(bicep, base), bicep, json, true, kKicsExceptions, t);
  }
  CHECK(t.checked > 100);
  report("kics", t, kKicsExceptions);
}
