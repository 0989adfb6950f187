#include "linter/engine/Session.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "linter/core/Embedded.h"
#include "linter/engine/Linker.h"
#include "linter/engine/Suppressions.h"

namespace eg {
namespace fs = std::filesystem;

std::string fingerprint(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = digits[h & 0xF];
    h >>= 4;
  }
  return out;
}

namespace {

bool skippedDirectory(const fs::path& p) {
  std::string name = p.filename().string();
  return name == ".git" || name == ".terraform" || name == "node_modules";
}

std::string readHead(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

// Runs fn(i) for i in [0, n) on up to `jobs` threads.
template <typename Fn>
void parallelFor(size_t n, unsigned jobs, Fn fn) {
  unsigned threads = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(n)));
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

}  // namespace

Session::Session(ScanOptions options)
    : options_(std::move(options)), store_(options_.limits), frontEnds_(makeFrontEnds()) {
  if (options_.jobs == 0) options_.jobs = std::max(1u, std::thread::hardware_concurrency());
}

Session::~Session() = default;

bool Session::loadPolicies(std::vector<Error>& errors) {
  bool ok = catalog_.loadBuiltins(errors);
  for (const fs::path& dir : options_.policyDirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      errors.push_back(Error{displayPath(dir), kNoFile, {}, 0, 0, "policy directory does not exist", "EG904"});
      ok = false;
      continue;
    }
    ok = catalog_.loadDirectory(dir, errors) && ok;
  }
  return ok;
}

std::vector<Session::Discovered> Session::discover(std::vector<Error>& errors) {
  std::vector<fs::path> roots = options_.paths;
  if (roots.empty()) roots.emplace_back(".");
  std::vector<Discovered> out;
  std::set<std::string> seen;
  auto accept = [&](const fs::path& p, bool explicitFile) {
    std::string key = p.lexically_normal().generic_string();
    if (!seen.insert(key).second) return;
    std::string head = readHead(p);
    for (const auto& fe : frontEnds_) {
      if (fe->accepts(p, head)) {
        out.push_back(Discovered{p.lexically_normal(), explicitFile});
        return;
      }
    }
    if (explicitFile && !options_.skipUnsupported) {
      errors.push_back(Error{displayPath(p), kNoFile, {}, 0, 0,
                             "not a file edgeguard can scan (expected Terraform .tf/.tf.json/.tfvars, an ARM template .json, an IoT Edge deployment manifest or a device config.toml)", "EG901"});
    }
  };
  for (const fs::path& root : roots) {
    std::error_code ec;
    fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      errors.push_back(Error{displayPath(root), kNoFile, {}, 0, 0, "no such file or directory", "EG901"});
      continue;
    }
    if (fs::is_regular_file(st)) {
      accept(root, true);
      continue;
    }
    if (!fs::is_directory(st)) {
      errors.push_back(Error{displayPath(root), kNoFile, {}, 0, 0, "not a regular file or directory", "EG901"});
      continue;
    }
    // Directory symlinks are not followed (no loops, nothing outside the tree).
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
      errors.push_back(Error{displayPath(root), kNoFile, {}, 0, 0, "cannot read directory: " + ec.message(), "EG901"});
      continue;
    }
    std::vector<fs::path> found;
    while (it != end) {
      const fs::directory_entry& entry = *it;
      std::error_code sec;
      if (entry.is_directory(sec) && !entry.is_symlink(sec)) {
        if (skippedDirectory(entry.path())) it.disable_recursion_pending();
      } else if (entry.is_regular_file(sec) && !entry.is_symlink(sec)) {
        found.push_back(entry.path());
      }
      it.increment(ec);
      if (ec) {
        errors.push_back(Error{displayPath(root), kNoFile, {}, 0, 0, "error while walking: " + ec.message(), "EG901"});
        break;
      }
    }
    std::sort(found.begin(), found.end());
    for (const fs::path& p : found) accept(p, false);
  }
  return out;
}

ScanResult Session::scan() {
  ScanResult result;
  std::vector<Discovered> files = discover(result.errors);

  // Group files into units per front-end; units are independent and load in parallel.
  // A file named on the command line brings its companions (the rest of its Terraform
  // module) as context: loaded, evaluated, but not reported on.
  struct Unit {
    FrontEnd* frontEnd;
    std::vector<fs::path> paths;
  };
  std::map<std::pair<size_t, std::string>, Unit> unitMap;
  std::set<std::string> scanned, contextOnly;
  for (const Discovered& d : files) scanned.insert(d.path.generic_string());
  for (const Discovered& d : files) {
    std::string head = readHead(d.path);
    for (size_t i = 0; i < frontEnds_.size(); ++i) {
      if (!frontEnds_[i]->accepts(d.path, head)) continue;
      Unit& u = unitMap[{i, frontEnds_[i]->unitKey(d.path)}];
      u.frontEnd = frontEnds_[i].get();
      u.paths.push_back(d.path);
      if (d.named) {
        for (const fs::path& c : frontEnds_[i]->companions(d.path)) {
          std::string key = c.generic_string();
          if (scanned.count(key) || !contextOnly.insert(key).second) continue;
          if (frontEnds_[i]->unitKey(c) == frontEnds_[i]->unitKey(d.path)) u.paths.push_back(c);
        }
      }
      break;
    }
  }
  std::vector<Unit> units;
  for (auto& [key, u] : unitMap) units.push_back(std::move(u));

  struct UnitResult {
    std::vector<Resource> resources;
    std::vector<Error> errors;
    std::vector<FileId> contextFiles;
    size_t files = 0;
  };
  std::vector<UnitResult> unitResults(units.size());
  parallelFor(units.size(), options_.jobs, [&](size_t i) {
    Unit& unit = units[i];
    UnitResult& out = unitResults[i];
    std::vector<const SourceFile*> sources;
    for (const fs::path& p : unit.paths) {
      bool context = contextOnly.count(p.generic_string()) > 0;
      LoadError err;
      if (const SourceFile* f = store_.load(p, &err)) {
        sources.push_back(f);
        if (context) out.contextFiles.push_back(f->id());
        else ++out.files;
      } else if (!context) {
        out.errors.push_back(Error{err.path, kNoFile, {}, 0, 0, err.message, "EG901"});
      }
    }
    if (sources.empty()) return;
    LoadContext ctx{store_, options_.frontEnd, {}, {}};
    try {
      unit.frontEnd->loadUnit(sources, ctx);
    } catch (const std::exception& e) {
      ctx.errors.push_back(Error{sources.front()->path(), sources.front()->id(), {}, 0, 0,
                                 std::string("internal error in the ") + std::string(unit.frontEnd->format()) +
                                     " front-end: " + e.what(),
                                 "EG901"});
    }
    out.resources = std::move(ctx.resources);
    for (Error& e : ctx.errors) out.errors.push_back(std::move(e));
  });
  std::set<FileId> context;
  for (size_t u = 0; u < unitResults.size(); ++u) {
    UnitResult& ur = unitResults[u];
    result.files += ur.files;
    for (Resource& r : ur.resources) {
      r.unit = static_cast<uint32_t>(u);
      graph_.add(std::move(r));
    }
    for (Error& e : ur.errors) {
      if (e.file == kNoFile || !std::count(ur.contextFiles.begin(), ur.contextFiles.end(), e.file)) {
        result.errors.push_back(std::move(e));
      }
    }
    context.insert(ur.contextFiles.begin(), ur.contextFiles.end());
  }
  graph_.linkReferences();
  // Edges that join resources across files and formats (IoT Edge modules to registry
  // credentials to registries, deployments to modules and security groups): see Linker.h.
  linkAcrossResources(graph_);
  result.resources = 0;
  for (const Resource& r : graph_.resources()) result.resources += context.count(r.file) ? 0 : 1;
  evaluate(result);
  if (!context.empty()) {
    std::erase_if(result.findings, [&](const Finding& f) { return context.count(f.location.file) > 0; });
  }
  return result;
}

void Session::evaluate(ScanResult& result) {
  const auto& policies = catalog_.policies();
  std::vector<std::vector<Finding>> perPolicy(policies.size());
  policy::EvalOptions evalOptions;
  evalOptions.includeUnknown = options_.showUnknown;
  evalOptions.sources = &store_;
  parallelFor(policies.size(), options_.jobs, [&](size_t i) {
    const policy::Policy& p = *policies[i];
    try {
      perPolicy[i] = policy::evaluate(p, graph_, evalOptions);
    } catch (const std::exception& e) {
      // A policy that fails becomes one internal finding; the run goes on.
      Finding f;
      f.rule = "EG903";
      f.name = "policy-evaluation-failed";
      f.severity = Severity::High;
      f.message = "policy " + p.id + " (" + p.name + ") failed to evaluate: " + e.what();
      const SourceFile* src = store_.find(p.sourcePath);
      if (!src) src = store_.add(p.sourcePath, "");
      f.location = f.anchor = {src->id(), {0, 0}};
      f.detailKey = p.id;
      perPolicy[i] = {std::move(f)};
    }
  });
  std::vector<Finding>& findings = result.findings;
  for (auto& v : perPolicy) {
    for (Finding& f : v) findings.push_back(std::move(f));
  }

  // Suppressions, file by file.
  std::vector<Finding> extra;
  for (FileId id = 0; id < store_.size(); ++id) {
    const SourceFile* file = store_.get(id);
    if (file) applySuppressions(*file, findings, extra);
  }
  for (Finding& f : extra) findings.push_back(std::move(f));

  // Fingerprints leave out positions so they survive lines moving around.
  std::vector<std::string> paths(store_.size());
  for (FileId id = 0; id < paths.size(); ++id) paths[id] = store_.get(id)->path();
  auto pathOf = [&](FileId id) -> const std::string& {
    static const std::string none;
    return id < paths.size() ? paths[id] : none;
  };
  for (Finding& f : findings) {
    f.fingerprint = fingerprint(f.rule + "|" + pathOf(f.location.file) + "|" + f.resource + "|" + f.detailKey);
  }
  std::sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    return std::tie(pathOf(a.location.file), a.location.range.begin, a.rule, a.message) <
           std::tie(pathOf(b.location.file), b.location.range.begin, b.rule, b.message);
  });
  std::sort(result.errors.begin(), result.errors.end(), [](const Error& a, const Error& b) {
    return std::tie(a.path, a.range.begin, a.line, a.column) < std::tie(b.path, b.range.begin, b.line, b.column);
  });
}

}  // namespace eg
