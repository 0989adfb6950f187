#include "editor/lsp/Position.h"

#include <algorithm>

namespace eg::lsp {
namespace {

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid bytes).
uint32_t sequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

}  // namespace

Position toPosition(std::string_view text, const LineIndex& lines, uint32_t offset, PositionEncoding enc) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  uint32_t line = lines.lineOf(offset);
  uint32_t start = lines.lineStart(line);
  if (enc == PositionEncoding::Utf8) return {line, offset - start};
  uint32_t units = 0;
  for (uint32_t i = start; i < offset;) {
    uint32_t len = sequenceLength(static_cast<unsigned char>(text[i]));
    if (i + len > offset) break;  // offset inside a code point: count up to its start
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return {line, units};
}

uint32_t toOffset(std::string_view text, const LineIndex& lines, Position pos, PositionEncoding enc) {
  if (pos.line >= lines.lineCount()) return static_cast<uint32_t>(text.size());
  uint32_t start = lines.lineStart(pos.line);
  uint32_t end = lines.lineEnd(pos.line, text);
  if (enc == PositionEncoding::Utf8) {
    uint32_t off = start + std::min(pos.character, end - start);
    // Never split a code point.
    while (off > start && off < end && (static_cast<unsigned char>(text[off]) & 0xC0) == 0x80) --off;
    return off;
  }
  uint32_t units = 0, i = start;
  while (i < end && units < pos.character) {
    uint32_t len = sequenceLength(static_cast<unsigned char>(text[i]));
    uint32_t w = len == 4 ? 2 : 1;
    if (units + w > pos.character) break;  // inside a surrogate pair: stay before it
    units += w;
    i = std::min(end, i + len);
  }
  return i;
}

}  // namespace eg::lsp
