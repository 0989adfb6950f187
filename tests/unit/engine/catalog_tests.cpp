// The policy catalog test: discovers every built-in policy and fails when one lacks a good and
// a bad fixture for a format it applies to, when ids or names repeat, when a bad fixture gives no
// finding or a good one gives any, or when findings differ from the golden beside the fixture;
// and when docs/rules/ or policies/CATALOG.md differ from what `edgeguard docs` generates.
// UPDATE_GOLDENS=1 rewrites the goldens (review them as a diff).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "linter/engine/Session.h"
#include "linter/policy/PolicyDocs.h"
#include "linter/report/Reporter.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One line per finding of `rule`: "path:line:col: RULE message" (+ " [suppressed]").
std::string findingsOf(const std::string& rule, const fs::path& dir, bool& hadErrors, std::string& errorText) {
  ScanOptions options;
  options.paths = {dir};
  options.jobs = 1;
  options.showUnknown = false;
  Session session(options);
  std::vector<Error> errors;
  REQUIRE(session.loadPolicies(errors));
  ScanResult result = session.scan();
  hadErrors = hasRealErrors(result.errors);  // notes (EG910: a registry module not restored) are not errors
  for (const Error& e : result.errors) {
    if (!e.notice) errorText += e.path + ": " + e.message + "\n";
  }
  std::string out;
  for (const Finding& f : result.findings) {
    if (f.rule != rule) continue;
    ResolvedRange r = resolve(session.sources(), f.location);
    out += r.path + ":" + std::to_string(r.line) + ":" + std::to_string(r.column) + ": " + f.rule + " " + f.message;
    if (f.suppressed) out += " [suppressed]";
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("every policy has fixtures per format, unique ids and names, and findings matching goldens") {
  fs::current_path(EG_SOURCE_DIR);
  policy::PolicyCatalog catalog;
  std::vector<Error> errors;
  REQUIRE(catalog.loadBuiltins(errors));
  REQUIRE(errors.empty());
  REQUIRE_FALSE(catalog.policies().empty());
  bool update = std::getenv("UPDATE_GOLDENS") && std::string(std::getenv("UPDATE_GOLDENS")) == "1";

  // Fixtures are required for every format the policy names that has a front-end in this build.
  std::set<std::string> available;
  for (const auto& fe : makeFrontEnds()) available.insert(std::string(fe->format()));

  std::set<std::string> ids, names;
  CHECK_MESSAGE(readFile("docs/rules/README.md") == policy::renderIndex(catalog.policies()),
                "docs/rules/README.md is stale: run `make docs`");
  CHECK_MESSAGE(readFile("policies/CATALOG.md") == policy::renderCatalog(catalog.policies()),
                "policies/CATALOG.md is stale: run `make docs`");
  for (const auto& p : catalog.policies()) {
    CAPTURE(p->id);
    fs::path page = fs::path("docs/rules") / policy::docsFileName(*p);
    CHECK_MESSAGE(readFile(page) == policy::renderMarkdown(*p), page.string() << " is stale or missing: run `make docs`");
    CHECK_MESSAGE(ids.insert(p->id).second, "duplicate policy id " << p->id);
    CHECK_MESSAGE(names.insert(p->name).second, "duplicate policy name " << p->name);
    CHECK_MESSAGE(!p->formats.empty(), p->id << " names no formats in applies_to.formats");
    for (const std::string& format : p->formats) {
      // The docs show what is reported and what is not in every format the rule reads.
      CHECK_MESSAGE(p->examples.count(format), p->id << " has no examples." << format << " (bad/good) in its YAML");
      if (!available.count(format)) continue;
      CAPTURE(format);
      for (std::string verdict : {"good", "bad"}) {
        fs::path dir = fs::path("fixtures/policies") / p->id / format / verdict;
        if (!fs::is_directory(dir)) {
          FAIL_CHECK(p->id << " has no " << verdict << " fixture for " << format << " (" << dir.string() << ")");
          continue;
        }
        bool hadErrors = false;
        std::string errorText;
        std::string actual = findingsOf(p->id, dir, hadErrors, errorText);
        CHECK_MESSAGE(!hadErrors, dir.string() << " does not scan cleanly:\n" << errorText);
        if (verdict == "good") {
          CHECK_MESSAGE(actual.empty(), dir.string() << " is a good fixture but gives:\n" << actual);
        } else {
          CHECK_MESSAGE(!actual.empty(), dir.string() << " is a bad fixture but gives no " << p->id << " finding");
        }
        fs::path golden = dir / "findings.golden";
        if (update) {
          std::ofstream(golden, std::ios::binary) << actual;
        } else {
          CHECK_MESSAGE(fs::exists(golden), "missing golden " << golden.string());
          CHECK(readFile(golden) == actual);
        }
      }
    }
  }
}
