#include "linter/engine/UnitCache.h"

#include <functional>
#include <string_view>

namespace eg {
namespace {

size_t textHash(std::string_view text) { return std::hash<std::string_view>{}(text); }

void remap(std::vector<Resource>& resources, std::vector<Error>& errors, const std::function<FileId(FileId)>& map) {
  for (Resource& r : resources) {
    r.file = map(r.file);
    forEachValue(r.attributes, [&](Value& v) { v.prov.file = map(v.prov.file); });
  }
  for (Error& e : errors) e.file = map(e.file);
}

}  // namespace

bool UnitCache::reuse(const std::string& key, SourceStore& store, std::vector<Resource>& resources,
                      std::vector<Error>& errors) {
  std::vector<Entry::File> files;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    files = it->second.files;
  }
  // The files are loaded outside the lock: units load in parallel.
  std::vector<FileId> ids;
  for (const Entry::File& f : files) {
    LoadError err;
    const SourceFile* now = store.load(f.path, &err);
    if (!now || now->text().size() != f.size || textHash(now->text()) != f.hash) return false;
    ids.push_back(now->id());
  }
  for (size_t i = 0; i < files.size(); ++i) {
    for (const ByteRange& r : files[i].secrets) store.markSecret(ids[i], r);
  }
  std::vector<Resource> r;
  std::vector<Error> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    it->second.used = true;
    r = it->second.resources;
    e = it->second.errors;
  }
  remap(r, e, [&](FileId id) { return id < ids.size() ? ids[id] : kNoFile; });
  for (Resource& x : r) resources.push_back(std::move(x));
  for (Error& x : e) errors.push_back(std::move(x));
  return true;
}

void UnitCache::put(const std::string& key, const SourceStore& store, const std::vector<const SourceFile*>& depends,
                    const std::vector<Resource>& resources, const std::vector<Error>& errors) {
  Entry entry;
  std::map<FileId, FileId> index;  // scan file id -> index into entry.files
  for (const SourceFile* f : depends) {
    if (!f || index.count(f->id())) continue;
    index[f->id()] = static_cast<FileId>(entry.files.size());
    entry.files.push_back({f->path(), f->text().size(), textHash(f->text()), store.secrets(f->id())});
  }
  entry.resources = resources;
  entry.errors = errors;
  bool complete = true;
  remap(entry.resources, entry.errors, [&](FileId id) {
    if (id == kNoFile) return kNoFile;
    auto it = index.find(id);
    if (it != index.end()) return it->second;
    // A file the unit's result points into without having read it through its context:
    // depend on it too.
    const SourceFile* f = store.get(id);
    if (!f) {
      complete = false;
      return kNoFile;
    }
    FileId i = static_cast<FileId>(entry.files.size());
    entry.files.push_back({f->path(), f->text().size(), textHash(f->text()), store.secrets(id)});
    index[id] = i;
    return i;
  });
  if (!complete) return;  // not safe to replay
  entry.used = true;
  std::lock_guard<std::mutex> lock(mu_);
  entries_[key] = std::move(entry);
}

void UnitCache::beginScan() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, e] : entries_) e.used = false;
}

void UnitCache::endScan() {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(entries_, [](const auto& kv) { return !kv.second.used; });
}

void UnitCache::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

size_t UnitCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace eg
