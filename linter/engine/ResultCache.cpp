#include "linter/engine/ResultCache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <unordered_map>

#include "linter/core/Embedded.h"
#include "linter/graph/ValueCodec.h"

namespace eg {
namespace fs = std::filesystem;
using codec::Reader;
using codec::Writer;

namespace {

constexpr std::string_view kMagic = "EGUNIT01";  // the entry format; a new one changes the digits
constexpr size_t kHeadBytes = 8 + 16 + 16;       // magic, key, payload hash
constexpr uint64_t kMaxEntryBytes = 1ull << 30;

void writeHash(Writer& w, const Hash128& h) {
  w.u64(h.lo);
  w.u64(h.hi);
}
bool readHash(Reader& r, Hash128& h) { return r.u64(h.lo) && r.u64(h.hi); }

bool isEntryName(std::string_view name) {
  return name.size() == 32 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}
constexpr std::string_view kTempPrefix = ".tmp-";

void writeFinding(Writer& w, const codec::FileIndexOf& index, const Finding& f) {
  w.str(f.rule);
  w.str(f.name);
  w.u8(static_cast<uint8_t>(f.severity));
  w.str(f.message);
  codec::writeLocation(w, index, f.location.file, f.location.range);
  codec::writeLocation(w, index, f.anchor.file, f.anchor.range);
  w.str(f.resource);
  w.str(f.kind);
  w.str(f.detailKey);
  w.str(f.fingerprint);
  w.u8(f.suppressed ? 1 : 0);
  w.str(f.suppressionReason);
  w.u8(f.unknown ? 1 : 0);
  w.varint(f.related.size());
  for (const RelatedLocation& r : f.related) {
    codec::writeLocation(w, index, r.location.file, r.location.range);
    w.str(r.message);
  }
}

bool readFlag(Reader& r, bool& b) {
  uint8_t v;
  if (!r.u8(v) || v > 1) return r.fail();
  b = v == 1;
  return true;
}

bool readFinding(Reader& r, const std::vector<codec::DecodeFile>& files, Finding& f) {
  uint8_t severity;
  if (!r.str(f.rule) || !r.str(f.name) || !r.u8(severity)) return false;
  if (severity < static_cast<uint8_t>(Severity::Low) || severity > static_cast<uint8_t>(Severity::High)) return r.fail();
  f.severity = static_cast<Severity>(severity);
  size_t related;
  if (!r.str(f.message) || !codec::readLocation(r, files, f.location.file, f.location.range) ||
      !codec::readLocation(r, files, f.anchor.file, f.anchor.range) || !r.str(f.resource) || !r.str(f.kind) ||
      !r.str(f.detailKey) || !r.str(f.fingerprint) || !readFlag(r, f.suppressed) || !r.str(f.suppressionReason) ||
      !readFlag(r, f.unknown) || !r.count(related, 3)) {
    return false;
  }
  f.related.resize(related);
  for (RelatedLocation& rl : f.related) {
    if (!codec::readLocation(r, files, rl.location.file, rl.location.range) || !r.str(rl.message)) return false;
  }
  return true;
}

void writeError(Writer& w, const codec::FileIndexOf& index, const Error& e) {
  w.str(e.path);
  codec::writeLocation(w, index, e.file, e.range);
  w.varint(e.line);
  w.varint(e.column);
  w.str(e.message);
  w.str(e.code);
  w.u8(e.notice ? 1 : 0);
}

bool readError(Reader& r, const std::vector<codec::DecodeFile>& files, Error& e) {
  uint64_t line, column;
  if (!r.str(e.path) || !codec::readLocation(r, files, e.file, e.range) || !r.varint(line) || !r.varint(column) ||
      !r.str(e.message) || !r.str(e.code) || !readFlag(r, e.notice)) {
    return false;
  }
  if (line > UINT32_MAX || column > UINT32_MAX) return r.fail();
  e.line = static_cast<uint32_t>(line);
  e.column = static_cast<uint32_t>(column);
  return true;
}

}  // namespace

std::string directoryOf(const std::string& path) {
  std::string dir = fs::path(path).parent_path().generic_string();
  return dir.empty() ? "." : dir;
}

std::optional<Hash128> settledListing(const std::string& dir, int64_t now) {
  if (std::optional<FileStamp> st = fileStamp(dir); st && isRacy(*st, now)) return std::nullopt;
  return listingDigest(dir);
}

bool probesHold(const std::vector<std::pair<std::string, bool>>& probes) {
  for (const auto& [path, isFile] : probes) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec) != isFile) return false;
  }
  return true;
}

fs::path defaultCacheDir() {
  if (const char* d = std::getenv("EDGEGUARD_CACHE_DIR"); d && *d) return fs::path(d);
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x && fs::path(x).is_absolute()) return fs::path(x) / "edgeguard";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "edgeguard";
  return {};
}

std::string Hash128::hex() const {
  static const char* digits = "0123456789abcdef";
  std::string out(32, '0');
  uint64_t parts[2] = {hi, lo};
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < 16; ++i) out[static_cast<size_t>(p * 16 + i)] = digits[(parts[p] >> (60 - 4 * i)) & 0xF];
  }
  return out;
}

Hash128 hashText(std::string_view text) {
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return Hash128{h.low64, h.high64};
}

struct Hasher::State {
  XXH3_state_t* s = XXH3_createState();
  ~State() { XXH3_freeState(s); }
};

Hasher::Hasher() : state_(std::make_unique<State>()) {
  if (!state_->s) throw std::bad_alloc();
  XXH3_128bits_reset(state_->s);
}
Hasher::~Hasher() = default;

Hasher& Hasher::add(std::string_view field) {
  uint64_t n = field.size();
  XXH3_128bits_update(state_->s, &n, sizeof n);
  XXH3_128bits_update(state_->s, field.data(), field.size());
  return *this;
}
Hasher& Hasher::add(const Hash128& h) {
  uint64_t parts[2] = {h.lo, h.hi};
  return add(std::string_view(reinterpret_cast<const char*>(parts), sizeof parts));
}
Hash128 Hasher::digest() const {
  XXH128_hash_t h = XXH3_128bits_digest(state_->s);
  return Hash128{h.low64, h.high64};
}

Hash128 policySourcesDigest(std::string_view setupKey, const std::vector<fs::path>& policyDirs) {
  Hasher h;
  h.add("policies").add(embeddedPoliciesDigest()).add(embeddedTerraformMappingsDigest()).add(setupKey);
  for (const fs::path& dir : policyDirs) {
    h.add(dir.generic_string());
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) files.push_back(it->path());
    if (ec) h.add("unreadable: " + ec.message());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::string text;
      ReadResult r = readSmallFile(f, 16u << 20, text);
      h.add(f.filename().string()).add(r == ReadResult::Ok ? hashText(text).hex() : describe(r, 16u << 20));
    }
  }
  return h.digest();
}

Hash128 listingDigest(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code tec;
    char kind = it->is_symlink(tec) ? 'l' : it->is_directory(tec) ? 'd' : it->is_regular_file(tec) ? 'f' : 'o';
    names.push_back(kind + it->path().filename().string());
  }
  Hasher h;
  if (ec) h.add("unreadable: " + ec.message());
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) h.add(n);
  return h.digest();
}

// --- the directory --------------------------------------------------------------------------

CacheDir::CacheDir(fs::path dir, uint64_t maxBytes, size_t maxEntries)
    : dir_(std::move(dir)), maxBytes_(maxBytes), maxEntries_(maxEntries) {
  if (dir_.empty()) {
    why_ = "no cache directory (neither EDGEGUARD_CACHE_DIR, XDG_CACHE_HOME nor HOME is set)";
    return;
  }
  std::error_code ec;
  if (dir_.has_parent_path()) fs::create_directories(dir_.parent_path(), ec);
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    why_ = "cannot create " + dir_.string() + ": " + std::strerror(errno);
    return;
  }
  struct stat st{};
  if (::stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    why_ = dir_.string() + " is not a directory";
    return;
  }
  if (st.st_uid != ::geteuid()) {
    // Another user's directory could hold entries planted for us to trust.
    why_ = dir_.string() + " belongs to another user";
    return;
  }
  if ((st.st_mode & 077) != 0) ::chmod(dir_.c_str(), 0700);
  usable_ = true;
}

std::optional<std::string> CacheDir::read(const Hash128& key) const {
  if (!usable_) return std::nullopt;
  fs::path p = dir_ / key.hex();
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st{};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) <= std::min(maxBytes_, kMaxEntryBytes)) {
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    if (done == bytes.size()) out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

bool CacheDir::write(const Hash128& key, std::string_view bytes) const {
  if (!usable_) return false;
  std::string tmpl = (dir_ / (std::string(kTempPrefix) + "XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());  // 0600, O_EXCL: unique whatever other runs do
  if (fd < 0) return false;
  bool ok = writeAll(fd, bytes);
  ok = ::fchmod(fd, 0600) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  // A torn entry (a crash before the data reached the disk) fails its checksum: no fsync.
  if (ok) ok = ::rename(tmpl.c_str(), (dir_ / key.hex()).c_str()) == 0;
  if (!ok) ::unlink(tmpl.c_str());
  return ok;
}

void CacheDir::touch(const Hash128& key) const {
  if (usable_) ::utimensat(AT_FDCWD, (dir_ / key.hex()).c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
}

size_t CacheDir::trim() const {
  if (!usable_) return 0;
  struct Item {
    int64_t mtime;
    uint64_t size;
    fs::path path;
  };
  std::vector<Item> items;
  uint64_t total = 0;
  int64_t now = wallClockNs();
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    bool temp = name.rfind(kTempPrefix, 0) == 0;
    if (!temp && !isEntryName(name)) continue;  // not ours: left alone
    struct stat st{};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    if (temp) {
      // A run that died while writing left it; one an hour old is not being written any more.
      if (now - mtime > 3600ll * 1'000'000'000) ::unlink(it->path().c_str());
      continue;
    }
    items.push_back(Item{mtime, static_cast<uint64_t>(st.st_size), it->path()});
    total += static_cast<uint64_t>(st.st_size);
  }
  if (total <= maxBytes_ && items.size() <= maxEntries_) return 0;
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.mtime < b.mtime; });
  uint64_t targetBytes = maxBytes_ / 4 * 3;
  size_t targetEntries = maxEntries_ / 4 * 3, count = items.size(), removed = 0;
  for (const Item& item : items) {
    if (total <= targetBytes && count <= targetEntries) break;
    if (::unlink(item.path.c_str()) == 0) ++removed;
    total -= item.size;
    --count;
  }
  return removed;
}

// --- entries --------------------------------------------------------------------------------

namespace {

// Head and front-end part of an entry, without the local findings and the header.
struct FrontPart {
  Hash128 key;
  std::vector<const SourceFile*> files;  // own, then extras
  std::string bytes;
};

std::optional<uint32_t> indexIn(const std::vector<const SourceFile*>& files, FileId id) {
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i]->id() == id) return static_cast<uint32_t>(i);
  }
  return std::nullopt;
}

codec::FileIndexOf indexer(const std::vector<const SourceFile*>& files) {
  // Few files per unit as a rule, but a module of a thousand files must not be quadratic.
  auto byId = std::make_shared<std::unordered_map<FileId, uint32_t>>();
  for (size_t i = 0; i < files.size(); ++i) byId->emplace(files[i]->id(), static_cast<uint32_t>(i));
  return [byId](FileId id) -> std::optional<uint32_t> {
    auto it = byId->find(id);
    if (it == byId->end()) return std::nullopt;
    return it->second;
  };
}

// Directory -> listingDigest.
using Listings = std::map<std::string, Hash128>;

// The listings of the directories of `files`.
Listings listingsOf(const std::vector<const SourceFile*>& files) {
  Listings out;
  for (const SourceFile* f : files) {
    std::string d = directoryOf(f->path());
    if (!out.count(d)) out.emplace(d, listingDigest(d));
  }
  return out;
}

// `before`: the listings of the unit's own directories, taken before it loaded. The other
// directories (of module sources and the like) are listed now, after the load: one that changed
// in the last two seconds may have changed while the unit loaded, and then nothing is written
// (the racily clean rule of SourceFile.h's isRacy).
std::optional<FrontPart> encodeFront(const Hash128& key, const Listings& before,
                                     const std::vector<const SourceFile*>& own,
                                     const std::vector<const SourceFile*>& extras,
                                     const std::vector<std::pair<std::string, bool>>& probed,
                                     const std::vector<std::pair<FileId, ByteRange>>& marks,
                                     const std::vector<Resource>& resources, const std::vector<Error>& errors) {
  FrontPart part;
  part.key = key;
  part.files = own;
  for (const SourceFile* f : extras) {
    if (!indexIn(part.files, f->id())) part.files.push_back(f);
  }
  auto index = indexer(part.files);
  Writer w;
  w.varint(own.size());
  w.varint(part.files.size() - own.size());
  for (size_t i = own.size(); i < part.files.size(); ++i) {
    w.str(part.files[i]->path());
    writeHash(w, hashText(part.files[i]->text()));
  }
  std::vector<std::string> dirs;
  for (const SourceFile* f : part.files) dirs.push_back(directoryOf(f->path()));
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  w.varint(dirs.size());
  int64_t now = wallClockNs();
  for (const std::string& d : dirs) {
    w.str(d);
    if (auto it = before.find(d); it != before.end()) {
      writeHash(w, it->second);
      continue;
    }
    std::optional<Hash128> names = settledListing(d, now);
    if (!names) return std::nullopt;
    writeHash(w, *names);
  }
  // Each path with the answer the front-end was given (one that changed while the unit loaded
  // was given two: nothing is written).
  std::vector<std::pair<std::string, bool>> probes = probed;
  std::sort(probes.begin(), probes.end());
  probes.erase(std::unique(probes.begin(), probes.end()), probes.end());
  for (size_t i = 1; i < probes.size(); ++i) {
    if (probes[i].first == probes[i - 1].first) return std::nullopt;
  }
  w.varint(probes.size());
  for (const auto& [p, file] : probes) {
    w.str(p);
    w.u8(file ? 1 : 0);
  }
  w.varint(marks.size());
  for (const auto& [file, range] : marks) codec::writeLocation(w, index, file, range);
  w.varint(resources.size());
  for (const Resource& r : resources) codec::writeResource(w, index, r);
  w.varint(errors.size());
  for (const Error& e : errors) writeError(w, index, e);
  if (!w.ok) return std::nullopt;
  part.bytes = std::move(w.out());
  return part;
}

std::optional<std::string> finishEntry(const FrontPart& part, const std::vector<std::vector<Finding>>* byPolicy,
                                       const std::vector<std::string>* failed) {
  Writer w;
  w.bytes(part.bytes);
  auto index = indexer(part.files);
  if (byPolicy && failed && byPolicy->size() == failed->size()) {
    w.u8(1);
    w.varint(byPolicy->size());
    for (size_t i = 0; i < byPolicy->size(); ++i) {
      w.str((*failed)[i]);
      w.varint((*byPolicy)[i].size());
      for (const Finding& f : (*byPolicy)[i]) writeFinding(w, index, f);
    }
  } else {
    w.u8(0);
  }
  if (!w.ok) return std::nullopt;
  Writer head;
  head.bytes(kMagic);
  writeHash(head, part.key);
  writeHash(head, hashText(w.out()));
  head.bytes(w.out());
  return std::move(head.out());
}

}  // namespace

std::optional<std::string> encodeUnitEntry(const UnitResultRef& unit) {
  std::vector<const SourceFile*> own(unit.files->begin(), unit.files->begin() + static_cast<std::ptrdiff_t>(unit.ownFiles));
  std::vector<const SourceFile*> extras(unit.files->begin() + static_cast<std::ptrdiff_t>(unit.ownFiles), unit.files->end());
  static const std::vector<std::pair<FileId, ByteRange>> noMarks;
  std::optional<FrontPart> part =
      encodeFront(*unit.key, listingsOf(own), own, extras, {}, unit.marks ? *unit.marks : noMarks, *unit.resources,
                  *unit.errors);
  if (!part) return std::nullopt;
  return finishEntry(*part, unit.byPolicy, unit.failed);
}

bool decodeUnitHead(std::string_view bytes, const Hash128& key, UnitEntry& head, std::string_view& body) {
  if (bytes.size() < kHeadBytes || bytes.substr(0, kMagic.size()) != kMagic) return false;
  Reader r(bytes.substr(kMagic.size(), 32));
  Hash128 stored, payloadHash;
  if (!readHash(r, stored) || !readHash(r, payloadHash) || !(stored == key)) return false;
  std::string_view payload = bytes.substr(kHeadBytes);
  if (!(hashText(payload) == payloadHash)) return false;
  Reader p(payload);
  uint64_t ownFiles;
  size_t extras, listings;
  if (!p.varint(ownFiles) || !p.count(extras, 17)) return false;
  head.extras.resize(extras);
  for (UnitEntry::Extra& e : head.extras) {
    if (!p.str(e.path) || !readHash(p, e.text)) return false;
  }
  if (!p.count(listings, 17)) return false;
  head.listings.resize(listings);
  for (UnitEntry::Listing& l : head.listings) {
    if (!p.str(l.dir) || !readHash(p, l.names)) return false;
  }
  size_t probes;
  if (!p.count(probes, 2)) return false;
  head.probes.resize(probes);
  for (auto& [path, isFile] : head.probes) {
    if (!p.str(path) || !readFlag(p, isFile)) return false;
  }
  body = payload.substr(payload.size() - p.left());
  return p.ok();
}

bool decodeUnitBody(std::string_view body, const std::vector<const SourceFile*>& files, size_t policies, UnitBody& out) {
  std::vector<codec::DecodeFile> table;
  for (const SourceFile* f : files) {
    table.push_back(codec::DecodeFile{f->id(), static_cast<uint32_t>(std::min<size_t>(f->text().size(), UINT32_MAX))});
  }
  Reader r(body);
  size_t n;
  if (!r.count(n, 3)) return false;
  out.marks.resize(n);
  for (auto& [file, range] : out.marks) {
    if (!codec::readLocation(r, table, file, range) || file == kNoFile) return r.fail();
  }
  if (!r.count(n, 8)) return false;
  out.resources.resize(n);
  for (Resource& res : out.resources) {
    if (!codec::readResource(r, table, res)) return false;
  }
  if (!r.count(n, 8)) return false;
  out.errors.resize(n);
  for (Error& e : out.errors) {
    if (!readError(r, table, e)) return false;
  }
  if (!readFlag(r, out.hasLocal)) return false;
  if (out.hasLocal) {
    if (!r.count(n, 2) || n != policies) return r.fail();
    out.local.byPolicy.resize(n);
    out.local.failed.resize(n);
    for (size_t i = 0; i < n; ++i) {
      size_t findings;
      if (!r.str(out.local.failed[i]) || !r.count(findings, 16)) return false;
      out.local.byPolicy[i].resize(findings);
      for (Finding& f : out.local.byPolicy[i]) {
        if (!readFinding(r, table, f)) return false;
      }
    }
  }
  return r.atEnd();
}

bool cacheableErrors(const std::vector<Error>& errors) {
  for (const Error& e : errors) {
    std::string_view c = e.code;
    bool ofText = (c == kInputErrorCode && e.file != kNoFile) || c == kDuplicateDeclarationCode || c == kLenientJsonCode;
    if (!ofText) return false;
  }
  return true;
}

// --- one analysis's use ---------------------------------------------------------------------

struct UnitCache::Impl {
  CacheDir dir;
  Hash128 base;
  std::vector<std::optional<FrontPart>> pending;
  std::vector<Listings> own;  // per unit: the listings of its own directories, before it loaded
  std::atomic<size_t> hits{0}, writes{0};
  std::atomic<bool> writable{true};
  FrontEndOptions frontEnd;
  Impl(const CacheOptions& o, size_t units, const FrontEndOptions& fe)
      : dir(o.dir.empty() ? defaultCacheDir() : o.dir, o.maxBytes, o.maxEntries), pending(units), own(units), frontEnd(fe) {}
};

UnitCache::UnitCache(const CacheOptions& options, const Hash128& setup, const FrontEndOptions& frontEnd,
                     const LoadLimits& limits, bool showUnknown, size_t units)
    : impl_(std::make_unique<Impl>(options, units, frontEnd)) {
  Hasher h;
  h.add(kMagic).add(options.version).add(setup);
  for (const auto& [k, v] : frontEnd.terraformVars) h.add(k).add(v);
  h.add("var-files");
  for (const fs::path& p : frontEnd.terraformVarFiles) h.add(p.generic_string());
  h.add("roots");
  for (const fs::path& p : frontEnd.roots) h.add(p.generic_string());
  h.add(std::to_string(limits.maxFileBytes) + ' ' + std::to_string(limits.parseSeconds) + ' ' +
        std::to_string(limits.parseMemoryBytes));
  h.add(showUnknown ? "unknown" : "known");
  std::error_code ec;
  h.add(fs::current_path(ec).generic_string());  // paths are shown relative to it
  impl_->base = h.digest();
}

UnitCache::~UnitCache() = default;

bool UnitCache::usable() const { return impl_->dir.usable(); }

Hash128 UnitCache::keyOf(size_t index, std::string_view unitKey, const std::vector<const SourceFile*>& own) {
  if (index < impl_->own.size()) impl_->own[index] = listingsOf(own);
  Hasher h;
  h.add(impl_->base).add(unitKey);
  for (const SourceFile* f : own) h.add(f->path()).add(hashText(f->text()));
  return h.digest();
}

bool UnitCache::restore(size_t index, const Hash128& key, const std::vector<const SourceFile*>& own,
                        SourceStore& store, size_t policies, Restored& out) {
  std::optional<std::string> bytes = impl_->dir.read(key);
  if (!bytes) return false;
  UnitEntry head;
  std::string_view body;
  if (!decodeUnitHead(*bytes, key, head, body)) return false;
  // Directories first: a file added beside the unit's files may change what it reads.
  const Listings* ownListings = index < impl_->own.size() ? &impl_->own[index] : nullptr;
  for (const UnitEntry::Listing& l : head.listings) {
    auto it = ownListings ? ownListings->find(l.dir) : Listings::const_iterator{};
    Hash128 now = ownListings && it != ownListings->end() ? it->second : listingDigest(l.dir);
    if (!(now == l.names)) return false;
  }
  if (!probesHold(head.probes)) return false;
  std::vector<const SourceFile*> files = own;
  for (const UnitEntry::Extra& e : head.extras) {
    // As LoadContext::load reads it: inside the project roots (which are part of the key),
    // through the store (which marks the secrets of its text).
    if (!impl_->frontEnd.resolvedInsideRoots(store.keyOf(e.path))) return false;
    LoadError err;
    const SourceFile* f = store.load(e.path, &err);
    if (!f || !(hashText(f->text()) == e.text)) return false;
    files.push_back(f);
  }
  UnitBody decoded;
  if (!decodeUnitBody(body, files, policies, decoded)) return false;
  for (const auto& [file, range] : decoded.marks) store.markSecret(file, range);
  out.extras.assign(files.begin() + static_cast<std::ptrdiff_t>(own.size()), files.end());
  out.listings = std::move(head.listings);
  out.probes = std::move(head.probes);
  out.resources = std::move(decoded.resources);
  out.errors = std::move(decoded.errors);
  if (decoded.hasLocal) out.local = std::move(decoded.local);
  impl_->dir.touch(key);
  ++impl_->hits;
  return true;
}

void UnitCache::capture(size_t index, const Hash128& key, const std::vector<const SourceFile*>& own,
                        const std::vector<const SourceFile*>& extras, const std::vector<std::pair<std::string, bool>>& probed,
                        const std::vector<std::vector<ByteRange>>& marksBefore, const SourceStore& store,
                        const std::vector<Resource>& resources, const std::vector<Error>& errors) {
  if (index >= impl_->pending.size() || !impl_->writable) return;
  // A file read from outside the project (a restored Bicep registry module) is not read again
  // by a lookup, which would then never hit: nothing to keep.
  for (const SourceFile* f : extras) {
    if (!impl_->frontEnd.resolvedInsideRoots(store.keyOf(f->path()))) return;
  }
  // What the front-end marked in its own files while it loaded.
  std::vector<std::pair<FileId, ByteRange>> marks;
  for (size_t i = 0; i < own.size(); ++i) {
    std::vector<ByteRange> now = store.secrets(own[i]->id());
    std::vector<ByteRange> before = i < marksBefore.size() ? marksBefore[i] : std::vector<ByteRange>{};
    auto less = [](ByteRange a, ByteRange b) { return std::pair(a.begin, a.end) < std::pair(b.begin, b.end); };
    std::sort(now.begin(), now.end(), less);
    std::sort(before.begin(), before.end(), less);
    std::vector<ByteRange> added;
    std::set_difference(now.begin(), now.end(), before.begin(), before.end(), std::back_inserter(added), less);
    for (ByteRange r : added) marks.emplace_back(own[i]->id(), r);
  }
  impl_->pending[index] = encodeFront(key, impl_->own[index], own, extras, probed, marks, resources, errors);
}

bool UnitCache::captured(size_t index) const { return index < impl_->pending.size() && impl_->pending[index]; }

void UnitCache::write(size_t index, const std::vector<std::vector<Finding>>& byPolicy,
                      const std::vector<std::string>& failed) {
  if (!captured(index)) return;
  std::optional<FrontPart> part = std::move(impl_->pending[index]);
  impl_->pending[index].reset();
  if (!impl_->writable) return;
  std::optional<std::string> bytes = finishEntry(*part, &byPolicy, &failed);
  if (!bytes) return;
  if (impl_->dir.write(part->key, *bytes)) ++impl_->writes;
  else impl_->writable = false;  // an unwritable directory: no more tries in this analysis
}

void UnitCache::finish() {
  if (impl_->writes > 0) impl_->dir.trim();
}

size_t UnitCache::hits() const { return impl_->hits; }
size_t UnitCache::writes() const { return impl_->writes; }
std::string UnitCache::note() const { return impl_->dir.usable() ? std::string() : impl_->dir.why(); }

}  // namespace eg
