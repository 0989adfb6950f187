#include "linter/engine/Workspace.h"

#include <algorithm>
#include <atomic>
#include <bitset>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "linter/core/Budget.h"
#include "linter/core/EngineCodes.h"
#include "linter/core/Secrets.h"
#include "linter/engine/Linker.h"
#include "linter/engine/Suppressions.h"
#include "linter/policy/AttributeUse.h"

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

// A loaded front-end unit: what it produced and the file versions it produced it from.
// Immutable once an analysis has it; analyses share it while its files do not change.
struct UnitState {
  uint32_t serial = 0;              // Resource::unit of its resources
  std::vector<Resource> resources;  // ids unique in the Workspace, unit set, secrets marked
  std::vector<Error> errors;
  std::vector<FileId> contextFiles;  // its files that are context only (not reported on)
  size_t files = 0;                  // its files that are scanned (reported on)
  struct Dep {
    std::string path;
    std::string key;  // the store's key of path
    FileId id = kNoFile;
  };
  std::vector<Dep> deps;  // every file it read: its own and those it reached by reference
  // What else decides its result, as the on-disk cache checks it: the listing of each directory
  // of a file it read beyond its own files' directories (a file added to a module it calls
  // joins that module; its own directories are discovery's), none when the directory changed
  // too recently to trust its listing (loaded again next time); and the paths it looked for,
  // with whether each was a file.
  std::vector<std::pair<std::string, std::optional<Hash128>>> listings;
  std::vector<std::pair<std::string, bool>> probes;
  bool reusable = false;  // loaded completely (no budget exceeded, no file unreadable)
  bool planned = false;   // has resources from a Terraform plan (linkDeclarations)
  UnitLinks links;        // what it contributes to the graph's edges (ids final)
};

namespace {

bool skippedDirectory(const fs::path& p) {
  std::string name = p.filename().string();
  return name == ".git" || name == ".terraform" || name == "node_modules";
}

// Records in `s` the directories of the files it read beyond `own`'s, with their listings now
// (UnitState::listings), from `known` when a listing was just checked there.
void recordListings(UnitState& s, const std::vector<const SourceFile*>& own,
                    const std::vector<UnitEntry::Listing>& known = {}) {
  std::set<std::string> dirs;
  for (const SourceFile* f : own) dirs.insert(directoryOf(f->path()));
  int64_t now = wallClockNs();
  for (const UnitState::Dep& d : s.deps) {
    std::string dir = directoryOf(d.path);
    if (!dirs.insert(dir).second) continue;
    auto it = std::find_if(known.begin(), known.end(), [&](const UnitEntry::Listing& l) { return l.dir == dir; });
    if (it != known.end()) {
      s.listings.emplace_back(dir, it->names);
      continue;
    }
    s.listings.emplace_back(dir, settledListing(dir, now));
  }
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
  if (n == 0) return;
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
// findings: searching each message for each secret was a fifth of the run). Two filters answer
// most positions before any lookup: a bit per first two bytes of a secret, then a bit per hash
// of its first kMinSecret bytes (with a thousand secrets, the first lets a quarter of the
// positions of English text through).
class Redactor {
 public:
  static constexpr size_t kMinSecret = 6;
  // `secrets`: at least kMinSecret bytes each, longest first (a secret that contains another
  // is replaced whole).
  explicit Redactor(const std::vector<std::string>& secrets) : secrets_(secrets) {
    for (size_t i = 0; i < secrets_.size(); ++i) {
      byPrefix_[std::string_view(secrets_[i]).substr(0, kMinSecret)].push_back(i);
      starts_.set(pairAt(secrets_[i], 0));
      prefixes_.set(prefixHash(secrets_[i], 0));
    }
  }
  // Masks the union of all occurrences of all secrets (overlapping ones included).
  void redact(std::string& s) const {
    if (s.size() < kMinSecret) return;
    std::vector<std::pair<size_t, size_t>> masks;
    size_t maskedTo = 0;  // end of the last mask
    for (size_t at = 0; at + kMinSecret <= s.size(); ++at) {
      if (!starts_.test(pairAt(s, at)) || !prefixes_.test(prefixHash(s, at))) continue;  // no secret starts here
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
  static size_t pairAt(std::string_view s, size_t at) {
    return static_cast<size_t>(static_cast<unsigned char>(s[at])) << 8 | static_cast<unsigned char>(s[at + 1]);
  }
  // A 16-bit hash of the kMinSecret bytes at `at` (there are that many).
  static size_t prefixHash(std::string_view s, size_t at) {
    uint64_t x = 0;
    for (size_t i = 0; i < kMinSecret; ++i) x = x << 8 | static_cast<unsigned char>(s[at + i]);
    return static_cast<size_t>((x * 0x9E3779B97F4A7C15ull) >> 48);
  }
  const std::vector<std::string>& secrets_;
  std::unordered_map<std::string_view, std::vector<size_t>> byPrefix_;
  std::bitset<65536> starts_;    // the first two bytes of some secret
  std::bitset<65536> prefixes_;  // the prefixHash of some secret
};

// The files of policy directories (name, size, modification time): policies are loaded again
// when it changes.
std::string directoryListing(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const fs::path& dir : dirs) {
    out += dir.generic_string() + '\n';
    std::error_code ec;
    std::vector<std::string> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code fec;
      auto size = it->file_size(fec);
      auto time = it->last_write_time(fec).time_since_epoch().count();
      entries.push_back(it->path().filename().string() + ' ' + std::to_string(size) + ' ' + std::to_string(time));
    }
    std::sort(entries.begin(), entries.end());
    for (const std::string& e : entries) out += e + '\n';
  }
  return out;
}

// A resource from a Terraform plan names its declaration's address in this attribute.
constexpr std::string_view kSourceAddress = "_source_address";
const Value* sourceAddress(const Resource& r) {
  const Value* src = r.attributes.get(kSourceAddress);
  return src && src->isString() ? src : nullptr;
}

// The resource-local policies (`local`, by catalog index) over one unit's resources: findings
// by catalog index, and why a policy failed (`failed` sized on the first failure). They read
// no other resource, so `graph` may be any (the one being built, or none).
void evaluateLocal(const std::vector<std::shared_ptr<policy::Policy>>& policies, const std::vector<bool>& local,
                   const std::vector<Resource>& resources, const ResourceGraph& graph, policy::EvalOptions options,
                   std::vector<std::vector<Finding>>& byPolicy, std::vector<std::string>& failed) {
  std::vector<const Resource*> subjects;
  subjects.reserve(resources.size());
  for (const Resource& r : resources) subjects.push_back(&r);
  if (subjects.empty()) return;
  options.subjects = &subjects;
  for (size_t i = 0; i < policies.size(); ++i) {
    if (!local[i]) continue;
    try {
      byPolicy[i] = policy::evaluate(*policies[i], graph, options);
    } catch (const std::exception& e) {
      failed.resize(policies.size());
      failed[i] = e.what();
    }
  }
}

// A resource from a Terraform plan names its declaration's address (`_source_address`); when
// the .tf sources were scanned too, findings on it point there as well.
void linkDeclarations(const ResourceGraph& graph, std::vector<Finding>& findings) {
  std::map<std::string, const Resource*> declared;
  std::map<std::pair<FileId, std::string>, std::string> planned;  // (file, address) -> declaration
  for (const Resource& r : graph.resources()) {
    if (const Value* src = sourceAddress(r)) {
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

std::string optionsKey(const ScanOptions& o) {
  std::string key;
  for (const auto& [k, v] : o.frontEnd.terraformVars) key += k + '=' + v + '\n';
  key += '\0';
  for (const fs::path& p : o.frontEnd.terraformVarFiles) key += p.generic_string() + '\n';
  key += '\0';
  for (const fs::path& p : o.frontEnd.roots) key += p.generic_string() + '\n';
  key += '\0' + std::to_string(o.limits.maxFileBytes) + ' ' + std::to_string(o.limits.parseSeconds) + ' ' +
         std::to_string(o.limits.parseMemoryBytes);
  return key;
}

}  // namespace

// The secrets' texts of the files of an analysis and their index, kept while the files and their
// marks stay the same.
struct Workspace::Redaction {
  std::vector<std::pair<FileId, size_t>> files;  // file, how many marks
  std::vector<std::string> texts;                // longest first
  std::unique_ptr<Redactor> redactor;            // over texts; null when there are none
};

struct Workspace::FileCaches {
  std::unordered_map<FileId, std::vector<Suppression>> suppressions;
  struct Secrets {
    size_t marks = 0;  // how many marks the texts were taken from (units may add marks)
    std::vector<std::string> texts;
  };
  std::unordered_map<FileId, Secrets> secrets;
};

// What discovery found and what it depends on: the stamps of the directories walked and of
// the files considered (a file's first bytes decide its format), and the buffers' heads.
struct Workspace::Discovery {
  std::vector<Discovered> files, context;
  std::vector<Error> errors;
  struct Seen {
    fs::path path;
    std::optional<FileStamp> stamp;  // none: it did not exist
    bool file = false;
    std::string head;  // a file's first bytes (they decide its format)
  };
  std::vector<Seen> stamps;
  std::vector<std::pair<fs::path, std::string>> heads;  // paths read from an editor buffer
  const Config* config = nullptr;
  bool skipUnsupported = false;
  std::vector<fs::path> roots, contextRoots;
  // Index into stamps of each considered file, by the store's key (built when first needed).
  std::unordered_map<std::string, size_t> fileIndex;
  // The files grouped into units (analyse), kept while no file is named on the command line.
  struct Unit {
    FrontEnd* frontEnd = nullptr;
    size_t frontEndIndex = 0;
    std::vector<fs::path> paths;
  };
  std::vector<Unit> units;
  std::vector<std::string> unitKeys;  // front-end and files, "(context)" marked
  std::set<std::string> contextOnly;
  bool grouped = false;
};

Workspace::Workspace(ScanOptions options)
    : options_(std::move(options)),
      frontEnds_(makeFrontEnds()),
      store_(std::make_shared<SourceStore>(options_.limits)),
      fileCaches_(std::make_unique<FileCaches>()) {
  if (options_.jobs == 0) options_.jobs = std::max(1u, std::thread::hardware_concurrency());
  for (const auto& fe : frontEnds_) kept_.push_back(fe->makeKeptState());
  catalog_ = std::make_shared<policy::PolicyCatalog>();
}

Workspace::~Workspace() = default;

void Workspace::setOptions(ScanOptions options) {
  if (options.jobs == 0) options.jobs = std::max(1u, std::thread::hardware_concurrency());
  bool frontEndChanged = optionsKey(options) != optionsKey(options_);
  bool pathsChanged = options.paths != options_.paths || options.contextPaths != options_.contextPaths ||
                      options.skipUnsupported != options_.skipUnsupported;
  bool limitsChanged = options.limits.maxFileBytes != options_.limits.maxFileBytes;
  options_ = std::move(options);
  if (limitsChanged) {
    store_ = std::make_shared<SourceStore>(options_.limits);
    fileCaches_ = std::make_unique<FileCaches>();
    redaction_.reset();
  }
  if (frontEndChanged || limitsChanged) dropUnits();
  if (pathsChanged || frontEndChanged) discovery_.reset();
  if (!options_.trustFileEvents) eventsTrusted_ = false;
}

void Workspace::setOverlays(std::shared_ptr<const SourceStore::Overlays> overlays) {
  options_.overlays = std::move(overlays);
}

void Workspace::filesChanged() {
  discovery_.reset();
  store_->forgetKeys();
  dropUnits();
  changedPaths_.clear();
  eventsTrusted_ = false;
}

void Workspace::filesChanged(const std::vector<FileEvent>& events) {
  for (const FileEvent& e : events) {
    if (e.kind != FileEvent::Kind::Changed) {
      // Which files exist changed: the next analysis walks the folders again and checks every
      // stamp (a deleted directory takes the files below it along; it is reported alone).
      discovery_.reset();
      eventsTrusted_ = false;
      store_->forgetKeys();  // a link may point elsewhere now
    }
    changedPaths_.push_back(e.path);
  }
}

void Workspace::dropUnits() {
  units_.clear();
  indexed_.clear();
  linkIndex_.clear();
  local_.clear();
  nextUnit_ = 0;
  nextResource_ = 0;
  freeIds_.clear();
}

void Workspace::keepStateFor(std::vector<std::string> canonicalPaths) {
  for (auto& k : kept_) {
    if (k) k->keepFor(canonicalPaths);
  }
}

size_t Workspace::kept() const {
  size_t n = 0;
  for (const auto& k : kept_) n += k ? k->size() : 0;
  return n;
}

bool Workspace::preparePolicies(std::vector<Error>& errors) {
  // Where the configuration comes from, and its text now (an open buffer wins).
  std::optional<fs::path> configPath;
  std::string configText;
  ReadResult configRead = ReadResult::Ok;
  if (!options_.config) {
    if (options_.configFile) configPath = options_.configFile;
    else if (options_.configSearchFrom) configPath = findConfig(*options_.configSearchFrom);
    if (configPath) {
      auto overlay = options_.overlays ? options_.overlays->find(canonicalKey(*configPath)) : SourceStore::Overlays::const_iterator{};
      if (options_.overlays && overlay != options_.overlays->end()) {
        configText = overlay->second;  // an open .edgeguard.yaml applies as it is typed
      } else {
        // A regular file of at most 1 MiB: a repository's .edgeguard.yaml that is a FIFO or a
        // link to /dev/zero must not hang or fill the process.
        configRead = readSmallFile(*configPath, kMaxConfigBytes, configText);
        if (configRead != ReadResult::Ok) configText.clear();
      }
    }
  }
  std::string key;
  for (const fs::path& d : options_.policyDirs) key += d.generic_string() + '\n';
  for (const fs::path& r : options_.frontEnd.roots) key += r.generic_string() + '\n';
  key += '\0' + options_.rules.preset + '\0' + options_.defaultPreset + (options_.policyDocumentation ? "\1" : "\0");
  for (const std::string& s : options_.rules.select) key += s + ',';
  key += '\0';
  for (const std::string& s : options_.rules.ignore) key += s + ',';
  key += '\0' + std::to_string(reinterpret_cast<uintptr_t>(options_.config.get())) + '\0';
  if (configPath) key += configPath->generic_string() + '\n' + describe(configRead, kMaxConfigBytes) + '\n' + configText;
  if (prepared_ && key == setupKey_ && directoryListing(setupDirs_) == setupListing_) {
    errors.insert(errors.end(), setupErrors_.begin(), setupErrors_.end());
    return setupErrors_.empty();
  }

  std::shared_ptr<const Config> lastGood = config_;
  setupErrors_.clear();
  setupKey_ = std::move(key);
  std::shared_ptr<const Config> config = options_.config;
  if (configPath && configRead != ReadResult::Ok) {
    setupErrors_.push_back(Error{displayPath(*configPath), kNoFile, {}, 0, 0,
                                 configRead == ReadResult::TooLarge
                                     ? "configuration file larger than 1 MiB"
                                     : "cannot read the configuration file: " + describe(configRead, kMaxConfigBytes),
                                 kConfigErrorCode});
  } else if (configPath) {
    auto loaded = std::make_shared<Config>();
    size_t before = setupErrors_.size();
    if (loadConfigText(configText, *configPath, *loaded, setupErrors_)) {
      config = std::move(loaded);
    } else if (options_.keepLastValidConfig && lastGood && canonicalKey(lastGood->path) == canonicalKey(*configPath)) {
      // While the file is being edited into shape, the last valid version stays in effect
      // (the errors are shown on the file itself when it is open).
      config = lastGood;
      for (size_t i = before; i < setupErrors_.size(); ++i) {
        setupErrors_[i].message += " (the last valid configuration stays in effect)";
      }
    }
  }
  if (config != config_) {
    // Excludes and security groups change what discovery finds and what units produce.
    discovery_.reset();
    dropUnits();
  }
  config_ = config;

  auto catalog = std::make_shared<policy::PolicyCatalog>();
  catalog->loadBuiltins(setupErrors_, options_.policyDocumentation);
  setupDirs_ = options_.policyDirs;
  // A directory that does not exist is reported as `missing` says, then skipped.
  auto loadDirectory = [&](const fs::path& dir, auto missing) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      setupErrors_.push_back(missing());
      return;
    }
    catalog->loadDirectory(dir, setupErrors_);
  };
  for (const fs::path& dir : options_.policyDirs) {
    loadDirectory(dir, [&] { return Error{displayPath(dir), kNoFile, {}, 0, 0, "policy directory does not exist", kPolicyErrorCode}; });
  }
  if (config_) {
    for (const auto& entry : config_->policyDirs) {
      const auto& [dir, at] = entry;  // (clang 14 cannot capture a structured binding)
      // The configuration comes with the repository (a pull request can change it): its
      // policy directories are read only inside the project root, as every referenced file is.
      if (!options_.frontEnd.insideRoots(dir)) {
        setupErrors_.push_back(Error{config_->path.generic_string(), kNoFile, {}, at.line, at.column,
                                     "policy-dirs: " + dir.generic_string() + " is " + kOutsideRoot, kConfigErrorCode});
        continue;
      }
      setupDirs_.push_back(dir);
      loadDirectory(dir, [&dir = dir, &at = at, this] {
        return Error{config_->path.generic_string(), kNoFile, {}, at.line, at.column,
                     "policy-dirs: " + dir.generic_string() + " is not a directory", kConfigErrorCode};
      });
    }
    applyConfig(*config_, *catalog, setupErrors_, options_.defaultPreset, &options_.rules);
  } else {
    const std::string& preset = options_.rules.preset.empty() ? options_.defaultPreset : options_.rules.preset;
    selectRules(nullptr, options_.rules, preset, *catalog, setupErrors_);
  }
  setupListing_ = directoryListing(setupDirs_);
  if (options_.cache.enabled) setupDigest_ = policySourcesDigest(setupKey_, setupDirs_);
  catalog_ = std::move(catalog);
  ++catalogVersion_;
  prepared_ = true;
  errors.insert(errors.end(), setupErrors_.begin(), setupErrors_.end());
  return setupErrors_.empty();
}

std::vector<Workspace::Discovered> Workspace::discover(const std::vector<fs::path>& roots, std::vector<Error>& errors,
                                                       Discovery* record) {
  std::vector<Discovered> out;
  std::set<std::string> seen;
  const Config* config = config_.get();
  // A file's stamp and first bytes, taken ahead (on all jobs) for the files a walk found.
  struct Probe {
    std::optional<FileStamp> stamp;
    std::string head;
    bool done = false;
  };
  constexpr size_t kProbeSlice = 32;
  auto accept = [&](const fs::path& p, bool explicitFile, Probe* probe = nullptr) {
    std::string key = p.lexically_normal().generic_string();
    if (!seen.insert(key).second) return;
    if (config && config->excludes(p)) return;
    std::string head;
    if (const std::string* buffer = store_->overlay(p)) {
      head = buffer->substr(0, 512);
      record->heads.emplace_back(p, head);
    } else if (probe) {
      head = probe->head;
      record->stamps.push_back(Discovery::Seen{p, probe->stamp, true, std::move(probe->head)});
    } else {
      std::optional<FileStamp> stamp = fileStamp(p);  // before reading: a change while it is read shows next time
      head = readFileHead(p);
      record->stamps.push_back(Discovery::Seen{p, stamp, true, head});
    }
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
    record->stamps.push_back(Discovery::Seen{root, fileStamp(root), false, {}});
    if ((ec || !fs::exists(st)) && store_->overlay(root)) {
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
      record->stamps.push_back(Discovery::Seen{dir, fileStamp(dir), false, {}});
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
    // Each file's stamp and first bytes on all jobs (a stat and a read per file were a serial
    // tenth of a batch scan); accepted in path order, as before.
    std::vector<Probe> probes(found.size());
    parallelFor((found.size() + kProbeSlice - 1) / kProbeSlice, options_.jobs, [&](size_t slice) {
      for (size_t i = slice * kProbeSlice; i < std::min(found.size(), (slice + 1) * kProbeSlice); ++i) {
        if (store_->overlay(found[i]) || (config && config->excludes(found[i]))) continue;  // accept decides
        probes[i].stamp = fileStamp(found[i]);  // before reading: a change while it is read shows next time
        probes[i].head = readFileHead(found[i]);
        probes[i].done = true;
      }
    });
    for (size_t i = 0; i < found.size(); ++i) accept(found[i], false, probes[i].done ? &probes[i] : nullptr);
  }
  return out;
}

bool Workspace::discoveryCurrent(const Discovery& d, std::set<std::string>& verified) const {
  if (d.config != config_.get() || d.skipUnsupported != options_.skipUnsupported) return false;
  for (const auto& [path, head] : d.heads) {
    const std::string* buffer = store_->overlay(path);
    if (!buffer || buffer->compare(0, 512, head) != 0) return false;
  }
  int64_t now = wallClockNs();
  // Stat'ed on every analysis: spread over the jobs, in slices.
  std::atomic<bool> current{true};
  std::vector<uint8_t> trusted(d.stamps.size(), 0);
  constexpr size_t kSlice = 64;
  parallelFor((d.stamps.size() + kSlice - 1) / kSlice, options_.jobs, [&](size_t slice) {
    for (size_t i = slice * kSlice; i < std::min(d.stamps.size(), (slice + 1) * kSlice) && current; ++i) {
      const Discovery::Seen& seen = d.stamps[i];
      // A path that has a buffer now was read from disk then: its head may differ.
      if (fileStamp(seen.path) != seen.stamp || store_->overlay(seen.path)) {
        current = false;
        return;
      }
      // File times are coarse: a stamp this recent may hide a change made within the same clock
      // tick (a directory then is walked again, a file's head compared).
      if (seen.stamp && isRacy(*seen.stamp, now)) {
        if (!seen.file || readFileHead(seen.path) != seen.head) {
          current = false;
          return;
        }
      } else if (seen.file) {
        trusted[i] = 1;
      }
    }
  });
  if (!current) return false;
  for (size_t i = 0; i < d.stamps.size(); ++i) {
    if (trusted[i]) verified.insert(store_->keyOf(d.stamps[i].path));
  }
  return true;
}

std::shared_ptr<Analysis> Workspace::analyse() {
  if (!prepared_) {
    std::vector<Error> ignored;  // kept in setupErrors_
    preparePolicies(ignored);
  }
  // A store kept across many edits holds every old version of the edited files: start over
  // when the old versions outweigh the current text (an analysis then loads every unit).
  {
    size_t live = 0;
    std::set<FileId> seen;
    for (const auto& [key, u] : units_) {
      for (const UnitState::Dep& d : u->deps) {
        if (seen.insert(d.id).second) {
          if (const SourceFile* f = store_->get(d.id)) live += f->text().size();
        }
      }
    }
    size_t resources = 0;
    for (const auto& [key, u] : units_) resources += u->resources.size();
    if (store_->textBytes() > 2 * live + (64u << 20) || nextResource_ > 4 * resources + (1u << 20)) {
      store_ = std::make_shared<SourceStore>(options_.limits);
      fileCaches_ = std::make_unique<FileCaches>();
      redaction_.reset();
      dropUnits();
      discovery_.reset();
    }
  }
  store_->setOverlays(options_.overlays);

  auto analysis = std::make_shared<Analysis>();
  Analysis& a = *analysis;
  auto phaseStart = std::chrono::steady_clock::now();
  auto phase = [&](const char* name) {
    auto now = std::chrono::steady_clock::now();
    a.phases.emplace_back(name, std::chrono::duration<double, std::milli>(now - phaseStart).count());
    phaseStart = now;
  };
  a.store_ = store_;
  a.catalog_ = catalog_;
  a.config_ = config_;
  ScanResult& result = a.result;
  SourceStore& store = *store_;

  // Discovery, kept while no directory or considered file changed.
  std::vector<fs::path> roots = options_.paths;
  if (roots.empty()) roots.emplace_back(".");
  // Files discovery found unchanged since it was made (after which every file was refreshed)
  // need no second look below.
  std::set<std::string> verified;
  std::vector<fs::path> changed = std::move(changedPaths_);
  changedPaths_.clear();
  // Trusting the watcher: discovery holds unless a changed file's first bytes (which decide its
  // format) or a buffer's changed, or a directory changed.
  bool trusted = options_.trustFileEvents && eventsTrusted_ && discovery_ &&
                 discovery_->config == config_.get() && discovery_->skipUnsupported == options_.skipUnsupported;
  if (trusted) {
    Discovery& d = *discovery_;
    if (d.fileIndex.empty()) {
      for (size_t i = 0; i < d.stamps.size(); ++i) {
        if (d.stamps[i].file) d.fileIndex.emplace(store_->keyOf(d.stamps[i].path), i);
      }
    }
    for (const auto& [path, head] : d.heads) {
      const std::string* buffer = store_->overlay(path);
      if (!buffer || buffer->compare(0, 512, head) != 0) trusted = false;
    }
    for (const fs::path& p : changed) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) trusted = false;
      auto it = d.fileIndex.find(store_->keyOf(p));
      if (it != d.fileIndex.end() && !store_->overlay(p) && readFileHead(p) != d.stamps[it->second].head) trusted = false;
    }
    if (!trusted) discovery_.reset();
  }
  if (trusted) {
    // Every file discovery considered is taken as it was, but those events or buffers name.
  } else if (!discovery_ || !discoveryCurrent(*discovery_, verified)) {
    verified.clear();
    auto d = std::make_unique<Discovery>();
    d->config = config_.get();
    d->skipUnsupported = options_.skipUnsupported;
    d->files = discover(roots, d->errors, d.get());
    if (!options_.contextPaths.empty()) d->context = discover(options_.contextPaths, d->errors, d.get());
    discovery_ = std::move(d);
  }
  phase("discover");
  const std::vector<Discovered>& files = discovery_->files;
  result.errors = discovery_->errors;

  // Group files into units per front-end; units are independent and load in parallel.
  // A file named on the command line brings its companions (the rest of its Terraform
  // module) as context: loaded, evaluated, but not reported on. The grouping is kept with the
  // discovery, unless a file is named (its companions are listed from its directory each time).
  Discovery& found = *discovery_;
  if (!found.grouped) {
    found.units.clear();
    found.unitKeys.clear();
    found.contextOnly.clear();
    std::map<std::pair<size_t, std::string>, Discovery::Unit> unitMap;
    std::set<std::string> scanned;
    std::set<std::string>& contextOnly = found.contextOnly;
    for (const Discovered& d : files) scanned.insert(d.path.generic_string());
    auto addToUnit = [&](const fs::path& path, size_t i) -> FrontEnd* {
      Discovery::Unit& u = unitMap[{i, frontEnds_[i]->unitKey(path)}];
      u.frontEnd = frontEnds_[i].get();
      u.frontEndIndex = i;
      u.paths.push_back(path);
      return u.frontEnd;
    };
    bool named = false;
    for (const Discovered& d : files) {
      FrontEnd* fe = addToUnit(d.path, d.frontEnd);
      if (!d.named) continue;
      named = true;
      for (const fs::path& c : fe->companions(d.path)) {
        std::string key = c.generic_string();
        if (scanned.count(key) || !contextOnly.insert(key).second) continue;
        if (fe->unitKey(c) == fe->unitKey(d.path)) addToUnit(c, d.frontEnd);
      }
    }
    // --context: the rest of the project, loaded and evaluated so that cross-file rules see it,
    // but not reported on.
    for (const Discovered& d : discovery_->context) {
      std::string key = d.path.generic_string();
      if (scanned.count(key) || !contextOnly.insert(key).second) continue;
      addToUnit(d.path, d.frontEnd);
    }
    for (auto& [key, u] : unitMap) {
      std::string k = std::string(u.frontEnd->format());
      for (const fs::path& p : u.paths) {
        k.append("\n").append(p.generic_string()).append(contextOnly.count(p.generic_string()) ? " (context)" : "");
      }
      found.unitKeys.push_back(std::move(k));
      found.units.push_back(std::move(u));
    }
    found.grouped = !named;
  }
  using Unit = Discovery::Unit;
  std::vector<Unit>& units = found.units;
  const std::vector<std::string>& unitKeys = found.unitKeys;
  const std::set<std::string>& contextOnly = found.contextOnly;
  if (!options_.keepUnits) {
    // Analysed once: what discovery saw (every file's stamp and first bytes) is not looked at
    // again; only the units it grouped are needed below.
    found.stamps = {};
    found.heads = {};
    found.fileIndex = {};
  }

  // Every file the kept units read is read again if it changed (before any unit loads, so that
  // no unit loads an old version of a file another one finds changed).
  {
    std::set<std::string> buffers;
    if (options_.overlays) {
      for (const auto& [key, text] : *options_.overlays) buffers.insert(key);
    }
    std::vector<const std::string*> paths;
    std::set<std::string_view> seenPaths;
    std::vector<std::string> named;  // trusted: what events and buffers (now and before) name
    if (trusted) {
      for (const fs::path& p : changed) named.push_back(p.string());
      named.insert(named.end(), buffers.begin(), buffers.end());
      named.insert(named.end(), overlayKeys_.begin(), overlayKeys_.end());
      for (const std::string& p : named) paths.push_back(&p);
    }
    for (const auto& [key, u] : units_) {
      if (trusted) break;
      for (const UnitState::Dep& d : u->deps) {
        if (!seenPaths.insert(d.path).second) continue;
        if (!verified.empty()) {
          // Unchanged on disk since discovery, and neither a buffer now nor before.
          std::string k = store.keyOf(d.path);
          if (verified.count(k) && !buffers.count(k) && !overlayKeys_.count(k)) continue;
        }
        paths.push_back(&d.path);
      }
    }
    overlayKeys_ = std::move(buffers);
    if (paths.size() < 64) {
      for (const std::string* p : paths) store.refresh(*p);  // (threads cost more than a few stats)
    } else {
      parallelFor(paths.size(), options_.jobs, [&](size_t i) { store.refresh(*paths[i]); });
    }
  }
  if (options_.trustFileEvents && !trusted) eventsTrusted_ = true;  // every stamp was checked
  phase("refresh");
  // The on-disk cache (ResultCache.h): units found there are not loaded; units loaded are
  // written there with what the resource-local policies find in them. A configuration given as
  // an object (not a file's text) cannot be part of a key: no cache then.
  std::unique_ptr<UnitCache> diskCache;
  if (options_.cache.enabled && !options_.config) {
    diskCache = std::make_unique<UnitCache>(options_.cache, setupDigest_, options_.frontEnd, options_.limits,
                                            options_.showUnknown, units.size());
    if (!diskCache->usable()) {
      a.cacheNote = diskCache->note();
      diskCache.reset();
    }
  }
  std::vector<std::optional<UnitEntry::Local>> cachedLocal(units.size());
  // Policies: resource-local ones see one resource at a time (evaluated per unit, kept with it),
  // the others the whole graph.
  const auto& policies = catalog_->policies();
  std::vector<bool> local(policies.size());
  for (size_t i = 0; i < policies.size(); ++i) local[i] = policy::isResourceLocal(*policies[i]);
  policy::EvalOptions evalOptions;
  evalOptions.includeUnknown = options_.showUnknown;
  evalOptions.sources = &store;
  // A batch scan that trims resources runs a unit's resource-local policies as soon as it is
  // loaded, then keeps of its resources only what linking and the whole-graph policies read.
  const bool trim = options_.trimResources && !options_.keepUnits;
  policy::AttributeUses uses;
  if (trim) {
    for (std::string_view key : linkAttributes()) uses.keepEverywhere(key);
    uses.keepEverywhere(kSourceAddress);  // linkDeclarations
    std::vector<const policy::Policy*> wholeGraph;
    for (size_t i = 0; i < policies.size(); ++i) {
      if (!local[i]) wholeGraph.push_back(policies[i].get());
    }
    uses.addPolicies(wholeGraph);
  }
  const ResourceGraph noGraph;  // what resource-local policies are given: they read none
  // A unit loaded or taken from the on-disk cache, before it joins the graph.
  auto finishUnit = [&](size_t i, UnitState& s) {
    std::map<FileId, std::string> configGroups;  // file -> security group from the configuration
    for (Resource& r : s.resources) {
      if (config_ && !config_->securityGroups.empty() && r.format == "edge") {
        // A security group declared in the configuration takes precedence over the tag.
        auto [it, fresh] = configGroups.try_emplace(r.file);
        if (fresh) it->second = config_->securityGroupOf(store.get(r.file)->path());
        if (!it->second.empty()) r.attributes.set("securityGroup", Value(it->second));
      }
    }
    if (!trim) return;
    for (const Resource& r : s.resources) markSecretValues(store, r.attributes, false);
    if (!cachedLocal[i] && !s.resources.empty()) {
      UnitEntry::Local found;
      found.byPolicy.resize(policies.size());
      evaluateLocal(policies, local, s.resources, noGraph, evalOptions, found.byPolicy, found.failed);
      cachedLocal[i] = std::move(found);
    }
    for (Resource& r : s.resources) uses.trim(r.kind, r.attributes);
  };
  // Listings taken in this analysis, by directory (units calling one module share it).
  std::mutex listingsMutex;
  std::map<std::string, Hash128> listingsNow;
  auto lookedAtAsBefore = [&](const UnitState& s) {
    for (const auto& [dir, names] : s.listings) {
      if (!names) return false;
      std::optional<Hash128> now;
      {
        std::lock_guard<std::mutex> lock(listingsMutex);
        if (auto it = listingsNow.find(dir); it != listingsNow.end()) now = it->second;
      }
      if (!now) {
        now = listingDigest(dir);
        std::lock_guard<std::mutex> lock(listingsMutex);
        listingsNow.emplace(dir, *now);
      }
      if (!(*now == *names)) return false;
    }
    return probesHold(s.probes);
  };
  // Each unit: the one of the last analysis when every file it read is the same version (and
  // what else it looked at is as it was), else loaded again.
  std::vector<std::shared_ptr<const UnitState>> states(units.size());
  std::vector<std::shared_ptr<UnitState>> loaded(units.size());
  const bool reloading = options_.keepUnits && !units_.empty();  // an edit in an editor's Workspace
  size_t totalFiles = 0;
  for (const Unit& u : units) totalFiles += u.paths.size();
  std::atomic<size_t> filesDone{0};
  std::atomic<unsigned> unitsLoading{0};  // loaded right now: fewer than jobs leaves a thread to spare
  parallelFor(units.size(), options_.jobs, [&](size_t i) {
    Unit& unit = units[i];
    struct ProgressOnExit {  // reports the unit as done, however it ends
      const std::function<void(size_t, size_t)>& progress;
      std::atomic<size_t>& done;
      size_t files, total;
      ~ProgressOnExit() {
        size_t now = done += files;
        if (progress) progress(now, total);
      }
    } progressOnExit{options_.progress, filesDone, unit.paths.size(), totalFiles};
    if (auto it = units_.find(unitKeys[i]); it != units_.end() && it->second->reusable) {
      bool current = true;
      for (const UnitState::Dep& d : it->second->deps) {
        if (store.idOfKey(d.key) != d.id) {
          current = false;
          break;
        }
      }
      // Which files exist may have changed (trusted events say it has not): the directories
      // and paths it looked at beyond its own files' are looked at again.
      if (current && !trusted) current = lookedAtAsBefore(*it->second);
      if (current) {
        states[i] = it->second;
        return;
      }
    }
    auto out = std::make_shared<UnitState>();
    loaded[i] = out;
    bool readable = true;
    std::vector<const SourceFile*> sources;
    for (const fs::path& p : unit.paths) {
      bool context = contextOnly.count(p.generic_string()) > 0;
      LoadError err;
      // A named file that resolves outside the project (a committed symlink that a pre-commit
      // hook passes by name) is not read; an editor's open buffer is its own text.
      if (!options_.frontEnd.resolvedInsideRoots(store.keyOf(p)) && !store.overlay(p)) {
        if (!context) out->errors.push_back(Error{displayPath(p), kNoFile, {}, 0, 0, kOutsideRoot, kNotFollowedCode});
        readable = false;
        continue;
      }
      store.refresh(p);
      if (const SourceFile* f = store.load(p, &err)) {
        sources.push_back(f);
        if (context) out->contextFiles.push_back(f->id());
        else ++out->files;
      } else {
        readable = false;
        if (!context) out->errors.push_back(Error{err.path, kNoFile, {}, 0, 0, err.message, kInputErrorCode});
      }
    }
    if (sources.empty()) return;
    std::optional<Hash128> cacheKey;
    std::vector<std::vector<ByteRange>> marksBefore;  // secrets of its files before it loads
    if (diskCache && readable) {
      cacheKey = diskCache->keyOf(i, unitKeys[i], sources);
      UnitCache::Restored hit;
      if (diskCache->restore(i, *cacheKey, sources, store, catalog_->policies().size(), hit)) {
        for (const SourceFile* f : sources) out->deps.push_back(UnitState::Dep{f->path(), store.keyOf(f->path()), f->id()});
        for (const SourceFile* f : hit.extras) out->deps.push_back(UnitState::Dep{f->path(), store.keyOf(f->path()), f->id()});
        if (options_.keepUnits) {  // (a unit analysed once is never looked at again)
          recordListings(*out, sources, hit.listings);
          out->probes = std::move(hit.probes);
        }
        out->resources = std::move(hit.resources);
        out->errors = std::move(hit.errors);
        out->reusable = true;
        cachedLocal[i] = std::move(hit.local);
        finishUnit(i, *out);
        return;
      }
      for (const SourceFile* f : sources) marksBefore.push_back(store.secrets(f->id()));
    }
    LoadContext ctx{store, options_.frontEnd, kept_[unit.frontEndIndex].get()};
    const LoadLimits& limits = options_.limits;
    // The time budget grows with the unit's text, not with its number of files: 300 empty .tf
    // files beside an expensive main.tf must not give it 300 budgets. One budget per 256 KiB,
    // at least one, at most one per file.
    size_t unitBytes = 0;
    for (const SourceFile* f : sources) unitBytes += f->text().size();
    size_t shares = std::clamp<size_t>((unitBytes + (256u << 10) - 1) / (256u << 10), 1, sources.size());
    ParseBudget budget(limits.parseSeconds * static_cast<double>(shares), limits.parseMemoryBytes);
    bool complete = false;  // loaded without running out of budget or failing: may be reused
    struct Loading {
      std::atomic<unsigned>& n;
      unsigned now = ++n;
      ~Loading() { --n; }
    } loading{unitsLoading};
    ctx.spareThread = loading.now < options_.jobs;
    try {
      BudgetScope scope(budget);
      takeTooDeep();
      unit.frontEnd->loadUnit(sources, ctx);
      if (std::optional<DepthHit> hit = takeTooDeep()) {
        const SourceFile* at = hit->file != kNoFile ? store.get(hit->file) : nullptr;
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
    // What it read besides its own files (module sources, variable files) decides whether it
    // is still current next time.
    std::set<FileId> depIds;
    auto addDep = [&](const SourceFile* f) {
      if (depIds.insert(f->id()).second) out->deps.push_back(UnitState::Dep{f->path(), store.keyOf(f->path()), f->id()});
    };
    for (const SourceFile* f : sources) addDep(f);
    for (const SourceFile* f : ctx.read) addDep(f);
    if (options_.keepUnits) {
      recordListings(*out, sources);
      out->probes = ctx.probed;
      std::sort(out->probes.begin(), out->probes.end());
      out->probes.erase(std::unique(out->probes.begin(), out->probes.end()), out->probes.end());
    }
    out->reusable = complete && readable;
    out->resources = std::move(ctx.resources);
    for (Error& e : ctx.errors) out->errors.push_back(std::move(e));
    if (cacheKey && out->reusable && cacheableErrors(out->errors)) {
      diskCache->capture(i, *cacheKey, sources, ctx.read, ctx.probed, marksBefore, store, out->resources, out->errors);
    }
    finishUnit(i, *out);
    // Kept for the whole analysis (and between analyses): without the room builders left
    // spare. After trimming, which leaves less to visit. (Trees from the cache are exact.) Not
    // a unit loaded again while editing: it is likely to be replaced at the next keystroke.
    if (reloading) return;
    out->resources.shrink_to_fit();
    for (Resource& r : out->resources) shrinkToFit(r.attributes);
  });

  phase("load");
  // The ids of the units this analysis no longer has are free again: a long editing session
  // must not grow the id space (graphs index their resources and edges by id).
  {
    std::set<const UnitState*> kept;
    for (const auto& st : states) kept.insert(st.get());
    for (const auto& [key, u] : units_) {
      if (!kept.count(u.get()) && !u->resources.empty()) {
        freeIds_.emplace(u->resources.front().id, static_cast<ResourceId>(u->resources.size()));
      }
    }
  }
  // New units get their numbers and their resources ids unique in the Workspace (a free range
  // of the right size when there is one; a unit's ids are consecutive), in unit order.
  for (size_t u = 0; u < units.size(); ++u) {
    if (!loaded[u]) continue;
    UnitState& s = *loaded[u];
    s.serial = nextUnit_++;
    ResourceId id = nextResource_;
    auto range = std::find_if(freeIds_.begin(), freeIds_.end(), [&](const auto& f) { return f.second >= s.resources.size(); });
    if (range != freeIds_.end() && !s.resources.empty()) {
      id = range->first;
      auto [base, size] = *range;
      freeIds_.erase(range);
      if (size > s.resources.size()) {
        freeIds_.emplace(base + static_cast<ResourceId>(s.resources.size()), size - static_cast<ResourceId>(s.resources.size()));
      }
    } else {
      nextResource_ += static_cast<ResourceId>(s.resources.size());
    }
    for (Resource& r : s.resources) {
      r.id = id++;
      r.unit = s.serial;
    }
  }
  for (size_t u = 0; u < units.size(); ++u) {
    if (!loaded[u] || !cachedLocal[u]) continue;
    // What the resource-local policies found, from the cache: taken by the local-policies phase
    // as if kept from a previous analysis (its key is the one that phase uses).
    LocalFindings& lf = local_[unitKeys[u]];
    lf.unit = loaded[u]->serial;
    lf.key = std::to_string(catalogVersion_) + (options_.showUnknown ? "+unknown" : "");
    lf.byPolicy = std::move(cachedLocal[u]->byPolicy);
    lf.failed = std::move(cachedLocal[u]->failed);
    lf.state = nullptr;
  }
  std::vector<size_t> fresh;
  for (size_t u = 0; u < units.size(); ++u) {
    if (loaded[u]) fresh.push_back(u);
  }
  // Each loaded unit's secrets are marked and its links made: as two tasks when there are fewer
  // units than jobs (an editor's edit loads one).
  const bool splitUnits = options_.keepUnits && !trim && fresh.size() < options_.jobs;
  parallelFor(fresh.size() * (splitUnits ? 2 : 1), options_.jobs, [&](size_t t) {
    UnitState& s = *loaded[fresh[splitUnits ? t / 2 : t]];
    bool marks = !splitUnits || t % 2 == 0, links = !splitUnits || t % 2 == 1;
    if (marks && !trim) {
      for (const Resource& r : s.resources) markSecretValues(store, r.attributes, false);  // (trimmed: marked before)
    }
    if (!links) return;
    std::vector<const Resource*> resources;
    resources.reserve(s.resources.size());
    for (const Resource& r : s.resources) {
      resources.push_back(&r);
      if (!s.planned && sourceAddress(r)) s.planned = true;
    }
    if (options_.keepUnits) s.links = makeUnitLinks(resources);
  });
  for (size_t u = 0; u < units.size(); ++u) {
    if (loaded[u]) states[u] = loaded[u];
  }
  a.unitsLoaded = fresh.size();
  a.unitsReused = units.size() - fresh.size();

  phase("secrets");
  // What is reported (ScanOptions::reportOnly): files by id; an error without a file id by its
  // path's key, looked up only when its name is one of theirs.
  std::optional<std::unordered_set<FileId>> reportIds;
  std::set<std::string> reportNames;
  if (options_.reportOnly) {
    reportIds.emplace();
    for (const std::string& key : *options_.reportOnly) {
      if (FileId id = store.idOfKey(key); id != kNoFile) reportIds->insert(id);
      reportNames.insert(fs::path(key).filename().string());
    }
  }
  auto reported = [&](FileId file) { return !reportIds || reportIds->count(file) > 0; };
  auto reportedError = [&](const Error& e) {
    if (!reportIds) return true;
    if (e.file != kNoFile) return reportIds->count(e.file) > 0;
    return reportNames.count(fs::path(e.path).filename().string()) > 0 && options_.reportOnly->count(store.keyOf(e.path)) > 0;
  };
  // The graph: every unit's resources, shared; edges from what each unit contributes (Linker.h).
  std::set<FileId> context;
  std::map<std::string, std::shared_ptr<const UnitState>> nextUnits;
  std::vector<std::pair<std::string, std::shared_ptr<const UnitState>>> ordered;  // graph order
  for (size_t u = 0; u < units.size(); ++u) {
    if (!states[u]) continue;
    ordered.emplace_back(unitKeys[u], states[u]);
    const UnitState& s = *states[u];
    result.files += s.files;
    for (const Resource& r : s.resources) a.graph_.addShared(r);
    // Analysed once: a unit's errors move into the result (nothing reads them again).
    std::vector<Error>* movable = !options_.keepUnits && loaded[u] ? &loaded[u]->errors : nullptr;
    for (size_t i = 0; i < s.errors.size(); ++i) {
      const Error& e = s.errors[i];
      if ((e.file == kNoFile || !std::count(s.contextFiles.begin(), s.contextFiles.end(), e.file)) && reportedError(e)) {
        result.errors.push_back(movable ? std::move((*movable)[i]) : e);
      }
    }
    context.insert(s.contextFiles.begin(), s.contextFiles.end());
    nextUnits[unitKeys[u]] = states[u];
  }
  a.units_ = std::move(states);
  a.units_.erase(std::remove(a.units_.begin(), a.units_.end(), nullptr), a.units_.end());
  if (options_.keepUnits) {
    // The names of every unit, counted: units that left are taken out, new ones put in.
    std::map<uint32_t, std::shared_ptr<const UnitState>> now;
    for (const auto& s : a.units_) now.emplace(s->serial, s);
    for (auto it = indexed_.begin(); it != indexed_.end();) {
      if (now.count(it->first)) {
        ++it;
        continue;
      }
      linkIndex_.remove(it->second->links);
      it = indexed_.erase(it);
    }
    for (auto& [serial, s] : now) {
      if (indexed_.emplace(serial, s).second) linkIndex_.add(s->links);
    }
    std::vector<const UnitLinks*> links;
    for (const auto& s : a.units_) links.push_back(&s->links);
    linkUnits(a.graph_, links, linkIndex_);
  } else {
    // Analysed once: the links and the index are made here and gone before the policies run.
    linkGraph(a.graph_, options_.jobs);
  }
  for (const Resource& r : a.graph_.resources()) result.resources += context.count(r.file) ? 0 : 1;

  phase("link");
  // Policies. Resource-local ones: what a unit's resources give, kept with the unit while it
  // and the catalog stay the same; the others over the whole graph.
  std::string evalKey = std::to_string(catalogVersion_) + (options_.showUnknown ? "+unknown" : "");
  std::map<std::string, LocalFindings> nextLocal;
  std::vector<LocalFindings*> localByUnit;  // in graph order
  std::vector<LocalFindings*> toEvaluate;
  for (const auto& [key, s] : ordered) {
    LocalFindings& lf = nextLocal[key];
    auto it = local_.find(key);
    if (it != local_.end() && it->second.unit == s->serial && it->second.key == evalKey) {
      lf = std::move(it->second);
    } else {
      lf.unit = s->serial;
      lf.key = evalKey;
      lf.byPolicy.assign(policies.size(), {});
      lf.failed.clear();
      lf.state = s.get();
      toEvaluate.push_back(&lf);
    }
    localByUnit.push_back(&lf);
  }
  // Fewer units than jobs (an editor's edit): each unit's policies are shared out among them.
  const size_t shares = toEvaluate.empty() ? 1 : std::max<size_t>(1, options_.jobs / toEvaluate.size());
  if (shares > 1) {
    for (LocalFindings* lf : toEvaluate) lf->failed.resize(policies.size());  // written by index only
  }
  parallelFor(toEvaluate.size() * shares, options_.jobs, [&](size_t t) {
    LocalFindings& lf = *toEvaluate[t / shares];
    std::vector<bool> mine = local;
    for (size_t i = 0; shares > 1 && i < mine.size(); ++i) mine[i] = mine[i] && i % shares == t % shares;
    evaluateLocal(policies, mine, lf.state->resources, a.graph_, evalOptions, lf.byPolicy, lf.failed);
  });
  local_ = std::move(nextLocal);
  units_ = std::move(nextUnits);
  if (diskCache) {
    for (size_t u = 0; u < units.size(); ++u) {
      if (!diskCache->captured(u)) continue;
      if (auto it = local_.find(unitKeys[u]); it != local_.end()) {
        std::vector<std::string> failed = it->second.failed;
        failed.resize(policies.size());
        diskCache->write(u, it->second.byPolicy, failed);
      }
    }
    diskCache->finish();
    a.unitsFromCache = diskCache->hits();
    a.unitsCached = diskCache->writes();
  }

  phase("local-policies");
  std::vector<std::vector<Finding>> perPolicy(policies.size());
  std::vector<std::string> failed(policies.size());
  std::vector<size_t> global;
  for (size_t i = 0; i < policies.size(); ++i) {
    if (!local[i]) global.push_back(i);
  }
  // Each one judges the resources of its kinds, in graph order (applies() still decides): one
  // lookup per resource, instead of each policy comparing every resource's kind with its own.
  // When only some files are reported (an editor's open documents), a policy that judges each
  // resource on its own (no aggregate) judges only the resources of units that read one of
  // them: a finding's location is its subject's header or one of the subject's values, and
  // those come from the files its unit read. The others' findings would be dropped below.
  std::unordered_set<uint32_t> reportedUnits;
  if (reportIds) {
    for (const auto& [key, s] : ordered) {
      if (std::any_of(s->deps.begin(), s->deps.end(), [&](const UnitState::Dep& d) { return reportIds->count(d.id) > 0; })) {
        reportedUnits.insert(s->serial);
      }
    }
  }
  auto judged = [&](size_t g, const Resource& r) {
    return !reportIds || policy::isAggregate(*policies[global[g]]) || reportedUnits.count(r.unit) > 0;
  };
  std::vector<std::vector<const Resource*>> globalSubjects(global.size());
  std::unordered_map<std::string_view, std::vector<size_t>> globalByKind;  // a kind as written -> indices into global
  for (const Resource& r : a.graph_.resources()) {
    auto [it, fresh] = globalByKind.try_emplace(r.kind);
    for (size_t g = 0; fresh && g < global.size(); ++g) {
      const std::vector<std::string>& kinds = policies[global[g]]->kinds;
      if (std::any_of(kinds.begin(), kinds.end(), [&](const std::string& k) { return equalsIgnoreCase(k, r.kind); })) {
        it->second.push_back(g);
      }
    }
    for (size_t g : it->second) {
      if (judged(g, r)) globalSubjects[g].push_back(&r);
    }
  }
  parallelFor(global.size(), options_.jobs, [&](size_t g) {
    size_t i = global[g];
    policy::EvalOptions subjectOptions = evalOptions;
    subjectOptions.subjects = &globalSubjects[g];
    try {
      perPolicy[i] = policy::evaluate(*policies[i], a.graph_, subjectOptions);
      if (reportIds) std::erase_if(perPolicy[i], [&](const Finding& f) { return !reported(f.location.file); });
    } catch (const std::exception& e) {
      failed[i] = e.what();
    }
  });
  for (size_t i = 0; i < policies.size(); ++i) {
    if (!local[i]) continue;
    for (LocalFindings* lf : localByUnit) {
      if (failed[i].empty() && i < lf->failed.size() && !lf->failed[i].empty()) failed[i] = lf->failed[i];
      std::vector<Finding>& found = lf->byPolicy[i];
      if (reportIds) {
        for (const Finding& f : found) {
          if (reported(f.location.file)) perPolicy[i].push_back(f);
        }
      } else if (options_.keepUnits) perPolicy[i].insert(perPolicy[i].end(), found.begin(), found.end());
      else perPolicy[i].insert(perPolicy[i].end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
  }
  phase("global-policies");
  std::vector<Finding>& findings = result.findings;
  {
    size_t total = 0;
    for (const std::vector<Finding>& v : perPolicy) total += v.size();
    findings.reserve(total);
  }
  // A report stays bounded: one rule reports at most kMaxFindingsPerRule findings (in graph
  // order, the same on every run), and a note says how many more there were (2,000 devices
  // sharing a key, or a dynamic block expanded a million times, made reports of gigabytes).
  constexpr size_t kMaxFindingsPerRule = 10000;
  for (size_t i = 0; i < perPolicy.size(); ++i) {
    const policy::Policy& p = *policies[i];
    std::vector<Finding>& v = perPolicy[i];
    if (!failed[i].empty()) {
      // A policy that fails becomes one internal finding; the run goes on.
      Finding f;
      f.rule = kPolicyFailedCode;
      f.name = "policy-evaluation-failed";
      f.severity = Severity::High;
      f.message = "policy " + p.id + " (" + p.name + ") failed to evaluate: " + failed[i];
      const SourceFile* src = store.find(p.sourcePath);
      if (!src) src = store.add(p.sourcePath, "");
      f.location = f.anchor = {src->id(), {0, 0}};
      f.detailKey = p.id;
      v = {std::move(f)};
    }
    if (v.size() > kMaxFindingsPerRule) {
      Error note;
      note.path = p.sourcePath;
      note.code = kFindingsCappedCode;
      note.notice = true;
      note.message = "rule " + p.id + " (" + p.name + ") found " + std::to_string(v.size()) + " findings; the first " +
                     std::to_string(kMaxFindingsPerRule) + " are reported";
      result.errors.push_back(std::move(note));
      v.resize(kMaxFindingsPerRule);
    }
    for (Finding& f : v) findings.push_back(std::move(f));
  }

  // (Only when some unit has plan resources: looking at every resource was 2 ms of an edit.)
  if (std::any_of(a.units_.begin(), a.units_.end(), [](const auto& s) { return s->planned; })) {
    linkDeclarations(a.graph_, findings);
  }

  phase("merge");
  // Suppressions, file by file: the files the units read, each once, in id order.
  std::set<FileId> live;
  for (const auto& s : a.units_) {
    for (const UnitState::Dep& d : s->deps) live.insert(d.id);
  }
  for (const Finding& f : findings) live.insert(f.location.file);
  // Reporting some files only: their comments, and those where their findings are anchored.
  std::set<FileId> reportedFiles;
  if (reportIds) {
    reportedFiles.insert(reportIds->begin(), reportIds->end());
    for (const Finding& f : findings) reportedFiles.insert({f.location.file, f.anchor.file});
  }
  std::vector<Finding> extra;
  for (FileId id : reportIds ? reportedFiles : live) {
    const SourceFile* file = store.get(id);
    if (!file) continue;
    auto [it, fresh] = fileCaches_->suppressions.try_emplace(id);
    if (fresh) it->second = findSuppressions(*file);
    applySuppressions(*file, it->second, findings, extra);
  }
  for (Finding& f : extra) {
    if (reported(f.location.file)) findings.push_back(std::move(f));
  }
  a.files_.assign(live.begin(), live.end());

  phase("suppressions");
  // Fingerprints leave out positions so they survive lines moving around.
  std::unordered_map<FileId, const std::string*> paths;
  for (FileId id : live) {
    if (const SourceFile* f = store.get(id)) paths[id] = &f->path();
  }
  auto pathOf = [&](FileId id) -> const std::string& {
    static const std::string none;
    auto it = paths.find(id);
    if (it != paths.end()) return *it->second;
    const SourceFile* f = store.get(id);
    return f ? f->path() : none;
  };
  for (Finding& f : findings) {
    f.fingerprint = fingerprint(f.rule + "|" + pathOf(f.location.file) + "|" + f.resource + "|" + f.detailKey);
  }
  // By path: the findings' files ranked by path once (equal paths, equal ranks), so that a
  // comparison compares ranks, not path strings.
  std::unordered_map<FileId, uint32_t> rank;
  for (const Finding& f : findings) rank.emplace(f.location.file, 0);
  {
    std::vector<std::pair<const std::string*, FileId>> byPath;
    byPath.reserve(rank.size());
    for (const auto& [id, r] : rank) byPath.emplace_back(&pathOf(id), id);
    std::sort(byPath.begin(), byPath.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
    for (size_t i = 0; i < byPath.size(); ++i) {
      rank[byPath[i].second] = i > 0 && *byPath[i].first == *byPath[i - 1].first ? rank[byPath[i - 1].second]
                                                                                   : static_cast<uint32_t>(i);
    }
  }
  // (Then by resource address, shortest first, and fingerprint: of the same finding judged twice,
  // the one kept below is the module's own judgement rather than a caller's, and does not depend
  // on the order the findings came in, which differs when only some files are reported.)
  std::sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    return std::make_tuple(rank.find(a.location.file)->second, a.location.range.begin, std::cref(a.rule), std::cref(a.message),
                           a.resource.size(), std::cref(a.resource), std::cref(a.fingerprint)) <
           std::make_tuple(rank.find(b.location.file)->second, b.location.range.begin, std::cref(b.rule), std::cref(b.message),
                           b.resource.size(), std::cref(b.resource), std::cref(b.fingerprint));
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

  phase("sort");
  // Last line of defence: no message (a policy may quote a value) repeats a secret's text. The
  // texts and their index are built again only when a file or its marks changed.
  std::vector<std::pair<FileId, size_t>> marked;  // files and how many marks they have
  marked.reserve(live.size());
  for (FileId id : live) {
    if (!store.get(id)) continue;
    size_t n = store.secretCount(id);
    marked.emplace_back(id, n);
  }
  if (!redaction_ || redaction_->files != marked) {
    auto next = std::make_unique<Redaction>();
    next->files = marked;
    for (auto [id, n] : marked) {
      const SourceFile* f = store.get(id);
      FileCaches::Secrets& cached = fileCaches_->secrets[id];
      if (cached.marks != n) {
        std::vector<ByteRange> marks = store.secrets(id);
        cached.marks = marks.size();
        cached.texts.clear();
        for (const ByteRange& r : marks) {
          std::string_view t = f->slice(r);
          while (!t.empty() && (t.front() == '"' || t.front() == '\'')) t.remove_prefix(1);
          while (!t.empty() && (t.back() == '"' || t.back() == '\'')) t.remove_suffix(1);
          if (t.size() >= Redactor::kMinSecret) cached.texts.emplace_back(t);
        }
      }
      next->texts.insert(next->texts.end(), cached.texts.begin(), cached.texts.end());
    }
    // Longest first, so a secret that contains another is replaced whole.
    std::sort(next->texts.begin(), next->texts.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    next->texts.erase(std::unique(next->texts.begin(), next->texts.end()), next->texts.end());
    if (!next->texts.empty()) next->redactor = std::make_unique<Redactor>(next->texts);
    redaction_ = std::move(next);
  }
  if (const Redactor* redactor = redaction_->redactor.get()) {
    for (Finding& f : findings) {
      redactor->redact(f.message);
      for (RelatedLocation& rl : f.related) redactor->redact(rl.message);
    }
    for (Error& e : result.errors) redactor->redact(e.message);
  }
  if (!context.empty()) {
    std::erase_if(findings, [&](const Finding& f) { return context.count(f.location.file) > 0; });
  }
  phase("redact");
  if (!options_.keepUnits) {
    // Analysed once: nothing is kept for a next analysis (the local findings were moved into
    // this one, discovery's stamps were dropped); another analysis starts over.
    units_.clear();
    local_.clear();
    discovery_.reset();
  }
  return analysis;
}

}  // namespace eg
