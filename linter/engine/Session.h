// Session: one scan. Documents in (paths from the command line, or buffers from an editor)
// -> front-ends -> ResourceGraph -> policy evaluation -> findings out, with suppressions
// and fingerprints applied. Knows nothing of output formats or LSP.
//
// Threading: scan() loads independent units (a Terraform module, a JSON file) on up to
// `jobs` threads and evaluates policies in parallel over the finished, read-only graph.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"
#include "linter/engine/Config.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/policy/Policy.h"
#include "parsers/FrontEnd.h"

namespace eg {

class UnitCache;

struct ScanOptions {
  std::vector<std::filesystem::path> paths;              // files or directories; empty = "."
  std::vector<std::filesystem::path> policyDirs;         // --policy-dir
  // --context: files or directories loaded and evaluated with the scanned ones (cross-file
  // rules see them) but not reported on; pre-commit passes the project root.
  std::vector<std::filesystem::path> contextPaths;
  FrontEndOptions frontEnd;
  LoadLimits limits;
  bool showUnknown = false;
  // Files named on the command line that no front-end reads are skipped silently instead of
  // being an error: pre-commit and editors pass every changed file (package.json, workflows).
  bool skipUnsupported = false;
  unsigned jobs = 0;  // 0 = hardware concurrency
  // Parse the built-in policies' documentation (description, remediation, ...). Only rule
  // help needs it (SARIF rule metadata, explain, hover); without it start-up is faster.
  bool policyDocumentation = true;
  // Called from the loading threads as units finish: files loaded so far, files in the scan.
  // Must be thread-safe; the CLI draws a progress line with it.
  std::function<void(size_t done, size_t total)> progress;
  // Editor buffers that override the files on disk (keyed by canonicalKey(path)); a named
  // path with a buffer is scanned even when it does not exist on disk yet.
  std::shared_ptr<const SourceStore::Overlays> overlays;
  // Front-end results kept between scans (the language server): units whose files did not
  // change are not parsed again. Null: every unit is loaded.
  std::shared_ptr<UnitCache> unitCache;
  // Project configuration (.edgeguard.yaml): rule selection, severities, parameters, extra
  // policy directories (applied by loadPolicies), excludes and security groups (by scan).
  std::shared_ptr<const Config> config;
  // Rule selection from the command line (--preset, --select, --ignore); wins over config.
  RuleSelection rules;
  // The preset when neither `rules.preset` nor the configuration's `extends` names one. The
  // faces users see (the CLI's scan, the language server) set policy::kDefaultPreset; "all"
  // here keeps every rule for library callers (tests, `rules`, `explain`, `docs`).
  std::string defaultPreset = "all";
};

struct ScanResult {
  std::vector<Finding> findings;  // sorted by file, position, rule; includes suppressed ones
  std::vector<Error> errors;      // inputs, policies or configuration that could not be processed
  size_t files = 0;               // input files read
  size_t resources = 0;           // resources in the graph
};

class Session {
 public:
  explicit Session(ScanOptions options);
  ~Session();

  // Loads the built-in pack and --policy-dir policies, then applies the configuration's rule
  // settings. False when any policy file or rule setting is invalid (its errors are returned);
  // the scan may still run with the valid ones.
  bool loadPolicies(std::vector<Error>& errors);
  const policy::PolicyCatalog& catalog() const { return catalog_; }
  // Uses a catalog another Session loaded instead of calling loadPolicies: the language server
  // keeps one between analyses. The policies are shared, not copied; neither side changes them.
  void adoptCatalog(const policy::PolicyCatalog& catalog) { catalog_ = catalog; }

  ScanResult scan();

  const SourceStore& sources() const { return store_; }
  const ResourceGraph& graph() const { return graph_; }

 private:
  struct Discovered {
    std::filesystem::path path;
    bool named = false;  // named on the command line (not found by walking a directory)
    size_t frontEnd = 0;  // index into frontEnds_ of the first front-end that accepts it
  };
  std::vector<Discovered> discover(const std::vector<std::filesystem::path>& roots, std::vector<Error>& errors);
  std::string readHead(const std::filesystem::path& p) const;
  void evaluate(ScanResult& result);
  void linkDeclarations(std::vector<Finding>& findings) const;

  ScanOptions options_;
  SourceStore store_;
  ResourceGraph graph_;
  policy::PolicyCatalog catalog_;
  std::vector<std::unique_ptr<FrontEnd>> frontEnds_;
};

// FNV-1a 64-bit as 16 lowercase hex digits; used for fingerprints (never for security).
std::string fingerprint(std::string_view text);

}  // namespace eg
