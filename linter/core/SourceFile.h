// SourceFile: one input file's text, its display path and a LineIndex.
// The core stores byte ranges only; line/column are derived here on demand (reporters)
// or in the LSP layer (UTF-16). SourceStore owns every file read during a session and
// applies the input limits (size, binary, encoding) so no front-end has to.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "linter/core/Text.h"  // isValidUtf8, appendUtf8

namespace eg {

using FileId = uint32_t;
inline constexpr FileId kNoFile = UINT32_MAX;

// Half-open byte range [begin, end) into a SourceFile's text.
struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool empty() const { return begin == end; }
  uint32_t size() const { return end - begin; }
  friend bool operator==(ByteRange, ByteRange) = default;
};

// 1-based line and column. Columns count Unicode code points (not bytes), which is what
// a reader counts in an editor; the LSP layer converts to UTF-16 separately.
struct LineCol {
  uint32_t line = 1;
  uint32_t column = 1;
};

class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);
  // 0-based line number containing byte offset `offset` (clamped to the text).
  uint32_t lineOf(uint32_t offset) const;
  // Byte offset where 0-based `line` starts.
  uint32_t lineStart(uint32_t line) const { return line < starts_.size() ? starts_[line] : textSize_; }
  // Byte offset one past the last content byte of 0-based `line` (before "\n" or "\r\n").
  uint32_t lineEnd(uint32_t line, std::string_view text) const;
  uint32_t lineCount() const { return static_cast<uint32_t>(starts_.size()); }
  LineCol position(uint32_t offset, std::string_view text) const;
  // Inverse of position() for 1-based line/column (column in code points); clamps.
  uint32_t offsetOf(LineCol lc, std::string_view text) const;

 private:
  std::vector<uint32_t> starts_;
  uint32_t textSize_ = 0;
};

class SourceFile {
 public:
  SourceFile(FileId id, std::string path, std::string text);
  FileId id() const { return id_; }
  // Display path: relative to the working directory when inside it, '/' separators.
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::string_view slice(ByteRange r) const;
  const LineIndex& lines() const { return lines_; }
  LineCol position(uint32_t offset) const { return lines_.position(offset, text_); }
  // The text of the 0-based line without its terminator.
  std::string_view lineText(uint32_t line) const;

 private:
  FileId id_;
  std::string path_;
  std::string text_;
  LineIndex lines_;
};

// What stat says of a path: a file or directory whose stamp is unchanged has not been written
// since, unless the stamp was recent when it was taken (see isRacy).
struct FileStamp {
  int64_t mtimeNs = 0, ctimeNs = 0;
  uint64_t size = 0, inode = 0, device = 0;
  uint32_t mode = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
// The stamp of `path` (links followed), or nothing when it cannot be stat'ed.
std::optional<FileStamp> fileStamp(const std::filesystem::path& path);
// Now, on the wall clock file times are compared with, in nanoseconds.
int64_t wallClockNs();
// File times are coarse (a clock tick of several milliseconds): a file written twice within a
// tick with the same size keeps its stamp. A stamp modified this close to `atNs` (when it was
// taken or checked) proves nothing; compare the contents instead (git's "racily clean" entries).
inline bool isRacy(const FileStamp& stamp, int64_t atNs) { return atNs - stamp.mtimeNs < 2'000'000'000; }

struct LoadLimits {
  uint64_t maxFileBytes = 16ull << 20;  // 16 MiB
  // Budgets while a front-end loads a unit (see Budget.h): a unit of several files (a
  // Terraform module) gets the time once per 256 KiB of its text, at least once and at most
  // once per file; memory is what the unit holds at once.
  double parseSeconds = 10.0;               // --parse-timeout
  uint64_t parseMemoryBytes = 1024ull << 20;  // --parse-memory (MiB on the command line)
};

// Why a file could not be loaded as text; message is user-facing.
struct LoadError {
  std::string path;
  std::string message;
};

// Owns all source files of a session. Thread-safe: front-ends may load files
// (modules, tfvars) from worker threads. Pointers stay valid for the store's lifetime.
class SourceStore {
 public:
  explicit SourceStore(LoadLimits limits = {}) : limits_(limits) {}
  // Reads `path` from disk. Rejects files over the size limit, binary files (NUL bytes),
  // and invalid UTF-8; strips a UTF-8 BOM. Returns the already-loaded file when called twice.
  // An open editor buffer in the overlay (see setOverlays) is used instead of the disk file.
  const SourceFile* load(const std::filesystem::path& path, LoadError* error);
  // Editor buffers that override disk content, keyed by canonicalKey(path). Set before loading.
  using Overlays = std::map<std::string, std::string>;
  void setOverlays(std::shared_ptr<const Overlays> overlays) { overlays_ = std::move(overlays); }
  // The overlay text for `path`, or nullptr.
  const std::string* overlay(const std::filesystem::path& path) const;
  // Adds in-memory text (editor buffers, tests). Replaces nothing: always a new file.
  const SourceFile* add(std::string displayPath, std::string text);
  const SourceFile* get(FileId id) const;
  const SourceFile* find(const std::filesystem::path& path) const;
  // The id of the file loaded for a key (keyOf), or kNoFile.
  FileId idOfKey(const std::string& key) const;
  size_t size() const;

  // A store kept between scans (the engine's Workspace): `refresh` forgets the file loaded
  // for `path` when its text may have changed since (its overlay text differs, or the file on
  // disk has another size, inode or modification/change time), so that the next load reads it
  // again as a new file. Files already handed out stay valid. Returns true when forgotten.
  bool refresh(const std::filesystem::path& path);
  // The canonical key of a path (canonicalKey), remembered: a store kept between scans asks
  // for the same paths on every scan. forgetKeys() drops what it remembers (links may change).
  std::string keyOf(const std::filesystem::path& path) const;
  void forgetKeys();
  // Bytes of text of every file loaded so far (the current and the forgotten versions).
  size_t textBytes() const;
  const LoadLimits& limits() const { return limits_; }

  // Secrets found in a file (keys, passwords): front-ends mark their byte ranges so that no
  // output that quotes source text (code frames) ever prints them.
  void markSecret(FileId file, ByteRange range);
  std::vector<ByteRange> secrets(FileId file) const;
  size_t secretCount(FileId file) const;
  // `text` (which starts at byte `offset` of `file`) with every secret byte replaced by '*'.
  std::string masked(FileId file, uint32_t offset, std::string_view text) const;

 private:
  LoadLimits limits_;
  std::shared_ptr<const Overlays> overlays_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<SourceFile>> files_;
  std::unordered_map<std::string, FileId> byKey_;  // canonical path -> file (not in-memory files)
  // How each loaded file looked on disk when it was read (by file id; overlay: from a buffer).
  struct Stamp {
    bool overlay = false;
    FileStamp file;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  };
  struct Loaded {
    Stamp stamp;
    size_t rawHash = 0;      // of the bytes read
    int64_t checkedNs = 0;   // when the file was last read or compared (wall clock)
  };
  std::unordered_map<FileId, Loaded> stamps_;
  mutable std::mutex keysMu_;
  mutable std::unordered_map<std::string, std::string> keys_;  // path as given -> canonical key
  mutable std::unordered_map<std::string, std::string> dirKeys_;  // directory as given -> canonical
  std::string directoryKeyed(const std::filesystem::path& path) const;
  size_t textBytes_ = 0;
  std::unordered_map<FileId, std::vector<ByteRange>> secrets_;
};

// The key a path is known by in a SourceStore (weakly canonical, '/' separators).
std::string canonicalKey(const std::filesystem::path& p);
// Path shown to users: relative to the current directory when below it, with '/' separators.
std::string displayPath(const std::filesystem::path& p);

// Reads a small file the user or the scanned repository names (configuration, policy,
// baseline): only a regular file (after symlinks) of at most `maxBytes` is read, so a FIFO or a
// link to /dev/zero cannot hang a scan or exhaust memory. On failure returns the reason, one of
// "no such file", "not a regular file", "larger than N bytes", "cannot read the file".
enum class ReadResult { Ok, Missing, NotRegular, TooLarge, Unreadable };
ReadResult readSmallFile(const std::filesystem::path& path, size_t maxBytes, std::string& text);
std::string describe(ReadResult r, size_t maxBytes);
// Writes all of `bytes` to the open descriptor `fd` (retrying short writes and EINTR); false on
// an error.
bool writeAll(int fd, std::string_view bytes);

}  // namespace eg
