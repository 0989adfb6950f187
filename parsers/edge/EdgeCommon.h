// Helpers shared by the IoT Edge front-end (manifests and device configs): secret hashing,
// JSON strings decoded with a map back to the file's bytes (so a createOptions string's
// members point at the manifest text), image references, environment keys, placeholders.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "linter/graph/Value.h"

namespace eg::edge {

// A one-way digest of a secret, "fnv64:<16 hex>". Secrets are never stored in clear in the
// graph: only this digest (compared by EG001) and facts about the secret are.
std::string secretHash(std::string_view secret);

// Decodes the body of a JSON string literal (`raw` is the text between the quotes, starting at
// byte `rawBase` of its file). `map[i]` is the file offset of decoded byte i; map has
// out.size() + 1 entries (the last one is the offset of the closing quote). False on a bad escape.
bool decodeJsonString(std::string_view raw, uint32_t rawBase, std::string& out, std::vector<uint32_t>& map);
// Rewrites every provenance range of `v` (parsed from decoded text at offset 0) through `map`.
void remapProvenance(Value& v, const std::vector<uint32_t>& map);

struct ImageRef {
  std::string host;        // "mcr.microsoft.com", "docker.io" when the reference names none
  std::string repository;  // "azureiotedge-agent", "library/nginx"
  std::string tag;         // "" when absent
  std::string digest;      // "sha256:..." when pinned by digest
};
ImageRef parseImage(std::string_view image);

// "AmqpSettings:Enabled" -> "AmqpSettings__Enabled" (keys stay case-insensitive in Value).
std::string normalizeEnvKey(std::string_view key);

// Placeholders of deployment templates: ${VAR}, ${MODULES.x}, and (templates only) $VAR whose
// name starts with an upper-case letter or '_', or is set in `known` (the .env), in any case,
// and pipeline tokens #{VAR}# / #VAR# (their name keeps the hashes). Returns the names found,
// in order.
std::vector<std::string> placeholdersIn(std::string_view s, bool dollarNames,
                                        const std::map<std::string, std::string>* known = nullptr);
// A placeholder's name as a message shows it: `${VAR}`, or a pipeline token as written.
inline std::string placeholderText(const std::string& name) {
  return !name.empty() && name.front() == '#' ? name : "${" + name + "}";
}
// Substitutes placeholders from `vars`; false (and the first missing name) when one is missing.
bool substitutePlaceholders(std::string_view s, const std::map<std::string, std::string>& vars, bool dollarNames,
                            std::string& out, std::string& missing);

// Parses a .env file (KEY=VALUE lines, # comments, optional quotes, optional `export`).
std::map<std::string, std::string> parseDotEnv(std::string_view text);

// "HostName=h;DeviceId=d;SharedAccessKey=k" -> lower-cased keys and their values.
std::map<std::string, std::string> parseConnectionString(std::string_view s);
// Marks the secret text inside the string literal at `literal` in `file` so that code frames
// mask it: the SharedAccessKey value of a connection string, or (whole = true) the literal's
// contents (a key or password on its own).
void markSecret(SourceStore& store, const SourceFile& file, ByteRange literal, bool whole);

// The connection string with its SharedAccessKey replaced by "<redacted secretHash>".
std::string redactConnectionString(std::string_view s);

bool iequals(std::string_view a, std::string_view b);
bool istartsWith(std::string_view s, std::string_view prefix);
bool iendsWith(std::string_view s, std::string_view suffix);
bool icontains(std::string_view s, std::string_view needle);

}  // namespace eg::edge
