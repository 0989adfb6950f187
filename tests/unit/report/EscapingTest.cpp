// Escaping rules of the text-based report formats, one at a time.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "linter/report/Escaping.h"

using namespace eg::report;

// JsonReporter writes strings with appendJsonString (linter/core/Text.h), the SARIF reporter
// through nlohmann::json: both must write the same bytes, invalid UTF-8 included.
TEST_CASE("appendJsonString writes what nlohmann::json's dump() writes, invalid UTF-8 included") {
  auto nlohmannDump = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  auto ours = [](const std::string& s) {
    std::string out;
    appendJsonString(out, s);
    return out;
  };
  // Every string of up to three bytes drawn from bytes at the edges of the UTF-8 ranges, then
  // longer random strings of them.
  const unsigned char edges[] = {0x00, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x22, 0x2F, 0x41, 0x5C, 0x7F,
                                 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::vector<std::string> cases = {""};
  for (size_t len = 1; len <= 3; ++len) {
    std::vector<std::string> longer;
    for (const std::string& c : cases) {
      if (c.size() != len - 1) continue;
      for (unsigned char b : edges) longer.push_back(c + static_cast<char>(b));
    }
    cases.insert(cases.end(), longer.begin(), longer.end());
  }
  uint32_t seed = 12345;
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    size_t len = 4 + n % 9;
    for (size_t k = 0; k < len; ++k) {
      seed = seed * 1103515245u + 12345u;
      s += static_cast<char>(edges[(seed >> 16) % sizeof edges]);
    }
    cases.push_back(s);
  }
  cases.push_back("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF");
  size_t mismatches = 0;
  for (const std::string& s : cases) {
    if (ours(s) == nlohmannDump(s)) continue;
    if (++mismatches > 5) continue;
    std::string hex;
    for (unsigned char c : s) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 0xF], hex += ' ';
    CHECK_MESSAGE(ours(s) == nlohmannDump(s), "input bytes: " << hex);
  }
  CHECK(mismatches == 0);
}

TEST_CASE("escapeXml escapes markup characters and drops characters XML 1.0 forbids") {
  CHECK(escapeXml("a<b>&\"c'", false) == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(escapeXml("line1\nline2\tx", false) == "line1\nline2\tx");
  CHECK(escapeXml("line1\nline2\tx", true) == "line1&#10;line2&#9;x");
  CHECK(escapeXml("cr\r", false) == "cr&#13;");
  CHECK(escapeXml(std::string("nul\0bel\x07", 8), false) == "nul\xEF\xBF\xBD" "bel\xEF\xBF\xBD");
  CHECK(escapeXml("\xFF", true) == "\xEF\xBF\xBD");
}

TEST_CASE("escapeGithubData and escapeGithubProperty follow the runner's rules") {
  CHECK(escapeGithubData("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b");
  CHECK(escapeGithubProperty("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext%3A a%2Cb");
  CHECK(escapeGithubProperty("EG005 ip-filter-default-allow") == "EG005 ip-filter-default-allow");
  CHECK(escapeGithubProperty("dir,1/a:b.tf") == "dir%2C1/a%3Ab.tf");
}

TEST_CASE("escapeMarkdownCell keeps a table cell in its cell") {
  CHECK(escapeMarkdownCell("a | b") == "a \\| b");
  CHECK(escapeMarkdownCell("x\ny") == "x<br>y");
  CHECK(escapeMarkdownCell("x\r\ny") == "x<br>y");
  CHECK(escapeMarkdownCell("<script>") == "\\<script\\>");
  CHECK(escapeMarkdownCell("[link](u) *b* `c` _d_ #e \\") == "\\[link\\](u) \\*b\\* \\`c\\` \\_d\\_ \\#e \\\\");
  CHECK(escapeMarkdownCell("plain text, 0.0.0.0/0") == "plain text, 0.0.0.0/0");
}

TEST_CASE("escapeMermaidLabel escapes what would end or break a quoted label") {
  CHECK(escapeMermaidLabel("say \"hi\"") == "say #quot;hi#quot;");
  CHECK(escapeMermaidLabel("a<b>c") == "a#lt;b#gt;c");
  CHECK(escapeMermaidLabel("a\nb") == "a b");
  CHECK(escapeMermaidLabel("module.m[\"x\"]") == "module.m[#quot;x#quot;]");
}

TEST_CASE("sarifUri keeps relative paths relative and percent-encodes the rest") {
  bool relative = false;
  CHECK(sarifUri("infra/hub.tf", relative) == "infra/hub.tf");
  CHECK(relative);
  CHECK(sarifUri("my infra/h\xC3\xA9#1.tf", relative) == "my%20infra/h%C3%A9%231.tf");
  CHECK(relative);
  CHECK(sarifUri("/abs/x.tf", relative) == "file:///abs/x.tf");
  CHECK_FALSE(relative);
}
