// Inline suppressions: `# edgeguard:ignore EG005 <reason>` (or `//`, `/* */`) at the end of
// a line, or alone on the line above the resource or attribute a finding points at.
// Several ids may be given separated by commas; rule names work as well as ids.
// A suppression without a reason does not suppress; it is reported itself (EG906).
#pragma once

#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"

namespace eg {

struct Suppression {
  std::vector<std::string> rules;  // ids or names, as written
  std::string reason;
  uint32_t commentLine = 0;  // 0-based line of the comment
  uint32_t targetLine = 0;   // 0-based line it applies to
  ByteRange range;           // the comment text from the marker on
};

// Finds every suppression comment in a file. Cheap when the file has none.
std::vector<Suppression> findSuppressions(const SourceFile& file);

// Marks `findings` suppressed where a suppression of `file` applies (by location or anchor
// line). Appends EG906 findings for suppressions that have no reason.
void applySuppressions(const SourceFile& file, std::vector<Finding>& findings,
                       std::vector<Finding>& extra);
// The same with the file's suppressions found before (findSuppressions).
void applySuppressions(const SourceFile& file, const std::vector<Suppression>& suppressions,
                       std::vector<Finding>& findings, std::vector<Finding>& extra);

}  // namespace eg
