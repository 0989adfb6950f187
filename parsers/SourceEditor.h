// SourceEditor: how a front-end writes its own syntax back. The fix engine (linter/engine/Fixes.h)
// knows a policy's declared fix ("set properties.minTlsVersion to "1.2"", policies/README.md
// "Fixes") and hands it to the editor of the resource's format, found through the front-end
// registry (parsers/FrontEnd.h: sourceEditor()). The editor turns it into one minimal TextEdit:
// it replaces a literal's text, or inserts a member into an object or block that is there, in
// that format's syntax and with the indentation around it. It works on text and provenance
// (Value::prov byte ranges), so no parser node leaves parsers/. (How a file writes comments,
// for suppression comments, is in the front-end's globs(): parsers/FrontEnd.h FilePattern.)
//
// An editor refuses (returns nothing) whenever the edit would not be exactly what was asked:
// the value is an expression, a variable or a placeholder, the literal's type differs from the
// new value's, or the object it would go into is not a literal of the resource's file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/SourceFile.h"
#include "linter/core/TextEdit.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/graph/Value.h"

namespace eg {

// An attribute of a resource's ARM-shaped attributes, one member name per step:
// {"properties", "networkRuleSets", "defaultAction"} (no list indexes).
using AttributePath = std::vector<std::string>;

class SourceEditor {
 public:
  virtual ~SourceEditor() = default;

  // Whether this editor can set `path` on resources of `kind` (insert it when it is missing),
  // without looking at a resource; NotMine when the front-end never produces `kind`.
  // Checks policies' declared fixes (tests/unit/engine/fixes_tests.cpp).
  enum class Support { NotMine, Yes, No };
  virtual Support supports(std::string_view kind, const AttributePath& path) const = 0;

  // The edit that makes attribute `path` of `r` hold `value`: the literal that holds it now
  // replaced (same type only), or the missing member inserted into its object. Nothing when it
  // cannot be done safely, or when the text already says so.
  virtual std::optional<TextEdit> set(const Resource& r, const AttributePath& path, const Value& value,
                                      const SourceStore& store) const = 0;
};

// Text helpers the editors share (parsers/SourceEditor.cpp).
namespace editing {

bool endsWith(std::string_view s, std::string_view suffix);
// "\r\n" when the text uses it, else "\n".
std::string newlineOf(std::string_view text);
// Leading whitespace of the line containing `offset`.
std::string indentAt(std::string_view text, uint32_t offset);
// The indentation step used in the text ("  " unless it clearly uses something else).
std::string indentUnit(std::string_view text);
// A quoted literal ("1.0" or '1.0') whose content is plain (no escapes, no interpolation, no
// quote, no line break): the range of its content.
std::optional<ByteRange> plainStringContent(std::string_view text, ByteRange r);
// `path`'s value in `attrs` (member lookups, ASCII case-insensitive); null when missing.
const Value* lookup(const Value& attrs, const AttributePath& path, size_t steps = SIZE_MAX);
// A member's text, "key: value" or "key = value", as the first line of the block or object
// whose `{` is at `brace`, indented like the block's members. Nothing when the block holds
// members on the brace's own line (`{ a = 1 }`): a line break there would break the syntax.
std::optional<TextEdit> insertLineInBlock(const SourceFile& file, uint32_t brace, std::string_view member);

// The edit replacing the scalar literal that produced `current` (at current.prov) with
// `value`: a plain string literal's content (it must read exactly `current`), or a bool or
// number token (it must read as `current` does). `quote` writes a string's content in the
// format's syntax. Nothing for other types, for a different type, or when nothing would change.
std::optional<TextEdit> replaceScalar(const SourceStore& store, const Value& current, const Value& value,
                                      std::string (*quoteContent)(std::string_view));
// The same in `text` (whose file is `file`; kNoFile for text decoded from a string).
std::optional<TextEdit> replaceScalarIn(std::string_view text, FileId file, const Value& current, const Value& value,
                                        std::string (*quoteContent)(std::string_view));
// A bool or number as every format writes it (true, 3, 1.5).
std::string scalarToken(const Value& v);

}  // namespace editing

}  // namespace eg
