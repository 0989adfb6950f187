#include "linter/engine/Suppressions.h"

#include <cctype>

#include <algorithm>

#include "linter/graph/Value.h"

namespace eg {
namespace {

constexpr std::string_view kMarker = "edgeguard:ignore";

bool isSpace(char c) { return c == ' ' || c == '\t'; }

// If `line[0, markerPos)` ends in a comment opener (optionally followed by spaces), returns
// the opener's position; otherwise npos. Also rejects markers inside a "string".
size_t commentOpener(std::string_view line, size_t markerPos) {
  size_t quotes = 0;
  for (size_t i = 0; i < markerPos; ++i) {
    if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) ++quotes;
  }
  if (quotes % 2 == 1) return std::string_view::npos;
  size_t i = markerPos;
  while (i > 0 && isSpace(line[i - 1])) --i;
  if (i >= 1 && line[i - 1] == '#') return i - 1;
  if (i >= 2 && line.substr(i - 2, 2) == "//") return i - 2;
  if (i >= 2 && line.substr(i - 2, 2) == "/*") return i - 2;
  return std::string_view::npos;
}

bool isCommentOnly(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && isSpace(line[i])) ++i;
  std::string_view rest = line.substr(i);
  return rest.empty() || rest[0] == '#' || rest.substr(0, 2) == "//" || rest.substr(0, 2) == "/*";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (isSpace(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (isSpace(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<Suppression> findSuppressions(const SourceFile& file) {
  std::vector<Suppression> out;
  const std::string& text = file.text();
  if (text.find(kMarker) == std::string::npos) return out;
  const LineIndex& lines = file.lines();
  for (size_t pos = text.find(kMarker); pos != std::string::npos; pos = text.find(kMarker, pos + 1)) {
    uint32_t lineNo = lines.lineOf(static_cast<uint32_t>(pos));
    std::string_view line = file.lineText(lineNo);
    size_t markerInLine = pos - lines.lineStart(lineNo);
    size_t opener = commentOpener(line, markerInLine);
    if (opener == std::string_view::npos) continue;
    std::string_view rest = line.substr(markerInLine + kMarker.size());
    if (!rest.empty() && !isSpace(rest.front())) continue;  // "edgeguard:ignored" is not ours
    if (size_t close = rest.find("*/"); close != std::string_view::npos) rest = rest.substr(0, close);
    rest = trim(rest);
    Suppression s;
    // Rule list: the first word, comma separated ("EG005,EG006").
    size_t space = rest.find_first_of(" \t");
    std::string_view ids = rest.substr(0, space);
    while (!ids.empty()) {
      size_t comma = ids.find(',');
      std::string_view id = trim(ids.substr(0, comma));
      if (!id.empty()) s.rules.emplace_back(id);
      if (comma == std::string_view::npos) break;
      ids.remove_prefix(comma + 1);
    }
    if (space != std::string_view::npos) s.reason = std::string(trim(rest.substr(space)));
    s.commentLine = lineNo;
    s.range = {static_cast<uint32_t>(lines.lineStart(lineNo) + opener),
               static_cast<uint32_t>(lines.lineEnd(lineNo, text))};
    bool alone = trim(line.substr(0, opener)).empty();
    s.targetLine = lineNo;
    if (alone) {
      // Applies to the next line with code on it (so several ignore comments can stack).
      uint32_t next = lineNo + 1;
      while (next < lines.lineCount() && isCommentOnly(file.lineText(next))) ++next;
      s.targetLine = next;
    }
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

// A reason that says nothing: a placeholder word (what the editor's "suppress" quick fix
// inserts starts with TODO), or a single word. One click must not silence a finding in CI.
bool placeholderReason(std::string_view reason) {
  std::string lower;
  for (char c : reason) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!lower.empty() && std::ispunct(static_cast<unsigned char>(lower.back()))) lower.pop_back();
  for (std::string_view p : {"todo", "fixme", "xxx", "tbd", "<reason>", "reason:"}) {
    if (lower.rfind(p, 0) == 0) return true;
  }
  for (std::string_view p : {"reason", "n/a", "na", "none", "ignore", "ignored", "wip", "temp", "later", "-", "..."}) {
    if (lower == p) return true;
  }
  size_t words = 0;
  bool inWord = false;
  for (char c : lower) {
    bool space = c == ' ' || c == '\t';
    if (!space && !inWord) ++words;
    inWord = !space;
  }
  return words < 2;
}

}  // namespace

void applySuppressions(const SourceFile& file, std::vector<Finding>& findings, std::vector<Finding>& extra) {
  std::vector<Suppression> sups = findSuppressions(file);
  if (sups.empty()) return;
  const LineIndex& lines = file.lines();
  for (const Suppression& s : sups) {
    if (s.rules.empty() || s.reason.empty() || placeholderReason(s.reason)) {
      Finding f;
      f.rule = kSuppressionErrorCode;
      f.name = std::string(findEngineCode(kSuppressionErrorCode)->name);
      f.severity = Severity::Low;
      f.message = s.rules.empty()   ? "edgeguard:ignore needs a rule id and a reason, e.g. `edgeguard:ignore EG005 hub is private`"
                  : s.reason.empty() ? "edgeguard:ignore needs a reason after the rule id; without one it suppresses nothing"
                                     : "edgeguard:ignore has a placeholder for a reason (TODO, FIXME, one word...); say why the "
                                       "finding does not apply, until then it suppresses nothing";
      f.location = {file.id(), s.range};
      f.anchor = f.location;
      f.detailKey = "line" + std::to_string(s.commentLine);
      extra.push_back(std::move(f));
      continue;
    }
    for (Finding& f : findings) {
      if (f.suppressed) continue;
      bool here = (f.location.file == file.id() && lines.lineOf(f.location.range.begin) == s.targetLine) ||
                  (f.anchor.file == file.id() && lines.lineOf(f.anchor.range.begin) == s.targetLine);
      if (!here) continue;
      bool matches = std::any_of(s.rules.begin(), s.rules.end(), [&](const std::string& r) {
        return equalsIgnoreCase(r, f.rule) || equalsIgnoreCase(r, f.name);
      });
      if (!matches) continue;
      f.suppressed = true;
      f.suppressionReason = s.reason;
    }
  }
}

}  // namespace eg
