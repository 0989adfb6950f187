// File selection for the IoT Edge front-ends and dispatch to the loaders.
#include "parsers/edge/EdgeFrontEnd.h"

#include <fstream>

#include "parsers/edge/EdgeCommon.h"
#include "parsers/json/JsonReader.h"

namespace eg::edge {

namespace fs = std::filesystem;

namespace {

std::string readPrefix(const fs::path& p, size_t n) {
  std::ifstream in(p, std::ios::binary);
  std::string text(n, '\0');
  in.read(text.data(), static_cast<std::streamsize>(n));
  text.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return text;
}

bool hasManifestMarker(std::string_view text) {
  return text.find("\"modulesContent\"") != std::string_view::npos ||
         text.find("\"moduleContent\"") != std::string_view::npos ||
         text.find("\"$edgeAgent\"") != std::string_view::npos ||
         text.find("\"properties.desired.modules.") != std::string_view::npos;
}

bool inEdgeFolder(const fs::path& p) {
  for (const fs::path& part : p.parent_path()) {
    std::string s = part.string();
    if (iequals(s, "aziot") || iequals(s, "iotedge")) return true;
  }
  return false;
}

// A TOML line that opens the [provisioning] table or sets a provisioning.* key.
bool hasProvisioningTable(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.substr(0, 13) == "[provisioning" || line.substr(0, 13) == "provisioning.") return true;
  }
  return false;
}

bool hasYamlProvisioning(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.substr(0, 13) == "provisioning:") return true;
  }
  return false;
}

constexpr size_t kSniff = 64 * 1024;

}  // namespace

FileKind classify(const fs::path& path, std::string_view head) {
  std::string name = path.filename().string();
  if (iendsWith(name, ".json")) {
    if (hasManifestMarker(head)) return FileKind::Manifest;
    bool named = iequals(name, "deployment.json") || istartsWith(name, "deployment.") || iendsWith(name, ".template.json") ||
                 icontains(name, "deployment");
    if (named && head.size() >= 512 && hasManifestMarker(readPrefix(path, kSniff))) return FileKind::Manifest;
    return FileKind::None;
  }
  if (iendsWith(name, ".toml")) {
    if (!iequals(name, "config.toml") && !inEdgeFolder(path)) return FileKind::None;
    return hasProvisioningTable(head.size() < 512 ? head : std::string_view(readPrefix(path, kSniff))) ? FileKind::Toml
                                                                                                       : FileKind::None;
  }
  if (iequals(name, "config.yaml") || iequals(name, "config.yml")) {
    return hasYamlProvisioning(head.size() < 512 ? head : std::string_view(readPrefix(path, kSniff))) ? FileKind::LegacyYaml
                                                                                                      : FileKind::None;
  }
  return FileKind::None;
}

bool EdgeFrontEnd::accepts(const fs::path& path, std::string_view head) const {
  return classify(path, head) == FileKind::Manifest;
}

void EdgeFrontEnd::loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) {
  for (const SourceFile* f : unit) loadManifest(*f, ctx);
}

bool EdgeFrontEnd::parseOnly(const SourceFile& file, std::vector<Error>& errors) const {
  Value root;
  json::JsonError err;
  if (json::parseJson(file, root, err)) return true;
  errors.push_back(Error{file.path(), file.id(), ByteRange{err.offset, err.offset}, 0, 0, "invalid JSON: " + err.message, kInputErrorCode});
  return false;
}

bool AziotFrontEnd::accepts(const fs::path& path, std::string_view head) const {
  FileKind k = classify(path, head);
  return k == FileKind::Toml || k == FileKind::LegacyYaml;
}

void AziotFrontEnd::loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) {
  for (const SourceFile* f : unit) {
    if (iendsWith(f->path(), ".toml")) loadTomlConfig(*f, ctx);
    else loadLegacyYamlConfig(*f, ctx);
  }
}

bool AziotFrontEnd::parseOnly(const SourceFile& file, std::vector<Error>& errors) const {
  if (iendsWith(file.path(), ".toml")) return parseTomlOnly(file, errors);
  return parseYamlOnly(file, errors);
}

std::vector<std::unique_ptr<FrontEnd>> makeEdgeFrontEnds() {
  std::vector<std::unique_ptr<FrontEnd>> out;
  out.push_back(std::make_unique<EdgeFrontEnd>());
  out.push_back(std::make_unique<AziotFrontEnd>());
  return out;
}

}  // namespace eg::edge
