// Findings (a policy's verdict on one place in the sources) and errors (an input or
// policy that could not be processed). Both hold byte ranges; reporters derive lines.
#pragma once

#include <string>
#include <vector>

#include "linter/core/EngineCodes.h"
#include "linter/core/Severity.h"
#include "linter/core/SourceFile.h"

namespace eg {

struct Location {
  FileId file = kNoFile;
  ByteRange range;
};

struct RelatedLocation {
  Location location;
  std::string message;
};

struct Finding {
  std::string rule;     // "EG005"
  std::string name;     // "ip-filter-default-allow"
  Severity severity = Severity::Medium;
  std::string message;
  Location location;     // the exact text the finding is about
  Location anchor;       // the enclosing resource's header (suppressions also apply there)
  std::string resource;  // "azurerm_iothub.hub"
  std::string kind;      // "Microsoft.Devices/IotHubs"
  std::string detailKey; // stable discriminator (attribute path, item index) for fingerprints
  std::string fingerprint;
  bool suppressed = false;
  std::string suppressionReason;
  bool unknown = false;  // the verdict depended on a value that could not be resolved
  std::vector<RelatedLocation> related;
};

// An input file, policy file or configuration that could not be processed.
struct Error {
  std::string path;      // display path; may name a file not in the SourceStore
  FileId file = kNoFile; // set when the text is available (then range is meaningful)
  ByteRange range;
  uint32_t line = 0;     // 1-based; used when file == kNoFile (0 = no position)
  uint32_t column = 0;
  std::string message;
  std::string code = kInputErrorCode;
  // A notice, not an error: something the scan could not look at that the user can fix
  // (EG910 a module source not on disk, EG911 createOptions that is not strict JSON). Reported
  // as a note; it does not make the scan fail (exit status, SARIF executionSuccessful).
  bool notice = false;
};

// Whether any of `errors` is a real error (not a notice): what makes the exit status 2.
inline bool hasRealErrors(const std::vector<Error>& errors) {
  for (const Error& e : errors) {
    if (!e.notice) return true;
  }
  return false;
}
inline size_t countRealErrors(const std::vector<Error>& errors) {
  size_t n = 0;
  for (const Error& e : errors) n += e.notice ? 0 : 1;
  return n;
}

}  // namespace eg
