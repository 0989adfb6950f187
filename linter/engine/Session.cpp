#include "linter/engine/Session.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "linter/core/Budget.h"
#include "linter/core/Embedded.h"
#include "linter/core/Secrets.h"
#include "linter/engine/Linker.h"
#include "linter/engine/Suppressions.h"
#include "linter/engine/UnitCache.h"

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

std::string readFileHead(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

// Runs fn(i) for i in [0, n) on up to `jobs` threads, each with the large stack that the
// evaluators' depth limit is measured against (even with one job: the main thread's stack is
// whatever the environment set).
template <typename Fn>
void parallelFor(size_t n, unsigned jobs, Fn fn) {
  unsigned threads = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(n)));
  std::atomic<size_t> next{0};
  runWithLargeStacks(threads, [&](unsigned) {
    for (size_t i = next++; i < n; i = next++) fn(i);
  });
}

// Marks every string value that is a secret (by its key or its text) so that no code frame
// prints it; front-ends mark what they know (IoT Edge keys), this covers every format. A
// connection string keeps its host and device visible: only its key is masked.
void markSecretValues(SourceStore& store, const Value& v, bool secretKey) {
  switch (v.type()) {
    case Value::Type::String:
      if (v.prov.valid() && !v.prov.value.empty() && (secretKey || holdsSecretText(v.asString()))) {
        const SourceFile* f = store.get(v.prov.file);
        if (!f || v.prov.value.end > f->text().size()) break;
        // Whole values only where the range is the literal itself (not `var.x`, whose text
        // names the secret without holding it).
        if (!markSecretParts(store, *f, v.prov.value) && secretKey && !v.asString().empty() &&
            f->slice(v.prov.value).find(v.asString()) != std::string_view::npos) {
          store.markSecret(v.prov.file, v.prov.value);
        }
      }
      break;
    case Value::Type::Array:
      for (const Value& e : v.asArray()) markSecretValues(store, e, secretKey);
      break;
    case Value::Type::Object:
      for (const Member& m : v.asObject()) markSecretValues(store, m.value, secretKey || isSecretName(m.key));
      break;
    default: break;
  }
}

// Replaces every occurrence of a marked secret's text in messages with asterisks. Secrets are
// indexed by their first kMinSecret bytes, so a message costs one hash lookup per byte instead
// of one search per secret (a scan of 26,000 files has tens of thousands of secrets and of
// findings: searching each message for each secret was a fifth of the run).
class Redactor {
 public:
  static constexpr size_t kMinSecret = 6;
  // `secrets`: at least kMinSecret bytes each, longest first (a secret that contains another
  // is replaced whole).
  explicit Redactor(const std::vector<std::string>& secrets) : secrets_(secrets) {
    for (size_t i = 0; i < secrets_.size(); ++i) {
      byPrefix_[std::string_view(secrets_[i]).substr(0, kMinSecret)].push_back(i);
    }
  }
  // Masks the union of all occurrences of all secrets (overlapping ones included).
  void redact(std::string& s) const {
    if (s.size() < kMinSecret) return;
    std::vector<std::pair<size_t, size_t>> masks;
    size_t maskedTo = 0;  // end of the last mask
    for (size_t at = 0; at + kMinSecret <= s.size(); ++at) {
      auto it = byPrefix_.find(std::string_view(s).substr(at, kMinSecret));
      if (it == byPrefix_.end()) continue;
      for (size_t i : it->second) {  // longest first: the first match covers the others here
        const std::string& secret = secrets_[i];
        if (std::string_view(s).substr(at, secret.size()) != secret) continue;
        size_t from = std::max(at, maskedTo), to = at + secret.size();
        // Mask later, so the comparison of an overlapping secret still sees its text.
        masks.emplace_back(from, to);
        maskedTo = std::max(maskedTo, to);
        break;
      }
    }
    for (auto [from, to] : masks) {
      if (from < to) std::fill(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(to), '*');
    }
  }

 private:
  const std::vector<std::string>& secrets_;
  std::unordered_map<std::string_view, std::vector<size_t>> byPrefix_;
};

}  // namespace

Session::Session(ScanOptions options)
    : options_(std::move(options)), store_(options_.limits), frontEnds_(makeFrontEnds()) {
  if (options_.jobs == 0) options_.jobs = std::max(1u, std::thread::hardware_concurrency());
  if (options_.overlays) store_.setOverlays(options_.overlays);
}

std::string Session::readHead(const fs::path& p) const {
  if (const std::string* buffer = store_.overlay(p)) return buffer->substr(0, 512);
  return readFileHead(p);
}

Session::~Session() = default;

bool Session::loadPolicies(std::vector<Error>& errors) {
  bool ok = catalog_.loadBuiltins(errors, options_.policyDocumentation);
  // A directory that does not exist is reported as `missing` says, then skipped.
  auto loadDirectory = [&](const fs::path& dir, auto missing) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      errors.push_back(missing());
      ok = false;
      return;
    }
    ok = catalog_.loadDirectory(dir, errors) && ok;
  };
  for (const fs::path& dir : options_.policyDirs) {
    loadDirectory(dir, [&] { return Error{displayPath(dir), kNoFile, {}, 0, 0, "policy directory does not exist", kPolicyErrorCode}; });
  }
  if (options_.config) {
    for (const auto& entry : options_.config->policyDirs) {
      const auto& [dir, at] = entry;  // (clang 14 cannot capture a structured binding)
      // The configuration comes with the repository (a pull request can change it): its
      // policy directories are read only inside the project root, as every referenced file is.
      if (!options_.frontEnd.insideRoots(dir)) {
        errors.push_back(Error{options_.config->path.generic_string(), kNoFile, {}, at.line, at.column,
                               "policy-dirs: " + dir.generic_string() + " is " + kOutsideRoot,
                               kConfigErrorCode});
        ok = false;
        continue;
      }
      loadDirectory(dir, [&dir = dir, &at = at, this] {
        return Error{options_.config->path.generic_string(), kNoFile, {}, at.line, at.column,
                     "policy-dirs: " + dir.generic_string() + " is not a directory", kConfigErrorCode};
      });
    }
    ok = applyConfig(*options_.config, catalog_, errors, options_.defaultPreset, &options_.rules) && ok;
  } else {
    const std::string& preset = options_.rules.preset.empty() ? options_.defaultPreset : options_.rules.preset;
    ok = selectRules(nullptr, options_.rules, preset, catalog_, errors) && ok;
  }
  return ok;
}

std::vector<Session::Discovered> Session::discover(const std::vector<fs::path>& roots, std::vector<Error>& errors) {
  std::vector<Discovered> out;
  std::set<std::string> seen;
  const Config* config = options_.config.get();
  auto accept = [&](const fs::path& p, bool explicitFile) {
    std::string key = p.lexically_normal().generic_string();
    if (!seen.insert(key).second) return;
    if (config && config->excludes(p)) return;
    std::string head = readHead(p);
    for (size_t i = 0; i < frontEnds_.size(); ++i) {
      if (frontEnds_[i]->accepts(p, head)) {
        out.push_back(Discovered{p.lexically_normal(), explicitFile, i});
        return;
      }
    }
    if (explicitFile && !options_.skipUnsupported) {
      errors.push_back(Error{displayPath(p), kNoFile, {}, 0, 0,
                             "not a file edgeguard can scan (expected " + describeFileKinds(frontEnds_) + ")", kInputErrorCode});
    }
  };
  for (const fs::path& root : roots) {
    std::error_code ec;
    fs::file_status st = fs::status(root, ec);
    if ((ec || !fs::exists(st)) && store_.overlay(root)) {
      accept(root, true);  // an editor buffer not saved yet
      continue;
    }
    if (ec || !fs::exists(st)) {
      errors.push_back(Error{displayPath(root), kNoFile, {}, 0, 0, "no such file or directory", kInputErrorCode});
      continue;
    }
    if (fs::is_regular_file(st)) {
      accept(root, true);
      continue;
    }
    if (!fs::is_directory(st)) {
      errors.push_back(Error{displayPath(root), kNoFile, {}, 0, 0, "not a regular file or directory", kInputErrorCode});
      continue;
    }
    // Symlinks are not followed (no loops, nothing outside the tree). A directory that
    // cannot be read is reported, so nobody mistakes a partial scan for a full one.
    std::vector<fs::path> found, pending{root};
    while (!pending.empty()) {
      fs::path dir = std::move(pending.back());
      pending.pop_back();
      fs::directory_iterator it(dir, ec), end;
      if (ec) {
        errors.push_back(Error{displayPath(dir), kNoFile, {}, 0, 0, "cannot read directory: " + ec.message() + "; not scanned", kInputErrorCode});
        continue;
      }
      for (; it != end; it.increment(ec)) {
        const fs::directory_entry& entry = *it;
        std::error_code sec;
        if (entry.is_symlink(sec)) continue;
        if (entry.is_directory(sec)) {
          if (!skippedDirectory(entry.path()) && !(config && config->excludes(entry.path()))) {
            pending.push_back(entry.path());
          }
        } else if (entry.is_regular_file(sec)) {
          found.push_back(entry.path());
        }
      }
      if (ec) {
        errors.push_back(Error{displayPath(dir), kNoFile, {}, 0, 0, "error while reading directory: " + ec.message(), kInputErrorCode});
        ec.clear();
      }
    }
    std::sort(found.begin(), found.end());
    for (const fs::path& p : found) accept(p, false);
  }
  return out;
}

ScanResult Session::scan() {
  ScanResult result;
  std::vector<fs::path> roots = options_.paths;
  if (roots.empty()) roots.emplace_back(".");
  std::vector<Discovered> files = discover(roots, result.errors);
  if (options_.unitCache) options_.unitCache->beginScan();

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
  auto addToUnit = [&](const fs::path& path, size_t i) -> FrontEnd* {
    Unit& u = unitMap[{i, frontEnds_[i]->unitKey(path)}];
    u.frontEnd = frontEnds_[i].get();
    u.paths.push_back(path);
    return u.frontEnd;
  };
  for (const Discovered& d : files) {
    FrontEnd* fe = addToUnit(d.path, d.frontEnd);
    if (!d.named) continue;
    for (const fs::path& c : fe->companions(d.path)) {
      std::string key = c.generic_string();
      if (scanned.count(key) || !contextOnly.insert(key).second) continue;
      if (fe->unitKey(c) == fe->unitKey(d.path)) addToUnit(c, d.frontEnd);
    }
  }
  // --context: the rest of the project, loaded and evaluated so that cross-file rules see it,
  // but not reported on.
  if (!options_.contextPaths.empty()) {
    for (const Discovered& d : discover(options_.contextPaths, result.errors)) {
      std::string key = d.path.generic_string();
      if (scanned.count(key) || !contextOnly.insert(key).second) continue;
      addToUnit(d.path, d.frontEnd);
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
  size_t totalFiles = 0;
  for (const Unit& u : units) totalFiles += u.paths.size();
  std::atomic<size_t> filesDone{0};
  parallelFor(units.size(), options_.jobs, [&](size_t i) {
    Unit& unit = units[i];
    UnitResult& out = unitResults[i];
    struct ProgressOnExit {  // reports the unit as done, however it ends
      const std::function<void(size_t, size_t)>& progress;
      std::atomic<size_t>& done;
      size_t files, total;
      ~ProgressOnExit() {
        size_t now = done += files;
        if (progress) progress(now, total);
      }
    } progressOnExit{options_.progress, filesDone, unit.paths.size(), totalFiles};
    std::vector<const SourceFile*> sources;
    for (const fs::path& p : unit.paths) {
      bool context = contextOnly.count(p.generic_string()) > 0;
      LoadError err;
      // A named file that resolves outside the project (a committed symlink that a pre-commit
      // hook passes by name) is not read; an editor's open buffer is its own text.
      if (!options_.frontEnd.insideRoots(p) && !store_.overlay(p)) {
        if (!context) {
          out.errors.push_back(Error{displayPath(p), kNoFile, {}, 0, 0,
                                     kOutsideRoot, kNotFollowedCode});
        }
        continue;
      }
      if (const SourceFile* f = store_.load(p, &err)) {
        sources.push_back(f);
        if (context) out.contextFiles.push_back(f->id());
        else ++out.files;
      } else if (!context) {
        out.errors.push_back(Error{err.path, kNoFile, {}, 0, 0, err.message, kInputErrorCode});
      }
    }
    if (sources.empty()) return;
    // The cache knows a unit by its front-end and files (context ones marked).
    std::string cacheKey;
    if (options_.unitCache) {
      cacheKey = std::string(unit.frontEnd->format());
      for (const fs::path& p : unit.paths) {
        cacheKey.append("\n").append(p.generic_string()).append(contextOnly.count(p.generic_string()) ? " (context)" : "");
      }
      if (options_.unitCache->reuse(cacheKey, store_, out.resources, out.errors)) return;
    }
    LoadContext ctx{store_, options_.frontEnd};
    const LoadLimits& limits = options_.limits;
    // The time budget grows with the unit's text, not with its number of files: 300 empty .tf
    // files beside an expensive main.tf must not give it 300 budgets. One budget per 256 KiB,
    // at least one, at most one per file.
    size_t unitBytes = 0;
    for (const SourceFile* f : sources) unitBytes += f->text().size();
    size_t shares = std::clamp<size_t>((unitBytes + (256u << 10) - 1) / (256u << 10), 1, sources.size());
    ParseBudget budget(limits.parseSeconds * static_cast<double>(shares), limits.parseMemoryBytes);
    bool complete = false;  // loaded without running out of budget or failing: may be cached
    try {
      BudgetScope scope(budget);
      takeTooDeep();
      unit.frontEnd->loadUnit(sources, ctx);
      if (std::optional<DepthHit> hit = takeTooDeep()) {
        const SourceFile* at = hit->file != kNoFile ? store_.get(hit->file) : nullptr;
        if (!at) at = sources.front();
        ctx.errors.push_back(Error{at->path(), at->id(), hit->file == at->id() ? hit->at : ByteRange{}, 0, 0,
                                   tooDeepMessage(), kBudgetErrorCode});
      }
      complete = true;
    } catch (const BudgetExceeded& e) {
      // What the unit produced so far is dropped: a partial graph would give partial verdicts.
      ctx.resources.clear();
      ctx.errors.clear();
      std::string message = e.what();
      if (sources.size() > 1) message += " (with the " + std::to_string(sources.size() - 1) + " other files of its unit)";
      ctx.errors.push_back(Error{sources.front()->path(), kNoFile, {}, 0, 0, message, kBudgetErrorCode});
    } catch (const std::exception& e) {
      ctx.errors.push_back(Error{sources.front()->path(), sources.front()->id(), {}, 0, 0,
                                 std::string("internal error in the ") + std::string(unit.frontEnd->format()) +
                                     " front-end: " + e.what(),
                                 kInputErrorCode});
    }
    if (options_.unitCache && complete) {
      // What it read besides its own files (module sources, variable files) is part of the key.
      std::vector<const SourceFile*> depends = sources;
      depends.insert(depends.end(), ctx.read.begin(), ctx.read.end());
      options_.unitCache->put(cacheKey, store_, depends, ctx.resources, ctx.errors);
    }
    out.resources = std::move(ctx.resources);
    for (Error& e : ctx.errors) out.errors.push_back(std::move(e));
  });
  std::set<FileId> context;
  std::map<FileId, std::string> configGroups;  // file -> security group from the configuration
  for (size_t u = 0; u < unitResults.size(); ++u) {
    UnitResult& ur = unitResults[u];
    result.files += ur.files;
    for (Resource& r : ur.resources) {
      r.unit = static_cast<uint32_t>(u);
      if (options_.config && !options_.config->securityGroups.empty() && r.format == "edge") {
        // A security group declared in the configuration takes precedence over the tag.
        auto [it, fresh] = configGroups.try_emplace(r.file);
        if (fresh) it->second = options_.config->securityGroupOf(store_.get(r.file)->path());
        if (!it->second.empty()) r.attributes.set("securityGroup", Value(it->second));
      }
      graph_.add(std::move(r));
    }
    for (Error& e : ur.errors) {
      if (e.file == kNoFile || !std::count(ur.contextFiles.begin(), ur.contextFiles.end(), e.file)) {
        result.errors.push_back(std::move(e));
      }
    }
    context.insert(ur.contextFiles.begin(), ur.contextFiles.end());
  }
  if (options_.unitCache) options_.unitCache->endScan();  // units no longer scanned are dropped
  for (const Resource& r : graph_.resources()) markSecretValues(store_, r.attributes, false);
  graph_.linkReferences();
  // Edges that join resources across files and formats (IoT Edge modules to registry
  // credentials to registries, deployments to modules and security groups): see Linker.h.
  linkAcrossResources(graph_);
  result.resources = 0;
  for (const Resource& r : graph_.resources()) result.resources += context.count(r.file) ? 0 : 1;
  evaluate(result);
  // Last line of defence: no message (a policy may quote a value) repeats a secret's text.
  std::vector<std::string> secretTexts;
  for (FileId id = 0; id < store_.size(); ++id) {
    const SourceFile* f = store_.get(id);
    for (const ByteRange& r : store_.secrets(id)) {
      std::string_view t = f->slice(r);
      while (!t.empty() && (t.front() == '"' || t.front() == '\'')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == '"' || t.back() == '\'')) t.remove_suffix(1);
      if (t.size() >= Redactor::kMinSecret) secretTexts.emplace_back(t);
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(secretTexts.begin(), secretTexts.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  secretTexts.erase(std::unique(secretTexts.begin(), secretTexts.end()), secretTexts.end());
  if (!secretTexts.empty()) {
    Redactor redactor(secretTexts);
    for (Finding& f : result.findings) {
      redactor.redact(f.message);
      for (RelatedLocation& rl : f.related) redactor.redact(rl.message);
    }
    for (Error& e : result.errors) redactor.redact(e.message);
  }
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
      f.rule = kPolicyFailedCode;
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
  // A report stays bounded: one rule reports at most kMaxFindingsPerRule findings (in graph
  // order, the same on every run), and a note says how many more there were (2,000 devices
  // sharing a key, or a dynamic block expanded a million times, made reports of gigabytes).
  constexpr size_t kMaxFindingsPerRule = 10000;
  for (size_t i = 0; i < perPolicy.size(); ++i) {
    std::vector<Finding>& v = perPolicy[i];
    if (v.size() > kMaxFindingsPerRule) {
      Error note;
      note.path = policies[i]->sourcePath;
      note.code = kFindingsCappedCode;
      note.notice = true;
      note.message = "rule " + policies[i]->id + " (" + policies[i]->name + ") found " + std::to_string(v.size()) +
                     " findings; the first " + std::to_string(kMaxFindingsPerRule) + " are reported";
      result.errors.push_back(std::move(note));
      v.resize(kMaxFindingsPerRule);
    }
    for (Finding& f : v) findings.push_back(std::move(f));
  }

  linkDeclarations(findings);

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
  // The same text judged twice says one thing once: a module directory scanned on its own and
  // through a module call of its parent gives identical findings at identical places.
  findings.erase(std::unique(findings.begin(), findings.end(),
                             [](const Finding& a, const Finding& b) {
                               return a.rule == b.rule && a.location.file == b.location.file &&
                                      a.location.range.begin == b.location.range.begin &&
                                      a.location.range.end == b.location.range.end && a.message == b.message &&
                                      a.suppressed == b.suppressed;
                             }),
                 findings.end());
  std::sort(result.errors.begin(), result.errors.end(), [](const Error& a, const Error& b) {
    return std::tie(a.path, a.range.begin, a.line, a.column, a.code, a.message) <
           std::tie(b.path, b.range.begin, b.line, b.column, b.code, b.message);
  });
  // The same notice from two units (a module directory scanned on its own and through its
  // caller) is reported once.
  result.errors.erase(std::unique(result.errors.begin(), result.errors.end(),
                                  [](const Error& a, const Error& b) {
                                    return a.notice && b.notice && a.path == b.path && a.range.begin == b.range.begin &&
                                           a.code == b.code && a.message == b.message;
                                  }),
                      result.errors.end());
}

void Session::linkDeclarations(std::vector<Finding>& findings) const {
  // A resource from a Terraform plan names its declaration's address (`_source_address`);
  // when the .tf sources were scanned too, findings on it point there as well.
  std::map<std::string, const Resource*> declared;
  std::map<std::pair<FileId, std::string>, std::string> planned;  // (file, address) -> declaration
  for (const Resource& r : graph_.resources()) {
    if (const Value* src = r.attributes.get("_source_address"); src && src->isString()) {
      planned[{r.file, r.address}] = src->asString();
    } else if (r.format == "terraform") {
      declared.emplace(r.address, &r);
    }
  }
  if (planned.empty() || declared.empty()) return;
  for (Finding& f : findings) {
    auto p = planned.find({f.anchor.file, f.resource});
    if (p == planned.end()) continue;
    auto d = declared.find(p->second);
    if (d == declared.end()) continue;
    f.related.push_back(RelatedLocation{Location{d->second->file, d->second->header}, "declared here"});
  }
}

}  // namespace eg
