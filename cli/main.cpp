// edgeguard command line: scan (and scan --fix), graph, rules, explain, docs, init, lsp; version,
// completion and manpage are in InfoCommands.
// `scan` writes one or more reports (--format, each with an optional --output).
// Exit status (DESIGN §4): 0 nothing at or above --fail-on; 1 findings at or above it;
// 2 the tool could not do its job (usage, policy files, inputs that failed to parse).
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "editor/lsp/Server.h"
#include "linter/core/ProjectRoot.h"
#include "linter/core/Strings.h"
#include "linter/engine/Fixes.h"
#include "cli/InfoCommands.h"
#include "cli/Progress.h"
#include "linter/engine/Baseline.h"
#include "linter/engine/ChangedLines.h"
#include "linter/engine/Session.h"
#include "linter/policy/PolicyDocs.h"
#include "linter/report/Escaping.h"
#include "linter/report/GraphWriter.h"
#include "linter/report/Reporter.h"

#ifndef EDGEGUARD_VERSION
#define EDGEGUARD_VERSION "0.0.0"
#endif

namespace {

using namespace eg;
namespace fs = std::filesystem;

bool useColour(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* noColour = std::getenv("NO_COLOR");
  if (noColour && *noColour) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO);
}

// Writes `text` to `path` through a temporary file and a rename, so readers never see half a report.
bool writeFileAtomically(const fs::path& path, const std::string& text, std::string& error) {
  std::error_code statError;
  fs::file_status status = fs::status(path, statError);
  fs::file_status linkStatus = fs::symlink_status(path, statError);
  if (fs::is_symlink(linkStatus) || (fs::exists(status) && !fs::is_regular_file(status))) {
    // A symlink (/dev/stdout), a device (/dev/null) or a FIFO: write in place, since renaming
    // would replace the link or device itself. Under /dev and /proc append rather than
    // truncate, so /dev/stdout redirected to a file keeps what was written before.
    std::string p = path.lexically_normal().generic_string();
    bool special = p.rfind("/dev/", 0) == 0 || p.rfind("/proc/", 0) == 0;
    std::ofstream out(path, std::ios::binary | (special ? std::ios::app : std::ios::trunc));
    if (!(out << text) || !out.flush()) {
      error = "cannot write " + path.string();
      return false;
    }
    return true;
  }
  // The temporary file is created next to the target (same file system, so the rename is
  // atomic) with a unique name and O_EXCL (mkstemp): two runs writing the same report, or a
  // planted symlink at a predictable name, cannot make it write anywhere else.
  std::string tmpl = path.string() + ".edgeguard-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    error = "cannot write " + path.string() + ": " + std::strerror(errno);
    return false;
  }
  fs::path tmp = tmpl;
  bool ok = writeAll(fd, text);
  // Reports are ordinary files: rw for the user, r for others (umask applies), as a plain
  // open() would have created them (mkstemp makes them 0600).
  mode_t mask = umask(0);
  umask(mask);
  ok = ok && fchmod(fd, 0666 & ~mask) == 0 && fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  std::error_code ec;
  if (!ok) {
    error = "cannot write " + path.string() + ": " + std::strerror(errno);
    fs::remove(tmp, ec);
    return false;
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    error = "cannot write " + path.string() + ": " + ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

// Errors as `path:line:col: error CODE message`; positions come from the source text when the
// error names a loaded file, else from the error's own line and column.
void printErrors(const std::vector<Error>& errors, const SourceStore* sources = nullptr) {
  for (const Error& e : errors) {
    const SourceFile* f = sources ? sources->get(e.file) : nullptr;
    std::cerr << e.path;
    if (f) {
      LineCol at = f->position(e.range.begin);
      std::cerr << ':' << at.line << ':' << at.column;
    } else if (e.line) {
      std::cerr << ':' << e.line << ':' << e.column;
    }
    std::cerr << (e.notice ? ": note " : ": error ") << e.code << ' ' << e.message << '\n';
  }
}

// One report to write: a format and where to (empty or "-" = standard output).
struct OutputSpec {
  std::string format;
  std::string path;
  bool toStdout() const { return path.empty() || path == "-"; }
};

struct ScanArgs {
  std::vector<std::string> paths;
  std::vector<OutputSpec> outputs;  // from --format/--output, paired by pairOutputs()
  std::string failOn = "low";
  bool failOnGiven = false;  // --fail-on on the command line wins over the configuration's
  std::string configPath;    // --config
  bool noConfig = false;
  std::string baseline, writeBaseline;
  bool failOnStale = false;
  std::string diffBase, changedFilesFrom;
  std::string root;  // --root: the project root (linter/core/ProjectRoot.h); default: found from the first path
  std::string stdinFilename;  // --stdin-filename: with `scan -`, the name the text on standard input stands for
  std::vector<std::string> contextPaths;
  std::vector<std::string> policyDirs;
  std::vector<std::string> vars;
  std::vector<std::string> varFiles;
  bool showUnknown = false;
  bool skipUnsupported = false;
  unsigned jobs = 0;
  uint64_t maxFileSize = 16ull << 20;
  double parseTimeout = LoadLimits{}.parseSeconds;
  uint64_t parseMemoryMiB = LoadLimits{}.parseMemoryBytes >> 20;
  std::string colour = "auto";
  RuleSelection rules;                 // --preset, --select, --ignore
  std::vector<std::string> severities; // --severity: report only these
  std::string minSeverity;             // --min-severity: report only these and above
  bool compact = false;                // --compact: one line per finding
  bool quiet = false;                  // -q: nothing on success, only what fails the build
  bool fix = false;     // --fix: apply safe fixes, report what is left
  bool dryRun = false;  // --dry-run: print the fixes as a unified diff instead
  bool noCache = false; // --no-cache: load every unit, read and write no cache entry
};

// EDGEGUARD_TIMING=1 (or any value but 0): `edgeguard scan` prints one line on stderr when it
// ends, `edgeguard: timing: loaded=N from-cache=N written=N reused=N prepare=… discover=… …
// report=… total=…`: where the units came from (loaded, the on-disk cache, written to it), then
// milliseconds (configuration and policies, the engine's phases as the Workspace measured them,
// then the CLI's own); `; cache off: why` when the cache could not be used.
class ScanTiming {
 public:
  ScanTiming() {
    const char* v = std::getenv("EDGEGUARD_TIMING");
    on_ = v && *v && std::string_view(v) != "0";
  }
  // Closes the phase that ran since the last mark.
  void phase(const char* name) {
    auto now = std::chrono::steady_clock::now();
    line_.emplace_back(name, std::chrono::duration<double, std::milli>(now - mark_).count());
    mark_ = now;
  }
  // Phases measured elsewhere, which ran since the last mark.
  void phases(const std::vector<std::pair<std::string, double>>& done) {
    line_.insert(line_.end(), done.begin(), done.end());
    mark_ = std::chrono::steady_clock::now();
  }
  void units(const Analysis& a) {
    units_ = " loaded=" + std::to_string(a.unitsLoaded) + " from-cache=" + std::to_string(a.unitsFromCache) +
             " written=" + std::to_string(a.unitsCached) + " reused=" + std::to_string(a.unitsReused);
    cacheNote_ = a.cacheNote;
  }
  void print() const {
    if (!on_) return;
    std::string out = "edgeguard: timing:" + units_;
    char buf[64];
    double total = 0;
    for (const auto& [name, ms] : line_) {
      std::snprintf(buf, sizeof buf, " %s=%.1f", name.c_str(), ms);
      out += buf;
      total += ms;
    }
    std::snprintf(buf, sizeof buf, " total=%.1f", total);
    out += buf;
    if (!cacheNote_.empty()) out += "; cache off: " + cacheNote_;
    std::cerr << report::escapeTerminal(out) << '\n';
  }

 private:
  bool on_ = false;
  std::chrono::steady_clock::time_point mark_ = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> line_;
  std::string units_, cacheNote_;
};

// What reporters need of the catalog: SARIF rule metadata and links to the rule pages.
std::vector<RuleInfo> ruleInfos(const policy::PolicyCatalog& catalog) {
  auto trimmed = [](std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  };
  std::vector<RuleInfo> rules;
  for (const auto& p : catalog.policies()) {
    RuleInfo r;
    r.id = p->id;
    r.name = p->name;
    r.severity = p->severity;
    r.title = p->title;
    if (p->documented) {
      r.description = trimmed(p->description);
      if (!p->rationale.empty()) r.description.append(r.description.empty() ? "" : "\n\n").append(trimmed(p->rationale));
      r.helpMarkdown = policy::renderMarkdown(*p);
      if (r.helpMarkdown.rfind("<!--", 0) == 0) {  // the "generated, do not edit" note is for the repository
        size_t end = r.helpMarkdown.find("-->\n");
        if (end != std::string::npos) r.helpMarkdown.erase(0, end + 4);
      }
    }
    if (p->builtin) r.helpUri = policy::docsUrl(*p);
    r.tags = {"security", "azure-iot"};
    rules.push_back(std::move(r));
  }
  return rules;
}

// The resources and edges, for the Markdown reporter's diagram.
void copyGraph(const ResourceGraph& graph, Report& report) {
  report.nodes.reserve(graph.size());
  for (const Resource& r : graph.resources()) report.nodes.push_back(ReportNode{r.address, r.kind, r.file, r.header});
  for (const Edge& e : graph.edges()) report.edges.push_back(ReportEdge{e.from, e.to, std::string(e.kind)});
}

// Pairs --format and --output in the order given: an --output belongs to the --format before
// it that has none yet (or, when it comes first, to the next --format). A format without an
// output goes to standard output; at most one may. No --format means the first reporter (text).
bool pairOutputs(const CLI::App& cmd, const CLI::Option* formatOpt, const std::vector<std::string>& formats,
                 const CLI::Option* outputOpt, const std::vector<std::string>& paths,
                 std::vector<OutputSpec>& outputs, std::string& error) {
  size_t nextFormat = 0, nextPath = 0;
  std::vector<std::string> pending;  // outputs given before their format
  for (const CLI::Option* opt : cmd.parse_order()) {
    if (opt == formatOpt && nextFormat < formats.size()) {
      OutputSpec spec{formats[nextFormat++], ""};
      if (!pending.empty()) {
        spec.path = pending.front();
        pending.erase(pending.begin());
      }
      outputs.push_back(std::move(spec));
    } else if (opt == outputOpt && nextPath < paths.size()) {
      const std::string& path = paths[nextPath++];
      if (!outputs.empty() && outputs.back().path.empty()) outputs.back().path = path;
      else pending.push_back(path);
    }
  }
  if (outputs.empty()) {
    outputs.push_back(OutputSpec{std::string(reporters().front().name), pending.empty() ? "" : pending.front()});
    if (!pending.empty()) pending.erase(pending.begin());
  }
  if (!pending.empty()) {
    error = "--output " + pending.front() + " has no --format of its own (give one --format per --output)";
    return false;
  }
  size_t toStdout = 0;
  std::set<std::string> seen;
  for (const OutputSpec& o : outputs) {
    if (o.toStdout()) {
      ++toStdout;
      continue;
    }
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(o.path, ec);
    if (!seen.insert(ec ? o.path : canonical.string()).second) {
      error = "--output " + o.path + " is given twice";
      return false;
    }
  }
  if (toStdout > 1) {
    error = "more than one --format writes to standard output; give the others an --output FILE";
    return false;
  }
  return true;
}

// A session with its policies loaded, or nullptr after reporting why not: a broken policy
// file is a configuration error, and edgeguard refuses to give a verdict without it.
std::unique_ptr<Session> openSession(const ScanOptions& options) {
  auto session = std::make_unique<Session>(options);
  std::vector<Error> errors;
  if (session->loadPolicies(errors)) return session;
  printErrors(errors);
  return nullptr;
}

std::vector<std::shared_ptr<policy::Policy>> loadCatalog(const std::vector<std::string>& dirs,
                                                          ScanOptions& options, std::unique_ptr<Session>& session,
                                                          bool& ok) {
  for (const auto& d : dirs) options.policyDirs.emplace_back(d);
  options.defaultPreset = "all";  // rules, explain and docs cover every rule
  session = openSession(options);
  ok = session != nullptr;
  return ok ? session->catalog().policies() : std::vector<std::shared_ptr<policy::Policy>>{};
}

// --root, or the default: the git work tree of the first path, else the current directory.
fs::path projectRoot(const ScanArgs& args, const ScanOptions& options) {
  if (args.root.empty()) return defaultProjectRoot(options.paths.empty() ? fs::path(".") : options.paths.front());
  std::error_code ec;
  return fs::weakly_canonical(fs::absolute(args.root, ec), ec);
}

// ScanOptions from the command line and the configuration file. 0, or the exit status of a
// usage or configuration error (already reported).
int prepareScan(const ScanArgs& args, ScanOptions& options, std::string& failOn) {
  for (const auto& p : args.paths) options.paths.emplace_back(p);
  // `scan - --stdin-filename infra/main.tf` (editors, formatters, ruff's convention): the text on
  // standard input is that file, judged with the rest of its module as on disk.
  bool fromStdin = std::count(args.paths.begin(), args.paths.end(), "-") > 0;
  if (fromStdin) {
    if (args.paths.size() != 1 || args.stdinFilename.empty()) {
      std::cerr << "edgeguard: scan - reads one file from standard input and needs --stdin-filename NAME (its name "
                   "decides its format and its module)\n";
      return 2;
    }
    if (args.fix) {
      std::cerr << "edgeguard: --fix changes files on disk, not standard input\n";
      return 2;
    }
    std::string text;
    char buffer[65536];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
      text.append(buffer, static_cast<size_t>(std::cin.gcount()));
      if (text.size() > args.maxFileSize) {
        std::cerr << "edgeguard: standard input is over the limit of " << args.maxFileSize
                  << " bytes (set --max-file-size to raise it)\n";
        return 2;
      }
    }
    auto overlays = std::make_shared<SourceStore::Overlays>();
    (*overlays)[canonicalKey(args.stdinFilename)] = std::move(text);
    options.overlays = std::move(overlays);
    options.paths = {fs::path(args.stdinFilename)};
  } else if (!args.stdinFilename.empty()) {
    std::cerr << "edgeguard: --stdin-filename goes with `scan -` (the text on standard input)\n";
    return 2;
  }
  for (const auto& p : args.policyDirs) options.policyDirs.emplace_back(p);
  for (const auto& v : args.vars) {
    auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "edgeguard: --var expects NAME=VALUE, got '" << v << "'\n";
      return 2;
    }
    options.frontEnd.terraformVars[v.substr(0, eq)] = v.substr(eq + 1);
  }
  for (const auto& f : args.varFiles) options.frontEnd.terraformVarFiles.emplace_back(f);
  options.frontEnd.roots.push_back(projectRoot(args, options));
  for (const auto& p : args.contextPaths) options.contextPaths.emplace_back(p);
  options.rules = args.rules;
  options.defaultPreset = std::string(policy::kDefaultPreset);
  options.showUnknown = args.showUnknown;
  options.skipUnsupported = args.skipUnsupported;
  options.jobs = args.jobs;
  options.limits.maxFileBytes = args.maxFileSize;
  options.limits.parseSeconds = args.parseTimeout;
  options.limits.parseMemoryBytes = args.parseMemoryMiB << 20;

  // The configuration: --config, else the nearest .edgeguard.yaml above the first path.
  failOn = args.failOn;
  if (args.noConfig && !args.configPath.empty()) {
    std::cerr << "edgeguard: --config and --no-config exclude each other\n";
    return 2;
  }
  if (!args.configPath.empty()) options.configFile = fs::path(args.configPath);
  else if (!args.noConfig) options.configSearchFrom = options.paths.empty() ? fs::path(".") : options.paths.front();
  return 0;
}

// The engine for one scan, with its configuration and policies loaded, or nullptr after
// reporting why not: a broken configuration or policy file is an error, and edgeguard refuses
// to give a verdict without it. The configuration's fail-on applies unless --fail-on was given.
std::unique_ptr<Workspace> openWorkspace(const ScanArgs& args, const ScanOptions& options, std::string& failOn) {
  auto workspace = std::make_unique<Workspace>(options);
  std::vector<Error> errors;
  if (!workspace->preparePolicies(errors)) {
    printErrors(errors);
    return nullptr;
  }
  if (workspace->config() && workspace->config()->failOn && !args.failOnGiven) failOn = workspace->config()->failOn->value;
  return workspace;
}

// Entries of the on-disk cache written by another build are never used: the version, the commit
// and the executable's own stamp (a rebuilt binary is another build) are part of every key.
std::string cacheVersion() {
  std::string v = std::string(EDGEGUARD_VERSION) + ' ' + std::string(cli::buildCommit());
  if (std::optional<FileStamp> exe = fileStamp("/proc/self/exe")) {
    v += ' ' + std::to_string(exe->size) + ' ' + std::to_string(exe->mtimeNs) + ' ' + std::to_string(exe->inode);
  }
  return v;
}

// Options that choose and read the inputs: shared by `scan` and `graph`.
void addInputOptions(CLI::App* cmd, ScanArgs& args) {
  cmd->add_option("paths", args.paths, "Files or directories to scan")->type_name("PATH");
  cmd->add_option("--config", args.configPath,
                  "Configuration file (default: the nearest .edgeguard.yaml above the first path)")
      ->type_name("FILE");
  cmd->add_flag("--no-config", args.noConfig, "Ignore .edgeguard.yaml files");
  cmd->add_option("--context", args.contextPaths,
                  "Also load these files or directories so cross-file rules see them, without reporting on them")
      ->type_name("PATH");
  cmd->add_option("--policy-dir", args.policyDirs, "Directory of additional policy files")->type_name("DIR");
  std::vector<std::string> presetNames(std::begin(policy::kPresetNames), std::end(policy::kPresetNames));
  cmd->add_option("--preset", args.rules.preset,
                      "Rule set: recommended (default), strict (the rest) or all; wins over the configuration's extends")
      ->check(CLI::IsMember(presetNames));
  cmd->add_option("--select", args.rules.select,
                      "Run only these rules: ids, names, globs (EG2*) or ranges (EG200-EG299), whatever the preset "
                      "and configuration (comma-separated or repeated)")
      ->type_name("RULES")
      ->delimiter(',');
  cmd->add_option("--ignore", args.rules.ignore,
                      "Do not run these rules: ids, names, globs or ranges (comma-separated or repeated)")
      ->type_name("RULES")
      ->delimiter(',');
  cmd->add_option("--var", args.vars, "Terraform variable NAME=VALUE")->type_name("NAME=VALUE");
  cmd->add_option("--var-file", args.varFiles, "Terraform .tfvars file")->check(CLI::ExistingFile);
  cmd->add_option("--jobs,-j", args.jobs, "Worker threads (default: all cores)")->check(CLI::Range(1u, 256u));
  cmd->add_option("--max-file-size", args.maxFileSize, "Skip (and report) files larger than this many bytes")
      ->type_name("BYTES");
  cmd->add_option("--parse-timeout", args.parseTimeout,
                  "Seconds a file may take to load; over it the file is an EG908 error (default 10)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.001, 86400.0));
  cmd->add_option("--parse-memory", args.parseMemoryMiB,
                  "MiB a file may take to load; over it the file is an EG908 error (default 1024)")
      ->type_name("MIB")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
}

int runScan(const ScanArgs& args) {
  // EDGEGUARD_TIMING=1: phase times (milliseconds) on stderr when the scan ends, for benchmarks
  // (bench/run.sh) and profiles; never part of a report.
  ScanTiming timing;
  ScanOptions options;
  std::string failOn;
  if (int status = prepareScan(args, options, failOn)) return status;
  Baseline baseline;
  if (!args.baseline.empty()) {
    std::vector<Error> baselineErrors;
    if (!loadBaseline(args.baseline, baseline, baselineErrors)) {
      printErrors(baselineErrors);
      return 2;
    }
  }

  // What the reports need of the catalog and the graph: their reporters' flags (Reporter.h).
  bool ruleDocs = false, ruleLinks = false, wantsGraph = false;
  for (const OutputSpec& o : args.outputs) {
    const ReporterInfo& r = *findReporter(o.format);
    ruleDocs = ruleDocs || r.ruleDocs;
    ruleLinks = ruleLinks || r.ruleLinks;
    wantsGraph = wantsGraph || r.graph;
  }
  options.policyDocumentation = ruleDocs;
  options.cache.enabled = !args.noCache;
  options.keepUnits = false;  // analysed once
  // Only fixes and the graph report read resources' attributes after the scan.
  options.trimResources = !args.fix && !wantsGraph;
  options.cache.version = cacheVersion();
  // Long scans show progress on an interactive terminal, and nothing in logs and pipes.
  std::unique_ptr<cli::ProgressLine> progress;
  if (isatty(STDERR_FILENO)) {
    progress = std::make_unique<cli::ProgressLine>(std::cerr);
    options.progress = [p = progress.get()](size_t done, size_t total) { p->update(done, total); };
  }
  std::unique_ptr<Workspace> workspace = openWorkspace(args, options, failOn);
  if (!workspace) return 2;
  timing.phase("prepare");
  std::shared_ptr<Analysis> analysis = workspace->analyse();
  timing.phases(analysis->phases);
  const Analysis& session = *analysis;
  ScanResult result = std::move(analysis->result);  // filtered below; a large scan's findings are not copied
  timing.units(*analysis);
  if (progress) progress->finish();
  if (result.files == 0 && result.errors.empty()) {
    // A clean report over nothing must not read as a pass of something.
    std::cerr << "edgeguard: nothing to scan: no Terraform, Bicep, ARM, IoT Edge manifest or device config file in "
              << report::escapeTerminal(args.paths.empty() ? std::string(".") : args.paths.front())
              << (args.paths.size() > 1 ? " and the other paths" : "") << '\n';
  }
  if (!args.writeBaseline.empty()) {
    std::string error;
    if (!writeFileAtomically(args.writeBaseline,
                             writeBaseline(result.findings, session.sources(), args.writeBaseline, EDGEGUARD_VERSION),
                             error)) {
      std::cerr << "edgeguard: " << error << '\n';
      return 2;
    }
    size_t recorded = 0;
    for (const Finding& f : result.findings) recorded += f.suppressed ? 0 : 1;
    std::cerr << "edgeguard: wrote " << report::plural(recorded, "finding") << " to baseline " << args.writeBaseline
              << '\n';
  }
  if (!args.diffBase.empty() || !args.changedFilesFrom.empty()) {
    // Code scanning compares each SARIF upload with the base branch: alerts left out of a
    // diff-filtered SARIF look fixed. Say so; the Action uploads a full scan's SARIF.
    for (const OutputSpec& o : args.outputs) {
      if (o.format == "sarif") {
        std::cerr << "edgeguard: warning: the SARIF report holds only the findings on changed lines; uploaded to "
                     "code scanning, every other alert would look fixed (upload a full scan's SARIF instead)\n";
        break;
      }
    }
    ChangedLines changed;
    std::string error;
    if (!args.diffBase.empty() &&
        !changedSinceRevision(args.diffBase, options.paths.empty() ? fs::path(".") : options.paths.front(), changed,
                              error)) {
      std::cerr << "edgeguard: " << error << '\n';
      return 2;
    }
    if (!args.changedFilesFrom.empty() && !changedFilesFrom(args.changedFilesFrom, changed, error)) {
      std::cerr << "edgeguard: " << error << '\n';
      return 2;
    }
    keepChanged(changed, session.sources(), session.graph(), result.findings, result.errors);
  }
  bool staleEntries = false;
  if (!args.baseline.empty()) {
    BaselineOutcome outcome = applyBaseline(baseline, result.findings, session.sources());
    if (outcome.hidden && !args.quiet) {
      std::cerr << "edgeguard: " << report::plural(outcome.hidden, "finding") << " hidden by baseline "
                << args.baseline << '\n';
    }
    for (const BaselineEntry& e : outcome.stale) {
      std::cerr << args.baseline << ": stale baseline entry: " << e.rule << " " << e.resource << " in " << e.path
                << " no longer matches a finding\n";
    }
    if (!outcome.stale.empty()) {
      staleEntries = true;
      std::cerr << "edgeguard: " << outcome.stale.size() << " stale baseline entr" << (outcome.stale.size() == 1 ? "y" : "ies")
                << "; refresh the file with --write-baseline " << args.baseline << '\n';
    }
  }
  bool fixFailed = false;
  if (args.fix) {
    FixRun run = applyFixes(result.findings, session.graph(), session.sources(), session.catalog(), args.dryRun,
                            options.frontEnd.roots.front());
    for (const std::string& e : run.errors) std::cerr << "edgeguard: " << report::escapeTerminal(e) << '\n';
    std::cerr << "edgeguard: " << (args.dryRun ? "would fix " : "fixed ") << run.fixes << " finding"
              << (run.fixes == 1 ? "" : "s") << " in " << run.files << " file" << (run.files == 1 ? "" : "s") << '\n';
    std::set<std::string> fixed(run.fixed.begin(), run.fixed.end());
    std::erase_if(result.findings, [&](const Finding& f) { return fixed.count(f.fingerprint) > 0; });
    fixFailed = !run.errors.empty();
    if (args.dryRun) {
      // The diff is the output; the exit status still says whether findings would remain.
      std::cout << run.diff << std::flush;
      if (fixFailed) return 2;
      Severity threshold = parseSeverity(failOn).value_or(Severity::Low);
      for (const Finding& f : result.findings) {
        if (failOn != "none" && !f.suppressed && !f.unknown && f.severity >= threshold) return 1;
      }
      return hasRealErrors(result.errors) ? 2 : 0;
    }
  }
  // --severity / --min-severity: the other findings are neither reported nor counted for the
  // exit status (--fail-on still sets the threshold among those shown).
  if (!args.severities.empty() || !args.minSeverity.empty()) {
    std::set<Severity> keep;
    for (const std::string& s : args.severities) keep.insert(*parseSeverity(s));
    Severity floor = args.minSeverity.empty() ? Severity::Low : *parseSeverity(args.minSeverity);
    size_t hidden = std::erase_if(result.findings, [&](const Finding& f) {
      return (!keep.empty() && !keep.count(f.severity)) || f.severity < floor;
    });
    if (hidden && !args.quiet) {
      std::cerr << "edgeguard: " << report::plural(hidden, "finding") << " of other severities not shown\n";
    }
  }
  Severity threshold = parseSeverity(failOn).value_or(Severity::Low);
  auto failsBuild = [&](const Finding& f) {
    return failOn != "none" && !f.suppressed && !f.unknown && f.severity >= threshold;
  };
  // --quiet: the text on standard output holds only what fails the build, and nothing at all
  // when nothing does. Reports written to files are complete.
  std::vector<Finding> failing;
  std::vector<Error> realErrors;
  if (args.quiet) {
    for (const Finding& f : result.findings) {
      if (failsBuild(f)) failing.push_back(f);
    }
    for (const Error& e : result.errors) {
      if (!e.notice) realErrors.push_back(e);
    }
  }
  bool failNothing = failOn == "none";
  Report::SourceLinks links = ciSourceLinks();
  Report report{session.sources(), result.findings, result.errors, result.files, result.resources,
                EDGEGUARD_VERSION, false, ruleLinks ? ruleInfos(session.catalog()) : std::vector<RuleInfo>{}, {}, {},
                args.compact, threshold, failNothing, links};
  Report quietReport{session.sources(), failing, realErrors, result.files, result.resources, EDGEGUARD_VERSION, false,
                     report.rules, {}, {}, args.compact, threshold, failNothing, links};
  if (wantsGraph) copyGraph(session.graph(), report);

  // Files first (atomically), standard output last; a file that cannot be written is exit 2.
  // Standard output is written as it is rendered: a report of 10 MB is not held whole.
  bool writeFailed = false;
  auto render = [&](const OutputSpec& o, std::ostream& out) {
    report.color = findReporter(o.format)->colour && o.toStdout() && useColour(args.colour);
    if (args.quiet && o.format == "text" && o.toStdout()) {
      quietReport.color = report.color;
      if (!failing.empty() || !realErrors.empty()) makeReporter(o.format)->write(quietReport, out);
    } else {
      std::unique_ptr<Reporter> reporter = makeReporter(o.format);
      reporter->setJobs(workspace->options().jobs);  // the JSON report renders on all jobs
      reporter->write(report, out);
    }
  };
  for (const OutputSpec& o : args.outputs) {
    if (o.toStdout()) continue;
    std::ostringstream buffer;
    render(o, buffer);
    std::string error;
    if (!writeFileAtomically(o.path, std::move(buffer).str(), error)) {
      std::cerr << "edgeguard: " << error << '\n';
      writeFailed = true;
    }
  }
  for (const OutputSpec& o : args.outputs) {
    if (o.toStdout()) render(o, std::cout);
  }
  std::cout << std::flush;
  timing.phase("report");
  timing.print();
  if (writeFailed || fixFailed || hasRealErrors(result.errors)) return 2;
  if (!args.writeBaseline.empty()) return 0;  // the findings were just accepted
  if (staleEntries && args.failOnStale) return 1;
  for (const Finding& f : result.findings) {
    if (failsBuild(f)) return 1;
  }
  return 0;
}

int runGraph(const ScanArgs& args, const std::string& format, const std::string& output) {
  ScanOptions options;
  std::string failOn;
  if (int status = prepareScan(args, options, failOn)) return status;
  std::unique_ptr<Workspace> workspace = openWorkspace(args, options, failOn);
  if (!workspace) return 2;
  std::shared_ptr<const Analysis> analysis = workspace->analyse();
  const Analysis& session = *analysis;
  const ScanResult& result = analysis->result;
  Report report{session.sources(), result.findings, result.errors, result.files, result.resources,
                EDGEGUARD_VERSION, false, {}, {}, {}, false, std::nullopt, false, {}};
  copyGraph(session.graph(), report);
  std::ostringstream text;
  writeGraph(report, format, text);
  printErrors(result.errors, &session.sources());
  if (output.empty() || output == "-") {
    std::cout << text.str() << std::flush;
  } else {
    std::string error;
    if (!writeFileAtomically(output, text.str(), error)) {
      std::cerr << "edgeguard: " << error << '\n';
      return 2;
    }
  }
  return hasRealErrors(result.errors) ? 2 : 0;
}


int runRules(const std::vector<std::string>& dirs, const std::string& format) {
  ScanOptions options;
  std::unique_ptr<Session> session;
  bool ok = true;
  auto policies = loadCatalog(dirs, options, session, ok);
  if (!ok) return 2;
  if (format == "json") {
    std::cout << "[";
    for (size_t i = 0; i < policies.size(); ++i) {
      const auto& p = *policies[i];
      Value v = Value::object();
      v.set("id", p.id);
      v.set("name", p.name);
      v.set("severity", std::string(toString(p.severity)));
      v.set("preset", p.preset);
      v.set("title", p.title);
      v.set("defender", p.defender);
      Array kinds;
      for (const auto& k : p.kinds) kinds.emplace_back(k);
      v.set("kinds", Value(std::move(kinds)));
      Value peers = Value::object();
      for (const auto& [scanner, ids] : p.peers) {
        Array list;
        for (const auto& id : ids) list.emplace_back(id);
        peers.set(scanner, Value(std::move(list)));
      }
      v.set("peers", std::move(peers));
      std::cout << (i ? ",\n " : "\n ") << v.toJson();
    }
    std::cout << "\n]\n";
    return 0;
  }
  for (const auto& p : policies) {
    std::printf("%-6s %-7s %-12s %-38s %s\n", p->id.c_str(), std::string(toString(p->severity)).c_str(),
                p->preset.c_str(), p->name.c_str(), p->title.c_str());
  }
  return 0;
}

// Writes (or with `check`, compares) the generated rule pages in `dir` and, when `catalog` is
// not empty, the rule catalog (policies/CATALOG.md) at that path.
int runDocs(const std::string& dir, const std::string& catalog, bool check) {
  ScanOptions options;
  std::unique_ptr<Session> session;
  bool ok = true;
  auto policies = loadCatalog({}, options, session, ok);
  if (!ok) return 2;
  std::vector<std::pair<fs::path, std::string>> pages;
  for (const auto& p : policies) pages.emplace_back(fs::path(dir) / policy::docsFileName(*p), policy::renderMarkdown(*p));
  pages.emplace_back(fs::path(dir) / "README.md", policy::renderIndex(policies));
  if (!catalog.empty()) pages.emplace_back(fs::path(catalog), policy::renderCatalog(policies));
  int stale = 0;
  std::error_code ec;
  if (!check) {
    fs::create_directories(dir, ec);
    if (!catalog.empty() && fs::path(catalog).has_parent_path()) fs::create_directories(fs::path(catalog).parent_path(), ec);
  }
  for (const auto& [path, text] : pages) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream current;
    current << in.rdbuf();
    if (in && current.str() == text) continue;
    if (check) {
      std::cerr << path.generic_string() << ": stale or missing; run `make docs`\n";
      ++stale;
      continue;
    }
    std::string error;
    if (!writeFileAtomically(path, text, error)) {
      std::cerr << "edgeguard: " << error << '\n';
      return 2;
    }
    std::cout << "wrote " << path.generic_string() << '\n';
  }
  return stale ? 1 : 0;
}

int runInit(const std::string& dir, bool force) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::cerr << "edgeguard: " << dir << " is not a directory\n";
    return 2;
  }
  fs::path path = fs::path(dir) / kConfigFileNames[0];
  if (!force) {
    for (const char* name : kConfigFileNames) {
      if (fs::exists(fs::path(dir) / name, ec)) {
        std::cerr << "edgeguard: " << (fs::path(dir) / name).generic_string()
                  << " already exists (use --force to overwrite it)\n";
        return 2;
      }
    }
  }
  std::string error;
  if (!writeFileAtomically(path, std::string(starterConfig()), error)) {
    std::cerr << "edgeguard: " << error << '\n';
    return 2;
  }
  std::cout << "wrote " << path.generic_string() << '\n';
  return 0;
}

int runExplain(const std::string& id, const std::vector<std::string>& dirs, const std::string& format) {
  if (const EngineCode* c = findEngineCode(id)) {  // linter/core/EngineCodes.h
    std::string title = std::string(c->title) + (c->notice ? " (a note)" : "");
    if (format == "markdown") std::cout << "# " << c->code << " " << title << "\n\n" << c->text << '\n';
    else std::cout << c->code << " " << title << " (an engine diagnostic, not a rule)\n\n" << c->text << '\n';
    return 0;
  }
  ScanOptions options;
  std::unique_ptr<Session> session;
  bool ok = true;
  loadCatalog(dirs, options, session, ok);
  if (!ok) return 2;
  const policy::Policy* p = session->catalog().find(id);
  if (!p) {
    std::cerr << "edgeguard: no rule '" << report::escapeTerminal(id) << "' (see `edgeguard rules`; " << engineCodeRange() << " are engine codes)\n";
    return 2;
  }
  if (format == "markdown") {
    std::cout << policy::renderMarkdown(*p);
    return 0;
  }
  std::cout << p->id << " " << p->name << " (" << toString(p->severity) << ", preset " << p->preset << ")\n"
            << p->title << "\n\n";
  if (!p->presetReason.empty()) std::cout << "In the " << p->preset << " preset: " << p->presetReason << "\n\n";
  if (!p->defender.empty()) std::cout << "Defender for IoT recommendation: " << p->defender << "\n\n";
  std::cout << "Applies to: ";
  for (size_t i = 0; i < p->kinds.size(); ++i) std::cout << (i ? ", " : "") << p->kinds[i];
  std::cout << "\n\nWhat it does\n" << p->description << "\nWhy it matters\n" << p->rationale << '\n';
  if (!p->parameters.asObject().empty()) {
    std::cout << "Parameters\n";
    for (const Member& m : p->parameters.asObject()) std::cout << "  " << m.key << " = " << m.value.toJson() << '\n';
    std::cout << '\n';
  }
  for (const auto& [format, ex] : p->examples) {
    std::cout << "Reported (" << format << ")\n" << ex.bad << "\nNot reported (" << format << ")\n" << ex.good << '\n';
  }
  for (const auto& [format, text] : p->remediation) std::cout << "How to fix (" << format << ")\n" << text << '\n';
  if (!p->peers.empty()) {
    std::cout << "Equivalent rules in other scanners\n";
    for (const auto& [scanner, ids] : p->peers) {
      std::cout << "  " << scanner << ":";
      for (const auto& id : ids) std::cout << ' ' << id;
      std::cout << '\n';
    }
    std::cout << '\n';
  }
  if (!p->references.empty()) {
    std::cout << "References\n";
    for (const auto& r : p->references) std::cout << "  " << r << '\n';
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgeguard: a security linter for Azure IoT infrastructure as code"};
  app.require_subcommand(1);
  app.set_version_flag("--version", EDGEGUARD_VERSION);

  ScanArgs scan;
  CLI::App* scanCmd = app.add_subcommand("scan", "Scan files and directories (default: .)");
  addInputOptions(scanCmd, scan);
  std::vector<std::string> scanFormats, scanOutputs;
  std::vector<std::string> formatNames;
  for (const ReporterInfo& r : reporters()) formatNames.emplace_back(r.name);
  CLI::Option* formatOpt =
      scanCmd
          ->add_option("--format,-f", scanFormats,
                       "Output format: " + joined(formatNames) + " (repeatable, each with its own --output)")
          ->check(CLI::IsMember(formatNames))
          ->take_all()
          ->allow_extra_args(false);
  CLI::Option* outputOpt =
      scanCmd
          ->add_option("--output,-o", scanOutputs,
                       "Write the report of the preceding --format to FILE instead of standard output")
          ->type_name("FILE")
          ->take_all()
          ->allow_extra_args(false);
  CLI::Option* failOnOpt = scanCmd->add_option("--fail-on", scan.failOn, "Lowest severity that makes the exit status 1")
                               ->check(CLI::IsMember({"high", "medium", "low", "none"}));
  scanCmd->add_option("--severity", scan.severities,
                      "Report only findings of these severities (high,medium,low); the others do not count for the "
                      "exit status")
      ->type_name("LIST")
      ->delimiter(',')
      ->check(CLI::IsMember({"high", "medium", "low"}));
  scanCmd->add_option("--min-severity", scan.minSeverity,
                      "Report only findings of this severity or above; the others do not count for the exit status")
      ->check(CLI::IsMember({"high", "medium", "low"}));
  scanCmd->add_flag("--compact", scan.compact, "Text: one line per finding, without code frames");
  scanCmd->add_flag("--quiet,-q", scan.quiet,
                    "Text: print nothing when nothing fails the build, else only what fails it");
  scanCmd->add_option("--stdin-filename", scan.stdinFilename,
                      "With `scan -`: the name of the file whose text is on standard input (decides its format and "
                      "module; the other files of the module are read from disk)")
      ->type_name("PATH");
  scanCmd->add_option("--root", scan.root,
                      "The project root: files reached by reference (module sources, .env, module.json, parameter "
                      "files) are read and --fix writes only inside it (default: the top of the git work tree that "
                      "holds the first path, else the current directory)")
      ->type_name("DIR");
  scanCmd->add_option("--baseline", scan.baseline, "Hide the findings recorded in this baseline file")->type_name("FILE");
  scanCmd->add_option("--write-baseline", scan.writeBaseline, "Record the current findings in this baseline file")
      ->type_name("FILE");
  scanCmd->add_flag("--fail-on-stale", scan.failOnStale, "Exit 1 when the baseline has entries that match nothing");
  scanCmd->add_option("--diff-base", scan.diffBase,
                      "Report only findings on lines changed since REV (its merge base with HEAD; uses git)")
      ->type_name("REV");
  scanCmd->add_option("--changed-files-from", scan.changedFilesFrom,
                      "Report only findings in the files listed in FILE, one per line (- for standard input)")
      ->type_name("FILE");
  scanCmd->add_flag("--show-unknown", scan.showUnknown, "Also report checks that depend on unresolvable values");
  scanCmd->add_flag("--skip-unsupported", scan.skipUnsupported,
                    "Skip named files no front-end reads instead of reporting them (for pre-commit)");
  scanCmd->add_option("--color", scan.colour, "Colour output: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  scanCmd->add_flag("--no-cache", scan.noCache,
                    "Load every file again: neither read nor write the cache of unit results (in "
                    "$EDGEGUARD_CACHE_DIR, else $XDG_CACHE_HOME/edgeguard, else ~/.cache/edgeguard)");
  scanCmd->add_flag("--fix", scan.fix, "Apply the safe fixes to the files, then report what is left");
  scanCmd->add_flag("--dry-run", scan.dryRun, "With --fix: print the fixes as a unified diff, change nothing")
      ->needs("--fix");

  lsp::ServerOptions lspOptions;
  lspOptions.version = EDGEGUARD_VERSION;
  CLI::App* lspCmd = app.add_subcommand("lsp", "Run the language server (JSON-RPC over standard input/output)");
  bool lspStdio = true;
  lspCmd->add_flag("--stdio", lspStdio, "Use standard input/output (the default and only transport)");
  lspCmd->add_option("--jobs,-j", lspOptions.jobs, "Worker threads per analysis (default: all cores)")
      ->check(CLI::Range(1u, 256u));

  ScanArgs graph;
  std::string graphFormat = "mermaid", graphOutput;
  CLI::App* graphCmd = app.add_subcommand("graph", "Print the resource graph with findings marked on its nodes");
  addInputOptions(graphCmd, graph);
  std::vector<std::string> graphFormatNames;
  for (std::string_view f : graphFormats()) graphFormatNames.emplace_back(f);
  graphCmd->add_option("--format,-f", graphFormat, "dot, mermaid (default) or json")->check(CLI::IsMember(graphFormatNames));
  graphCmd->add_option("--output,-o", graphOutput, "Write to FILE instead of standard output");

  std::vector<std::string> rulesDirs;
  std::string rulesFormat = "text";
  CLI::App* rulesCmd = app.add_subcommand("rules", "List the rules");
  rulesCmd->add_option("--policy-dir", rulesDirs, "Directory of additional policy files")->type_name("DIR");
  rulesCmd->add_option("--format,-f", rulesFormat, "Output format")->check(CLI::IsMember({"text", "json"}));

  std::string explainId;
  std::vector<std::string> explainDirs;
  CLI::App* explainCmd = app.add_subcommand("explain", "Show a rule's documentation");
  explainCmd->add_option("rule", explainId, "Rule id or name (EG005, ip-filter-default-allow)")
      ->type_name("RULE")
      ->required();
  explainCmd->add_option("--policy-dir", explainDirs, "Directory of additional policy files")->type_name("DIR");
  std::string explainFormat = "text";
  explainCmd->add_option("--format,-f", explainFormat, "Output format")->check(CLI::IsMember({"text", "markdown"}));

  std::string docsDir;  // required: `edgeguard docs` run in another repository must not write into its docs/
  bool docsCheck = false;
  CLI::App* docsCmd = app.add_subcommand("docs", "Generate the rule documentation pages");
  docsCmd->add_option("dir", docsDir, "Output directory (required; edgeguard's own pages are docs/rules)")
      ->type_name("DIR")
      ->required();
  std::string docsCatalog;
  docsCmd->add_option("--catalog", docsCatalog, "Also write the rule catalog to FILE (policies/CATALOG.md)")->type_name("FILE");
  docsCmd->add_flag("--check", docsCheck, "Only check that the pages are up to date (exit 1 if not)");

  std::string initDir = ".";
  bool initForce = false;
  CLI::App* initCmd = app.add_subcommand("init", "Write a commented starter .edgeguard.yaml");
  initCmd->add_option("dir", initDir, "Directory to write it in (default: .)")->type_name("DIR");
  initCmd->add_flag("--force", initForce, "Overwrite an existing configuration file");

  cli::InfoCommands info(app, EDGEGUARD_VERSION);  // version, completion, manpage

  // `edgeguard bogus`: name the word CLI11 would only call a missing subcommand.
  if (argc > 1 && argv[1][0] != '-') {
    std::string word = argv[1], names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == word;
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "edgeguard: unknown command '" << report::escapeTerminal(word) << "' (commands: " << names
                << "; see edgeguard --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    if (*scanCmd) {
      std::string error;
      if (!pairOutputs(*scanCmd, formatOpt, scanFormats, outputOpt, scanOutputs, scan.outputs, error)) {
        std::cerr << "edgeguard: " << error << '\n';
        return 2;
      }
      scan.failOnGiven = failOnOpt->count() > 0;
      return runScan(scan);
    }
    if (*graphCmd) return runGraph(graph, graphFormat, graphOutput);
    if (*rulesCmd) return runRules(rulesDirs, rulesFormat);
    if (*explainCmd) return runExplain(explainId, explainDirs, explainFormat);
    if (*docsCmd) return runDocs(docsDir, docsCatalog, docsCheck);
    if (*initCmd) return runInit(initDir, initForce);
    if (*lspCmd) return lsp::runLanguageServer(lspOptions);
    if (auto status = info.run(app, std::cout, std::cerr)) return *status;
  } catch (const std::exception& e) {
    std::cerr << "edgeguard: internal error: " << e.what() << '\n';
    return 2;
  }
  return 2;
}
