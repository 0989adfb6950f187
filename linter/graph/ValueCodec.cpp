#include "linter/graph/ValueCodec.h"

#include <cstring>

namespace eg::codec {

void Writer::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
}
void Writer::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
}
void Writer::varint(uint64_t v) {
  while (v >= 0x80) {
    u8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  u8(static_cast<uint8_t>(v));
}
void Writer::f64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  u64(bits);
}
void Writer::str(std::string_view s) {
  varint(s.size());
  out_.append(s);
}

bool Reader::u8(uint8_t& v) {
  v = 0;
  if (!ok_ || at_ >= in_.size()) return fail();
  v = static_cast<uint8_t>(in_[at_++]);
  return true;
}
bool Reader::u32(uint32_t& v) {
  v = 0;
  if (!ok_ || in_.size() - at_ < 4) return fail();
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[at_++])) << (8 * i);
  return true;
}
bool Reader::u64(uint64_t& v) {
  v = 0;
  if (!ok_ || in_.size() - at_ < 8) return fail();
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[at_++])) << (8 * i);
  return true;
}
bool Reader::varint(uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    uint8_t b;
    if (!u8(b)) return false;
    if (shift == 63 && b > 1) return fail();  // more than 64 bits
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return fail();
}
bool Reader::f64(double& v) {
  uint64_t bits;
  if (!u64(bits)) {
    v = 0;
    return false;
  }
  std::memcpy(&v, &bits, sizeof v);
  return true;
}
bool Reader::str(std::string& s) {
  s.clear();
  uint64_t n;
  if (!varint(n)) return false;
  if (n > in_.size() - at_) return fail();
  s.assign(in_.substr(at_, static_cast<size_t>(n)));
  at_ += static_cast<size_t>(n);
  return true;
}
bool Reader::count(size_t& n, size_t minItemBytes) {
  n = 0;
  uint64_t v;
  if (!varint(v)) return false;
  if (minItemBytes == 0) minItemBytes = 1;
  if (v > (in_.size() - at_) / minItemBytes) return fail();
  n = static_cast<size_t>(v);
  return true;
}

void writeRange(Writer& w, ByteRange r) {
  w.varint(r.begin);
  w.varint(r.end);
}

bool readRange(Reader& r, ByteRange& out) {
  uint64_t b, e;
  if (!r.varint(b) || !r.varint(e)) return false;
  if (b > e || e > UINT32_MAX) return r.fail();
  out = {static_cast<uint32_t>(b), static_cast<uint32_t>(e)};
  return true;
}

namespace {
constexpr uint64_t kNoIndex = 0;  // file indexes are written +1; 0 is kNoFile

void writeFile(Writer& w, const FileIndexOf& index, FileId file) {
  if (file == kNoFile) {
    w.varint(kNoIndex);
    return;
  }
  std::optional<uint32_t> i = index(file);
  if (!i) {
    w.ok = false;
    w.varint(kNoIndex);
    return;
  }
  w.varint(uint64_t{*i} + 1);
}

bool readFile(Reader& r, const std::vector<DecodeFile>& files, FileId& file, uint32_t& size) {
  uint64_t i;
  if (!r.varint(i)) return false;
  if (i == kNoIndex) {
    file = kNoFile;
    size = 0;
    return true;
  }
  if (i > files.size()) return r.fail();
  file = files[static_cast<size_t>(i - 1)].id;
  size = files[static_cast<size_t>(i - 1)].size;
  return true;
}

// A range of the file just read: inside its text (any range goes with no file).
bool rangeFits(ByteRange range, FileId file, uint32_t size) { return file == kNoFile || range.end <= size; }

void writeProvenance(Writer& w, const FileIndexOf& index, const Provenance& p) {
  writeFile(w, index, p.file);
  writeRange(w, p.value);
  writeRange(w, p.key);
}

bool readProvenance(Reader& r, const std::vector<DecodeFile>& files, Provenance& p) {
  uint32_t size = 0;
  if (!readFile(r, files, p.file, size) || !readRange(r, p.value) || !readRange(r, p.key)) return false;
  if (!rangeFits(p.value, p.file, size) || !rangeFits(p.key, p.file, size)) return r.fail();
  return true;
}

void writeValueAt(Writer& w, const FileIndexOf& index, const Value& v, unsigned depth) {
  if (depth > kMaxDepth) {
    w.ok = false;
    return;
  }
  w.u8(static_cast<uint8_t>(v.type()));
  writeProvenance(w, index, v.prov);
  switch (v.type()) {
    case Value::Type::Null: break;
    case Value::Type::Bool: w.u8(v.asBool() ? 1 : 0); break;
    case Value::Type::Number: w.f64(v.asNumber()); break;
    case Value::Type::String: w.str(v.asString()); break;
    case Value::Type::Array:
      w.varint(v.asArray().size());
      for (const Value& e : v.asArray()) writeValueAt(w, index, e, depth + 1);
      break;
    case Value::Type::Object:
      w.varint(v.asObject().size());
      for (const Member& m : v.asObject()) {
        w.str(m.key);
        writeValueAt(w, index, m.value, depth + 1);
      }
      break;
    case Value::Type::Unknown:
      w.str(v.unknownReason());
      w.varint(v.unknownParts().size());
      for (const StringPart& p : v.unknownParts()) {
        w.u8(p.known ? 1 : 0);
        w.str(p.text);
      }
      break;
  }
}

// The smallest encoding of a value: type, provenance (file and two ranges), nothing else.
constexpr size_t kMinValueBytes = 6;

bool readValueAt(Reader& r, const std::vector<DecodeFile>& files, Value& out, unsigned depth) {
  if (depth > kMaxDepth) return r.fail();
  uint8_t type;
  Provenance prov;
  if (!r.u8(type) || !readProvenance(r, files, prov)) return false;
  switch (static_cast<Value::Type>(type)) {
    case Value::Type::Null: out = Value(); break;
    case Value::Type::Bool: {
      uint8_t b;
      if (!r.u8(b) || b > 1) return r.fail();
      out = Value(b == 1);
      break;
    }
    case Value::Type::Number: {
      double d;
      if (!r.f64(d)) return false;
      out = Value(d);
      break;
    }
    case Value::Type::String: {
      std::string s;
      if (!r.str(s)) return false;
      out = Value(std::move(s));
      break;
    }
    case Value::Type::Array: {
      size_t n;
      if (!r.count(n, kMinValueBytes)) return false;
      Array a(n);
      for (Value& e : a) {
        if (!readValueAt(r, files, e, depth + 1)) return false;
      }
      out = Value(std::move(a));
      break;
    }
    case Value::Type::Object: {
      size_t n;
      if (!r.count(n, kMinValueBytes + 1)) return false;
      Object o(n);
      for (Member& m : o) {
        if (!r.str(m.key) || !readValueAt(r, files, m.value, depth + 1)) return false;
      }
      out = Value(std::move(o));
      break;
    }
    case Value::Type::Unknown: {
      Unknown u;
      size_t n;
      if (!r.str(u.reason) || !r.count(n, 2)) return false;
      u.parts.resize(n);
      for (StringPart& p : u.parts) {
        uint8_t known;
        if (!r.u8(known) || known > 1 || !r.str(p.text)) return r.fail();
        p.known = known == 1;
      }
      out = Value(std::move(u));
      break;
    }
    default: return r.fail();
  }
  out.prov = prov;
  return true;
}

void writeStrings(Writer& w, const std::vector<std::string>& v) {
  w.varint(v.size());
  for (const std::string& s : v) w.str(s);
}

bool readStrings(Reader& r, std::vector<std::string>& v) {
  size_t n;
  if (!r.count(n)) return false;
  v.resize(n);
  for (std::string& s : v) {
    if (!r.str(s)) return false;
  }
  return true;
}

}  // namespace

void writeLocation(Writer& w, const FileIndexOf& index, FileId file, ByteRange range) {
  writeFile(w, index, file);
  writeRange(w, range);
}

bool readLocation(Reader& r, const std::vector<DecodeFile>& files, FileId& file, ByteRange& range) {
  uint32_t size = 0;
  if (!readFile(r, files, file, size) || !readRange(r, range)) return false;
  if (!rangeFits(range, file, size)) return r.fail();
  return true;
}

void writeValue(Writer& w, const FileIndexOf& index, const Value& v) { writeValueAt(w, index, v, 0); }

bool readValue(Reader& r, const std::vector<DecodeFile>& files, Value& out) { return readValueAt(r, files, out, 0); }

void writeResource(Writer& w, const FileIndexOf& index, const Resource& res) {
  w.str(res.kind);
  w.str(res.address);
  w.str(res.sourceType);
  w.str(res.format);
  writeFile(w, index, res.file);
  writeRange(w, res.header);
  writeRange(w, res.body);
  writeValue(w, index, res.attributes);
  writeStrings(w, res.aliases);
  writeStrings(w, res.references);
}

bool readResource(Reader& r, const std::vector<DecodeFile>& files, Resource& out) {
  out = Resource{};
  uint32_t size = 0;
  if (!r.str(out.kind) || !r.str(out.address) || !r.str(out.sourceType) || !r.str(out.format) ||
      !readFile(r, files, out.file, size) || !readRange(r, out.header) || !readRange(r, out.body)) {
    return false;
  }
  if (!rangeFits(out.header, out.file, size) || !rangeFits(out.body, out.file, size)) return r.fail();
  return readValue(r, files, out.attributes) && readStrings(r, out.aliases) && readStrings(r, out.references);
}

}  // namespace eg::codec
