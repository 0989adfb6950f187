#include "linter/core/Text.h"

#include <cstdio>

namespace eg {

Utf8Sequence utf8SequenceAt(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return {1, true};
  // The well-formed sequences (Unicode Table 3-7): the second byte's range depends on the lead
  // byte, which rules out overlong forms, surrogates and values past U+10FFFF.
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;
  } else {
    return {1, false};
  }
  for (size_t k = 1; k < n; ++k) {
    if (i + k >= text.size()) return {k, false};
    unsigned char b = byte(i + k);
    if (b < lo || b > hi) return {k, false};
    lo = 0x80, hi = 0xBF;
  }
  return {n, true};
}

bool isValidUtf8(std::string_view s, size_t* badOffset) {
  for (size_t i = 0; i < s.size();) {
    Utf8Sequence seq = utf8SequenceAt(s, i);
    if (!seq.valid) {
      if (badOffset) *badOffset = i;
      return false;
    }
    i += seq.length;
  }
  return true;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string sanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  forEachUtf8Char(text, [&](std::string_view ch) { out += ch; });
  return out;
}

void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    Utf8Sequence seq = utf8SequenceAt(text, i);
    if (!seq.valid) {
      out += kReplacementCharacter;
      i += seq.length;
      continue;
    }
    if (seq.length > 1) {
      out += text.substr(i, seq.length);
      i += seq.length;
      continue;
    }
    char ch = text[i++];
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string escapeTerminal(std::string_view text) {
  std::string clean = sanitizeUtf8(text);
  std::string out;
  out.reserve(clean.size());
  char buf[8];
  for (size_t i = 0; i < clean.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(clean[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (isC1ControlAt(clean, i)) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(clean[i + 1]));
      out += buf;
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string neutralizeControls(std::string_view text, bool keepLineEnds) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    bool lineEnd = keepLineEnds && (c == '\n' || (c == '\r' && i + 1 < out.size() && out[i + 1] == '\n'));
    if (((c < 0x20 && c != '\t') || c == 0x7F) && !lineEnd) {
      out[i] = '?';
    } else if (isC1ControlAt(out, i)) {
      out[i + 1] = static_cast<char>(0xBF);  // U+00BF, two bytes as the control was
      ++i;
    }
  }
  return out;
}

}  // namespace eg
