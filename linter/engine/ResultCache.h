// ResultCache: a content-addressed on-disk cache of unit results, so that a second
// `edgeguard scan` of the same files (a pre-commit hook naming one changed .tf of a module of a
// hundred) loads nothing it loaded before. Like ruff's cache, but outside the repository: in
// the user's cache directory ($EDGEGUARD_CACHE_DIR, else $XDG_CACHE_HOME/edgeguard, else
// ~/.cache/edgeguard), directory 0700, entries 0600 (they hold attribute values, keys included).
//
// One entry per unit (a Terraform module directory, a Bicep folder, a template, a manifest),
// named by the XXH3-128 of its key:
//   - the build (CacheOptions::version: the version, commit and the binary's own stamp);
//   - what loading and the resource-local policies depend on: the policy pack (the built-in
//     pack's digest and the bytes of every file of the policy directories), the configuration's
//     text, the rule selection and presets, the front-end options (variables, variable files,
//     roots, limits), --show-unknown and the working directory (paths are shown relative to it);
//   - the front-end, the unit's files (which are context) and each file's text.
// It holds what the Workspace needs to skip loading the unit: the other files the unit read
// (module sources, tfvars, .env, parameter files) with the hash of their text, the listing of
// every directory those files and the unit's own files are in (a file added beside them may
// change what the unit reads), the paths it looked for, the secrets the front-end marked, the resources, errors, and
// what the resource-local policies found. A lookup is a hit only when every other file still
// has the same text (read through the store, inside the project root, as a load reads it) and
// every directory has the same listing, and every path the front-end looked for
// (LoadContext::isFile: a module.json, a Bicep module, Terraform's modules manifest) is still a
// file or still not one.
//
// Units that could not be loaded completely, or whose errors depend on what is not on disk (a
// module not downloaded, a file not followed, a budget), are not written; nor is a unit that
// read from a directory (other than its own, which is listed before it loads) that changed in
// the last two seconds, since it may have changed while the unit read it. Anything unexpected
// (a foreign, truncated or corrupt file, another version, an entry that is a directory, an
// unwritable directory) is a miss, never an error: the cache only ever makes a scan faster.
// Entries are written atomically (a unique temporary file, then a rename), so concurrent runs
// are safe; beyond CacheOptions::maxBytes or maxEntries the least recently used are deleted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"
#include "parsers/FrontEnd.h"

namespace eg {

struct CacheOptions {
  bool enabled = false;  // on for `edgeguard scan` (--no-cache turns it off); off for library users
  std::filesystem::path dir;  // empty: defaultCacheDir()
  // Entries written by another build are never used. The CLI passes its version, commit and the
  // stamp of its own executable; tests inject one.
  std::string version;
  uint64_t maxBytes = 256ull << 20;
  size_t maxEntries = 50000;
};

// $EDGEGUARD_CACHE_DIR, else $XDG_CACHE_HOME/edgeguard, else $HOME/.cache/edgeguard (empty when
// none of them is set).
std::filesystem::path defaultCacheDir();

struct Hash128 {
  uint64_t lo = 0, hi = 0;
  friend bool operator==(const Hash128&, const Hash128&) = default;
  std::string hex() const;  // 32 lowercase hex digits
};
// XXH3-128 of `text`.
Hash128 hashText(std::string_view text);
// XXH3-128 over a sequence of fields (each length-prefixed, so ("ab","c") != ("a","bc")).
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  Hasher& add(std::string_view field);
  Hasher& add(const Hash128& h);
  Hash128 digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The digest of what the policies come from, beyond the options: the built-in pack and the
// bytes of every file in `policyDirs` (the command line's and the configuration's).
Hash128 policySourcesDigest(std::string_view setupKey, const std::vector<std::filesystem::path>& policyDirs);

// The directory of entries. Not thread-safe for writes to the same key from one process; every
// method may be called from worker threads for different keys.
class CacheDir {
 public:
  CacheDir(std::filesystem::path dir, uint64_t maxBytes, size_t maxEntries);
  // False when the directory could not be created or is not the user's own; why() says why.
  bool usable() const { return usable_; }
  const std::string& why() const { return why_; }
  const std::filesystem::path& path() const { return dir_; }
  // The bytes of the entry named `key`, or nothing (missing, not a regular file, unreadable).
  std::optional<std::string> read(const Hash128& key) const;
  // Writes atomically; false (and nothing changes) when it cannot.
  bool write(const Hash128& key, std::string_view bytes) const;
  // Marks an entry as used now (eviction deletes the least recently used first).
  void touch(const Hash128& key) const;
  // Deletes the least recently used entries beyond the limits (down to 3/4 of them) and
  // temporary files of runs that died. Returns how many entries it deleted.
  size_t trim() const;

 private:
  std::filesystem::path dir_;
  uint64_t maxBytes_;
  size_t maxEntries_;
  bool usable_ = false;
  std::string why_;
};

// One unit's entry, decoded. Files are referred to by index: the unit's own files first (in
// the order of the key), then `extras`.
struct UnitEntry {
  struct Extra {
    std::string path;  // as the unit read it (SourceFile::path)
    Hash128 text;
  };
  std::vector<Extra> extras;
  struct Listing {
    std::string dir;
    Hash128 names;
  };
  std::vector<Listing> listings;
  // Paths the front-end looked for (LoadContext::isFile), and whether each was a file.
  std::vector<std::pair<std::string, bool>> probes;
  // Secrets the front-end marked while loading, per file index.
  std::vector<std::pair<uint32_t, ByteRange>> marks;
  // What the resource-local policies found, by catalog index (same catalog: same key).
  struct Local {
    std::vector<std::vector<Finding>> byPolicy;
    std::vector<std::string> failed;
  };
};

// The listing of a directory (names and kinds of its entries, sorted), hashed.
Hash128 listingDigest(const std::string& dir);
// The directory of a file's path ("." for a bare name), as listings name it.
std::string directoryOf(const std::string& path);
// listingDigest(dir), or nothing when the directory changed too recently (at `now`, wall clock
// ns) for a listing to prove anything (the racily clean rule of SourceFile.h's isRacy).
std::optional<Hash128> settledListing(const std::string& dir, int64_t now);
// Whether every path a front-end looked for is still (or still not) a regular file.
bool probesHold(const std::vector<std::pair<std::string, bool>>& probes);

// Encodes a unit's result. `files`: every file the entry may refer to (own, then extras).
// Nothing when something in it cannot be written (a value or finding in a file outside
// `files`, a value nested too deep).
struct UnitResultRef {
  const Hash128* key = nullptr;
  const std::vector<const SourceFile*>* files = nullptr;  // own files, then extras
  size_t ownFiles = 0;
  const std::vector<std::pair<FileId, ByteRange>>* marks = nullptr;
  const std::vector<Resource>* resources = nullptr;
  const std::vector<Error>* errors = nullptr;
  const std::vector<std::vector<Finding>>* byPolicy = nullptr;
  const std::vector<std::string>* failed = nullptr;
};
std::optional<std::string> encodeUnitEntry(const UnitResultRef& unit);

// Decodes the header and the list of other files and listings of an entry (what a lookup checks
// before trusting it). Returns false on any mismatch or malformed byte; `body` is then the
// rest, for decodeUnitBody.
bool decodeUnitHead(std::string_view bytes, const Hash128& key, UnitEntry& head, std::string_view& body);
// Decodes the rest, given every file of the entry in the current store (own, then extras):
// false on any malformed byte, or a range outside its file's text.
struct UnitBody {
  std::vector<std::pair<FileId, ByteRange>> marks;
  std::vector<Resource> resources;
  std::vector<Error> errors;
  bool hasLocal = false;
  UnitEntry::Local local;
};
bool decodeUnitBody(std::string_view body, const std::vector<const SourceFile*>& files, size_t policies,
                    UnitBody& out);

// Whether a unit's errors are a function of the texts it read (syntax errors, duplicate
// declarations, lenient JSON), so that its result may be kept; not when it depends on what is
// not on disk or on time (a module not downloaded, a file not followed, a budget).
bool cacheableErrors(const std::vector<Error>& errors);

// The cache as one analysis uses it (the Workspace's hooks): looks units up in the worker
// threads, keeps what a loaded unit's entry needs until its local findings are known, writes.
class UnitCache {
 public:
  // `setup`: policySourcesDigest of the catalog in effect; `units`: how many units the
  // analysis has (capture and write take an index below it).
  UnitCache(const CacheOptions& options, const Hash128& setup, const FrontEndOptions& frontEnd, const LoadLimits& limits,
            bool showUnknown, size_t units);
  ~UnitCache();
  bool usable() const;
  // The key of unit `index` (below `units`): its description (front-end, paths, which are
  // context) and its files' texts. Also lists the directories of its files, before it loads.
  Hash128 keyOf(size_t index, std::string_view unitKey, const std::vector<const SourceFile*>& own);

  struct Restored {
    std::vector<const SourceFile*> extras;  // the other files it read, loaded into the store again
    std::vector<UnitEntry::Listing> listings;  // the directories of its files, as they were checked
    std::vector<std::pair<std::string, bool>> probes;  // the paths it looked for, and whether each was a file
    std::vector<Resource> resources;
    std::vector<Error> errors;
    std::optional<UnitEntry::Local> local;
  };
  // The entry of `key` when it is current: its other files are loaded (inside the roots, through
  // the store) and have the same texts, its directories the same listings. Marks the secrets the
  // front-end had marked. `policies`: the catalog's size.
  bool restore(size_t index, const Hash128& key, const std::vector<const SourceFile*>& own, SourceStore& store,
               size_t policies, Restored& out);
  // After unit `index` loaded completely: what its entry needs (the resources as the front-end
  // made them, before the engine adds to them). `marksBefore`: the secrets of its own files
  // before it loaded (what it marked is the difference).
  void capture(size_t index, const Hash128& key, const std::vector<const SourceFile*>& own,
               const std::vector<const SourceFile*>& extras, const std::vector<std::pair<std::string, bool>>& probed,
               const std::vector<std::vector<ByteRange>>& marksBefore, const SourceStore& store,
               const std::vector<Resource>& resources, const std::vector<Error>& errors);
  bool captured(size_t index) const;
  // Writes the entry of a captured unit with what the resource-local policies found in it.
  void write(size_t index, const std::vector<std::vector<Finding>>& byPolicy, const std::vector<std::string>& failed);
  // After the writes: keeps the directory within its limits.
  void finish();

  size_t hits() const;
  size_t writes() const;
  std::string note() const;  // why the cache is off, when it is (for --debug style output)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eg
