// JSON editing for the source editors of the JSON formats (ARM templates, IoT Edge manifests
// and the JSON inside a createOptions string): values rendered in the spacing of the file,
// members inserted first into an object with its indentation, literals replaced in place.
// Works on text and provenance (byte ranges of a Value parsed with JsonReader or evaluated
// from one); `file` may be kNoFile for text decoded from a string literal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parsers/SourceEditor.h"

namespace eg::json {

enum class Style {
  Spaced,   // {"Type": "json-file", "Config": {"max-size": "10m"}}
  Compact,  // {"Type":"json-file","Config":{"max-size":"10m"}} (the form inside a JSON string)
};
std::string render(const Value& v, Style style);
// The content of a JSON string literal for `s`: quotes, backslashes and control characters
// escaped, UTF-8 kept as it is.
std::string escapeContent(std::string_view s);
// `value` under the members path[from..]: {"a": {"b": value}}.
Value nest(const AttributePath& path, size_t from, const Value& value);

// Inserts "key": valueJson first into the object `obj` (its provenance in `text`): on its
// own line when the object spans lines, compact otherwise (following its spacing).
std::optional<TextEdit> insertMember(std::string_view text, FileId file, const Value& obj, std::string_view key,
                                     std::string_view valueJson);
// Replaces the value `current` (its provenance in `text`) with `value`: an object or array
// (or null) is rewritten whole; a scalar through editing::replaceScalarIn.
std::optional<TextEdit> replaceValue(std::string_view text, FileId file, const Value& current, const Value& value,
                                     Style style);
// Sets path[from..] below the object `obj` to `value`: the value there replaced, or the first
// missing member inserted (holding the rest of the path as nested objects when
// `createObjects`; otherwise only the last member may be missing).
std::optional<TextEdit> setPath(std::string_view text, FileId file, const Value& obj, const AttributePath& path,
                                size_t from, const Value& value, Style style, bool createObjects);

}  // namespace eg::json
