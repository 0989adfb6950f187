// Text helpers every layer may need: UTF-8 checks and repair, JSON string literals, and text
// made safe to show on a terminal or in a CI log. The report layer's formats (linter/report/
// Escaping.h), the engine's fix diffs and the language server's JSON-RPC all write through these,
// so each rule exists once. Standard library only, like the rest of linter/core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace eg {

// U+FFFD, which stands for each invalid UTF-8 sequence in repaired text.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// The UTF-8 sequence that starts at text[i] (i < text.size()): its length in bytes and whether it
// is well formed (no overlong forms, surrogates or values past U+10FFFF). An ill-formed one is
// its maximal subpart (Unicode §3.9, what nlohmann::json and most decoders replace by one
// U+FFFD): the longest prefix of a well-formed sequence, at least one byte.
struct Utf8Sequence {
  size_t length = 1;
  bool valid = false;
};
Utf8Sequence utf8SequenceAt(std::string_view text, size_t i);

// Calls emit(sequence) for each well-formed UTF-8 sequence of `text` and
// emit(kReplacementCharacter) for each byte of an ill-formed one.
template <typename Emit>
void forEachUtf8Char(std::string_view text, Emit&& emit) {
  for (size_t i = 0; i < text.size();) {
    Utf8Sequence seq = utf8SequenceAt(text, i);
    if (seq.valid) {
      emit(text.substr(i, seq.length));
      i += seq.length;
    } else {
      emit(kReplacementCharacter);
      ++i;
    }
  }
}

// Whether a C1 control character (U+0080-U+009F: C2 80-C2 9F) starts at text[i]; terminals
// read some of them (CSI, OSC) as the start of a sequence.
inline bool isC1ControlAt(std::string_view text, size_t i) {
  return static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
         static_cast<unsigned char>(text[i + 1]) >= 0x80 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
}

// Checks that `text` is valid UTF-8; on failure sets *badOffset to the first bad byte.
bool isValidUtf8(std::string_view text, size_t* badOffset);
// Appends code point `cp` (at most U+10FFFF) encoded as UTF-8; used by every string unescaper.
void appendUtf8(std::string& out, uint32_t cp);

// Valid UTF-8: each byte of an invalid or truncated sequence becomes U+FFFD.
std::string sanitizeUtf8(std::string_view text);

// `text` as a JSON string literal, quotes included, appended to `out`: the escapes nlohmann::json
// writes (\" \\ \b \f \n \r \t, other controls as \u00XX), UTF-8 kept as it is; each invalid
// sequence (its maximal subpart) becomes U+FFFD, as nlohmann's dump() with
// error_handler_t::replace writes it, so the bytes equal its dump() (tests/unit/report).
void appendJsonString(std::string& out, std::string_view text);

// Text for a terminal or a CI log, on one line: control characters (C0 including newline,
// carriage return and escape, DEL, and the C1 range) are written visibly as \n, \r, \t, \xHH or
// \u00HH, so a name or value cannot start a log line of its own (`::error`, `##vso[...]`) or
// send a terminal sequence (OSC 52). Invalid UTF-8 becomes U+FFFD.
std::string escapeTerminal(std::string_view text);
// The same for source text shown as it is (a code frame under a caret line, a diff): each
// control character becomes one character of the same byte length ('?' for C0 and DEL, U+00BF
// for C1), so columns still line up. With keepLineEnds, "\n" and the "\r" of "\r\n" stay.
std::string neutralizeControls(std::string_view text, bool keepLineEnds = false);

}  // namespace eg
