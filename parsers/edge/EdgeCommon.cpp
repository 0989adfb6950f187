#include "parsers/edge/EdgeCommon.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "linter/core/Secrets.h"
#include "linter/core/Strings.h"

namespace eg::edge {

bool iequals(std::string_view a, std::string_view b) { return equalsIgnoreCase(a, b); }
bool istartsWith(std::string_view s, std::string_view p) { return s.size() >= p.size() && iequals(s.substr(0, p.size()), p); }
bool iendsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && iequals(s.substr(s.size() - p.size()), p);
}
bool icontains(std::string_view s, std::string_view n) {
  if (n.size() > s.size()) return false;
  for (size_t i = 0; i + n.size() <= s.size(); ++i) {
    if (iequals(s.substr(i, n.size()), n)) return true;
  }
  return false;
}

std::string secretHash(std::string_view secret) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : secret) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "fnv64:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

ByteRange remapRange(ByteRange r, const std::vector<uint32_t>& map) {
  if (map.empty()) return r;
  auto at = [&](uint32_t i) { return map[std::min<size_t>(i, map.size() - 1)]; };
  return ByteRange{at(r.begin), std::max(at(r.begin), at(r.end))};
}

}  // namespace

bool decodeJsonString(std::string_view raw, uint32_t rawBase, std::string& out, std::vector<uint32_t>& map) {
  out.clear();
  map.clear();
  size_t i = 0;
  while (i < raw.size()) {
    uint32_t at = rawBase + static_cast<uint32_t>(i);
    size_t before = out.size();
    if (raw[i] != '\\') {
      out += raw[i];
      ++i;
    } else {
      if (i + 1 >= raw.size()) return false;
      char e = raw[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (i + 4 > raw.size()) return false;
          uint32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            int h = hexValue(raw[i + static_cast<size_t>(k)]);
            if (h < 0) return false;
            cp = cp * 16 + static_cast<uint32_t>(h);
          }
          i += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= raw.size() && raw[i] == '\\' && raw[i + 1] == 'u') {
            uint32_t lo = 0;
            bool ok = true;
            for (int k = 0; k < 4; ++k) {
              int h = hexValue(raw[i + 2 + static_cast<size_t>(k)]);
              if (h < 0) ok = false;
              lo = lo * 16 + static_cast<uint32_t>(std::max(h, 0));
            }
            if (ok && lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i += 6;
            }
          }
          appendUtf8(out, cp);
          break;
        }
        default: return false;
      }
    }
    for (size_t k = before; k < out.size(); ++k) map.push_back(at);
  }
  map.push_back(rawBase + static_cast<uint32_t>(raw.size()));
  return true;
}

void remapProvenance(Value& v, const std::vector<uint32_t>& map) {
  forEachValue(v, [&](Value& x) {
    x.prov.value = remapRange(x.prov.value, map);
    if (!x.prov.key.empty()) x.prov.key = remapRange(x.prov.key, map);
  });
}

ImageRef parseImage(std::string_view image) {
  ImageRef r;
  std::string_view rest = image;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    r.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos || first == "localhost") {
      r.host = toLowerAscii(first);
      rest = rest.substr(slash + 1);
    }
  }
  if (r.host.empty()) r.host = "docker.io";
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find('/', colon) == std::string_view::npos) {
    r.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  r.repository = std::string(rest);
  if (r.host == "docker.io" && r.repository.find('/') == std::string::npos && !r.repository.empty()) {
    r.repository = "library/" + r.repository;
  }
  return r;
}

std::string normalizeEnvKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == ':') out += "__";
    else out += c;
  }
  return out;
}

namespace {

bool nameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Calls fn(begin, end, name) for each placeholder in s. `${NAME}` always is one; with
// dollarNames, `$NAME` is one when NAME (letters, digits, '_') is set in `known` or starts
// with an upper-case letter or '_' (iotedgedev and the VS Code extension write
// $CONTAINER_REGISTRY_USERNAME_myacr per registry); `$upstream`, `$edgeHub` stay text.
template <typename Fn>
void scanPlaceholders(std::string_view s, bool dollarNames, const std::map<std::string, std::string>* known, Fn fn) {
  for (size_t i = 0; i < s.size(); ++i) {
    // A pipeline token (Azure DevOps "Replace Tokens": `#{NAME}#` or `#NAME#`) in a template is
    // replaced at build time as a placeholder is; its name keeps the hashes so that no .env or
    // module.json is taken to be what the pipeline puts there.
    if (dollarNames && s[i] == '#' && i + 2 < s.size()) {
      size_t b = i + 1 + (s[i + 1] == '{' ? 1 : 0);
      size_t j = b;
      while (j < s.size() && (nameChar(s[j]) || s[j] == '.' || s[j] == '-')) ++j;
      size_t e = j;
      if (b < s.size() && (std::isalpha(static_cast<unsigned char>(s[b])) || s[b] == '_') && j > b) {
        if (s[i + 1] == '{' && j + 1 < s.size() && s[j] == '}' && s[j + 1] == '#') e = j + 2;
        else if (s[i + 1] != '{' && j < s.size() && s[j] == '#') e = j + 1;
        if (e > j) {
          fn(i, e, std::string(s.substr(i, e - i)));
          i = e - 1;
          continue;
        }
      }
    }
    if (s[i] != '$') continue;
    if (i + 1 < s.size() && s[i + 1] == '{') {
      size_t close = s.find('}', i + 2);
      if (close == std::string_view::npos) return;
      fn(i, close + 1, std::string(s.substr(i + 2, close - i - 2)));
      i = close;
    } else if (dollarNames && i + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '_')) {
      size_t j = i + 1;
      while (j < s.size() && nameChar(s[j])) ++j;
      std::string name(s.substr(i + 1, j - i - 1));
      bool placeholder = std::isupper(static_cast<unsigned char>(name[0])) || name[0] == '_' || (known && known->count(name));
      if (placeholder) fn(i, j, std::move(name));
      i = j - 1;
    }
  }
}

}  // namespace

std::vector<std::string> placeholdersIn(std::string_view s, bool dollarNames, const std::map<std::string, std::string>* known) {
  std::vector<std::string> out;
  scanPlaceholders(s, dollarNames, known, [&](size_t, size_t, std::string name) { out.push_back(std::move(name)); });
  return out;
}

bool substitutePlaceholders(std::string_view s, const std::map<std::string, std::string>& vars, bool dollarNames,
                            std::string& out, std::string& missing) {
  out.clear();
  size_t last = 0;
  bool ok = true;
  scanPlaceholders(s, dollarNames, &vars, [&](size_t b, size_t e, const std::string& name) {
    out.append(s.substr(last, b - last));
    auto it = vars.find(name);
    if (it == vars.end()) {
      if (ok) missing = name;
      ok = false;
      out.append(s.substr(b, e - b));
    } else {
      out.append(it->second);
    }
    last = e;
  });
  out.append(s.substr(last));
  return ok;
}

std::map<std::string, std::string> parseDotEnv(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export ") line.remove_prefix(7);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out[std::string(key)] = std::string(value);
  }
  return out;
}

std::map<std::string, std::string> parseConnectionString(std::string_view s) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t semi = s.find(';', pos);
    std::string_view part = s.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos) {
      std::string key = toLowerAscii(part.substr(0, eq));
      while (!key.empty() && key.front() == ' ') key.erase(0, 1);
      out[key] = std::string(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return out;
}

void markSecret(SourceStore& store, const SourceFile& file, ByteRange literal, bool whole) {
  if (literal.empty() || literal.begin >= file.text().size()) return;
  std::string_view text = file.slice(literal);
  if (whole) {
    uint32_t b = literal.begin, e = literal.end;
    if (e - b >= 2 && (text.front() == '"' || text.front() == '\'')) ++b, --e;  // keep the quotes
    store.markSecret(file.id(), {b, e});
    return;
  }
  // Every "SharedAccessKey=<value>" (and the other connection-string and SAS secrets).
  markSecretParts(store, file, literal);
}

std::string redactConnectionString(std::string_view s) {
  std::string out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t semi = s.find(';', pos);
    std::string_view part = s.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    size_t eq = part.find('=');
    if (!out.empty()) out += ';';
    if (eq != std::string_view::npos && iequals(part.substr(0, eq), "SharedAccessKey")) {
      out.append(part.substr(0, eq + 1)).append("<redacted ").append(secretHash(part.substr(eq + 1))).append(">");
    } else {
      out.append(part);
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return out;
}

}  // namespace eg::edge
