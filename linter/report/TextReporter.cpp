// Text reporter in the style of compilers:
//   path:line:col: severity EG005 [name] message
//      12 |     default_action = "Allow"
//         |                      ^~~~~~~
// then, when there are findings, a summary by rule (most severe first, then the most frequent)
// and a one-line total. Suppressed findings are counted, not shown. Compact: one line per
// finding and error, no code frames or notes.
#include <algorithm>

#include "linter/report/Escaping.h"
#include "linter/report/Reporter.h"

namespace eg {
namespace {

using report::escapeTerminal;
using report::plural;

struct Style {
  bool on;
  const char* operator()(const char* code) const { return on ? code : ""; }
};
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kRed = "\x1b[1;31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kDim = "\x1b[2m";

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

constexpr uint32_t kMaxFrameBytes = 240;  // longer source lines are cut to a window
constexpr uint32_t kFrameContext = 60;    // bytes shown before and after the range

// Prints the source line (secrets masked) and an underline below the part the range covers.
void printFrame(std::ostream& out, const SourceStore& sources, const SourceFile& file, ByteRange range, Style st,
                const char* colour) {
  uint32_t line = file.lines().lineOf(range.begin);
  uint32_t lineStart = file.lines().lineStart(line);
  std::string_view full = file.lineText(line);
  uint32_t from = std::min<uint32_t>(range.begin - lineStart, static_cast<uint32_t>(full.size()));
  uint32_t to = std::min<uint32_t>(range.end > range.begin ? range.end - lineStart : from + 1,
                                   static_cast<uint32_t>(full.size()));
  // A long line (minified JSON, a generated file) is shown as a window around the range, so a
  // finding never prints megabytes, nor the rest of a one-line file.
  uint32_t windowBegin = 0, windowEnd = static_cast<uint32_t>(full.size());
  if (full.size() > kMaxFrameBytes) {
    windowBegin = from > kFrameContext ? from - kFrameContext : 0;
    windowEnd = std::min<uint32_t>(std::max(to, from + 1) + kFrameContext, static_cast<uint32_t>(full.size()));
    windowEnd = std::min<uint32_t>(windowEnd, windowBegin + kMaxFrameBytes);
    while (windowBegin > 0 && isContinuation(static_cast<unsigned char>(full[windowBegin]))) --windowBegin;
    while (windowEnd < full.size() && isContinuation(static_cast<unsigned char>(full[windowEnd]))) ++windowEnd;
  }
  std::string shown = report::neutralizeControls(
      sources.masked(file.id(), lineStart + windowBegin, full.substr(windowBegin, windowEnd - windowBegin)));
  std::string prefix = windowBegin > 0 ? "..." : "";
  if (windowEnd < full.size()) shown += "...";
  shown.insert(0, prefix);
  std::string_view text = shown;
  from = from - windowBegin + static_cast<uint32_t>(prefix.size());
  to = std::min<uint32_t>(to, windowEnd) - windowBegin + static_cast<uint32_t>(prefix.size());
  std::string number = std::to_string(line + 1);
  std::string gutter(number.size(), ' ');
  out << st(kDim) << "  " << number << " | " << st(kReset) << text << '\n';
  out << st(kDim) << "  " << gutter << " | " << st(kReset);
  std::string pad;
  for (uint32_t i = 0; i < from; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\t') pad += '\t';
    else if (!isContinuation(c)) pad += ' ';
  }
  std::string marks = "^";
  for (uint32_t i = from + 1; i < to; ++i) {
    if (!isContinuation(static_cast<unsigned char>(text[i]))) marks += '~';
  }
  out << pad << st(colour) << marks << st(kReset) << '\n';
}

const char* severityColour(const Finding& f) {
  if (f.unknown) return kDim;
  switch (f.severity) {
    case Severity::High: return kRed;
    case Severity::Medium: return kYellow;
    case Severity::Low: return kCyan;
  }
  return kCyan;
}

class TextReporter : public Reporter {
 public:
  void write(const Report& report, std::ostream& out) override {
    Style st{report.color};
    for (const Error& e : report.errors) {
      ResolvedRange r = resolve(report.sources, e);
      out << st(kBold) << escapeTerminal(r.path);
      if (r.line) out << ':' << r.line << ':' << r.column;
      const char* colour = e.notice ? kCyan : kRed;
      out << ':' << st(kReset) << ' ' << st(colour) << (e.notice ? "note" : "error") << st(kReset) << ' '
          << escapeTerminal(e.code) << ' ' << escapeTerminal(e.message) << '\n';
      if (report.compact) continue;
      if (const SourceFile* f = report.sources.get(e.file)) printFrame(out, report.sources, *f, e.range, st, colour);
    }
    for (const Finding& f : report.findings) {
      if (f.suppressed) continue;
      ResolvedRange r = resolve(report.sources, f.location);
      const char* colour = severityColour(f);
      out << st(kBold) << escapeTerminal(r.path) << ':' << r.line << ':' << r.column << ':' << st(kReset) << ' '
          << st(colour) << (f.unknown ? "unknown" : toString(f.severity)) << st(kReset) << ' ' << st(kBold)
          << escapeTerminal(f.rule) << st(kReset) << " [" << escapeTerminal(f.name) << "] " << escapeTerminal(f.message)
          << '\n';
      if (report.compact) continue;
      if (const SourceFile* file = report.sources.get(f.location.file); file && !file->text().empty()) {
        printFrame(out, report.sources, *file, f.location.range, st, colour);
      }
      for (const RelatedLocation& rl : f.related) {
        ResolvedRange rr = resolve(report.sources, rl.location);
        out << "  " << st(kDim) << "note: " << escapeTerminal(rr.path) << ':' << rr.line << ':' << rr.column << ": "
            << escapeTerminal(rl.message) << st(kReset) << '\n';
      }
    }
    ReportCounts c = countFindings(report.findings);
    std::vector<RuleCount> byRule = countByRule(report.findings);
    if (!byRule.empty()) {
      size_t width = 0;
      for (const RuleCount& r : byRule) width = std::max(width, r.rule.size() + r.name.size() + 3);
      out << '\n' << st(kBold) << "Findings by rule" << st(kReset) << '\n';
      for (const RuleCount& r : byRule) {
        std::string label = escapeTerminal(r.rule) + " [" + escapeTerminal(r.name) + "]";
        std::string sev(toString(r.severity));
        out << "  " << st(r.severity == Severity::High ? kRed : r.severity == Severity::Medium ? kYellow : kCyan) << sev
            << st(kReset) << std::string(7 - sev.size(), ' ') << label
            << std::string(label.size() < width ? width - label.size() : 0, ' ') << std::string(6 - std::min<size_t>(6, std::to_string(r.count).size()), ' ') << r.count << '\n';
      }
      out << '\n';
    }
    std::string scanned = plural(report.files, "file") + ", " + plural(report.resources, "resource");
    size_t errors = countRealErrors(report.errors), notes = report.errors.size() - errors;
    if (c.active() == 0 && errors == 0) {
      out << st(kGreen) << "No findings" << st(kReset) << " in " << scanned;
    } else {
      out << st(kBold) << plural(c.active(), "finding") << st(kReset) << " (" << c.high << " high, " << c.medium
          << " medium, " << c.low << " low)";
      if (errors) out << ", " << st(kRed) << plural(errors, "error") << st(kReset);
      out << " in " << scanned;
    }
    if (notes) out << "; " << plural(notes, "note");
    if (c.suppressed) out << "; " << c.suppressed << " suppressed";
    if (c.unknown) out << "; " << c.unknown << " unknown";
    out << ".\n";
  }
};

}  // namespace

std::unique_ptr<Reporter> makeTextReporter() { return std::make_unique<TextReporter>(); }

}  // namespace eg
