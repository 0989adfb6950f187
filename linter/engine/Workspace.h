// Workspace: the engine. One object owns everything a scan needs and everything worth keeping
// between scans of the same files: the options, the project configuration (the last valid one
// stays in effect while an editor's copy is broken), the policy catalog, the source texts, the
// front-end units with what they produced and what the resource-local policies found in them,
// and each front-end's kept parse state (the language server's open Terraform modules).
//
// Faces are thin adapters over it: `edgeguard scan` builds one Workspace, analyses once and
// renders the Analysis; `edgeguard lsp` keeps one for the session, tells it about buffers,
// settings and files changed on disk, and analyses again after each edit (clangd's ClangdServer
// is the model: the LSP server is a client of the engine, not a second engine).
//
// An analysis is incremental and gives exactly what a fresh scan of the same files gives (a
// test applies random edit sequences and compares):
//   - discovery is kept and walked again only when a directory changed on disk;
//   - a file is read again only when its buffer's text or its size, inode or times changed;
//   - a unit (a Terraform module directory, a template, a manifest) is loaded again only when
//     one of the files it read is a new version; otherwise its resources are shared, not copied;
//   - resource-local policies (policy::isResourceLocal) are evaluated only on new units;
//     policies over edges, units or the whole scan (related:, aggregate:) run over the whole
//     graph;
//   - what a unit contributes to the edges (its references resolved inside it, the names it
//     declares, the resources that take part in joins across units: Linker.h's UnitLinks) is
//     computed when it is loaded; the names of all units are counted in a LinkIndex updated
//     with the units that came and went, so linking walks short lists, not the whole graph.
// Not thread-safe: one thread drives a Workspace; an Analysis it returned is immutable and may
// be read from any thread while the Workspace goes on.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"
#include "linter/engine/Config.h"
#include "linter/engine/Linker.h"
#include "linter/engine/ResultCache.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/policy/Policy.h"
#include "parsers/FrontEnd.h"

namespace eg {

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
  // Project configuration (.edgeguard.yaml): rule selection, severities, parameters, extra
  // policy directories, excludes and security groups. Given here, it is used as it is;
  // otherwise the Workspace loads `configFile`, else the nearest .edgeguard.yaml above
  // `configSearchFrom` (neither: no configuration). An open buffer of it wins over the disk.
  std::shared_ptr<const Config> config;
  std::optional<std::filesystem::path> configFile;
  std::optional<std::filesystem::path> configSearchFrom;
  // A configuration that does not load leaves the last valid one (of the same file) in effect,
  // with its errors reported (the editor, while the file is being typed). False: no
  // configuration is in effect then (the CLI stops on the errors).
  bool keepLastValidConfig = false;
  // Rule selection from the command line (--preset, --select, --ignore); wins over config.
  RuleSelection rules;
  // The preset when neither `rules.preset` nor the configuration's `extends` names one. The
  // faces users see (the CLI's scan, the language server) set policy::kDefaultPreset; "all"
  // here keeps every rule for library callers (tests, `rules`, `explain`, `docs`).
  std::string defaultPreset = "all";
  // The client reports every change on disk through filesChanged(events) (an editor whose file
  // watcher covers every file of the workspace folders). After one analysis that checked every
  // stamp, analyses read again only the files events and buffers name: nothing is stat'ed, so an
  // edit costs the same in a workspace of 10 files or of 10,000. Off: every analysis compares
  // the stamps of every file and directory it depends on.
  bool trustFileEvents = false;
  // The on-disk cache of unit results (ResultCache.h): `edgeguard scan` turns it on.
  CacheOptions cache;
  // Keep what the next analysis reuses (each unit's contribution to the edges and the index of
  // names). A Workspace analysed once (`edgeguard scan`) sets false: they are made for linking
  // and freed before the policies run, so a batch scan's peak memory does not carry them.
  bool keepUnits = true;
  // Analysed once by a caller that reads no resource's attributes afterwards (no fixes, no
  // graph report), with keepUnits false: each unit's resource-local policies run as soon as it
  // is loaded, and then its resources keep of their attributes only what the whole-graph
  // policies and linking read (AttributeUse.h). A batch scan then holds about one unit's whole
  // trees per job instead of every unit's.
  bool trimResources = false;
  // When set, the analysis reports only the findings and errors located in these files (the
  // store's keys; an editor shows its open documents'). Every unit is still loaded, linked and
  // judged (a verdict may depend on any file), but what other files get is neither copied into
  // the result nor fingerprinted, sorted or redacted; a finding suppressed by a comment in
  // another file is still suppressed. Unset: every file's.
  std::optional<std::set<std::string>> reportOnly;
};

// A change on disk an editor's file watcher reported.
struct FileEvent {
  enum class Kind { Created, Changed, Deleted };
  std::filesystem::path path;
  Kind kind = Kind::Changed;
};

struct ScanResult {
  std::vector<Finding> findings;  // sorted by file, position, rule; includes suppressed ones
  std::vector<Error> errors;      // inputs, policies or configuration that could not be processed
  size_t files = 0;               // input files read
  size_t resources = 0;           // resources in the graph
};

struct UnitState;  // a loaded front-end unit (Workspace.cpp)

// The outcome of one analysis: its findings and errors, and the sources and graph they point
// into (for reporters, fixes, code actions). Immutable; keeps alive what it refers to.
class Analysis {
 public:
  ScanResult result;
  const SourceStore& sources() const { return *store_; }
  const ResourceGraph& graph() const { return graph_; }
  const policy::PolicyCatalog& catalog() const { return *catalog_; }
  std::shared_ptr<const Config> config() const { return config_; }
  // Units loaded by this analysis, and units taken as they were from the previous one.
  size_t unitsLoaded = 0, unitsReused = 0;
  // Of the units loaded: taken from the on-disk cache, and written to it; why it is off (when
  // it was asked for and could not be used).
  size_t unitsFromCache = 0, unitsCached = 0;
  std::string cacheNote;
  // Milliseconds spent in each phase (discovery, load, link, policies, ...), in order: what
  // benchmarks report and profiles start from.
  std::vector<std::pair<std::string, double>> phases;
  // The files of this analysis (a store kept between analyses also holds old versions of
  // edited files), in id order.
  const std::vector<FileId>& files() const { return files_; }

 private:
  friend class Workspace;
  std::shared_ptr<SourceStore> store_;
  std::vector<std::shared_ptr<const UnitState>> units_;  // owners of the graph's resources
  ResourceGraph graph_;
  std::shared_ptr<const policy::PolicyCatalog> catalog_;
  std::shared_ptr<const Config> config_;
  std::vector<FileId> files_;
};

class Workspace {
 public:
  explicit Workspace(ScanOptions options);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const ScanOptions& options() const { return options_; }
  // New options (paths, settings): what they change is dropped and rebuilt on demand; what they
  // do not change (source texts, units of other settings alike) is kept.
  void setOptions(ScanOptions options);
  // The editor's open buffers (canonicalKey -> text), replacing the previous set.
  void setOverlays(std::shared_ptr<const SourceStore::Overlays> overlays);
  // Files may have been created, deleted or changed on disk in ways a file's own stamp does
  // not show (the editor's file watcher said so): discovery and every unit are redone.
  void filesChanged();
  // These files changed on disk (the watcher named them): a changed file is read again by the
  // next analysis; a file created or deleted makes it walk the folders and check every stamp.
  void filesChanged(const std::vector<FileEvent>& events);
  // Keeps the front-ends' parse state (syntax trees) for these files (canonical paths: the
  // documents open in an editor) and drops the rest; kept() counts what is kept.
  void keepStateFor(std::vector<std::string> canonicalPaths);
  size_t kept() const;

  // Loads the configuration and the policies when what they come from changed since the last
  // call (options, the configuration's text, the files of the policy directories). Returns
  // false when any of them has errors; `errors` gets them (every call, also when nothing was
  // reloaded). A scan may still run with what loaded.
  bool preparePolicies(std::vector<Error>& errors);
  const policy::PolicyCatalog& catalog() const { return *catalog_; }
  std::shared_ptr<const Config> config() const { return config_; }

  // Scans options().paths with the current buffers: loads what changed, evaluates, and returns
  // the result. Calls preparePolicies first when it was never called. The caller owns the
  // analysis (the Workspace keeps none of it): a one-shot caller may take its result.
  std::shared_ptr<Analysis> analyse();

 private:
  struct Discovered {
    std::filesystem::path path;
    bool named = false;   // named on the command line (not found by walking a directory)
    size_t frontEnd = 0;  // index into frontEnds_ of the first front-end that accepts it
  };
  struct Discovery;
  std::vector<Discovered> discover(const std::vector<std::filesystem::path>& roots, std::vector<Error>& errors,
                                   Discovery* record);
  // True when nothing discovery depends on changed; `verified` gets the canonical keys of the
  // files whose stamps it checked and found old enough to trust.
  bool discoveryCurrent(const Discovery& d, std::set<std::string>& verified) const;
  void dropUnits();

  ScanOptions options_;
  std::vector<std::unique_ptr<FrontEnd>> frontEnds_;
  std::vector<std::unique_ptr<KeptState>> kept_;  // per front-end (null: keeps nothing)
  std::shared_ptr<SourceStore> store_;
  // Configuration and policies, and what they were built from.
  std::shared_ptr<const policy::PolicyCatalog> catalog_;
  std::shared_ptr<const Config> config_;
  std::vector<Error> setupErrors_;
  std::string setupKey_, setupListing_;
  std::vector<std::filesystem::path> setupDirs_;
  bool prepared_ = false;
  uint64_t catalogVersion_ = 0;
  Hash128 setupDigest_;  // policySourcesDigest of the catalog: part of every cache key
  // Discovery of options_.paths and options_.contextPaths, kept until a directory changes.
  std::unique_ptr<Discovery> discovery_;
  // Units of the last analysis, by key (front-end, files, which are context).
  std::map<std::string, std::shared_ptr<const UnitState>> units_;
  // The names the units of the last analysis declare (by unit serial), for linking.
  std::map<uint32_t, std::shared_ptr<const UnitState>> indexed_;
  LinkIndex linkIndex_;
  // What the resource-local policies found in each of those units.
  struct LocalFindings {
    uint32_t unit = 0;                    // UnitState::serial of the unit they were found in
    std::string key;                      // the catalog version and options they were found with
    std::vector<std::vector<Finding>> byPolicy;  // by catalog index
    // By catalog index: why the policy failed; empty when none failed (most units: it is
    // sized on the first failure).
    std::vector<std::string> failed;
    const UnitState* state = nullptr;     // while being evaluated
  };
  std::map<std::string, LocalFindings> local_;
  // Per file version (the store's file ids): its suppression comments and its secrets' texts.
  struct FileCaches;
  std::unique_ptr<FileCaches> fileCaches_;
  struct Redaction;
  std::unique_ptr<Redaction> redaction_;
  std::set<std::string> overlayKeys_;  // the buffers of the last analysis
  // Files events said changed since the last analysis; whether an analysis checked every stamp
  // since trustFileEvents was set (until then, events are not trusted alone).
  std::vector<std::filesystem::path> changedPaths_;
  bool eventsTrusted_ = false;
  uint32_t nextUnit_ = 0;
  ResourceId nextResource_ = 0;
  std::map<ResourceId, ResourceId> freeIds_;  // ranges (first id, count) of ids no unit holds
};

// FNV-1a 64-bit as 16 lowercase hex digits; used for fingerprints (never for security).
std::string fingerprint(std::string_view text);

}  // namespace eg
