// The language server's side of an analysis: its settings, the snapshot of the client's state an
// analysis runs on, and the conversion of the engine's Analysis into diagnostics and code
// actions. The Workspace (linter/engine) does the analysis; this file maps LSP onto it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "editor/lsp/Position.h"
#include "linter/engine/Workspace.h"

namespace eg::lsp {

// Writes one line to the server's log (stderr; stdout carries protocol messages only).
void logLine(const std::string& text);

// Settings the client can change at run time (initializationOptions, didChangeConfiguration,
// workspace/configuration), section "edgeguard".
struct Settings {
  std::string config;  // configuration file; "" = the nearest .edgeguard.yaml above the workspace
  std::vector<std::string> policyDirs;
  bool showUnknown = false;
  uint64_t maxFileSize = 16ull << 20;
  std::map<std::string, std::string> vars;
  std::vector<std::string> varFiles;
  friend bool operator==(const Settings&, const Settings&) = default;
};

// What an analysis needs: a snapshot of the buffers and the settings.
struct Snapshot {
  std::vector<std::string> roots;  // workspace folders (absolute paths)
  struct Doc {
    std::string uri, path, key;
    int64_t version = 0;
  };
  std::vector<Doc> docs;
  std::shared_ptr<SourceStore::Overlays> overlays = std::make_shared<SourceStore::Overlays>();
  Settings settings;
  PositionEncoding encoding = PositionEncoding::Utf16;
  bool progress = false;  // the workspace scan: report through $/progress
  unsigned jobs = 0;
  bool filesChanged = false;  // the client reported changes on disk it did not name
  std::vector<FileEvent> fileEvents;  // changes on disk the client named since the last analysis
  bool trustFileEvents = false;       // its watcher covers every file of the workspace folders
};

// What code actions need of an analysis, computed on request rather than for every finding of
// every edit: the session (graph and sources), its findings and where each file is open.
struct AnalysisState {
  std::shared_ptr<const Analysis> analysis;
  const std::vector<Finding>& findings() const { return analysis->result.findings; }
  std::map<std::string, std::string> uriByKey;  // open documents: canonical path -> uri
  PositionEncoding encoding = PositionEncoding::Utf16;
};

// One diagnostic: its JSON text as the client gets it (written directly: a file can have
// thousands, republished on every edit), and what hover and code actions look up.
struct Diagnostic {
  std::string json;
  Position begin, end;
  std::string code;
  int64_t finding = -1;  // its index in AnalysisState::findings, -1 for an error
};

// Diagnostics of one open document, for one version.
struct DocResult {
  std::string uri;
  int64_t version = 0;
  std::vector<Diagnostic> diagnostics;
  std::shared_ptr<const AnalysisState> state;
};

struct AnalysisResult {
  std::map<std::string, DocResult> docs;  // by uri
  std::vector<std::string> problems;      // policy errors etc., shown to the user once
  size_t files = 0, resources = 0;
  bool progress = false;
  double millis = 0;
};

// Reads the "edgeguard" section (or the object itself when it has no such member). Unknown
// members are ignored, wrong types are reported and leave the setting unchanged.
Settings parseSettings(const nlohmann::json& raw, const Settings& base, std::vector<std::string>& problems);

// The quick fixes and "suppress with a reason" of one finding, as LSP code actions for `diagnostic`.
std::vector<nlohmann::json> codeActions(const AnalysisState& state, const Finding& f, const nlohmann::json& diagnostic);

// Runs the workspace's analysis over the snapshot (creating the Workspace on first use) and
// turns its findings into per-document diagnostics.
std::shared_ptr<AnalysisResult> analyse(const Snapshot& snap, std::unique_ptr<Workspace>& workspace);

}  // namespace eg::lsp
