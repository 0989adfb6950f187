// The on-disk cache's decoder (linter/engine/ResultCache.h, linter/graph/ValueCodec.h): any
// bytes in the cache directory must give a miss or a well-formed unit, never a crash, a read
// out of bounds or a huge allocation. The input is tried three ways: as a whole entry file (its
// checksum almost always fails), as the payload of an entry with a correct header and checksum
// (so the fuzzer reaches the decoder of files, resources, errors and findings), and as one
// encoded Value. Decoded ranges must lie inside the texts of the entry's files.
#include <cstdint>
#include <string>

#include "fuzz/FuzzUtil.h"
#include "linter/engine/ResultCache.h"
#include "linter/graph/ValueCodec.h"

namespace {

void checkRanges(const eg::Value& v, const std::vector<const eg::SourceFile*>& files) {
  if (v.prov.file != eg::kNoFile) {
    size_t size = 0;
    for (const eg::SourceFile* f : files) {
      if (f->id() == v.prov.file) size = f->text().size();
    }
    if (v.prov.value.end > size || v.prov.key.end > size || v.prov.value.begin > v.prov.value.end) __builtin_trap();
  }
  if (v.isArray()) {
    for (const eg::Value& e : v.asArray()) checkRanges(e, files);
  } else if (v.isObject()) {
    for (const eg::Member& m : v.asObject()) checkRanges(m.value, files);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = egfuzz::bytes(data, size);
  static eg::SourceStore* store = [] {
    auto* s = new eg::SourceStore;
    s->add("main.tf", "resource \"azurerm_iothub\" \"hub\" {\n  name = \"hub\"\n}\n");
    s->add("variables.tf", "variable \"x\" {}\n");
    s->add("empty.tf", "");
    return s;
  }();
  std::vector<const eg::SourceFile*> files{store->get(0), store->get(1), store->get(2)};

  // 1. As a whole file.
  eg::Hash128 key{0x0123456789abcdefull, 0xfedcba9876543210ull};
  eg::UnitEntry head;
  std::string_view body;
  (void)eg::decodeUnitHead(in, key, head, body);

  // 2. As the payload of a well-formed entry (the fuzzer cannot forge the checksum).
  std::string entry = "EGUNIT01";
  auto put64 = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) entry.push_back(static_cast<char>(v >> (8 * i)));
  };
  put64(key.lo);
  put64(key.hi);
  eg::Hash128 sum = eg::hashText(in);
  put64(sum.lo);
  put64(sum.hi);
  entry.append(in);
  head = {};
  if (eg::decodeUnitHead(entry, key, head, body)) {
    eg::UnitBody out;
    for (size_t policies : {size_t{0}, size_t{2}}) {
      out = {};
      if (eg::decodeUnitBody(body, files, policies, out)) {
        for (const eg::Resource& r : out.resources) checkRanges(r.attributes, files);
        if (out.hasLocal && out.local.byPolicy.size() != policies) __builtin_trap();
      }
    }
  }

  // 3. As one Value.
  std::vector<eg::codec::DecodeFile> table;
  for (const eg::SourceFile* f : files) table.push_back({f->id(), static_cast<uint32_t>(f->text().size())});
  eg::codec::Reader r(in);
  eg::Value v;
  if (eg::codec::readValue(r, table, v)) {
    checkRanges(v, files);
    // What decodes encodes, decodes and encodes again to the same bytes (numbers bit for bit).
    eg::codec::FileIndexOf index = [&](eg::FileId id) -> std::optional<uint32_t> { return id; };
    eg::codec::Writer w;
    eg::codec::writeValue(w, index, v);
    if (!w.ok) __builtin_trap();
    eg::codec::Reader again(w.out());
    eg::Value back;
    if (!eg::codec::readValue(again, table, back) || !again.atEnd()) __builtin_trap();
    eg::codec::Writer w2;
    eg::codec::writeValue(w2, index, back);
    if (w2.out() != w.out()) __builtin_trap();
  }
  return 0;
}
