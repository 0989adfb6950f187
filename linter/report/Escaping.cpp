#include "linter/report/Escaping.h"

#include <cstdio>

#include <cstdint>

#include <nlohmann/json.hpp>

#include "linter/core/SourceFile.h"

namespace eg::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence at text[i], or 0 when it is invalid.
size_t utf8Length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}

// Calls emit(sequence) for each UTF-8 sequence of `text`, U+FFFD for invalid bytes.
template <typename Emit>
void forEachChar(std::string_view text, Emit emit) {
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8Length(text, i);
    if (n == 0) {
      emit(kReplacement);
      ++i;
    } else {
      emit(text.substr(i, n));
      i += n;
    }
  }
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  if (!isValidUtf8(text, nullptr)) {
    out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  for (char ch : text) {
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

std::string sanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  forEachChar(text, [&](std::string_view ch) { out += ch; });
  return out;
}

std::string escapeXml(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  forEachChar(text, [&](std::string_view ch) {
    if (ch.size() > 1) {
      out += ch;
      return;
    }
    char c = ch[0];
    switch (c) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;
      case '"': out += "&quot;"; return;
      case '\'': out += "&apos;"; return;
      case '\t': out += attribute ? "&#9;" : "\t"; return;
      case '\n': out += attribute ? "&#10;" : "\n"; return;
      case '\r': out += "&#13;"; return;
      default: break;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += kReplacement;
    else out += c;
  });
  return out;
}

std::string escapeGithubData(std::string_view text) {
  std::string out;
  for (char c : sanitizeUtf8(text)) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escapeGithubProperty(std::string_view text) {
  std::string out;
  for (char c : escapeGithubData(text)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
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
    } else if (c == 0xC2 && i + 1 < clean.size() && static_cast<unsigned char>(clean[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(clean[i + 1]) <= 0x9F) {
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
    } else if (c == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(out[i + 1]) <= 0x9F) {
      out[i + 1] = static_cast<char>(0xBF);  // U+00BF, two bytes as the control was
      ++i;
    }
  }
  return out;
}

std::string escapeMarkdownCell(std::string_view text) {
  std::string out;
  std::string clean = sanitizeUtf8(text);
  for (size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    switch (c) {
      case '\\': case '|': case '`': case '*': case '_': case '[': case ']': case '<': case '>': case '#':
        out += '\\';
        out += c;
        break;
      case '\r':
        if (i + 1 < clean.size() && clean[i + 1] == '\n') ++i;
        out += "<br>";
        break;
      case '\n': out += "<br>"; break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) {
          out += "\xEF\xBF\xBD";  // U+FFFD: no terminal sequence reaches a rendered summary
        } else if (c == '\xC2' && i + 1 < clean.size() && static_cast<unsigned char>(clean[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(clean[i + 1]) <= 0x9F) {
          out += "\xEF\xBF\xBD";
          ++i;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string escapeMermaidLabel(std::string_view text) {
  std::string out;
  for (char c : sanitizeUtf8(text)) {
    if (c == '"') out += "#quot;";
    else if (c == '<') out += "#lt;";
    else if (c == '>') out += "#gt;";
    else if (c == '#') out += "#35;";
    else if (c == '\n' || c == '\r' || c == '\t') out += ' ';
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += ' ';
    else out += c;
  }
  return out;
}

std::string sarifUri(std::string_view path, bool& relative) {
  std::string out;
  relative = path.empty() || path[0] != '/';
  if (!relative) out = "file://";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : sanitizeUtf8(path)) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string plural(size_t n, std::string_view word) {
  return std::to_string(n).append(" ").append(word).append(n == 1 ? "" : "s");
}

}  // namespace eg::report
