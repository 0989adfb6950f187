// Positions: LSP (line, character) <-> byte offsets in UTF-8 text. `character` counts UTF-16
// code units by default, or bytes when the client and server agreed on UTF-8 (LSP 3.17
// positionEncoding). Out-of-range positions are clamped the way LSP specifies: a character
// past the end of a line means the end of that line, a line past the end means the end of text.
#pragma once

#include <cstdint>
#include <string_view>

#include "linter/core/SourceFile.h"

namespace eg::lsp {

enum class PositionEncoding { Utf16, Utf8 };

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
  friend bool operator==(Position, Position) = default;
};

// Offsets -> positions for one text (the LineIndex must be of the same text).
Position toPosition(std::string_view text, const LineIndex& lines, uint32_t offset, PositionEncoding enc);
uint32_t toOffset(std::string_view text, const LineIndex& lines, Position pos, PositionEncoding enc);

}  // namespace eg::lsp
