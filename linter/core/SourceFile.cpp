#include "linter/core/SourceFile.h"

#include <sys/stat.h>

#include "linter/core/Secrets.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <cerrno>
#include <unistd.h>
#include <system_error>

namespace eg {

LineIndex::LineIndex(std::string_view text) : textSize_(static_cast<uint32_t>(text.size())) {
  // Kept for every file of a scan: sized once (lone CRs, rare, may grow it).
  starts_.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      starts_.push_back(i + 1);
    } else if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      starts_.push_back(i + 1);  // a lone CR ends a line too
    }
  }
}

uint32_t LineIndex::lineOf(uint32_t offset) const {
  if (starts_.empty()) return 0;
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<uint32_t>((it - starts_.begin()) - 1);
}

uint32_t LineIndex::lineEnd(uint32_t line, std::string_view text) const {
  uint32_t end = line + 1 < starts_.size() ? starts_[line + 1] : static_cast<uint32_t>(text.size());
  uint32_t begin = lineStart(line);
  while (end > begin && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
  return end;
}

static bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

LineCol LineIndex::position(uint32_t offset, std::string_view text) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  uint32_t line = lineOf(offset);
  uint32_t col = 1;
  for (uint32_t i = lineStart(line); i < offset; ++i) {
    if (!isContinuation(static_cast<unsigned char>(text[i]))) ++col;
  }
  return {line + 1, col};
}

uint32_t LineIndex::offsetOf(LineCol lc, std::string_view text) const {
  if (lc.line == 0) return 0;
  uint32_t line = std::min<uint32_t>(lc.line - 1, lineCount() - 1);
  uint32_t i = lineStart(line), end = lineEnd(line, text);
  for (uint32_t col = 1; col < lc.column && i < end; ++col) {
    ++i;
    while (i < end && isContinuation(static_cast<unsigned char>(text[i]))) ++i;
  }
  return i;
}

SourceFile::SourceFile(FileId id, std::string path, std::string text)
    : id_(id), path_(std::move(path)), text_(std::move(text)), lines_(text_) {}

std::string_view SourceFile::slice(ByteRange r) const {
  uint32_t b = std::min<uint32_t>(r.begin, static_cast<uint32_t>(text_.size()));
  uint32_t e = std::min<uint32_t>(std::max(r.end, b), static_cast<uint32_t>(text_.size()));
  return std::string_view(text_).substr(b, e - b);
}

std::string_view SourceFile::lineText(uint32_t line) const {
  uint32_t b = lines_.lineStart(line);
  uint32_t e = lines_.lineEnd(line, text_);
  return std::string_view(text_).substr(b, e - b);
}

std::string displayPath(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(p, ec);
  if (ec) return p.generic_string();
  abs = abs.lexically_normal();
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (!ec) {
    auto rel = abs.lexically_relative(cwd);
    if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  }
  return abs.generic_string();
}

std::string canonicalKey(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path canon = std::filesystem::weakly_canonical(path, ec);
  return (ec ? path : canon).generic_string();
}

std::string SourceStore::keyOf(const std::filesystem::path& path) const {
  std::string given = path.native();
  {
    std::lock_guard<std::mutex> lock(keysMu_);
    if (auto it = keys_.find(given); it != keys_.end()) return it->second;
  }
  std::string key = directoryKeyed(path);
  if (key.empty()) key = canonicalKey(path);
  std::lock_guard<std::mutex> lock(keysMu_);
  keys_.emplace(std::move(given), key);
  return key;
}

// canonicalKey(path) through the remembered key of its directory: the canonical path of an
// existing file that is not a link is its directory's, then its name. One lstat instead of a
// readlink per component (a module of a hundred files is a hundred paths in one directory).
// Empty when that does not hold (a link, a missing file, a name such as ".." or "").
std::string SourceStore::directoryKeyed(const std::filesystem::path& path) const {
  std::filesystem::path name = path.filename();
  if (name.empty() || name == "." || name == ".." || !path.has_parent_path()) return {};
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return {};
  std::string dir = path.parent_path().native();
  std::string dirKey;
  {
    std::lock_guard<std::mutex> lock(keysMu_);
    if (auto it = dirKeys_.find(dir); it != dirKeys_.end()) dirKey = it->second;
  }
  if (dirKey.empty()) {
    std::error_code ec;
    std::filesystem::path canon = std::filesystem::canonical(path.parent_path(), ec);
    if (ec) return {};
    dirKey = canon.generic_string();
    std::lock_guard<std::mutex> lock(keysMu_);
    dirKeys_.emplace(std::move(dir), dirKey);
  }
  return (std::filesystem::path(dirKey) / name).generic_string();
}

void SourceStore::forgetKeys() {
  std::lock_guard<std::mutex> lock(keysMu_);
  keys_.clear();
  dirKeys_.clear();
}

namespace {
FileStamp stampOf(const struct stat& st) {
  FileStamp s;
  s.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.ctimeNs = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  s.size = static_cast<uint64_t>(st.st_size);
  s.inode = static_cast<uint64_t>(st.st_ino);
  s.device = static_cast<uint64_t>(st.st_dev);
  s.mode = st.st_mode;
  return s;
}
}  // namespace

std::optional<FileStamp> fileStamp(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return stampOf(st);
}

int64_t wallClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {
size_t rawHashOf(std::string_view bytes) { return std::hash<std::string_view>{}(bytes); }
}  // namespace

bool SourceStore::refresh(const std::filesystem::path& path) {
  std::string key = keyOf(path);
  FileId id = kNoFile;
  Loaded was;
  const SourceFile* file = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = byKey_.find(key);
    if (it == byKey_.end()) return false;
    id = it->second;
    was = stamps_[id];
    file = files_[id].get();
  }
  bool changed;
  if (const std::string* buffer = overlay(path)) {
    changed = !was.stamp.overlay || *buffer != file->text();
  } else {
    std::optional<FileStamp> now = fileStamp(path);
    changed = was.stamp.overlay || !now || !(*now == was.stamp.file);
    // The bytes are compared while the stamp was recent when the file was last read or compared.
    if (!changed && isRacy(*now, was.checkedNs)) {
      int64_t checked = wallClockNs();
      std::string bytes;
      std::ifstream in(path, std::ios::binary);
      bytes.assign(static_cast<size_t>(std::min<uint64_t>(now->size, limits_.maxFileBytes) + 1), '\0');
      in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      bytes.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
      changed = rawHashOf(bytes) != was.rawHash;
      if (!changed) {
        std::lock_guard<std::mutex> lock(mu_);
        stamps_[id].checkedNs = checked;
      }
    }
  }
  if (!changed) return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = byKey_.find(key);
  if (it != byKey_.end() && it->second == id) byKey_.erase(it);
  return true;
}

size_t SourceStore::textBytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return textBytes_;
}

const std::string* SourceStore::overlay(const std::filesystem::path& path) const {
  if (!overlays_ || overlays_->empty()) return nullptr;
  auto it = overlays_->find(keyOf(path));
  return it == overlays_->end() ? nullptr : &it->second;
}

const SourceFile* SourceStore::load(const std::filesystem::path& path, LoadError* error) {
  std::string key = keyOf(path);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = byKey_.find(key); it != byKey_.end()) return files_[it->second].get();
  }
  std::string shown = displayPath(path);
  auto fail = [&](std::string msg) -> const SourceFile* {
    if (error) *error = LoadError{shown, std::move(msg)};
    return nullptr;
  };
  std::string text;
  Stamp stamp;
  int64_t checkedNs = 0;
  size_t rawHash = 0;
  if (const std::string* buffer = overlay(path)) {
    stamp.overlay = true;
    if (buffer->size() > limits_.maxFileBytes) {
      return fail("file is " + std::to_string(buffer->size()) + " bytes, over the limit of " +
                  std::to_string(limits_.maxFileBytes) + " bytes (set --max-file-size to raise it); not scanned");
    }
    text = *buffer;
  } else {
    // One stat for the kind, the size and the stamp (what is_directory, fileStamp and
    // file_size would each ask for), with file_size's errors.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return fail("cannot read file: " + std::error_code(errno, std::generic_category()).message());
    }
    if (S_ISDIR(st.st_mode)) return fail("is a directory");
    // Taken before reading: a file that changes while it is read looks changed next time.
    stamp.file = stampOf(st);
    checkedNs = wallClockNs();
    if (!S_ISREG(st.st_mode)) return fail("cannot read file: " + std::make_error_code(std::errc::not_supported).message());
    auto size = static_cast<uintmax_t>(st.st_size);
    if (size > limits_.maxFileBytes) {
      return fail("file is " + std::to_string(size) + " bytes, over the limit of " +
                  std::to_string(limits_.maxFileBytes) + " bytes (set --max-file-size to raise it); not scanned");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot open file for reading");
    text.assign(size, '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<size_t>(in.gcount()));
  }
  rawHash = rawHashOf(text);
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    text.replace(0, 3, "   ");  // keep offsets stable: blank the BOM instead of removing it
  }
  if (text.size() >= 2 && (((unsigned char)text[0] == 0xFF && (unsigned char)text[1] == 0xFE) ||
                           ((unsigned char)text[0] == 0xFE && (unsigned char)text[1] == 0xFF))) {
    return fail("file is UTF-16 encoded; only UTF-8 is supported");
  }
  if (text.find('\0') != std::string::npos) return fail("binary file (contains NUL bytes); not scanned");
  size_t bad = 0;
  if (!isValidUtf8(text, &bad)) {
    SourceFile tmp(0, shown, text.substr(0, bad));
    LineCol lc = tmp.position(static_cast<uint32_t>(bad));
    return fail("invalid UTF-8 at line " + std::to_string(lc.line) + ", column " + std::to_string(lc.column));
  }
  const SourceFile* file = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = byKey_.find(key); it != byKey_.end()) return files_[it->second].get();
    FileId id = static_cast<FileId>(files_.size());
    textBytes_ += text.size();
    files_.push_back(std::make_unique<SourceFile>(id, shown, std::move(text)));
    byKey_.emplace(std::move(key), id);
    stamps_[id] = Loaded{stamp, rawHash, checkedNs};
    file = files_.back().get();
  }
  // Every file read, whoever reads it (a unit's own files, module sources, .env, module.json,
  // parameter files), has its secrets marked before any text of it can be shown.
  markSecretsInText(*this, *file);
  return file;
}

ReadResult readSmallFile(const std::filesystem::path& path, size_t maxBytes, std::string& text) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) return ReadResult::Missing;
  if (!std::filesystem::is_regular_file(st)) return ReadResult::NotRegular;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return ReadResult::Unreadable;
  if (size > maxBytes) return ReadResult::TooLarge;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ReadResult::Unreadable;
  // Read at most maxBytes + 1 even if the file grew after file_size.
  text.assign(static_cast<size_t>(size) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return ReadResult::Unreadable;
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > maxBytes) return ReadResult::TooLarge;
  return ReadResult::Ok;
}

std::string describe(ReadResult r, size_t maxBytes) {
  switch (r) {
    case ReadResult::Ok: return "read";
    case ReadResult::Missing: return "no such file";
    case ReadResult::NotRegular: return "not a regular file";
    case ReadResult::TooLarge: return "larger than " + std::to_string(maxBytes) + " bytes";
    case ReadResult::Unreadable: break;
  }
  return "cannot read the file";
}

const SourceFile* SourceStore::add(std::string shown, std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  FileId id = static_cast<FileId>(files_.size());
  textBytes_ += text.size();
  files_.push_back(std::make_unique<SourceFile>(id, std::move(shown), std::move(text)));
  return files_.back().get();
}

const SourceFile* SourceStore::get(FileId id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return id < files_.size() ? files_[id].get() : nullptr;
}

const SourceFile* SourceStore::find(const std::filesystem::path& path) const {
  std::string key = keyOf(path);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = byKey_.find(key);
  return it == byKey_.end() ? nullptr : files_[it->second].get();
}

FileId SourceStore::idOfKey(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = byKey_.find(key);
  return it == byKey_.end() ? kNoFile : it->second;
}

void SourceStore::markSecret(FileId file, ByteRange range) {
  std::lock_guard<std::mutex> lock(mu_);
  secrets_[file].push_back(range);
}

std::vector<ByteRange> SourceStore::secrets(FileId file) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = secrets_.find(file);
  return it != secrets_.end() ? it->second : std::vector<ByteRange>{};
}

size_t SourceStore::secretCount(FileId file) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = secrets_.find(file);
  return it != secrets_.end() ? it->second.size() : 0;
}

std::string SourceStore::masked(FileId file, uint32_t offset, std::string_view text) const {
  std::string out(text);
  uint32_t end = offset + static_cast<uint32_t>(text.size());
  for (const ByteRange& r : secrets(file)) {
    for (uint32_t i = std::max(r.begin, offset); i < std::min(r.end, end); ++i) out[i - offset] = '*';
  }
  return out;
}

size_t SourceStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return files_.size();
}

bool writeAll(int fd, std::string_view bytes) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace eg
