#include "editor/lsp/Server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "editor/lsp/Analysis.h"
#include "editor/lsp/DocumentStore.h"
#include "editor/lsp/Position.h"
#include "editor/lsp/Uri.h"
#include "linter/core/Text.h"
#include "linter/engine/Config.h"
#include "linter/engine/Fixes.h"
#include "linter/engine/Session.h"
#include "linter/policy/PolicyDocs.h"

namespace eg::lsp {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// JSON-RPC and LSP error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;
constexpr int kServerNotInitialized = -32002;
constexpr int kRequestCancelled = -32800;

constexpr const char* kScanToken = "edgeguard/workspaceScan";

// The `exit` notification ends the server; a message with an id is not it.
bool isExitNotification(const json& m) {
  return m.is_object() && m.contains("method") && m["method"] == "exit" && !m.contains("id");
}


// ---------------------------------------------------------------------------------------------

struct Event {
  enum class Type { Message, BadJson, Eof, Analysed } type = Type::Message;
  json message;
  std::string error;
  std::shared_ptr<AnalysisResult> result;
};

class EventQueue {
 public:
  void push(Event e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
  }
  Event pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !events_.empty(); });
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
  }
  bool empty() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_.empty();
  }
  // Request ids cancelled by $/cancelRequest before the dispatcher reached them.
  void cancel(const json& id) {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_.insert(id.dump());
  }
  bool takeCancelled(const json& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_.erase(id.dump()) > 0;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  std::set<std::string> cancelled_;
};

// Runs analyses one at a time on its own thread.
class AnalysisWorker {
 public:
  explicit AnalysisWorker(EventQueue& queue) : queue_(queue), thread_([this] { loop(); }) {}
  ~AnalysisWorker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void start(Snapshot snap) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = std::move(snap);
    }
    cv_.notify_one();
  }

 private:
  void loop() {
    for (;;) {
      Snapshot snap;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || job_.has_value(); });
        if (stop_) return;
        snap = std::move(*job_);
        job_.reset();
      }
      Event e;
      e.type = Event::Type::Analysed;
      try {
        e.result = analyse(snap, workspace_);
      } catch (const std::exception& ex) {
        e.result = std::make_shared<AnalysisResult>();
        e.result->problems.push_back(std::string("internal error during analysis: ") + ex.what());
        e.result->progress = snap.progress;
      }
      queue_.push(std::move(e));
    }
  }

  EventQueue& queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Snapshot> job_;
  bool stop_ = false;
  std::unique_ptr<Workspace> workspace_;  // the engine; used by the worker thread only
  std::thread thread_;
};

// Frees what it is given on its own thread. The analysis a new one replaces is the last owner
// of its graph, findings and the units only it held (milliseconds in a large workspace): freed
// here, the dispatcher reads the next edit meanwhile.
class Reaper {
 public:
  Reaper() : thread_([this] { loop(); }) {}
  ~Reaper() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void drop(std::shared_ptr<const void> p) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.push_back(std::move(p));
    }
    cv_.notify_one();
  }

 private:
  void loop() {
    // Freeing can wait: at a lower priority it does not take a core from the next analysis
    // (it runs while the analysis loads the edited unit). Best effort.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    for (;;) {
      std::vector<std::shared_ptr<const void>> batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
        if (pending_.empty()) return;  // stopping
        batch.swap(pending_);
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<const void>> pending_;
  bool stop_ = false;
  std::thread thread_;
};

class Dispatcher {
 public:
  Dispatcher(MessageWriter& out, EventQueue& queue, const ServerOptions& options)
      : out_(out), queue_(queue), options_(options), worker_(queue) {}

  // True while an analysis runs on the worker thread.
  bool busy() const { return analysing_; }

  // Handles events until exit; returns the exit status.
  int run() {
    for (;;) {
      Event e = queue_.pop();
      switch (e.type) {
        case Event::Type::Eof:
          logLine("end of input");
          return shutdown_ ? 0 : 1;
        case Event::Type::BadJson:
          sendError(nullptr, kParseError, "Parse error: " + e.error);
          break;
        case Event::Type::Analysed:
          onAnalysed(std::move(e.result));
          break;
        case Event::Type::Message:
          if (isExitNotification(e.message)) return shutdown_ ? 0 : 1;
          try {
            handle(e.message);
          } catch (const std::exception& ex) {
            logLine(std::string("internal error: ") + ex.what());
            if (e.message.is_object() && e.message.contains("id") && e.message.contains("method")) {
              sendError(e.message["id"], kInternalError, std::string("internal error: ") + ex.what());
            }
          }
          break;
      }
      maybeAnalyse();
    }
  }

 private:
  // --- output --------------------------------------------------------------------------------
  void send(const json& msg) { out_.write(msg.dump(-1, ' ', false, json::error_handler_t::replace)); }
  void sendResult(const json& id, const json& result) { send({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}); }
  void sendError(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void notify(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }
  void request(const std::string& id, const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
  }
  void showMessage(int type, const std::string& text) {
    logLine(text);
    notify("window/showMessage", {{"type", type}, {"message", "edgeguard: " + text}});
  }

  // --- dispatch ------------------------------------------------------------------------------

  void handle(const json& m) {
    if (!m.is_object()) return sendError(nullptr, kInvalidRequest, "Invalid Request: a message must be a JSON object");
    json id = m.contains("id") ? m["id"] : json();
    bool hasId = m.contains("id");
    if (hasId && !id.is_string() && !id.is_number_integer()) {
      return sendError(nullptr, kInvalidRequest, "Invalid Request: id must be an integer or a string");
    }
    if (!m.contains("jsonrpc") || m["jsonrpc"] != "2.0") {
      return sendError(hasId ? id : json(), kInvalidRequest, "Invalid Request: jsonrpc must be \"2.0\"");
    }
    if (!m.contains("method")) {
      if (hasId && (m.contains("result") || m.contains("error"))) return onResponse(id, m);
      return sendError(hasId ? id : json(), kInvalidRequest, "Invalid Request: no method");
    }
    if (!m["method"].is_string()) {
      return sendError(hasId ? id : json(), kInvalidRequest, "Invalid Request: method must be a string");
    }
    const std::string method = m["method"].get<std::string>();
    const json params = m.contains("params") ? m["params"] : json();
    if (hasId) return onRequest(id, method, params);
    onNotification(method, params);
  }

  void onRequest(const json& id, const std::string& method, const json& params) {
    if (queue_.takeCancelled(id)) return sendError(id, kRequestCancelled, "Request cancelled");
    if (method == "initialize") {
      if (initialized_) return sendError(id, kInvalidRequest, "initialize was already called");
      if (!params.is_object()) return sendError(id, kInvalidParams, "initialize needs InitializeParams");
      return onInitialize(id, params);
    }
    if (!initialized_) return sendError(id, kServerNotInitialized, "Server not initialized");
    if (shutdown_) return sendError(id, kInvalidRequest, "Server is shutting down");
    if (method == "shutdown") {
      shutdown_ = true;
      return sendResult(id, nullptr);
    }
    if (method == "textDocument/codeAction") return onCodeAction(id, params);
    if (method == "textDocument/hover") return onHover(id, params);
    sendError(id, kMethodNotFound, "Method not found: " + method);
  }

  void onNotification(const std::string& method, const json& params) {
    if (!initialized_ || shutdown_) return;  // dropped, as LSP specifies (exit is handled earlier)
    if (method == "initialized") return onInitialized();
    if (method == "textDocument/didOpen") return onDidOpen(params);
    if (method == "textDocument/didChange") return onDidChange(params);
    if (method == "textDocument/didSave") return onDidSave(params);
    if (method == "textDocument/didClose") return onDidClose(params);
    if (method == "workspace/didChangeConfiguration") return onDidChangeConfiguration(params);
    if (method == "workspace/didChangeWorkspaceFolders") return onDidChangeWorkspaceFolders(params);
    if (method == "workspace/didChangeWatchedFiles") return onDidChangeWatchedFiles(params);
    // $/cancelRequest was handled by the reader; $/setTrace and unknown notifications are ignored.
  }

  void onResponse(const json& id, const json& m) {
    std::string key = id.is_string() ? id.get<std::string>() : id.dump();
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    std::string what = it->second;
    pending_.erase(it);
    if (what == "progress") {
      progressAllowed_ = !m.contains("error");
      waitingForProgress_ = false;
      dirty_ = true;
    } else if (what == "configuration") {
      if (m.contains("result") && m["result"].is_array() && !m["result"].empty()) applySettings(m["result"][0]);
    } else if (what == "watch") {
      // The client watches every file of the workspace folders for us: from the next analysis
      // on (which checks every stamp once), only the files it names are looked at again.
      watching_ = !m.contains("error");
      dirty_ = true;
    }
  }

  // Files changed on disk, as the client's watcher reports them.
  void onDidChangeWatchedFiles(const json& params) {
    dirty_ = true;
    const json* changes = params.is_object() && params.contains("changes") ? &params["changes"] : nullptr;
    if (!changes || !changes->is_array()) {
      filesChanged_ = true;  // what changed is not known: everything is looked at again
      return;
    }
    for (const json& c : *changes) {
      std::optional<std::string> path;
      if (c.is_object() && c.contains("uri") && c["uri"].is_string()) path = uriToPath(c["uri"].get<std::string>());
      int type = c.is_object() && c.contains("type") && c["type"].is_number_integer() ? c["type"].get<int>() : 0;
      if (!path || type < 1 || type > 3) {
        filesChanged_ = true;
        continue;
      }
      fileEvents_.push_back(FileEvent{*path, type == 1   ? FileEvent::Kind::Created
                                            : type == 2 ? FileEvent::Kind::Changed
                                                        : FileEvent::Kind::Deleted});
    }
  }

  // --- lifecycle -----------------------------------------------------------------------------
  void onInitialize(const json& id, const json& params) {
    const json caps = params.value("capabilities", json::object());
    auto at = [&](std::initializer_list<const char*> path) -> json {
      const json* cur = &caps;
      for (const char* k : path) {
        if (!cur->is_object() || !cur->contains(k)) return json();
        cur = &(*cur)[k];
      }
      return *cur;
    };
    json encodings = at({"general", "positionEncodings"});
    encoding_ = PositionEncoding::Utf16;
    if (encodings.is_array()) {
      for (const json& e : encodings) {
        if (e == "utf-8") encoding_ = PositionEncoding::Utf8;
      }
    }
    versionSupport_ = at({"textDocument", "publishDiagnostics", "versionSupport"}) == true;
    progressSupport_ = at({"window", "workDoneProgress"}) == true;
    configurationSupport_ = at({"workspace", "configuration"}) == true;
    watchRegistration_ = at({"workspace", "didChangeWatchedFiles", "dynamicRegistration"}) == true;
    if (params.contains("workspaceFolders") && params["workspaceFolders"].is_array()) {
      for (const json& f : params["workspaceFolders"]) {
        if (f.is_object() && f.contains("uri") && f["uri"].is_string()) addRoot(f["uri"].get<std::string>());
      }
    } else if (params.contains("rootUri") && params["rootUri"].is_string()) {
      addRoot(params["rootUri"].get<std::string>());
    } else if (params.contains("rootPath") && params["rootPath"].is_string() && options_.clientPaths) {
      roots_.push_back(canonicalKey(params["rootPath"].get<std::string>()));
    }
    if (params.contains("initializationOptions")) applySettings(params["initializationOptions"], false);
    initialized_ = true;
    json capabilities = {
        {"positionEncoding", encoding_ == PositionEncoding::Utf8 ? "utf-8" : "utf-16"},
        {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
        {"codeActionProvider", {{"codeActionKinds", json::array({"quickfix"})}}},
        {"hoverProvider", true},
        {"workspace", {{"workspaceFolders", {{"supported", true}, {"changeNotifications", true}}}}}};
    sendResult(id, {{"capabilities", capabilities}, {"serverInfo", {{"name", "edgeguard"}, {"version", options_.version}}}});
  }

  void addRoot(const std::string& uri) {
    if (!options_.clientPaths) return;
    if (std::optional<std::string> p = uriToPath(uri)) {
      std::string key = canonicalKey(*p);
      if (std::find(roots_.begin(), roots_.end(), key) == roots_.end()) roots_.push_back(key);
    }
  }

  void onInitialized() {
    if (watchRegistration_ && !roots_.empty()) {
      // One watcher for every file of the workspace folders (module sources, .env and variable
      // files included), so that an edit need not stat them all.
      std::string rid = "edgeguard/watch/" + std::to_string(++requestCounter_);
      pending_[rid] = "watch";
      request(rid, "client/registerCapability",
              {{"registrations", json::array({{{"id", "edgeguard/watched-files"},
                                               {"method", "workspace/didChangeWatchedFiles"},
                                               {"registerOptions", {{"watchers", json::array({{{"globPattern", "**/*"}}})}}}}})}});
    }
    if (configurationSupport_) {
      std::string rid = "edgeguard/configuration/" + std::to_string(++requestCounter_);
      pending_[rid] = "configuration";
      request(rid, "workspace/configuration", {{"items", json::array({{{"section", "edgeguard"}}})}});
    }
    workspaceScanDue_ = !roots_.empty();  // without a folder only the open documents are analysed
    if (progressSupport_ && !roots_.empty()) {
      std::string rid = "edgeguard/progress/" + std::to_string(++requestCounter_);
      pending_[rid] = "progress";
      waitingForProgress_ = true;
      request(rid, "window/workDoneProgress/create", {{"token", kScanToken}});
    }
    dirty_ = true;
  }

  // --- documents -----------------------------------------------------------------------------
  static bool textDocumentUri(const json& params, std::string& uri) {
    if (!params.is_object() || !params.contains("textDocument") || !params["textDocument"].is_object()) return false;
    const json& td = params["textDocument"];
    if (!td.contains("uri") || !td["uri"].is_string()) return false;
    uri = td["uri"].get<std::string>();
    return true;
  }

  void onDidOpen(const json& params) {
    std::string uri;
    if (!textDocumentUri(params, uri)) return logLine("didOpen without textDocument.uri; ignored");
    const json& td = params["textDocument"];
    if (!td.contains("text") || !td["text"].is_string()) return logLine("didOpen without text; ignored");
    std::optional<std::string> path = uriToPath(uri);
    if (!path) return logLine("not a file URI, not analysed: " + uri);
    int64_t version = td.contains("version") && td["version"].is_number_integer() ? td["version"].get<int64_t>() : 0;
    docs_.open(uri, *path, td.value("languageId", ""), version, td["text"].get<std::string>());
    unpublished_.insert(uri);
    dirty_ = true;
    // A client that never answers window/workDoneProgress/create must not stall diagnostics.
    waitingForProgress_ = false;
  }

  void onDidChange(const json& params) {
    std::string uri;
    if (!textDocumentUri(params, uri)) return logLine("didChange without textDocument.uri; ignored");
    const json& td = params["textDocument"];
    if (!td.contains("version") || !td["version"].is_number_integer()) return logLine("didChange without a version; ignored");
    if (!params.contains("contentChanges") || !params["contentChanges"].is_array()) {
      return logLine("didChange without contentChanges; ignored");
    }
    std::vector<ContentChange> changes;
    for (const json& c : params["contentChanges"]) {
      if (!c.is_object() || !c.contains("text") || !c["text"].is_string()) return logLine("malformed didChange; ignored");
      ContentChange cc;
      cc.text = c["text"].get<std::string>();
      if (c.contains("range")) {
        if (!parseRange(c["range"], cc.start, cc.end)) return logLine("didChange with a malformed range; ignored");
        cc.hasRange = true;
      }
      changes.push_back(std::move(cc));
    }
    std::string why;
    if (!docs_.change(uri, td["version"].get<int64_t>(), changes, encoding_, why)) return logLine(why);
    unpublished_.insert(uri);
    dirty_ = true;
  }

  void onDidSave(const json& params) {
    std::string uri;
    if (!textDocumentUri(params, uri)) return;
    dirty_ = true;  // other tools may have rewritten companions; the buffer itself is unchanged
  }

  void onDidClose(const json& params) {
    std::string uri;
    if (!textDocumentUri(params, uri)) return logLine("didClose without textDocument.uri; ignored");
    if (!docs_.close(uri)) return logLine("didClose for a document that is not open: " + uri);
    published_.erase(uri);
    unpublished_.erase(uri);
    results_.docs.erase(uri);
    notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
    dirty_ = true;  // the disk version replaces the buffer as context for the other documents
  }

  void onDidChangeWorkspaceFolders(const json& params) {
    if (!params.is_object() || !params.contains("event") || !params["event"].is_object()) return;
    const json& ev = params["event"];
    if (ev.contains("removed") && ev["removed"].is_array()) {
      for (const json& f : ev["removed"]) {
        if (!f.is_object() || !f.contains("uri") || !f["uri"].is_string()) continue;
        if (std::optional<std::string> p = uriToPath(f["uri"].get<std::string>())) {
          std::erase(roots_, canonicalKey(*p));
        }
      }
    }
    if (ev.contains("added") && ev["added"].is_array()) {
      for (const json& f : ev["added"]) {
        if (f.is_object() && f.contains("uri") && f["uri"].is_string()) addRoot(f["uri"].get<std::string>());
      }
    }
    dirty_ = true;
  }

  // --- configuration -------------------------------------------------------------------------
  void onDidChangeConfiguration(const json& params) {
    json settings = params.is_object() && params.contains("settings") ? params["settings"] : json();
    if (settings.is_object() && !settings.empty()) return applySettings(settings);
    if (configurationSupport_) {  // pull model: the notification only says "something changed"
      std::string rid = "edgeguard/configuration/" + std::to_string(++requestCounter_);
      pending_[rid] = "configuration";
      request(rid, "workspace/configuration", {{"items", json::array({{{"section", "edgeguard"}}})}});
    }
  }

  void applySettings(const json& raw, bool announce = true) {
    std::vector<std::string> problems;
    Settings next = parseSettings(raw, settings_, problems);
    if (!options_.clientPaths) {
      next.policyDirs.clear();
      next.config.clear();
      next.varFiles.clear();
    }
    for (const std::string& p : problems) showMessage(2, p);
    if (next == settings_) return;
    settings_ = std::move(next);
    catalog_.reset();
    reportedProblems_.clear();
    if (announce) logLine("settings changed; re-analysing");
    for (const auto& [uri, d] : docs_.all()) unpublished_.insert(uri);
    dirty_ = true;
  }

  // The rule catalog for hovers (built-ins + settings.policyDirs), loaded on first use.
  const policy::PolicyCatalog& catalog() {
    if (!catalog_) {
      ScanOptions options;
      for (const std::string& p : settings_.policyDirs) options.policyDirs.emplace_back(p);
      catalog_ = std::make_unique<Session>(options);
      std::vector<Error> ignored;  // reported by the analysis
      catalog_->loadPolicies(ignored);
    }
    return catalog_->catalog();
  }

  // --- analysis ------------------------------------------------------------------------------
  void maybeAnalyse() {
    if (!dirty_ || analysing_ || !initialized_ || shutdown_ || waitingForProgress_) return;
    if (!queue_.empty()) return;  // take the rest of a burst of edits first
    Snapshot snap;
    snap.roots = roots_;
    snap.settings = settings_;
    snap.encoding = encoding_;
    snap.jobs = options_.jobs;
    snap.filesChanged = std::exchange(filesChanged_, false);
    snap.fileEvents = std::exchange(fileEvents_, {});
    snap.trustFileEvents = watching_;
    for (const auto& [uri, d] : docs_.all()) {
      if (d.path.empty()) continue;
      snap.docs.push_back({d.uri, d.path, d.key, d.version});
      (*snap.overlays)[d.key] = d.text;
    }
    if (snap.docs.empty() && !workspaceScanDue_) {
      dirty_ = false;
      return;
    }
    snap.progress = workspaceScanDue_ && progressAllowed_;
    if (snap.progress) {
      notify("$/progress", {{"token", kScanToken},
                            {"value", {{"kind", "begin"}, {"title", "edgeguard: scanning the workspace"}, {"cancellable", false}}}});
    }
    workspaceScanDue_ = false;
    dirty_ = false;
    analysing_ = true;
    worker_.start(std::move(snap));
  }

  void onAnalysed(std::shared_ptr<AnalysisResult> result) {
    analysing_ = false;
    if (result->progress) {
      notify("$/progress", {{"token", kScanToken},
                            {"value", {{"kind", "end"}, {"message", std::to_string(result->files) + " files, " +
                                                                       std::to_string(result->resources) + " resources"}}}});
    }
    for (const std::string& p : result->problems) {
      if (reportedProblems_.insert(p).second) showMessage(1, p);
    }
    if (shutdown_) return;
    for (auto& [uri, dr] : result->docs) {
      Document* d = docs_.find(uri);
      if (!d || d->version != dr.version) continue;  // edited or closed meanwhile: the next run publishes
      // Serialised once: compared with what the client has, and written as it is.
      std::string diagnostics = "[";
      for (const Diagnostic& diag : dr.diagnostics) {
        if (diagnostics.size() > 1) diagnostics += ',';
        diagnostics += diag.json;
      }
      diagnostics += ']';
      auto published = published_.find(uri);
      bool changed = published == published_.end() || published->second != diagnostics;
      if (changed || unpublished_.count(uri)) {
        std::string body = R"({"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"diagnostics":)";
        body += diagnostics;
        body += R"(,"uri":)" + json(uri).dump(-1, ' ', false, json::error_handler_t::replace);
        if (versionSupport_) body += R"(,"version":)" + std::to_string(dr.version);
        body += "}}";
        out_.write(body);
        published_[uri] = std::move(diagnostics);
        unpublished_.erase(uri);
      }
      DocResult& kept = results_.docs[uri];
      if (kept.state) reaper_.drop(std::move(kept.state));
      kept = std::move(dr);
    }
  }

  // --- code actions and hover ----------------------------------------------------------------
  static bool parseRange(const json& r, Position& b, Position& e) {
    auto pos = [](const json& p, Position& out) {
      if (!p.is_object() || !p.contains("line") || !p.contains("character") || !p["line"].is_number_unsigned() ||
          !p["character"].is_number_unsigned()) {
        return false;
      }
      out = {p["line"].get<uint32_t>(), p["character"].get<uint32_t>()};
      return true;
    };
    return r.is_object() && r.contains("start") && r.contains("end") && pos(r["start"], b) && pos(r["end"], e);
  }
  static bool before(Position a, Position b) { return a.line < b.line || (a.line == b.line && a.character < b.character); }
  static bool overlaps(Position b1, Position e1, Position b2, Position e2) {
    // Touching counts: a cursor at the end of a diagnostic is on it.
    return !before(e1, b2) && !before(e2, b1);
  }

  // The current analysis of an open document, when it is of the document's current version.
  const DocResult* currentResult(const std::string& uri) {
    Document* d = docs_.find(uri);
    auto it = results_.docs.find(uri);
    if (!d || it == results_.docs.end() || it->second.version != d->version) return nullptr;
    return &it->second;
  }

  void onCodeAction(const json& id, const json& params) {
    std::string uri;
    Position b, e;
    if (!textDocumentUri(params, uri) || !params.contains("range") || !parseRange(params["range"], b, e)) {
      return sendError(id, kInvalidParams, "textDocument/codeAction needs textDocument and range");
    }
    if (!docs_.find(uri)) return sendError(id, kInvalidParams, "document is not open: " + uri);
    json out = json::array();
    const DocResult* dr = currentResult(uri);
    if (!dr) return sendResult(id, out);  // being re-analysed: nothing stale is offered
    json only = params.contains("context") && params["context"].is_object() ? params["context"].value("only", json()) : json();
    if (only.is_array() && std::none_of(only.begin(), only.end(), [](const json& k) {
          return k.is_string() && (k == "quickfix" || k.get<std::string>().rfind("quickfix", 0) == 0);
        })) {
      return sendResult(id, out);
    }
    for (const Diagnostic& diag : dr->diagnostics) {
      if (diag.finding < 0 || !overlaps(b, e, diag.begin, diag.end)) continue;
      const Finding& f = dr->state->findings()[static_cast<size_t>(diag.finding)];
      for (json& action : codeActions(*dr->state, f, json::parse(diag.json))) out.push_back(std::move(action));
    }
    sendResult(id, out);
  }

  void onHover(const json& id, const json& params) {
    std::string uri;
    if (!textDocumentUri(params, uri) || !params.contains("position") || !params["position"].is_object()) {
      return sendError(id, kInvalidParams, "textDocument/hover needs textDocument and position");
    }
    const json& p = params["position"];
    if (!p.contains("line") || !p.contains("character") || !p["line"].is_number_unsigned() ||
        !p["character"].is_number_unsigned()) {
      return sendError(id, kInvalidParams, "textDocument/hover: position needs line and character");
    }
    Position pos{p["line"].get<uint32_t>(), p["character"].get<uint32_t>()};
    Document* d = docs_.find(uri);
    if (!d) return sendError(id, kInvalidParams, "document is not open: " + uri);
    std::vector<std::string> rules;
    json range;
    if (const DocResult* dr = currentResult(uri)) {
      for (const Diagnostic& diag : dr->diagnostics) {
        if (!overlaps(pos, pos, diag.begin, diag.end)) continue;
        if (std::find(rules.begin(), rules.end(), diag.code) == rules.end()) rules.push_back(diag.code);
        if (range.is_null()) {
          range = {{"start", {{"line", diag.begin.line}, {"character", diag.begin.character}}},
                   {"end", {{"line", diag.end.line}, {"character", diag.end.character}}}};
        }
      }
    }
    if (rules.empty()) {
      // A rule id or name under the cursor (in a suppression comment, a policy file, a README).
      uint32_t off = toOffset(d->text, d->lines, pos, encoding_);
      uint32_t ls = d->lines.lineStart(pos.line), le = d->lines.lineEnd(pos.line, d->text);
      if (pos.line < d->lines.lineCount()) {
        auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
        uint32_t wb = off, we = off;
        while (wb > ls && word(d->text[wb - 1])) --wb;
        while (we < le && word(d->text[we])) ++we;
        std::string w = d->text.substr(wb, we - wb);
        if (!w.empty()) {
          if (const policy::Policy* pol = catalog().find(w)) {
            rules.push_back(pol->id);
            Position rb = toPosition(d->text, d->lines, wb, encoding_), re = toPosition(d->text, d->lines, we, encoding_);
            range = {{"start", {{"line", rb.line}, {"character", rb.character}}},
                     {"end", {{"line", re.line}, {"character", re.character}}}};
          }
        }
      }
    }
    if (rules.empty()) return sendResult(id, nullptr);
    std::string markdown;
    for (const std::string& r : rules) {
      const policy::Policy* pol = catalog().find(r);
      if (!pol) continue;
      std::string page = policy::renderMarkdown(*pol);
      if (page.rfind("<!--", 0) == 0) {  // the "generated, do not edit" note is for the repository
        size_t end = page.find("-->\n");
        if (end != std::string::npos) page.erase(0, end + 4);
      }
      if (!markdown.empty()) markdown += "\n---\n\n";
      markdown += page;
    }
    if (markdown.empty()) return sendResult(id, nullptr);
    json result = {{"contents", {{"kind", "markdown"}, {"value", markdown}}}};
    if (!range.is_null()) result["range"] = range;
    sendResult(id, result);
  }

  MessageWriter& out_;
  EventQueue& queue_;
  ServerOptions options_;
  DocumentStore docs_;
  std::vector<std::string> roots_;
  Settings settings_;
  PositionEncoding encoding_ = PositionEncoding::Utf16;
  bool initialized_ = false, shutdown_ = false;
  bool versionSupport_ = false, progressSupport_ = false, configurationSupport_ = false;
  bool progressAllowed_ = false, waitingForProgress_ = false, workspaceScanDue_ = false;
  bool dirty_ = false, analysing_ = false, filesChanged_ = false;
  std::vector<FileEvent> fileEvents_;  // reported by the client's watcher since the last snapshot
  bool watchRegistration_ = false;     // the client can register file watchers for us
  bool watching_ = false;              // it watches every file of the workspace folders
  int requestCounter_ = 0;
  std::map<std::string, std::string> pending_;  // our request id -> what it was
  std::map<std::string, std::string> published_;  // uri -> diagnostics last published, serialised
  std::set<std::string> unpublished_;           // uris whose new version has not been published
  std::set<std::string> reportedProblems_;
  AnalysisResult results_;
  Reaper reaper_;  // frees the analyses results_ no longer holds
  std::unique_ptr<Session> catalog_;
  AnalysisWorker worker_;
};

}  // namespace

int serve(MessageReader& in, MessageWriter& out, const ServerOptions& options) {
  // The reader runs detached (after `exit` it may still be blocked in read()), so it shares
  // ownership of the queue.
  auto queuePtr = std::make_shared<EventQueue>();
  EventQueue& queue = *queuePtr;
  std::thread reader([&in, queuePtr] {
    EventQueue& queue = *queuePtr;
    for (;;) {
      std::string body, problems;
      MessageReader::Status st = in.next(body, problems);
      if (!problems.empty()) logLine("framing error: " + problems.substr(0, problems.size() - 1));
      if (st == MessageReader::Status::Eof) {
        queue.push(Event{Event::Type::Eof, {}, {}, {}});
        return;
      }
      Event e;
      try {
        e.message = json::parse(body);
      } catch (const json::exception& ex) {
        e.type = Event::Type::BadJson;
        e.error = ex.what();
        if (in.resyncAfterBadBody(body)) logLine("resynchronised after a malformed message");
        queue.push(std::move(e));
        continue;
      }
      if (e.message.is_object() && e.message.contains("method") && e.message["method"] == "$/cancelRequest" &&
          e.message.contains("params") && e.message["params"].is_object() && e.message["params"].contains("id")) {
        queue.cancel(e.message["params"]["id"]);
      }
      // The same test as the dispatcher's: an `exit` that is a request (it has an id) is
      // answered as an error and reading goes on (stopping here left the dispatcher waiting
      // for input forever; found by fuzz_lsp).
      bool exit = isExitNotification(e.message);
      queue.push(std::move(e));
      if (exit) return;
    }
  });
  reader.detach();
  auto dispatcher = std::make_unique<Dispatcher>(out, queue, options);
  int status = dispatcher->run();
  // An analysis still running (a large workspace) is not waited for: the client asked the
  // server to exit. Its thread keeps the dispatcher; runLanguageServer ends the process.
  if (dispatcher->busy() && !options.waitForAnalysis) (void)dispatcher.release();
  return status;
}

int runLanguageServer(const ServerOptions& options) {
  static MessageReader in(fdSource(STDIN_FILENO));
  MessageWriter out(fdSink(STDOUT_FILENO));
  int status = serve(in, out, options);
  std::cerr << std::flush;
  std::_Exit(status);  // without waiting for an analysis in flight (everything is written)
}

}  // namespace eg::lsp
