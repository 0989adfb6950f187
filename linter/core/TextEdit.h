// TextEdit: one replacement in one source file, in byte offsets. What the front-ends' source
// editors (parsers/SourceEditor.h) produce and the fix engine (linter/engine/Fixes.h) applies.
#pragma once

#include <string>

#include "linter/core/SourceFile.h"

namespace eg {

struct TextEdit {
  FileId file = kNoFile;
  ByteRange range;  // replaced bytes (empty = insertion at range.begin)
  std::string newText;
};

}  // namespace eg
