#include <doctest/doctest.h>

#include "editor/lsp/DocumentStore.h"
#include "editor/lsp/Position.h"
#include "editor/lsp/Uri.h"

using namespace eg;
using namespace eg::lsp;

TEST_CASE("positions count UTF-16 code units by default and bytes in UTF-8 mode") {
  // "é" is 2 bytes / 1 unit, "𝄞" is 4 bytes / 2 units (a surrogate pair).
  std::string text = "a\xC3\xA9" "b\n\xF0\x9D\x84\x9E" "x = 1\r\nlast";
  LineIndex lines(text);
  CHECK(toPosition(text, lines, 3, PositionEncoding::Utf16) == Position{0, 2});
  CHECK(toPosition(text, lines, 3, PositionEncoding::Utf8) == Position{0, 3});
  uint32_t x = static_cast<uint32_t>(text.find('x'));
  CHECK(toPosition(text, lines, x, PositionEncoding::Utf16) == Position{1, 2});
  CHECK(toPosition(text, lines, x, PositionEncoding::Utf8) == Position{1, 4});
  CHECK(toOffset(text, lines, {1, 2}, PositionEncoding::Utf16) == x);
  CHECK(toOffset(text, lines, {1, 4}, PositionEncoding::Utf8) == x);
  uint32_t last = static_cast<uint32_t>(text.find("last"));
  CHECK(toPosition(text, lines, last, PositionEncoding::Utf16) == Position{2, 0});
}

TEST_CASE("positions inside a code point or past the end are clamped") {
  std::string text = "\xF0\x9D\x84\x9E" "z\nab";
  LineIndex lines(text);
  // Character 1 is the middle of the surrogate pair: stays before the code point.
  CHECK(toOffset(text, lines, {0, 1}, PositionEncoding::Utf16) == 0);
  CHECK(toOffset(text, lines, {0, 2}, PositionEncoding::Utf16) == 4);
  // Byte 2 is inside the 4-byte sequence: moves back to its start.
  CHECK(toOffset(text, lines, {0, 2}, PositionEncoding::Utf8) == 0);
  // Past the end of a line: the end of that line (before the newline).
  CHECK(toOffset(text, lines, {0, 99}, PositionEncoding::Utf16) == 5);
  // Past the last line: the end of the text.
  CHECK(toOffset(text, lines, {7, 0}, PositionEncoding::Utf16) == text.size());
  CHECK(toPosition(text, lines, 999, PositionEncoding::Utf16) == Position{1, 2});
}

TEST_CASE("incremental changes apply in order, stale versions and unknown documents are refused") {
  DocumentStore docs;
  docs.open("file:///w/a.tf", "/w/a.tf", "terraform", 1, "line one\nline two\n");
  std::string why;
  ContentChange insert{true, {1, 5}, {1, 5}, "number "};
  ContentChange del{true, {0, 0}, {1, 0}, ""};
  REQUIRE(docs.change("file:///w/a.tf", 2, {insert, del}, PositionEncoding::Utf16, why));
  CHECK(docs.find("file:///w/a.tf")->text == "line number two\n");
  CHECK(docs.find("file:///w/a.tf")->lines.lineCount() == 2);
  // A version that is not newer is ignored.
  CHECK_FALSE(docs.change("file:///w/a.tf", 2, {ContentChange{false, {}, {}, "x"}}, PositionEncoding::Utf16, why));
  CHECK(why.find("stale") != std::string::npos);
  CHECK(docs.find("file:///w/a.tf")->text == "line number two\n");
  // Whole-text replacement.
  REQUIRE(docs.change("file:///w/a.tf", 5, {ContentChange{false, {}, {}, "new"}}, PositionEncoding::Utf16, why));
  CHECK(docs.find("file:///w/a.tf")->text == "new");
  // A range that ends before it starts is refused as a whole.
  CHECK_FALSE(docs.change("file:///w/a.tf", 6, {ContentChange{true, {0, 2}, {0, 1}, "?"}}, PositionEncoding::Utf16, why));
  CHECK(docs.find("file:///w/a.tf")->version == 5);
  CHECK_FALSE(docs.change("file:///w/other.tf", 9, {}, PositionEncoding::Utf16, why));
  CHECK(docs.close("file:///w/a.tf"));
  CHECK_FALSE(docs.close("file:///w/a.tf"));
}

TEST_CASE("incremental changes use the negotiated encoding") {
  DocumentStore docs;
  docs.open("file:///w/b.bicep", "/w/b.bicep", "bicep", 1, "x = '\xC3\xA9t\xC3\xA9'\n");
  std::string why;
  // Replace the final "é" (UTF-16 character 7, UTF-8 byte 8).
  REQUIRE(docs.change("file:///w/b.bicep", 2, {ContentChange{true, {0, 7}, {0, 8}, "e"}}, PositionEncoding::Utf16, why));
  CHECK(docs.find("file:///w/b.bicep")->text == "x = '\xC3\xA9te'\n");
  REQUIRE(docs.change("file:///w/b.bicep", 3, {ContentChange{true, {0, 5}, {0, 7}, "E"}}, PositionEncoding::Utf8, why));
  CHECK(docs.find("file:///w/b.bicep")->text == "x = 'Ete'\n");
}

TEST_CASE("file URIs round-trip with percent-encoding") {
  CHECK(uriToPath("file:///home/u/my%20infra/main.tf") == std::optional<std::string>("/home/u/my infra/main.tf"));
  CHECK(uriToPath("file://localhost/etc/x.toml") == std::optional<std::string>("/etc/x.toml"));
  CHECK(uriToPath("FILE:///a") == std::optional<std::string>("/a"));
  CHECK_FALSE(uriToPath("untitled:Untitled-1").has_value());
  CHECK_FALSE(uriToPath("file://server/share/x").has_value());
  CHECK_FALSE(uriToPath("file:///a%00b").has_value());
  CHECK(pathToUri("/home/u/my infra/d\xC3\xA9.tf") == "file:///home/u/my%20infra/d%C3%A9.tf");
  CHECK(uriToPath(pathToUri("/a b/c#d?e.json")) == std::optional<std::string>("/a b/c#d?e.json"));
}
