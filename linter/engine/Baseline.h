// Baselines: adopt edgeguard on an existing repository without drowning in old findings.
// `scan --write-baseline FILE` records the current findings; `scan --baseline FILE` hides the
// findings it records and reports only new ones. An entry is keyed by rule, file (relative to
// the baseline's directory), resource address and a fingerprint of the finding's detail
// (attribute path, item) — never by line, so unrelated edits do not resurrect old findings,
// and moving a resource to another file does not hide a new one there. Entries that match
// nothing any more are stale.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"

namespace eg {

struct BaselineEntry {
  std::string rule;
  std::string path;      // relative to the baseline file's directory, '/'-separated
  std::string resource;  // resource address
  std::string detail;    // fingerprint of the finding's detail key
  std::string message;   // for people reading the file; not used for matching
};

struct Baseline {
  std::filesystem::path file;
  std::vector<BaselineEntry> entries;
};

// The JSON text of a baseline recording `findings` (suppressed ones are left out).
std::string writeBaseline(const std::vector<Finding>& findings, const SourceStore& sources,
                          const std::filesystem::path& baselineFile, std::string_view toolVersion);

// Reads a baseline file; false with an error (EG909, file:line:column for bad JSON).
bool loadBaseline(const std::filesystem::path& file, Baseline& baseline, std::vector<Error>& errors);
bool loadBaselineText(std::string_view text, const std::filesystem::path& file, Baseline& baseline,
                      std::vector<Error>& errors);

struct BaselineOutcome {
  size_t hidden = 0;                 // findings removed because the baseline records them
  std::vector<BaselineEntry> stale;  // entries that matched no finding
};

// Removes from `findings` those the baseline records (each entry hides at most one finding).
BaselineOutcome applyBaseline(const Baseline& baseline, std::vector<Finding>& findings, const SourceStore& sources);

}  // namespace eg
