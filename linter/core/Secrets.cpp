#include "linter/core/Secrets.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <string>

namespace eg {

namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool isKeyChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$' || c == '.'; }

// The key token that ends at `end` (exclusive), skipping back over blanks and quotes:
// `"adminPassword"`, `admin_password`, `'x'`. Empty when there is none.
std::string_view keyBefore(std::string_view text, size_t end, size_t* keyBegin) {
  size_t e = end;
  while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  bool quoted = e > 0 && (text[e - 1] == '"' || text[e - 1] == '\'');
  if (quoted) --e;
  size_t b = e;
  while (b > 0 && isKeyChar(text[b - 1])) --b;
  if (quoted && !(b > 0 && (text[b - 1] == '"' || text[b - 1] == '\''))) return {};
  *keyBegin = quoted ? b - 1 : b;
  return text.substr(b, e - b);
}

bool isDefaultKey(std::string_view k) {
  std::string l = lowered(k);
  return l == "default" || l == "defaultvalue" || l == "value";
}

bool isTypeName(std::string_view k) {
  std::string l = lowered(k);
  return l == "string" || l == "securestring" || l == "object" || l == "secureobject" || l == "int" || l == "bool" ||
         l == "array";
}

// The name that owns the block around `at`: the key before the nearest unmatched '{' within
// a few hundred bytes (`"adminPassword": {`, `variable "admin_password" {`).
std::string_view ownerOf(std::string_view text, size_t at) {
  int depth = 0;
  size_t stop = at > 400 ? at - 400 : 0;
  for (size_t i = at; i > stop; --i) {
    char c = text[i - 1];
    if (c == '}') ++depth;
    if (c == '{' && depth-- == 0) {
      size_t e = i - 1, kb = 0;
      while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == ':' || text[e - 1] == '=' ||
                       text[e - 1] == '\n' || text[e - 1] == '\r')) {
        --e;
      }
      return keyBefore(text, e, &kb);
    }
  }
  return {};
}

}  // namespace

namespace {

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `marker` (lower case) occurs in `s`, ASCII case ignored: no copy of `s` (every string
// value of every resource is asked).
bool containsLower(std::string_view s, std::string_view marker) {
  if (marker.size() > s.size()) return false;
  for (size_t at = 0; at + marker.size() <= s.size(); ++at) {
    if (lowerAscii(s[at]) != marker[0]) continue;
    size_t k = 1;
    while (k < marker.size() && lowerAscii(s[at + k]) == marker[k]) ++k;
    if (k == marker.size()) return true;
  }
  return false;
}

}  // namespace

bool isSecretName(std::string_view name) {
  // Lower case without '_' and '-' ("Shared_Access-Key" is "sharedaccesskey"); names are short,
  // so on the stack.
  char buffer[256];
  std::string heap;
  char* k = buffer;
  if (name.size() > sizeof buffer) {
    heap.resize(name.size());
    k = heap.data();
  }
  size_t n = 0;
  for (char c : name) {
    if (c != '_' && c != '-') k[n++] = lowerAscii(c);
  }
  std::string_view key(k, n);
  // Every name below contains one of these: most keys (every key of every resource is asked)
  // contain none, and are answered with 7 searches instead of 16.
  static const std::string_view anyOf[] = {"key", "pass", "secret", "connectionstring", "token", "signature", "sas"};
  if (std::none_of(std::begin(anyOf), std::end(anyOf), [&](std::string_view p) { return key.find(p) != std::string_view::npos; })) {
    return false;
  }
  // The names EG302 treats as secrets (tokens and SAS included), and keys and signatures.
  static const std::string_view parts[] = {"password", "passwd", "secret", "connectionstring", "sastoken", "sharedaccesskey",
                                           "accesskey", "accountkey", "primarykey", "secondarykey", "symmetrickey",
                                           "privatekey", "apikey", "token", "signature", "sas"};
  for (std::string_view p : parts) {
    if (key.find(p) != std::string_view::npos) return true;
  }
  return false;
}

bool holdsSecretText(std::string_view s) {
  s = s.substr(0, 1 << 16);
  // Each marker has a '=' or a ' ' (which case does not change): most values (every string of
  // every resource is asked) have neither.
  if (s.find('=') == std::string_view::npos && s.find(' ') == std::string_view::npos) return false;
  for (std::string_view m : {"sharedaccesskey=", "accountkey=", "sharedaccesssignature ", "sig=", "password="}) {
    if (containsLower(s, m)) return true;
  }
  return false;
}

bool markSecretParts(SourceStore& store, const SourceFile& file, ByteRange r) {
  if (r.end > file.text().size() || r.begin > r.end) return false;
  std::string lower = lowered(file.slice(r));
  bool found = false;
  for (const char* m : {"sharedaccesskey=", "accountkey=", "sig=", "password=", "pwd="}) {
    size_t len = std::strlen(m);
    for (size_t at = lower.find(m); at != std::string::npos; at = lower.find(m, at + len)) {
      // "sig=" and "pwd=" only as whole parameter names (not "xsig=").
      if ((m[0] == 's' && m[1] == 'i') || m[0] == 'p') {
        if (at > 0 && std::isalnum(static_cast<unsigned char>(lower[at - 1]))) continue;
      }
      size_t b = at + len, e = b;
      while (e < lower.size() && !std::strchr(";&\"' \t\r\n,}]", lower[e])) ++e;
      if (e > b) {
        store.markSecret(file.id(), ByteRange{r.begin + static_cast<uint32_t>(b), r.begin + static_cast<uint32_t>(e)});
        found = true;
      }
    }
  }
  return found;
}

namespace {

// A `.env` (iotedgedev, the VS Code IoT Edge extension, docker compose): its values are
// secrets wherever they flow (registry passwords, connection strings and tokens are what these
// files are for), so each one is marked in the .env itself; messages that would repeat it are
// then masked too (Session's last line of defence). Only values whose name says they are an
// address or a name are not: a registry's server and user name (which for an admin user is the
// registry's name) appear in every message about the registry.
bool publicDotEnvName(std::string_view key) {
  size_t cut = key.find_last_of("_-.");
  std::string last;
  for (char c : cut == std::string_view::npos ? key : key.substr(cut + 1)) {
    last += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const char* const names[] = {"username", "user", "server", "address", "registry", "host", "hostname",
                                      "platform", "version", "name", "region", "location", "port"};
  for (const char* n : names) {
    if (last == n) return !isSecretName(key);
  }
  return false;
}

bool isDotEnv(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return name == ".env" || (name.size() > 5 && name.substr(0, 5) == ".env.") ||
         (name.size() > 4 && name.substr(name.size() - 4) == ".env");
}

void markDotEnvValues(SourceStore& store, const SourceFile& file) {
  std::string_view text = file.text();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    size_t b = pos;
    while (b < end && (text[b] == ' ' || text[b] == '\t')) ++b;
    if (b < end && text[b] != '#') {
      size_t eq = text.find('=', b);
      std::string_view key = eq != std::string_view::npos && eq < end ? text.substr(b, eq - b) : std::string_view();
      if (key.substr(0, 7) == "export ") key.remove_prefix(7);
      while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
      if (eq != std::string_view::npos && eq < end && !publicDotEnvName(key)) {
        size_t vb = eq + 1, ve = end;
        while (vb < ve && (text[vb] == ' ' || text[vb] == '\t')) ++vb;
        while (ve > vb && (text[ve - 1] == '\r' || text[ve - 1] == ' ' || text[ve - 1] == '\t')) --ve;
        if (ve - vb >= 2 && (text[vb] == '"' || text[vb] == '\'') && text[ve - 1] == text[vb]) { ++vb; --ve; }
        if (ve > vb) store.markSecret(file.id(), ByteRange{static_cast<uint32_t>(vb), static_cast<uint32_t>(ve)});
      }
    }
    pos = end + 1;
  }
}

}  // namespace

void markSecretsInText(SourceStore& store, const SourceFile& file) {
  std::string_view text = file.text();
  if (isDotEnv(file.path())) markDotEnvValues(store, file);
  markSecretParts(store, file, ByteRange{0, static_cast<uint32_t>(text.size())});
  // String literals and the key they are the value of.
  for (size_t i = 0; i < text.size(); ++i) {
    char q = text[i];
    if (q == '#' || (q == '/' && i + 1 < text.size() && text[i + 1] == '/')) {  // comments: skip the line
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (q != '"' && q != '\'') continue;
    size_t end = i + 1;
    while (end < text.size() && text[end] != q && text[end] != '\n') end += text[end] == '\\' ? 2 : 1;
    if (end >= text.size() || text[end] != q) {
      i = end;
      continue;
    }
    // The literal is [i, end]. Is it a value (after ':' or '=')?
    size_t p = i;
    while (p > 0 && (text[p - 1] == ' ' || text[p - 1] == '\t')) --p;
    if (p > 0 && (text[p - 1] == ':' || text[p - 1] == '=')) {
      size_t kb = 0;
      std::string_view key = keyBefore(text, p - 1, &kb);
      bool secret = isSecretName(key);
      if (!secret && isTypeName(key)) {  // Bicep: param adminPassword string = '...'
        size_t kb2 = 0;
        std::string_view name = keyBefore(text, kb, &kb2);
        secret = isSecretName(name);
      }
      if (!secret && isDefaultKey(key)) secret = isSecretName(ownerOf(text, kb));
      // A connection string keeps its host and device visible: its key is already marked.
      std::string_view body = text.substr(i + 1, end - i - 1);
      if (secret && !body.empty() && !holdsSecretText(body)) {
        store.markSecret(file.id(), ByteRange{static_cast<uint32_t>(i + 1), static_cast<uint32_t>(end)});
      }
    }
    i = end;
  }
}

}  // namespace eg
