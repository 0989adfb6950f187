// Diff mode: which lines changed, so a scan can report only the findings a change introduces.
// `--diff-base REV` asks git (the only program edgeguard ever runs, and only in this mode) for
// the lines changed in the working tree since the merge base of REV and HEAD, plus untracked
// files; `--changed-files-from FILE` reads a list of changed files (every line counts).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"

namespace eg {

class ChangedLines {
 public:
  // Every line of `file` changed (a new or listed file).
  void addFile(const std::filesystem::path& file);
  // Lines [first, first + count) of `file` changed; count 0 is a pure deletion after line
  // `first` (nothing there changed, but something between it and the next line went away).
  void addLines(const std::filesystem::path& file, uint32_t first, uint32_t count);

  bool fileChanged(const std::filesystem::path& file) const;
  // True when any line in [first, last] (1-based, inclusive) of `file` changed.
  bool linesChanged(const std::filesystem::path& file, uint32_t first, uint32_t last) const;
  // True when lines were deleted between `first` and `last` (1-based, inclusive).
  bool deletedWithin(const std::filesystem::path& file, uint32_t first, uint32_t last) const;
  size_t fileCount() const { return whole_.size() + lines_.size(); }

 private:
  static std::string key(const std::filesystem::path& file);
  std::set<std::string> whole_;
  std::map<std::string, std::set<uint32_t>> lines_;
  std::map<std::string, std::set<uint32_t>> deletions_;  // line after which lines were deleted
};

// Parses `git diff --unified=0` output; paths are relative to `root`.
void parseUnifiedDiff(std::string_view diff, const std::filesystem::path& root, ChangedLines& out);

// Runs git in the repository holding `where`. False with a message when git is missing,
// `where` is not in a git work tree, or `revision` is unknown.
bool changedSinceRevision(const std::string& revision, const std::filesystem::path& where, ChangedLines& out,
                          std::string& error);

// Reads one path per line (relative to the working directory; blank lines and "#" comments
// ignored). `file` "-" is standard input.
bool changedFilesFrom(const std::filesystem::path& file, ChangedLines& out, std::string& error);

// Keeps the findings a change touches: the lines of their location changed; or, for a finding
// on a resource's header (a missing setting), lines were deleted inside that resource (found
// in `graph` by its header) — editing one setting does not resurface every other missing one;
// or, for a cross-file finding, any of its files changed. Errors in unchanged files are
// dropped too.
void keepChanged(const ChangedLines& changed, const SourceStore& sources, const ResourceGraph& graph,
                 std::vector<Finding>& findings, std::vector<Error>& errors);

}  // namespace eg
