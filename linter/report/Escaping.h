// Escaping for the text-based output formats, kept apart from the reporters so each rule is
// unit-tested on its own (tests/unit/report/EscapingTest.cpp). All functions take UTF-8 and
// replace invalid sequences with U+FFFD, so a reporter never emits an unreadable document.
#pragma once

#include <string>
#include <string_view>

#include "linter/core/Text.h"

namespace eg::report {

// The text helpers every layer shares live in linter/core/Text.h; reporters and the CLI keep
// calling them as report::... .
using eg::appendJsonString;
using eg::escapeTerminal;
using eg::neutralizeControls;
using eg::sanitizeUtf8;

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
