// Core and graph: line index, source loading limits, Value, ResourceGraph.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/graph/Value.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {
fs::path tempFile(const std::string& name, const std::string& content) {
  fs::path dir = fs::temp_directory_path() / "edgeguard-core-tests";
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}
}  // namespace

TEST_CASE("LineIndex maps offsets to 1-based lines and code-point columns") {
  std::string text = "ab\ncd\r\nef\rgh";
  SourceFile f(0, "x", text);
  CHECK(f.lines().lineCount() == 4);
  CHECK(f.position(0).line == 1);
  CHECK(f.position(4).line == 2);
  CHECK(f.position(4).column == 2);
  CHECK(f.position(7).line == 3);   // after CRLF
  CHECK(f.position(10).line == 4);  // after a lone CR
  CHECK(f.lineText(1) == "cd");
  CHECK(f.lineText(2) == "ef");
  // Multi-byte characters count as one column.
  SourceFile u(1, "u", "a\xC3\xA9z");
  CHECK(u.position(3).column == 3);
  CHECK(u.lines().offsetOf({1, 3}, u.text()) == 3);
  // Offsets past the end clamp.
  CHECK(f.position(1000).line == 4);
}

TEST_CASE("SourceStore rejects binary, oversized, UTF-16 and invalid UTF-8 files with clear messages") {
  SourceStore store(LoadLimits{64});
  LoadError err;
  CHECK(store.load(tempFile("bin.tf", std::string("a\0b", 3)), &err) == nullptr);
  CHECK(err.message.find("binary") != std::string::npos);
  CHECK(store.load(tempFile("big.tf", std::string(100, 'x')), &err) == nullptr);
  CHECK(err.message.find("over the limit") != std::string::npos);
  CHECK(store.load(tempFile("u16.tf", "\xFF\xFEh\0i\0"), &err) == nullptr);
  CHECK(err.message.find("UTF-16") != std::string::npos);
  CHECK(store.load(tempFile("bad.tf", "ok\nx\xC3("), &err) == nullptr);
  CHECK(err.message == "invalid UTF-8 at line 2, column 2");
  CHECK(store.load(fs::temp_directory_path() / "edgeguard-core-tests" / "missing.tf", &err) == nullptr);
  CHECK(err.message.find("cannot read") != std::string::npos);

  const SourceFile* bom = store.load(tempFile("bom.tf", "\xEF\xBB\xBFx = 1"), &err);
  REQUIRE(bom != nullptr);
  CHECK(bom->text().size() == 8);  // BOM blanked, offsets unchanged
  CHECK(bom->text().substr(3) == "x = 1");
  // Loading the same file twice returns the same SourceFile.
  CHECK(store.load(tempFile("bom.tf", "\xEF\xBB\xBFx = 1"), &err) == bom);
}

TEST_CASE("isValidUtf8 rejects overlong forms and surrogates") {
  size_t bad = 0;
  CHECK(isValidUtf8("plain \xE2\x82\xAC", &bad));
  CHECK_FALSE(isValidUtf8("\xC0\xAF", &bad));
  CHECK_FALSE(isValidUtf8("\xED\xA0\x80", &bad));
  CHECK_FALSE(isValidUtf8("ab\xF0\x9F", &bad));
  CHECK(bad == 2);
}

TEST_CASE("Value objects: case-insensitive lookup, dotted paths, merge, equality") {
  Value v = Value::object();
  Value& props = v.set("properties", Value::object());
  props.set("minTlsVersion", "1.0");
  Array rules;
  Value rule = Value::object();
  rule.set("ipMask", "10.0.0.0/8");
  rules.push_back(rule);
  props.set("ipRules", Value(std::move(rules)));

  CHECK(v.at("Properties.MINTLSVERSION")->asString() == "1.0");
  CHECK(v.at("properties.ipRules[0].ipMask")->asString() == "10.0.0.0/8");
  CHECK(v.at("properties.ipRules[1]") == nullptr);
  CHECK(v.at("properties.missing.x") == nullptr);

  Value patch = Value::object();
  patch.set("properties", Value::object()).set("minTlsVersion", "1.2");
  v.mergeFrom(patch);
  CHECK(v.at("properties.minTlsVersion")->asString() == "1.2");
  CHECK(v.at("properties.ipRules[0].ipMask") != nullptr);  // merge keeps siblings

  CHECK(Value(1) == Value(1.0));
  CHECK_FALSE(Value("a") == Value("A"));
  CHECK_FALSE(Value::unknown("x") == Value::unknown("x"));
  CHECK(v.toJson().find("\"minTlsVersion\":\"1.2\"") != std::string::npos);
  CHECK(Value::unknown("var.x has no value").toJson() == "<unknown: var.x has no value>");
  CHECK(Value(3.0).toDisplay() == "3");
}

TEST_CASE("Value::containsUnknown looks inside arrays and objects") {
  Value v = Value::object();
  CHECK_FALSE(v.containsUnknown());
  v.set("a", Value(Array{Value(1), Value::unknown("count.index")}));
  CHECK(v.containsUnknown());
}

TEST_CASE("SourceStore keys a file through its directory's key exactly as canonicalKey does, links included") {
  fs::path dir = fs::temp_directory_path() / "edgeguard-core-tests" / "keys";
  fs::remove_all(dir);
  fs::create_directories(dir / "real");
  std::ofstream(dir / "real" / "a.tf") << "x = 1\n";
  std::ofstream(dir / "real" / "b.tf") << "x = 2\n";
  std::error_code ec;
  fs::create_directory_symlink(dir / "real", dir / "linked", ec);
  fs::create_symlink(dir / "real" / "b.tf", dir / "real" / "c.tf", ec);
  SourceStore store;
  for (const fs::path& p : {dir / "real" / "a.tf", dir / "linked" / "a.tf", dir / "linked" / "b.tf", dir / "real" / "c.tf",
                            dir / "linked" / "c.tf", dir / "real" / ".." / "real" / "a.tf", dir / "real" / "missing.tf",
                            dir / "real" / "", dir / "real" / "."}) {
    CAPTURE(p);
    CHECK(store.keyOf(p) == canonicalKey(p));
  }
  CHECK(store.keyOf(dir / "linked" / "a.tf") == (fs::canonical(dir) / "real" / "a.tf").generic_string());
  CHECK(store.keyOf(dir / "real" / "c.tf") == (fs::canonical(dir) / "real" / "b.tf").generic_string());
  // One stat for kind, size and stamp: a directory and a missing file still say what they are.
  LoadError err;
  CHECK(store.load(dir / "real", &err) == nullptr);
  CHECK(err.message == "is a directory");
  CHECK(store.load(dir / "real" / "missing.tf", &err) == nullptr);
  CHECK(err.message == "cannot read file: No such file or directory");
  fs::remove_all(dir);
}
