#include "linter/core/Glob.h"

#include <vector>

namespace eg {

namespace {

// Matches one bracket expression at p[i] against c; advances i past it.
bool matchClass(std::string_view p, size_t& i, char c) {
  size_t j = i + 1;
  bool negate = j < p.size() && (p[j] == '!' || p[j] == '^');
  if (negate) ++j;
  bool matched = false;
  bool first = true;
  while (j < p.size() && (p[j] != ']' || first)) {
    first = false;
    char lo = p[j];
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      char hi = p[j + 2];
      if (lo <= c && c <= hi) matched = true;
      j += 3;
    } else {
      if (lo == c) matched = true;
      ++j;
    }
  }
  i = j + 1;  // past ']'
  return matched != negate;
}

// Matches a single segment pattern (no '/') against a segment, iteratively with backtracking.
bool matchSegment(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, starP = std::string_view::npos, starS = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      starP = ++pi;
      starS = si;
      continue;
    }
    if (pi < p.size()) {
      if (p[pi] == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (p[pi] == '[') {
        size_t next = pi;
        if (matchClass(p, next, s[si])) {
          pi = next;
          ++si;
          continue;
        }
      } else if (p[pi] == '\\' && pi + 1 < p.size() && p[pi + 1] == s[si]) {
        pi += 2;
        ++si;
        continue;
      } else if (p[pi] == s[si]) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (starP == std::string_view::npos) return false;
    pi = starP;
    si = ++starS;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    if (slash > start) out.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Segment-wise matching with `**`; memoised over (pattern index, path index) so that
// patterns with many `**` stay linear in practice and never exponential.
bool matchSegments(const std::vector<std::string_view>& p, const std::vector<std::string_view>& s) {
  std::vector<char> memo((p.size() + 1) * (s.size() + 1), 0);  // 0 unknown, 1 false, 2 true
  auto rec = [&](auto&& self, size_t i, size_t j) -> bool {
    char& m = memo[i * (s.size() + 1) + j];
    if (m) return m == 2;
    bool r;
    if (i == p.size()) r = j == s.size();
    else if (p[i] == "**") r = self(self, i + 1, j) || (j < s.size() && self(self, i, j + 1));
    else r = j < s.size() && matchSegment(p[i], s[j]) && self(self, i + 1, j + 1);
    m = r ? 2 : 1;
    return r;
  };
  return rec(rec, 0, 0);
}

}  // namespace

bool globMatch(std::string_view pattern, std::string_view path) {
  return matchSegments(split(pattern), split(path));
}

bool globMatchesPathOrParent(std::string_view pattern, std::string_view path) {
  bool dirOnly = !pattern.empty() && pattern.back() == '/';
  while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
  bool anchored = !pattern.empty() && pattern.front() == '/';
  while (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  if (pattern.empty()) return false;
  if (pattern.rfind("./", 0) == 0) {
    pattern.remove_prefix(2);
    anchored = true;
  }
  std::vector<std::string_view> p = split(pattern);
  if (!anchored && p.size() == 1 && pattern.find('/') == std::string_view::npos) p.insert(p.begin(), "**");
  std::vector<std::string_view> s = split(path);
  // The path itself (unless only directories may match), then each parent directory.
  for (size_t n = s.size(); n > 0; --n) {
    if (dirOnly && n == s.size()) continue;
    std::vector<std::string_view> prefix(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
    if (matchSegments(p, prefix)) return true;
  }
  return false;
}

std::string globError(std::string_view pattern) {
  if (pattern.empty()) return "empty pattern";
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '[') {
      size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']' && pattern[j] != '/') ++j;
      if (j >= pattern.size() || pattern[j] != ']') return "unclosed '[' in pattern";
      i = j;
    } else if (pattern[i] == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      bool startOk = i == 0 || pattern[i - 1] == '/';
      bool endOk = i + 2 == pattern.size() || pattern[i + 2] == '/';
      if (!startOk || !endOk) return "'**' must be a whole path segment (like a/**/b)";
      ++i;
    }
  }
  return "";
}

}  // namespace eg
