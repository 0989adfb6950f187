// JsonReader: JSON (with // and /* */ comments, as ARM templates allow) into eg::Value with
// exact provenance for every value and member key. A hand-written recursive-descent reader
// rather than nlohmann: it records byte ranges directly, costs nothing to compile, and bounds
// nesting depth so hostile input yields an error instead of a stack overflow.
// Used by the Terraform front-end (.tf.json) and meant for the ARM and IoT Edge front-ends.
// Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "linter/core/SourceFile.h"
#include "linter/graph/Value.h"

namespace eg::json {

struct JsonError {
  uint32_t offset = 0;  // byte offset of the problem in the parsed text
  std::string message;  // "expected ',' or '}' after object member"
};

struct JsonOptions {
  bool allowComments = true;        // `//` and `/* */`
  bool allowTrailingCommas = false; // `[1,]`, `{"a":1,}` (ARM accepts neither officially)
  uint32_t maxDepth = 512;          // nesting beyond this is an error
  // Json.NET's leniency (how the IoT Edge agent reads createOptions): member names without
  // quotes (letters, digits, '_', '$'), and strings in single quotes.
  bool allowUnquotedNames = false;
  bool allowSingleQuotes = false;
};

// Parses the whole text of `file`; provenance file ids are file.id().
bool parseJson(const SourceFile& file, Value& out, JsonError& err, const JsonOptions& opts = {});
// Parses `text` (a view that starts at byte `baseOffset` of the file `fileId`); for embedded
// JSON such as a Terraform heredoc or an IoT Edge createOptions string.
bool parseJsonText(std::string_view text, FileId fileId, uint32_t baseOffset, Value& out, JsonError& err,
                   const JsonOptions& opts = {});

}  // namespace eg::json
