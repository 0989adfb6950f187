// linter/core/Text.h: UTF-8 checks and repair, JSON string literals, terminal-safe text.
#include <doctest/doctest.h>

#include <string>

#include "linter/core/Text.h"

using namespace eg;

namespace {

std::string json(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

}  // namespace

TEST_CASE("utf8SequenceAt measures well-formed sequences and the maximal subpart of ill-formed ones") {
  auto at = [](std::string_view s) { return utf8SequenceAt(s, 0); };
  CHECK(at("a").length == 1);
  CHECK(at("a").valid);
  CHECK(at("\xC3\xA9").length == 2);
  CHECK(at("\xE2\x82\xAC").length == 3);
  CHECK(at("\xF0\x9F\x98\x80").length == 4);
  CHECK(at("\xF0\x9F\x98\x80").valid);
  CHECK_FALSE(at("\x80").valid);          // a lone continuation byte
  CHECK(at("\x80").length == 1);
  CHECK_FALSE(at("\xC0\xAF").valid);      // overlong '/': C0 never starts a sequence
  CHECK(at("\xC0\xAF").length == 1);
  CHECK_FALSE(at("\xE2\x82").valid);      // truncated: the two bytes are one subpart
  CHECK(at("\xE2\x82").length == 2);
  CHECK(at("\xE2\x82" "A").length == 2);
  CHECK_FALSE(at("\xED\xA0\x80").valid);  // surrogate U+D800: ED takes 80-9F only
  CHECK(at("\xED\xA0\x80").length == 1);
  CHECK_FALSE(at("\xF4\x90\x80\x80").valid);  // past U+10FFFF
  CHECK(at("\xF4\x90\x80\x80").length == 1);
  CHECK_FALSE(at("\xF5").valid);
}

TEST_CASE("isValidUtf8 reports the first bad byte") {
  size_t bad = 99;
  CHECK(isValidUtf8("caf\xC3\xA9", &bad));
  CHECK_FALSE(isValidUtf8("ab\xC3\xA9\xFF", &bad));
  CHECK(bad == 4);
  CHECK_FALSE(isValidUtf8("a\xE2\x82", &bad));
  CHECK(bad == 1);
  std::string out;
  appendUtf8(out, 0x1F600);
  CHECK(out == "\xF0\x9F\x98\x80");
}

TEST_CASE("sanitizeUtf8 keeps valid text and replaces invalid bytes with U+FFFD") {
  CHECK(sanitizeUtf8("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");
  CHECK(sanitizeUtf8("a\xFFz") == "a\xEF\xBF\xBDz");
  CHECK(sanitizeUtf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  CHECK(sanitizeUtf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
  CHECK(sanitizeUtf8("\xED\xA0\x80").find('\xED') == std::string::npos);  // surrogate
}

TEST_CASE("appendJsonString escapes as nlohmann::json does and replaces each invalid sequence once") {
  CHECK(json("") == "\"\"");
  CHECK(json("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json("\b\f\n\r\t") == "\"\\b\\f\\n\\r\\t\"");
  CHECK(json(std::string_view("\x00\x01\x1f", 3)) == "\"\\u0000\\u0001\\u001f\"");
  CHECK(json("\x7F caf\xC3\xA9 /") == "\"\x7F caf\xC3\xA9 /\"");
  CHECK(json("a\xE2\x82" "b") == "\"a\xEF\xBF\xBD" "b\"");  // one U+FFFD for the truncated pair
  CHECK(json("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(json("x\xF0\x9F\x98") == "\"x\xEF\xBF\xBD\"");
}

TEST_CASE("escapeTerminal and neutralizeControls keep control characters off a terminal") {
  CHECK(escapeTerminal("a\nb\r\tc") == "a\\nb\\r\\tc");
  CHECK(escapeTerminal("\x1B]52;c;x\x07") == "\\x1b]52;c;x\\x07");
  CHECK(escapeTerminal("\xC2\x9B" "31m") == "\\u009b31m");  // C1 CSI
  CHECK(escapeTerminal("bad\xFF") == "bad\xEF\xBF\xBD");
  CHECK(neutralizeControls("a\x1B[1mb\tc") == "a?[1mb\tc");
  CHECK(neutralizeControls("a\r\nb\nc") == "a??b?c");
  CHECK(neutralizeControls("a\r\nb\nc", true) == "a\r\nb\nc");
  CHECK(neutralizeControls("x\xC2\x9By") == "x\xC2\xBFy");
}
