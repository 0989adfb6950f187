// Fixes: safe, minimal text edits for findings, shared by `edgeguard lsp` (code actions) and
// `edgeguard scan --fix`. What a fix does is data: the policy declares it (`fix:` in its YAML,
// policies/README.md "Fixes": set one attribute to a value, with a title and, per fix, whether
// it is safe to apply without asking). This file only routes: finding -> its policy's fixes ->
// the source editor of the resource's format (parsers/SourceEditor.h, found through the
// front-end registry) -> text edits; and applies edits to files. An editor replaces or inserts
// the fewest bytes it can, so formatting and comments around it stay as they were, and only
// where the text it edits is a plain literal (never an expression, a variable or a placeholder).
//
// Every finding outside EG9xx can also be suppressed with an `edgeguard:ignore` comment, in the
// comment syntax the file's front-end declares.
#pragma once

#include <filesystem>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"
#include "linter/core/TextEdit.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/policy/Policy.h"

namespace eg {

struct Fix {
  std::string title;
  std::vector<TextEdit> edits;
  // Safe to apply without asking (`scan --fix` applies only these; editors mark them preferred).
  bool preferred = false;
};

// The fixes for one finding (empty when none is safe): those its policy in `catalog` declares
// that apply to its resource and that the resource's editor can make. Suppressed and unknown
// findings get none.
std::vector<Fix> fixesFor(const Finding& finding, const ResourceGraph& graph, const SourceStore& store,
                          const policy::PolicyCatalog& catalog);

// Inserts `edgeguard:ignore RULE <reason>` above the finding's line in the comment syntax of
// its file's front-end (`#` for HCL, TOML and YAML; `//` for Bicep and JSON, whose readers
// accept comments).
std::optional<Fix> suppressionFix(const Finding& finding, const SourceStore& store,
                                  std::string_view reason = "TODO: explain why this is acceptable");

// Applies non-overlapping edits to `text` (edits for other files are ignored). Edits that
// overlap an earlier one are dropped and counted in *skipped.
std::string applyEdits(std::string_view text, FileId file, std::vector<TextEdit> edits, size_t* skipped = nullptr);

// A unified diff (3 lines of context) from `before` to `after`, with `a/PATH` and `b/PATH`
// headers; empty when they are equal.
std::string unifiedDiff(const std::string& path, std::string_view before, std::string_view after);

}  // namespace eg

namespace eg {

// `edgeguard scan --fix`: applies the preferred fix of every unsuppressed finding to its file.
// Each file is re-read first and left alone when it changed since the scan read it; writes go
// through a temporary file and a rename. With dryRun nothing is written and `diff` holds a
// unified diff of what would change.
struct FixRun {
  size_t fixes = 0;                    // fixes applied (or that would be)
  size_t files = 0;                    // files changed (or that would be)
  std::vector<std::string> fixed;      // fingerprints of the findings fixed
  std::vector<std::string> errors;     // "path: why" for files that could not be fixed
  std::string diff;
};
// Files outside `root` (when given: see linter/core/ProjectRoot.h) and files that are not
// regular files (symbolic links included) are never written; they get an error instead.
FixRun applyFixes(const std::vector<Finding>& findings, const ResourceGraph& graph, const SourceStore& store,
                  const policy::PolicyCatalog& catalog, bool dryRun, const std::filesystem::path& root = {});

}  // namespace eg
