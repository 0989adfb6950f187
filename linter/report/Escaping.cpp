#include "linter/report/Escaping.h"

namespace eg::report {

std::string escapeXml(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  forEachUtf8Char(text, [&](std::string_view ch) {
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
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += kReplacementCharacter;
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
          out += kReplacementCharacter;  // no terminal sequence reaches a rendered summary
        } else if (isC1ControlAt(clean, i)) {
          out += kReplacementCharacter;
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
