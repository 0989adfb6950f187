// IoT Edge front-end: deployment manifests (format "edge") and device configurations (format
// "aziot"). See parsers/edge/README.md for what is accepted, the resources and attributes it
// produces, and how placeholders, createOptions and secrets are handled.
//
// Manifests: deployment.json, deployment.*.json, *.template.json, layered deployments, the
// {"content": {"modulesContent": ...}} envelope, and any other .json whose head names
// "modulesContent" or "$edgeAgent" (ARM templates are claimed by the ARM front-end first).
// Device configs: aziot config.toml (and *.toml with [provisioning] under an aziot/iotedge
// folder), legacy IoT Edge 1.1 config.yaml with `provisioning:`.
// One unit = one file; a template's .env and modules/*/module.json are read as context.
#pragma once

#include "parsers/FrontEnd.h"

namespace eg::edge {

enum class FileKind { None, Manifest, Toml, LegacyYaml };
// Which IoT Edge input a file is (reads more of the file than `head` when the name suggests one).
FileKind classify(const std::filesystem::path& path, std::string_view head);

// Deployment manifests: resources of format "edge".
class EdgeFrontEnd : public FrontEnd {
 public:
  std::string_view format() const override { return "edge"; }
  std::string_view describe() const override { return "an IoT Edge deployment manifest"; }
  std::vector<FilePattern> globs() const override { return {{"*.json", "//"}}; }
  bool accepts(const std::filesystem::path& path, std::string_view head) const override;
  std::string unitKey(const std::filesystem::path& path) const override { return "edge:" + path.generic_string(); }
  void loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) override;
  bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const override;
  const SourceEditor* editor() const override;
};

// Device configurations (aziot config.toml, legacy config.yaml): resources of format "aziot".
class AziotFrontEnd : public FrontEnd {
 public:
  std::string_view format() const override { return "aziot"; }
  std::string_view describe() const override { return "a device config.toml/config.yaml"; }
  std::vector<FilePattern> globs() const override {
    return {{"config.toml", "#", false, true},       {"aziot/**/*.toml", "#", false, true},
            {"iotedge/**/*.toml", "#", false, true}, {"config.yaml", "#", false, true},
            {"config.yml", "#", false, true}};
  }
  bool accepts(const std::filesystem::path& path, std::string_view head) const override;
  std::string unitKey(const std::filesystem::path& path) const override { return "aziot:" + path.generic_string(); }
  void loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) override;
  bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const override;
};

// Both front-ends, in the order they are asked (registered by parsers/FrontEnds.cpp).
std::vector<std::unique_ptr<FrontEnd>> makeEdgeFrontEnds();

// Loaders (EdgeManifest.cpp, EdgeDeviceConfig.cpp).
void loadManifest(const SourceFile& file, LoadContext& ctx);
void loadTomlConfig(const SourceFile& file, LoadContext& ctx);
void loadLegacyYamlConfig(const SourceFile& file, LoadContext& ctx);
bool parseTomlOnly(const SourceFile& file, std::vector<Error>& errors);
bool parseYamlOnly(const SourceFile& file, std::vector<Error>& errors);

}  // namespace eg::edge
