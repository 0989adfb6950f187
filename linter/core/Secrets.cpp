#include "linter/core/Secrets.h"

#include <cctype>
#include <cstring>
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

bool isSecretName(std::string_view name) {
  std::string k;
  for (char c : name) {
    if (c != '_' && c != '-') k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const char* const parts[] = {"password", "passwd", "secret", "connectionstring", "sastoken", "sharedaccesskey",
                                      "accesskey", "accountkey", "primarykey", "secondarykey", "symmetrickey",
                                      "privatekey", "apikey"};
  for (const char* p : parts) {
    if (k.find(p) != std::string::npos) return true;
  }
  return false;
}

bool holdsSecretText(std::string_view s) {
  std::string lower = lowered(s.substr(0, 1 << 16));
  for (const char* m : {"sharedaccesskey=", "accountkey=", "sharedaccesssignature ", "sig=", "password="}) {
    if (lower.find(m) != std::string::npos) return true;
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

void markSecretsInText(SourceStore& store, const SourceFile& file) {
  std::string_view text = file.text();
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
