#include "editor/lsp/Analysis.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "editor/lsp/Uri.h"
#include "linter/core/ProjectRoot.h"
#include "linter/core/Text.h"
#include "linter/engine/Config.h"
#include "linter/engine/Fixes.h"
#include "linter/policy/PolicyDocs.h"

namespace eg::lsp {

namespace fs = std::filesystem;
using json = nlohmann::json;

void logLine(const std::string& text) { std::cerr << "edgeguard lsp: " << text << '\n' << std::flush; }

namespace {

int lspSeverity(const Finding& f) {
  if (f.unknown) return 4;
  switch (f.severity) {
    case Severity::High: return 1;
    case Severity::Medium: return 2;
    case Severity::Low: return 3;
  }
  return 2;
}

json rangeJson(const SourceFile& file, ByteRange r, PositionEncoding enc) {
  Position b = toPosition(file.text(), file.lines(), r.begin, enc);
  Position e = toPosition(file.text(), file.lines(), std::max(r.begin, r.end), enc);
  return {{"start", {{"line", b.line}, {"character", b.character}}},
          {"end", {{"line", e.line}, {"character", e.character}}}};
}

std::string keyOf(const std::string& displayPath) { return canonicalKey(displayPath); }

std::string jsonString(std::string_view text) {
  std::string out;
  appendJsonString(out, text);
  return out;
}

// A diagnostic's JSON, members in the order nlohmann::json writes them (sorted).
Diagnostic makeDiagnostic(Position b, Position e, int severity, const std::string& code, const std::string* href,
                          const std::string& message, const json* related, const std::string* fingerprint) {
  auto pos = [](Position p) {
    return R"({"character":)" + std::to_string(p.character) + R"(,"line":)" + std::to_string(p.line) + "}";
  };
  Diagnostic d{{}, b, e, code, -1};
  std::string& out = d.json;
  out.reserve(256 + message.size());
  out += R"({"code":)" + jsonString(code);
  if (href) out += R"(,"codeDescription":{"href":)" + jsonString(*href) + "}";
  if (fingerprint) out += R"(,"data":{"fingerprint":)" + jsonString(*fingerprint) + "}";
  out += R"(,"message":)" + jsonString(message);
  out += R"(,"range":{"end":)" + pos(e) + R"(,"start":)" + pos(b) + "}";
  if (related) out += R"(,"relatedInformation":)" + related->dump(-1, ' ', false, json::error_handler_t::replace);
  out += R"(,"severity":)" + std::to_string(severity) + R"(,"source":"edgeguard"})";
  return d;
}

// The uri of a file of the analysis: the open document's when it is open.
std::string uriOf(const AnalysisState& state, FileId id) {
  const SourceFile* f = state.analysis->sources().get(id);
  if (!f) return {};
  std::string key = keyOf(f->path());
  auto it = state.uriByKey.find(key);
  return it != state.uriByKey.end() ? it->second : pathToUri(key);
}

// The project roots of an analysis: the workspace folders (without one, the git work tree of
// the first document), as `edgeguard scan` has its root. Files reached by reference and the
// configuration's policy-dirs are read only inside them.
std::vector<fs::path> projectRoots(const Snapshot& snap) {
  std::vector<fs::path> roots;
  for (const std::string& r : snap.roots) {
    std::error_code ec;
    roots.push_back(fs::weakly_canonical(fs::path(r), ec));
  }
  if (roots.empty() && !snap.docs.empty()) roots.push_back(defaultProjectRoot(snap.docs.front().path));
  return roots;
}

// The engine options of a snapshot: the workspace folders and the buffers outside them, the
// settings, and the configuration (edgeguard.config, else the nearest .edgeguard.yaml above the
// first workspace folder, or the first open document when there is no folder, as the CLI
// finds it; while it is being edited into shape the last valid one stays in effect).
ScanOptions scanOptions(const Snapshot& snap) {
  ScanOptions options;
  for (const std::string& r : snap.roots) options.paths.emplace_back(r);
  for (const Snapshot::Doc& d : snap.docs) {
    bool inside = false;
    for (const std::string& r : snap.roots) {
      std::string root = r.back() == '/' ? r : r + "/";
      if (d.key.rfind(root, 0) == 0) inside = true;
    }
    // Buffers outside the workspace (or not saved yet) are named explicitly.
    std::error_code ec;
    if (!inside || !fs::exists(d.path, ec)) options.paths.emplace_back(d.path);
  }
  for (const std::string& d : snap.settings.policyDirs) options.policyDirs.emplace_back(d);
  for (const auto& [k, v] : snap.settings.vars) options.frontEnd.terraformVars[k] = v;
  for (const std::string& f : snap.settings.varFiles) options.frontEnd.terraformVarFiles.emplace_back(f);
  options.frontEnd.roots = projectRoots(snap);
  options.showUnknown = snap.settings.showUnknown;
  options.limits.maxFileBytes = snap.settings.maxFileSize;
  options.skipUnsupported = true;  // a README.md the client opened is not an error
  options.jobs = snap.jobs;
  options.overlays = snap.overlays;
  options.policyDocumentation = true;  // hover shows rule help
  options.defaultPreset = std::string(policy::kDefaultPreset);  // as `edgeguard scan`
  options.keepLastValidConfig = true;
  options.trustFileEvents = snap.trustFileEvents;
  // Diagnostics are published for open documents only: the rest is judged, not reported.
  options.reportOnly.emplace();
  for (const Snapshot::Doc& d : snap.docs) options.reportOnly->insert(d.key);
  fs::path base = !snap.roots.empty() ? fs::path(snap.roots.front())
                  : !snap.docs.empty() ? fs::path(snap.docs.front().path).parent_path()
                                       : fs::current_path();
  if (!snap.settings.config.empty()) {
    fs::path p(snap.settings.config);
    options.configFile = p.is_absolute() ? p : base / p;
  } else {
    options.configSearchFrom = base;
  }
  return options;
}

}  // namespace

// Reads the "edgeguard" section (or the object itself when it has no such member). Unknown
// members are ignored, wrong types are reported and leave the setting unchanged.
Settings parseSettings(const json& raw, const Settings& base, std::vector<std::string>& problems) {
  Settings s = base;
  if (!raw.is_object()) return s;
  const json& j = raw.contains("edgeguard") ? raw["edgeguard"] : raw;
  if (!j.is_object()) return s;
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    if (!j.contains(key) || j[key].is_null()) return;
    if (!j[key].is_array()) {
      problems.push_back(std::string("edgeguard.").append(key).append(" must be an array of strings"));
      return;
    }
    out.clear();
    for (const json& v : j[key]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  };
  strings("policyDirs", s.policyDirs);
  if (j.contains("config") && !j["config"].is_null()) {
    if (j["config"].is_string()) s.config = j["config"].get<std::string>();
    else problems.push_back("edgeguard.config must be a path (a string)");
  }
  strings("varFiles", s.varFiles);
  if (j.contains("showUnknown")) {
    if (j["showUnknown"].is_boolean()) s.showUnknown = j["showUnknown"].get<bool>();
    else problems.push_back("edgeguard.showUnknown must be true or false");
  }
  if (j.contains("maxFileSize")) {
    if (j["maxFileSize"].is_number_unsigned() && j["maxFileSize"].get<uint64_t>() > 0) {
      s.maxFileSize = j["maxFileSize"].get<uint64_t>();
    } else {
      problems.push_back("edgeguard.maxFileSize must be a positive number of bytes");
    }
  }
  if (j.contains("vars") && j["vars"].is_object()) {
    s.vars.clear();
    for (auto& [k, v] : j["vars"].items()) s.vars[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return s;
}

// The quick fixes and "suppress with a reason" of one finding, as LSP code actions for `diagnostic`.
std::vector<json> codeActions(const AnalysisState& state, const Finding& f, const json& diagnostic) {
  const SourceStore& store = state.analysis->sources();
  std::vector<Fix> fixes = fixesFor(f, state.analysis->graph(), store, state.analysis->catalog());
  if (std::optional<Fix> s = suppressionFix(f, store)) fixes.push_back(std::move(*s));
  std::vector<json> out;
  for (const Fix& fix : fixes) {
    json changes = json::object();
    for (const TextEdit& e : fix.edits) {
      const SourceFile* ef = store.get(e.file);
      if (!ef) continue;
      changes[uriOf(state, e.file)].push_back({{"range", rangeJson(*ef, e.range, state.encoding)}, {"newText", e.newText}});
    }
    if (changes.empty()) continue;
    json action = {{"title", fix.title},
                   {"kind", "quickfix"},
                   {"diagnostics", json::array({diagnostic})},
                   {"edit", {{"changes", std::move(changes)}}}};
    if (fix.preferred) action["isPreferred"] = true;
    out.push_back(std::move(action));
  }
  return out;
}

// Runs the workspace's analysis over the snapshot and turns its findings into per-document
// diagnostics.
std::shared_ptr<AnalysisResult> analyse(const Snapshot& snap, std::unique_ptr<Workspace>& workspace) {
  auto started = std::chrono::steady_clock::now();
  auto result = std::make_shared<AnalysisResult>();
  result->progress = snap.progress;
  ScanOptions options = scanOptions(snap);
  if (!workspace) workspace = std::make_unique<Workspace>(options);
  else workspace->setOptions(options);
  // Files created, deleted or changed on disk as the client's watcher reported.
  if (snap.filesChanged) workspace->filesChanged();
  else if (!snap.fileEvents.empty()) workspace->filesChanged(snap.fileEvents);
  // The open documents' parse state is kept, so an edit re-parses only what it changed.
  std::vector<std::string> open;
  for (const Snapshot::Doc& d : snap.docs) open.push_back(d.key);
  workspace->keepStateFor(std::move(open));
  std::vector<Error> setupErrors;
  workspace->preparePolicies(setupErrors);
  double preparedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  // No folder and no document: nothing to analyse (an empty path list would scan the
  // server's working directory).
  if (options.paths.empty()) return result;

  auto state = std::make_shared<AnalysisState>();
  state->encoding = snap.encoding;
  for (const Error& e : setupErrors) {
    std::string where = e.path;
    if (e.line) where += ":" + std::to_string(e.line) + ":" + std::to_string(e.column);
    result->problems.push_back(where + ": " + e.message);
  }
  state->analysis = workspace->analyse();
  const Analysis& analysis = *state->analysis;
  double analysedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const ScanResult& scan = analysis.result;
  result->files = scan.files;
  result->resources = scan.resources;
  const SourceStore& store = analysis.sources();

  std::map<std::string, const Snapshot::Doc*> docByKey;
  for (const Snapshot::Doc& d : snap.docs) {
    docByKey[d.key] = &d;
    state->uriByKey[d.key] = d.uri;
    DocResult& dr = result->docs[d.uri];
    dr.uri = d.uri;
    dr.version = d.version;
  }
  std::map<FileId, const Snapshot::Doc*> docOfFile;  // open documents by file id
  std::set<std::string> openNames;  // file names of open documents: the others need no canonical path
  for (const Snapshot::Doc& d : snap.docs) openNames.insert(fs::path(d.path).filename().string());
  for (FileId id : analysis.files()) {
    const SourceFile* f = store.get(id);
    if (!f || !openNames.count(fs::path(f->path()).filename().string())) continue;
    if (auto it = docByKey.find(keyOf(f->path())); it != docByKey.end()) docOfFile[id] = it->second;
  }
  std::map<std::string, std::string> hrefs;  // rule -> docs link (built-in rules only)
  for (const auto& p : analysis.catalog().policies()) {
    if (p->builtin) hrefs[p->id] = policy::docsUrl(*p);
  }

  for (size_t i = 0; i < scan.findings.size(); ++i) {
    const Finding& f = scan.findings[i];
    if (f.suppressed) continue;
    auto doc = docOfFile.find(f.location.file);
    if (doc == docOfFile.end()) continue;
    const SourceFile* file = store.get(f.location.file);
    DocResult& dr = result->docs[doc->second->uri];
    json related;
    if (!f.related.empty()) {
      related = json::array();
      for (const RelatedLocation& r : f.related) {
        const SourceFile* rf = store.get(r.location.file);
        if (!rf) continue;
        related.push_back({{"location", {{"uri", uriOf(*state, r.location.file)},
                                         {"range", rangeJson(*rf, r.location.range, snap.encoding)}}},
                           {"message", r.message}});
      }
    }
    auto h = hrefs.find(f.rule);
    Position b = toPosition(file->text(), file->lines(), f.location.range.begin, snap.encoding);
    Position e = toPosition(file->text(), file->lines(), std::max(f.location.range.begin, f.location.range.end), snap.encoding);
    dr.diagnostics.push_back(makeDiagnostic(b, e, lspSeverity(f), f.rule, h != hrefs.end() ? &h->second : nullptr,
                                            f.name.empty() ? f.message : f.message + " [" + f.name + "]",
                                            related.empty() ? nullptr : &related, &f.fingerprint));
    dr.diagnostics.back().finding = static_cast<int64_t>(i);
  }
  // Input errors, and policy or configuration errors in files that are open.
  std::vector<Error> errors = scan.errors;
  errors.insert(errors.end(), setupErrors.begin(), setupErrors.end());
  for (const Error& e : errors) {
    const std::string& path = e.file != kNoFile && store.get(e.file) ? store.get(e.file)->path() : e.path;
    // Only an error in a file named like an open document needs its canonical path.
    if (!openNames.count(fs::path(path).filename().string())) continue;
    auto doc = docByKey.find(keyOf(path));
    if (doc == docByKey.end()) continue;
    Position b, en;
    if (const SourceFile* file = e.file != kNoFile ? store.get(e.file) : nullptr) {
      b = toPosition(file->text(), file->lines(), e.range.begin, snap.encoding);
      en = toPosition(file->text(), file->lines(), std::max(e.range.begin, e.range.end), snap.encoding);
    } else {
      b = en = Position{e.line ? e.line - 1 : 0, e.column ? e.column - 1 : 0};
    }
    result->docs[doc->second->uri].diagnostics.push_back(makeDiagnostic(b, en, e.notice ? 3 : 1, e.code, nullptr, e.message, nullptr, nullptr));
  }
  for (auto& [uri, dr] : result->docs) dr.state = state;
  result->millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (const char* timing = std::getenv("EDGEGUARD_TIMING"); timing && *timing && *timing != '0') {
    auto ms = [](double v) { return std::to_string(v).substr(0, std::to_string(v).find('.') + 2); };
    std::string line = "analysis " + ms(result->millis) + " ms: " + std::to_string(analysis.unitsLoaded) +
                       " units loaded, " + std::to_string(analysis.unitsReused) + " reused; settings " + ms(preparedMs);
    for (const auto& [phase, t] : analysis.phases) line += ", " + phase + " " + ms(t);
    line += ", diagnostics " + ms(result->millis - analysedMs);
    logLine(line);
  }
  return result;
}

}  // namespace eg::lsp
