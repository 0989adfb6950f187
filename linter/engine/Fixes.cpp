#include "linter/engine/Fixes.h"

#include <algorithm>
#include <cctype>

#include "linter/core/EngineCodes.h"
#include "linter/core/Text.h"
#include "parsers/FrontEnd.h"

namespace eg {
namespace {

const SourceFile* fileOf(const SourceStore& store, FileId id) { return id == kNoFile ? nullptr : store.get(id); }

const Resource* findResource(const Finding& f, const ResourceGraph& graph) {
  for (const Resource& r : graph.resources()) {
    if (r.address == f.resource && (r.file == f.anchor.file || r.file == f.location.file)) return &r;
  }
  return nullptr;
}

// Leading whitespace of the line that starts at `offset`.
std::string indentAt(std::string_view text, uint32_t offset) {
  size_t end = offset;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  return std::string(text.substr(offset, end - offset));
}

bool attributeLike(std::string_view line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos) return false;
  char c = line[i];
  if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '"' || c == '\'' || c == '[')) return false;
  size_t sep = line.find_first_of("=:{", i);
  return sep != std::string_view::npos;
}

}  // namespace

std::vector<Fix> fixesFor(const Finding& f, const ResourceGraph& graph, const SourceStore& store,
                          const policy::PolicyCatalog& catalog) {
  std::vector<Fix> out;
  if (f.suppressed || f.unknown) return out;
  const policy::Policy* p = catalog.find(f.rule);
  if (!p || p->fixes.empty()) return out;
  const Resource* r = findResource(f, graph);
  const SourceEditor* editor = r ? sourceEditor(r->format) : nullptr;
  if (!editor) return out;
  policy::EvalOptions options;
  options.sources = &store;
  for (const policy::PolicyFix* declared : policy::applicableFixes(*p, *r, graph, options)) {
    const std::string* title = declared->titleFor(r->format);
    std::optional<TextEdit> edit = title ? editor->set(*r, declared->steps, declared->value, store) : std::nullopt;
    if (!edit) continue;
    out.push_back(Fix{*title, {std::move(*edit)}, declared->preferred});
  }
  return out;
}

std::optional<Fix> suppressionFix(const Finding& f, const SourceStore& store, std::string_view reason) {
  if (f.suppressed || findEngineCode(f.rule)) return std::nullopt;  // engine codes are not suppressed
  const SourceFile* file = fileOf(store, f.location.file);
  if (!file) return std::nullopt;
  std::optional<FilePattern> kind = filePatternFor(file->path());
  if (!kind || kind->lineComment.empty()) return std::nullopt;
  const LineIndex& lines = file->lines();
  uint32_t line = lines.lineOf(f.location.range.begin);
  // A finding may sit inside a multi-line string (a heredoc): a comment there would change
  // the string, so fall back to the resource's header line.
  if (kind->multilineStrings && !attributeLike(file->lineText(line)) && f.anchor.file == file->id()) {
    line = lines.lineOf(f.anchor.range.begin);
  }
  uint32_t at = lines.lineStart(line);
  std::string_view text = file->text();
  std::string newline = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  Fix fix;
  fix.title = "Suppress " + f.rule + " here with a reason (edgeguard:ignore comment)";
  fix.edits.push_back(TextEdit{file->id(), {at, at},
                               indentAt(text, at) + std::string(kind->lineComment) + " edgeguard:ignore " + f.rule + " " +
                                   std::string(reason) + newline});
  return fix;
}

std::string applyEdits(std::string_view text, FileId file, std::vector<TextEdit> edits, size_t* skipped) {
  std::erase_if(edits, [&](const TextEdit& e) { return e.file != file; });
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.range.begin < b.range.begin; });
  std::string out;
  uint32_t pos = 0;
  bool any = false;
  for (const TextEdit& e : edits) {
    if ((any && e.range.begin < pos) || e.range.end > text.size() || e.range.end < e.range.begin) {
      if (skipped) ++*skipped;
      continue;
    }
    out.append(text.substr(pos, e.range.begin - pos));
    out += e.newText;
    pos = e.range.end;
    any = true;
  }
  out.append(text.substr(pos));
  return out;
}

std::string unifiedDiff(const std::string& path, std::string_view before, std::string_view after) {
  if (before == after) return {};
  auto split = [](std::string_view t) {
    std::vector<std::string_view> lines;
    size_t i = 0;
    while (i < t.size()) {
      size_t e = t.find('\n', i);
      size_t end = e == std::string_view::npos ? t.size() : e + 1;
      lines.push_back(t.substr(i, end - i));
      i = end;
    }
    return lines;
  };
  std::vector<std::string_view> a = split(before), b = split(after);
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  // ' ' keep, '-' delete, '+' insert, built backwards (reversed below).
  struct Op {
    char kind;
    int ai, bi;
  };
  std::vector<Op> ops;
  // Common leading and trailing lines are kept as they are; Myers' O(ND) diff runs on the lines
  // between, storing only the diagonals each step can reach (O(D^2) memory, not O(D(N+M)): a
  // 722 KB file with thousands of fixes took 5 GB). Past kMaxSteps differences the middle is
  // shown as one replacement: still a correct diff, in bounded memory.
  constexpr int kMaxSteps = 4096;
  int pre = 0;
  while (pre < n && pre < m && a[pre] == b[pre]) ++pre;
  int suf = 0;
  while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf]) ++suf;
  for (int k = 0; k < suf; ++k) ops.push_back({' ', n - 1 - k, m - 1 - k});
  int an = n - pre - suf, bm = m - pre - suf;  // the middle: a[pre, pre + an), b[pre, pre + bm)
  int max = an + bm;
  int offset = max + 1;
  std::vector<int> v(2 * static_cast<size_t>(max) + 3, 0);
  std::vector<std::vector<int>> trace;  // trace[d][k + d + 1]: v[k] before step d, k in [-d-1, d+1]
  bool done = max == 0;
  for (int d = 0; d <= max && !done; ++d) {
    if (d > kMaxSteps) break;
    trace.emplace_back(v.begin() + (offset - d - 1), v.begin() + (offset + d + 2));
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset])) ? v[k + 1 + offset] : v[k - 1 + offset] + 1;
      int y = x - k;
      while (x < an && y < bm && a[pre + x] == b[pre + y]) ++x, ++y;
      v[k + offset] = x;
      if (x >= an && y >= bm) {
        done = true;
        break;
      }
    }
  }
  if (!done) {
    for (int k = bm - 1; k >= 0; --k) ops.push_back({'+', pre + an, pre + k});
    for (int k = an - 1; k >= 0; --k) ops.push_back({'-', pre + k, pre});
  } else if (max > 0) {
    int x = an, y = bm;
    for (int d = static_cast<int>(trace.size()) - 1; d >= 0; --d) {
      const std::vector<int>& vv = trace[static_cast<size_t>(d)];
      auto at = [&](int k) { return vv[static_cast<size_t>(k + d + 1)]; };
      int k = x - y;
      int prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
      int prevX = at(prevK), prevY = prevX - prevK;
      while (x > prevX && y > prevY) --x, --y, ops.push_back({' ', pre + x, pre + y});
      if (d > 0) {
        if (x == prevX) --y, ops.push_back({'+', pre + x, pre + y});
        else --x, ops.push_back({'-', pre + x, pre + y});
      }
    }
  }
  for (int k = pre - 1; k >= 0; --k) ops.push_back({' ', k, k});
  std::reverse(ops.begin(), ops.end());
  std::string out = "--- a/" + path + "\n+++ b/" + path + "\n";
  auto line = [&](char kind, std::string_view text) {
    out += kind;
    out.append(text);
    if (text.empty() || text.back() != '\n') out += "\n\\ No newline at end of file\n";
  };
  const int context = 3;
  size_t i = 0;
  while (i < ops.size()) {
    if (ops[i].kind == ' ') {
      ++i;
      continue;
    }
    size_t start = i >= static_cast<size_t>(context) ? i - context : 0;
    while (start < i && ops[start].kind != ' ') ++start;
    size_t end = i;
    size_t lastChange = i;
    while (end < ops.size()) {
      if (ops[end].kind != ' ') lastChange = end;
      else if (end - lastChange > static_cast<size_t>(2 * context)) break;
      ++end;
    }
    end = std::min(ops.size(), lastChange + 1 + context);
    int aStart = -1, bStart = -1, aLen = 0, bLen = 0;
    for (size_t k = start; k < end; ++k) {
      const Op& o = ops[k];
      if (o.kind != '+') {
        if (aStart < 0) aStart = o.ai;
        ++aLen;
      }
      if (o.kind != '-') {
        if (bStart < 0) bStart = o.bi;
        ++bLen;
      }
    }
    if (aStart < 0) aStart = start < ops.size() ? ops[start].ai : n;
    if (bStart < 0) bStart = start < ops.size() ? ops[start].bi : m;
    out += "@@ -" + std::to_string(aLen ? aStart + 1 : aStart) + "," + std::to_string(aLen) + " +" +
           std::to_string(bLen ? bStart + 1 : bStart) + "," + std::to_string(bLen) + " @@\n";
    for (size_t k = start; k < end; ++k) {
      const Op& o = ops[k];
      line(o.kind, o.kind == '+' ? b[o.bi] : a[o.ai]);
    }
    i = end;
  }
  return out;
}

}  // namespace eg

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "linter/core/ProjectRoot.h"

namespace eg {

namespace {

// Writes `text` over `path` through a temporary file created exclusively beside it (O_EXCL, so
// a planted `hub.tf.edgeguard-fix` link is never followed), with the file's permission bits
// (not set-id ones), then renamed over the file (a rename replaces the name, never a link's
// target). An empty string on success, else why not.
std::string replaceFile(const std::string& path, const std::string& text) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return "cannot read its status";
  if (!S_ISREG(st.st_mode)) return "not a regular file (a symbolic link or a device); not fixed";
  std::string tmp = path + ".edgeguard-fix-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return "cannot create a temporary file beside it";
  auto fail = [&](std::string why) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return why;
  };
  if (::fchmod(fd, st.st_mode & 0777) != 0) return fail("cannot set the temporary file's permissions");
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write the temporary file");
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot write the temporary file");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return "cannot write the temporary file";
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::string("cannot replace: ") + std::strerror(errno);
    ::unlink(tmp.c_str());
    return why;
  }
  return {};
}

}  // namespace

FixRun applyFixes(const std::vector<Finding>& findings, const ResourceGraph& graph, const SourceStore& store,
                  const policy::PolicyCatalog& catalog, bool dryRun, const std::filesystem::path& root) {
  FixRun run;
  std::map<FileId, std::vector<TextEdit>> byFile;
  std::map<FileId, std::vector<std::string>> fixedIn;  // fingerprints of the findings fixed, per file
  for (const Finding& f : findings) {
    for (const Fix& fix : fixesFor(f, graph, store, catalog)) {
      if (!fix.preferred || fix.edits.empty()) continue;
      bool oneFile = std::all_of(fix.edits.begin(), fix.edits.end(),
                                 [&](const TextEdit& e) { return e.file == fix.edits.front().file; });
      if (!oneFile) continue;
      FileId id = fix.edits.front().file;
      std::vector<TextEdit>& edits = byFile[id];
      // Two findings may want the same edit (one literal flagged by two rules): apply it once.
      bool overlaps = false;
      for (const TextEdit& e : fix.edits) {
        for (const TextEdit& have : edits) {
          bool sameInsert = e.range.empty() && have.range.empty() && e.range.begin == have.range.begin;
          if (sameInsert || (e.range.begin < have.range.end && have.range.begin < e.range.end)) overlaps = true;
        }
      }
      if (overlaps) continue;
      edits.insert(edits.end(), fix.edits.begin(), fix.edits.end());
      fixedIn[id].push_back(f.fingerprint);
      break;  // one fix per finding
    }
  }
  // In path order, whatever order the files were read in (the diff is the same on every file system).
  std::vector<std::pair<std::string, FileId>> order;
  for (const auto& [id, edits] : byFile) {
    if (const SourceFile* file = store.get(id)) order.emplace_back(file->path(), id);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [path, id] : order) {
    const SourceFile* file = store.get(id);
    std::vector<TextEdit>& edits = byFile[id];
    // Only files of the project, reached without a link: a `../../outside` module source or a
    // committed symlink must not let a pull request's --fix rewrite someone else's file.
    struct stat lst;
    if (!root.empty() && !isInsideRoot(root, file->path())) {
      run.errors.push_back(file->path() + ": outside the project root " + root.string() + "; not fixed");
      continue;
    }
    if (::lstat(file->path().c_str(), &lst) != 0 || !S_ISREG(lst.st_mode)) {
      run.errors.push_back(file->path() + ": not a regular file (a symbolic link or a device); not fixed");
      continue;
    }
    std::string after = applyEdits(file->text(), id, edits);
    if (after == file->text()) continue;
    // The store blanks a UTF-8 BOM to spaces; put it back in what is written.
    // Larger than what was read (plus a BOM), or no longer a regular file: it changed.
    std::string disk;
    bool readBack = readSmallFile(file->path(), file->text().size() + 3, disk) == ReadResult::Ok;
    bool bom = disk.size() >= 3 && disk.compare(0, 3, "\xEF\xBB\xBF") == 0;
    if (bom) disk.replace(0, 3, "   ");
    if (!readBack || disk != file->text()) {
      run.errors.push_back(file->path() + ": changed since it was read; not fixed");
      continue;
    }
    const std::vector<std::string>& fixedHere = fixedIn[id];  // (clang 14 cannot capture a binding)
    auto succeeded = [&] {
      ++run.files;
      run.fixes += fixedHere.size();
      run.fixed.insert(run.fixed.end(), fixedHere.begin(), fixedHere.end());
    };
    if (dryRun) {
      // Secrets in the lines around a change are masked as in code frames: the same edits
      // applied to the masked text (masking keeps every offset).
      // Control characters become '?' (line ends kept) so that no line of the diff can drive
      // a terminal or a CI log.
      std::string maskedBefore = store.masked(id, 0, file->text());
      run.diff += unifiedDiff(escapeTerminal(file->path()), neutralizeControls(maskedBefore, true),
                              neutralizeControls(applyEdits(maskedBefore, id, edits), true));
      succeeded();
      continue;
    }
    if (bom) after.replace(0, 3, "\xEF\xBB\xBF");
    if (std::string why = replaceFile(file->path(), after); !why.empty()) {
      run.errors.push_back(file->path() + ": " + why);
      continue;
    }
    succeeded();
  }
  return run;
}

}  // namespace eg
