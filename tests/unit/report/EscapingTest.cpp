// Escaping rules of the text-based report formats, one at a time.
#include <doctest/doctest.h>

#include "linter/report/Escaping.h"

using namespace eg::report;

TEST_CASE("sanitizeUtf8 keeps valid text and replaces invalid bytes with U+FFFD") {
  CHECK(sanitizeUtf8("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");
  CHECK(sanitizeUtf8("a\xFFz") == "a\xEF\xBF\xBDz");
  CHECK(sanitizeUtf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  CHECK(sanitizeUtf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
  CHECK(sanitizeUtf8("\xED\xA0\x80").find('\xED') == std::string::npos);  // surrogate
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
