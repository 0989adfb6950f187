// ValueCodec: a compact binary form of Values and Resources (the engine's on-disk cache of
// unit results, linter/engine/ResultCache.h).
//
// File ids belong to one SourceStore, so the encoder is given a map from the ids it meets to
// small indexes (the files of a cache entry) and the decoder the way back. Decoding is
// bounds-checked and depth-limited: any bytes give either a value or `false`, never a crash,
// an out-of-range read or an allocation larger than the input (fuzz/fuzz_cache.cpp). The
// decoder also checks every provenance range against the size of the text it points into.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/graph/Value.h"

namespace eg::codec {

// Appends little-endian integers, LEB128 lengths and strings to a byte string.
class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v);
  void u64(uint64_t v);
  void varint(uint64_t v);
  void f64(double v);
  void str(std::string_view s);
  void bytes(std::string_view s) { out_.append(s); }
  std::string& out() { return out_; }
  // False once an encoder met something it cannot write (a file id with no index, a value
  // nested deeper than kMaxDepth): the result must then be thrown away.
  bool ok = true;

 private:
  std::string out_;
};

// Reads what Writer wrote. Every read checks the bytes left; after a failed read ok() is
// false and every further read fails too (and returns zero / empty).
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u8(uint8_t& v);
  bool u32(uint32_t& v);
  bool u64(uint64_t& v);
  bool varint(uint64_t& v);
  bool f64(double& v);
  bool str(std::string& s);
  // A count of items that take at least `minItemBytes` bytes each: fails when the bytes left
  // cannot hold that many (so no count can make the decoder allocate more than the input).
  bool count(size_t& n, size_t minItemBytes = 1);
  bool ok() const { return ok_; }
  bool fail() {
    ok_ = false;
    return false;
  }
  size_t left() const { return ok_ ? in_.size() - at_ : 0; }
  bool atEnd() const { return ok_ && at_ == in_.size(); }

 private:
  std::string_view in_;
  size_t at_ = 0;
  bool ok_ = true;
};

// Deeper values are not written (the encoder fails) and not read (the decoder fails).
inline constexpr unsigned kMaxDepth = 512;

// File ids <-> entry indexes. The encoder's map returns nothing for a file it cannot name
// (the entry is then not written); kNoFile is written as such. The decoder's files: per index,
// the id in the current store and the size of its text (ranges are checked against it).
using FileIndexOf = std::function<std::optional<uint32_t>(FileId)>;
struct DecodeFile {
  FileId id = kNoFile;
  uint32_t size = 0;
};

void writeRange(Writer& w, ByteRange r);
bool readRange(Reader& r, ByteRange& out);
// A file id with a range inside it.
void writeLocation(Writer& w, const FileIndexOf& index, FileId file, ByteRange range);
bool readLocation(Reader& r, const std::vector<DecodeFile>& files, FileId& file, ByteRange& range);

void writeValue(Writer& w, const FileIndexOf& index, const Value& v);
bool readValue(Reader& r, const std::vector<DecodeFile>& files, Value& out);
// Everything a front-end sets on a resource (id and unit are the engine's: not written).
void writeResource(Writer& w, const FileIndexOf& index, const Resource& res);
bool readResource(Reader& r, const std::vector<DecodeFile>& files, Resource& out);

}  // namespace eg::codec
