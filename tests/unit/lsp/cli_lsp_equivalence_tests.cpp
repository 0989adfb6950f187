// One engine for both faces: `edgeguard scan --format json` and `edgeguard lsp` (with every
// file of the tree open and the tree as the workspace folder) must report the same findings —
// same file, position, rule, message and fingerprint — on every e2e tree and the demo.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <unistd.h>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "editor/lsp/Server.h"
#include "editor/lsp/Transport.h"
#include "editor/lsp/Uri.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string displayed(const fs::path& p) {
  std::error_code ec;
  fs::path rel = fs::relative(p, fs::current_path(), ec);
  return (ec ? p : rel).generic_string();
}

// The findings of `edgeguard scan --format json TREE` in the files of TREE, one line each (a
// finding in a module the tree calls from elsewhere, a Bicep registry cache, is in no open
// document of the editor).
std::set<std::string> cliFindings(const fs::path& tree) {
  std::string command = std::string(EG_BINARY) + " scan --format json " + tree.string() + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buffer[65536];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  ::pclose(pipe);
  json report = json::parse(out);
  std::set<std::string> lines;
  for (const json& f : report["findings"]) {
    if (f["suppressed"].get<bool>()) continue;
    if (f["file"].get<std::string>().rfind(tree.generic_string() + "/", 0) != 0) continue;
    lines.insert(f["file"].get<std::string>() + ":" + std::to_string(f["line"].get<int>()) + ":" +
                 std::to_string(f["column"].get<int>()) + " " + f["rule"].get<std::string>() + " " +
                 f["message"].get<std::string>() + " [" + f["name"].get<std::string>() + "] " +
                 f["fingerprint"].get<std::string>());
  }
  return lines;
}

// A client talking to serve() in this process: messages go in through a queue the server's
// reader blocks on; what the server writes is parsed into messages.
class Client {
 public:
  Client() {
    server_ = std::thread([this] {
      eg::lsp::MessageReader in([this](char* buf, size_t n) -> size_t {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !input_.empty() || closed_; });
        size_t k = std::min(n, input_.size());
        std::copy(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(k), buf);
        input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(k));
        return k;
      });
      eg::lsp::MessageWriter out([this](std::string_view bytes) {
        std::lock_guard<std::mutex> lock(mu_);
        output_.append(bytes);
        for (;;) {
          size_t header = output_.find("\r\n\r\n");
          if (header == std::string::npos) break;
          size_t length = std::stoul(output_.substr(output_.find(':') + 1, header));
          if (output_.size() < header + 4 + length) break;
          received_.push_back(json::parse(output_.substr(header + 4, length)));
          output_.erase(0, header + 4 + length);
        }
        cv_.notify_all();
        return true;
      });
      eg::lsp::ServerOptions options;
      options.jobs = 2;
      options.waitForAnalysis = true;
      status_ = eg::lsp::serve(in, out, options);
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      cv_.notify_all();
    });
  }
  ~Client() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      cv_.notify_all();
    }
    server_.join();
  }
  void send(const json& message) {
    std::string body = message.dump();
    std::lock_guard<std::mutex> lock(mu_);
    std::string framed = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    input_.insert(input_.end(), framed.begin(), framed.end());
    cv_.notify_all();
  }
  // Waits (at most a generous bound, for a hung server) until `ready` holds for what was received.
  template <typename Pred>
  bool waitFor(Pred ready) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::minutes(5), [&] { return ready(received_) || done_; }) && ready(received_);
  }
  std::vector<json> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<char> input_;
  std::string output_;
  std::vector<json> received_;
  bool closed_ = false, done_ = false;
  int status_ = -1;
  std::thread server_;
};

// The findings `edgeguard lsp` publishes for every file of the tree, opened as they are on disk.
std::set<std::string> lspFindings(const fs::path& tree) {
  Client client;
  fs::path root = fs::absolute(tree);
  client.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
               {"params", {{"processId", nullptr}, {"rootUri", eg::lsp::pathToUri(root.string())}, {"capabilities", json::object()}}}});
  client.send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}});
  std::map<std::string, fs::path> opened;  // uri -> path
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    std::string uri = eg::lsp::pathToUri(it->path().string());
    opened[uri] = it->path();
    client.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
                 {"params", {{"textDocument", {{"uri", uri}, {"languageId", "plaintext"}, {"version", 1}, {"text", readAll(it->path())}}}}}});
  }
  bool published = client.waitFor([&](const std::vector<json>& messages) {
    std::set<std::string> seen;
    for (const json& m : messages) {
      if (m.value("method", "") == "textDocument/publishDiagnostics") seen.insert(m["params"]["uri"].get<std::string>());
    }
    return seen.size() == opened.size();
  });
  REQUIRE(published);
  client.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "shutdown"}});
  REQUIRE(client.waitFor([](const std::vector<json>& messages) {
    for (const json& m : messages) {
      if (m.contains("id") && m["id"] == 2) return true;
    }
    return false;
  }));
  client.send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  std::map<std::string, json> last;  // uri -> its last diagnostics
  for (const json& m : client.received()) {
    if (m.value("method", "") == "textDocument/publishDiagnostics") last[m["params"]["uri"]] = m["params"]["diagnostics"];
  }
  std::set<std::string> lines;
  for (const auto& [uri, diagnostics] : last) {
    for (const json& d : diagnostics) {
      if (!d.contains("data")) continue;  // an input error, not a finding
      lines.insert(displayed(opened[uri]) + ":" + std::to_string(d["range"]["start"]["line"].get<int>() + 1) + ":" +
                   std::to_string(d["range"]["start"]["character"].get<int>() + 1) + " " + d["code"].get<std::string>() +
                   " " + d["message"].get<std::string>() + " " + d["data"]["fingerprint"].get<std::string>());
    }
  }
  return lines;
}

}  // namespace

TEST_CASE("the command line and the language server report the same findings on the e2e trees") {
  std::vector<fs::path> trees = {"fixtures/demo"};
  for (const auto& entry : fs::directory_iterator("fixtures/e2e")) {
    if (entry.is_directory()) trees.push_back(entry.path());
  }
  std::sort(trees.begin(), trees.end());
  REQUIRE(trees.size() > 10);
  size_t compared = 0;
  for (const fs::path& tree : trees) {
    CAPTURE(tree);
    std::set<std::string> cli = cliFindings(tree);
    std::set<std::string> lsp = lspFindings(tree);
    std::string onlyCli, onlyLsp;
    for (const std::string& l : cli) onlyCli += lsp.count(l) ? "" : l + "\n";
    for (const std::string& l : lsp) onlyLsp += cli.count(l) ? "" : l + "\n";
    CAPTURE(onlyCli);
    CAPTURE(onlyLsp);
    CHECK(cli == lsp);
    compared += cli.size();
  }
  CHECK(compared > 50);
}

TEST_CASE("a client that watches files for the server: changes it names are analysed, nothing else is stat'ed") {
  fs::path dir = fs::temp_directory_path() / ("eg-lsp-watch-" + std::to_string(::getpid()));
  fs::create_directories(dir / "infra");
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{dir};
  std::string main = "resource \"azurerm_iothub\" \"hub\" {\n  name = \"hub\"\n  resource_group_name = \"rg\"\n"
                     "  location = \"westeurope\"\n  min_tls_version = local.tls\n  sku {\n    name = \"S1\"\n    capacity = 1\n  }\n}\n";
  std::ofstream(dir / "infra/main.tf") << main;
  std::ofstream(dir / "infra/locals.tf") << "locals {\n  tls = \"1.0\"\n}\n";
  std::string uri = eg::lsp::pathToUri((dir / "infra/main.tf").string());

  Client client;
  client.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
               {"params", {{"processId", nullptr},
                           {"workspaceFolders", json::array({{{"uri", eg::lsp::pathToUri(dir.string())}, {"name", "w"}}})},
                           {"capabilities", {{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}},
                                             {"textDocument", {{"publishDiagnostics", {{"versionSupport", true}}}}}}}}}});
  client.send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}});
  // The server asks to watch every file of the folder.
  json registration;
  REQUIRE(client.waitFor([&](const std::vector<json>& messages) {
    for (const json& m : messages) {
      if (m.value("method", "") == "client/registerCapability") registration = m;
    }
    return !registration.is_null();
  }));
  const json& r = registration["params"]["registrations"][0];
  CHECK(r["method"] == "workspace/didChangeWatchedFiles");
  CHECK(r["registerOptions"]["watchers"][0]["globPattern"] == "**/*");
  client.send({{"jsonrpc", "2.0"}, {"id", registration["id"]}, {"result", nullptr}});

  client.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
               {"params", {{"textDocument", {{"uri", uri}, {"languageId", "terraform"}, {"version", 1}, {"text", main}}}}}});
  // The codes published for main.tf at `version` (the last such message).
  auto codesAt = [&](int version) {
    std::optional<std::vector<std::string>> codes;
    for (const json& m : client.received()) {
      if (m.value("method", "") != "textDocument/publishDiagnostics" || m["params"]["uri"] != uri ||
          m["params"].value("version", -1) != version) {
        continue;
      }
      codes.emplace();
      for (const json& d : m["params"]["diagnostics"]) codes->push_back(d["code"]);
    }
    return codes;
  };
  auto has = [&](int version, const char* code) {
    std::optional<std::vector<std::string>> codes = codesAt(version);
    return codes && std::count(codes->begin(), codes->end(), code) > 0;
  };
  auto waitVersion = [&](int version, size_t count) {
    return client.waitFor([&](const std::vector<json>& messages) {
      size_t n = 0;
      for (const json& m : messages) {
        n += m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri &&
             m["params"].value("version", -1) == version;
      }
      return n >= count;
    });
  };
  REQUIRE(waitVersion(1, 1));
  CHECK(has(1, "EG004"));  // TLS 1.0 from locals.tf

  // locals.tf changes on disk and the watcher says so: the module is analysed again.
  std::ofstream(dir / "infra/locals.tf", std::ios::trunc) << "locals {\n  tls = \"1.2\"\n}\n";
  client.send({{"jsonrpc", "2.0"}, {"method", "workspace/didChangeWatchedFiles"},
               {"params", {{"changes", json::array({{{"uri", eg::lsp::pathToUri((dir / "infra/locals.tf").string())}, {"type", 2}}})}}}});
  REQUIRE(waitVersion(1, 2));
  CHECK_FALSE(has(1, "EG004"));

  // A new file, reported as created: found without a re-scan of everything else.
  std::ofstream(dir / "infra/tls.auto.tfvars") << "";
  std::ofstream(dir / "infra/second.tf") << "resource \"azurerm_iothub\" \"second\" {\n  name = \"second\"\n  min_tls_version = \"1.0\"\n}\n";
  client.send({{"jsonrpc", "2.0"}, {"method", "workspace/didChangeWatchedFiles"},
               {"params", {{"changes", json::array({{{"uri", eg::lsp::pathToUri((dir / "infra/second.tf").string())}, {"type", 1}}})}}}});
  client.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didChange"},
               {"params", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                           {"contentChanges", json::array({{{"text", main + "\n"}}})}}}});
  REQUIRE(waitVersion(2, 1));
  CHECK(codesAt(2).has_value());
  CHECK_FALSE(has(2, "EG004"));  // second.tf's finding is in second.tf, which is not open

  client.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "shutdown"}});
  REQUIRE(client.waitFor([](const std::vector<json>& messages) {
    for (const json& m : messages) {
      if (m.contains("id") && m["id"] == 2 && !m.contains("method")) return true;
    }
    return false;
  }));
  client.send({{"jsonrpc", "2.0"}, {"method", "exit"}});
}
