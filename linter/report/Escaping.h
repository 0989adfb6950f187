// Escaping for the text-based output formats, kept apart from the reporters so each rule is
// unit-tested on its own (tests/unit/report/EscapingTest.cpp). All functions take UTF-8 and
// replace invalid sequences with U+FFFD, so a reporter never emits an unreadable document.
#pragma once

#include <string>
#include <string_view>

namespace eg::report {

// Valid UTF-8: invalid or truncated sequences become U+FFFD.
std::string sanitizeUtf8(std::string_view text);

// `text` as a JSON string literal, quotes included, appended to `out`: the escapes nlohmann::json
// writes (\" \\ \b \f \n \r \t, other controls as \u00XX), UTF-8 kept as it is; invalid UTF-8
// goes through nlohmann's replacing handler, so the bytes equal its dump().
void appendJsonString(std::string& out, std::string_view text);

// Text for a terminal or a CI log, on one line: control characters (C0 including newline,
// carriage return and escape, DEL, and the C1 range) are written visibly as \n, \r, \t, \xHH or
// \u00HH, so a name or value cannot start a log line of its own (`::error`, `##vso[...]`) or
// send a terminal sequence (OSC 52). Invalid UTF-8 becomes U+FFFD.
std::string escapeTerminal(std::string_view text);
// The same for source text shown as it is (a code frame under a caret line, a diff): each
// control character becomes one character of the same byte length ('?' for C0 and DEL, U+00BF
// for C1), so columns still line up. With keepLineEnds, "\n" and the "\r" of "\r\n" stay.
std::string neutralizeControls(std::string_view text, bool keepLineEnds = false);

// "1 finding", "2 findings".
std::string plural(size_t n, std::string_view word);

// XML 1.0 character data or attribute value: & < > " ' as entities; characters XML 1.0 forbids
// (C0 controls other than tab, newline, carriage return) become U+FFFD. In attributes tab,
// newline and carriage return are written as character references so parsers keep them.
std::string escapeXml(std::string_view text, bool attribute);

// GitHub workflow commands (::error file=...::message): in the message % \r \n are
// percent-encoded; in property values also : and ,.
std::string escapeGithubData(std::string_view text);
std::string escapeGithubProperty(std::string_view text);

// One cell of a GitHub-flavoured Markdown table: | and Markdown/HTML punctuation
// backslash-escaped, line breaks as <br>.
std::string escapeMarkdownCell(std::string_view text);

// A Mermaid node or edge label inside "...": quotes and angle brackets as Mermaid entities
// (#quot; #lt; #gt;), line breaks as spaces.
std::string escapeMermaidLabel(std::string_view text);

// A SARIF artifactLocation.uri for a display path: relative paths stay relative (resolved
// against %SRCROOT%), absolute ones become file:// URIs; characters outside RFC 3986's
// unreserved set and '/' are percent-encoded. `relative` tells which one it was.
std::string sarifUri(std::string_view path, bool& relative);

}  // namespace eg::report
