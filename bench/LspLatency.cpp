// Latency of `edgeguard lsp`: time from a one-character didChange to the publishDiagnostics of
// that version, for a generated 5,000-line Terraform file and a 5,000-line Bicep file, each the
// only file of its workspace folder. Prints median, p95 and max per file, measured to the arrival
// of the message's last byte, and the median and p95 including this client's JSON parse of it.
//
// With WORKSPACE (e.g. a gencorpus tree), also the same edits in the first Terraform file of that
// folder, opened with the whole folder as the workspace: the cost of the rest of the workspace.
//
// Usage: eg_bench_lsp EDGEGUARD [EDITS=200] [LINES=5000] [WORKSPACE]
// The client offers to watch files for the server, as VS Code does (the server then trusts the
// watcher instead of checking every file's stamp on each edit); EG_BENCH_NO_WATCH=1 offers not.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "editor/lsp/Transport.h"

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string terraform(int lines) {
  std::string out = "terraform {\n  required_providers {\n    azurerm = { source = \"hashicorp/azurerm\", version = \">= 3.0\" }\n  }\n}\n\n";
  int n = 0;
  while (std::count(out.begin(), out.end(), '\n') < lines - 20) {
    ++n;
    out += "resource \"azurerm_iothub\" \"hub" + std::to_string(n) + "\" {\n"
           "  name                = \"hub-" + std::to_string(n) + "\"\n"
           "  resource_group_name = \"rg-bench\"\n"
           "  location            = \"westeurope\"\n"
           "  min_tls_version     = \"" + (n % 3 ? "1.2" : "1.0") + "\"\n"
           "  public_network_access_enabled = false\n\n"
           "  sku {\n    name     = \"S1\"\n    capacity = 1\n  }\n\n"
           "  network_rule_set {\n    default_action = \"" + (n % 4 ? "Deny" : "Allow") + "\"\n  }\n\n"
           "  tags = { owner = \"team-" + std::to_string(n % 7) + "\" }\n}\n\n";
  }
  return out;
}

std::string bicep(int lines) {
  std::string out = "param location string = 'westeurope'\n\n";
  int n = 0;
  while (std::count(out.begin(), out.end(), '\n') < lines - 20) {
    ++n;
    out += "resource hub" + std::to_string(n) + " 'Microsoft.Devices/IotHubs@2023-06-30' = {\n"
           "  name: 'hub-" + std::to_string(n) + "'\n"
           "  location: location\n"
           "  sku: {\n    name: 'S1'\n    capacity: 1\n  }\n"
           "  properties: {\n"
           "    minTlsVersion: '" + (n % 3 ? "1.2" : "1.0") + "'\n"
           "    publicNetworkAccess: 'Disabled'\n"
           "    networkRuleSets: {\n      defaultAction: '" + (n % 4 ? "Deny" : "Allow") + "'\n    }\n"
           "  }\n"
           "  tags: {\n    owner: 'team-" + std::to_string(n % 7) + "'\n  }\n}\n\n";
  }
  return out;
}

struct Server {
  pid_t pid = -1;
  int in = -1, out = -1;
  std::unique_ptr<eg::lsp::MessageReader> reader;
  void send(const json& m) {
    std::string body = m.dump();
    std::string framed = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (::write(in, framed.data(), framed.size()) != static_cast<ssize_t>(framed.size())) throw std::runtime_error("write failed");
  }
  // The next message, and when its last byte arrived (before this client parsed it).
  json next(std::chrono::steady_clock::time_point* received = nullptr) {
    std::string body, problems;
    if (reader->next(body, problems) != eg::lsp::MessageReader::Status::Message) throw std::runtime_error("server closed");
    if (received) *received = std::chrono::steady_clock::now();
    json m = json::parse(body);
    // A request of the server (registering the file watcher, asking for the settings) gets the
    // answer a client like VS Code gives: accepted, no settings.
    if (m.contains("method") && m.contains("id")) {
      std::string method = m["method"];
      send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", method == "workspace/configuration" ? json::array({nullptr}) : json(nullptr)}});
    }
    return m;
  }
};

Server start(const std::string& binary) {
  int toServer[2], fromServer[2];
  if (pipe(toServer) != 0 || pipe(fromServer) != 0) throw std::runtime_error("pipe");
  Server s;
  s.pid = fork();
  if (s.pid == 0) {
    dup2(toServer[0], 0);
    dup2(fromServer[1], 1);
    close(toServer[1]);
    close(fromServer[0]);
    execl(binary.c_str(), binary.c_str(), "lsp", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(toServer[0]);
  close(fromServer[1]);
  s.in = toServer[1];
  s.out = fromServer[0];
  s.reader = std::make_unique<eg::lsp::MessageReader>(eg::lsp::fdSource(s.out));
  return s;
}

void measure(const std::string& binary, const fs::path& dir, const std::string& name, const std::string& text,
             const std::string& languageId, int edits, bool write = true, fs::path workspace = {}) {
  // Like VS Code, the client offers to watch files for the server (EG_BENCH_NO_WATCH=1: a
  // client that does not, so every analysis checks every file's stamp).
  const char* noWatch = std::getenv("EG_BENCH_NO_WATCH");
  bool watch = !(noWatch && *noWatch && *noWatch != '0');
  if (workspace.empty()) workspace = dir;
  fs::create_directories(dir);
  fs::path file = dir / name;
  if (write) std::ofstream(file) << text;
  std::string uri = "file://" + fs::absolute(file).string();
  Server s = start(binary);
  s.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
          {"params", {{"processId", nullptr},
                      {"capabilities", {{"textDocument", {{"publishDiagnostics", {{"versionSupport", true}}}}},
                                        {"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", watch}}}}}}},
                      {"workspaceFolders", json::array({{{"uri", "file://" + fs::absolute(workspace).string()}, {"name", "bench"}}})}}}});
  while (!s.next().contains("result")) {
  }
  s.send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}});
  std::chrono::steady_clock::time_point received;
  auto waitFor = [&](int version) {
    for (;;) {
      json m = s.next(&received);
      if (m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri &&
          m["params"].value("version", -1) == version) {
        return m["params"]["diagnostics"].size();
      }
    }
  };
  auto t0 = std::chrono::steady_clock::now();
  s.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
          {"params", {{"textDocument", {{"uri", uri}, {"languageId", languageId}, {"version", 1}, {"text", text}}}}}});
  size_t diagnostics = waitFor(1);
  double openMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  // Type one character into the name of the first resource, then delete it again.
  size_t at = text.find("name");
  size_t quote = text.find_first_of("\"'", at);
  size_t line = static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(quote), '\n'));
  size_t col = quote + 2 - (text.rfind('\n', quote) + 1);
  std::vector<double> ms, parsedMs;  // until the message arrived; until this client had parsed it
  for (int i = 0; i < edits; ++i) {
    int version = i + 2;
    json change = i % 2 == 0
                      ? json{{"range", {{"start", {{"line", line}, {"character", col}}}, {"end", {{"line", line}, {"character", col}}}}},
                             {"text", "x"}}
                      : json{{"range", {{"start", {{"line", line}, {"character", col}}}, {"end", {{"line", line}, {"character", col + 1}}}}},
                             {"text", ""}};
    auto t = std::chrono::steady_clock::now();
    s.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didChange"},
            {"params", {{"textDocument", {{"uri", uri}, {"version", version}}}, {"contentChanges", json::array({change})}}}});
    waitFor(version);
    parsedMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
    ms.push_back(std::chrono::duration<double, std::milli>(received - t).count());
  }
  s.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "shutdown"}});
  s.send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  int status;
  waitpid(s.pid, &status, 0);
  std::sort(ms.begin(), ms.end());
  std::sort(parsedMs.begin(), parsedMs.end());
  auto pct = [](const std::vector<double>& v, double p) {
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
  };
  std::printf("%-12s %5zu lines %4zu diagnostics  didOpen %7.2f ms  didChange x%d: median %6.2f ms  p95 %6.2f ms  max %6.2f ms"
              "  (with this client's JSON parse: median %6.2f, p95 %6.2f)\n",
              name.c_str(), static_cast<size_t>(std::count(text.begin(), text.end(), '\n')), diagnostics, openMs, edits,
              pct(ms, 0.5), pct(ms, 0.95), ms.back(), pct(parsedMs, 0.5), pct(parsedMs, 0.95));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: eg_bench_lsp EDGEGUARD [EDITS=200] [LINES=5000] [WORKSPACE]\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int edits = argc > 2 ? std::atoi(argv[2]) : 200;
  int lines = argc > 3 ? std::atoi(argv[3]) : 5000;
  fs::path root = fs::temp_directory_path() / ("eg-bench-lsp-" + std::to_string(getpid()));
  try {
    measure(argv[1], root / "tf", "main.tf", terraform(lines), "terraform", edits);
    measure(argv[1], root / "bicep", "main.bicep", bicep(lines), "bicep", edits);
    if (argc > 4) {
      fs::path workspace = fs::absolute(argv[4]);
      std::vector<fs::path> tf;
      for (const auto& e : fs::recursive_directory_iterator(workspace)) {
        if (e.is_regular_file() && e.path().extension() == ".tf") tf.push_back(e.path());
      }
      if (tf.empty()) throw std::runtime_error("no .tf file in " + workspace.string());
      std::sort(tf.begin(), tf.end());
      std::ifstream in(tf.front());
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      size_t files = 0;
      for (const auto& e : fs::recursive_directory_iterator(workspace)) files += e.is_regular_file() ? 1 : 0;
      std::printf("workspace %s: %zu files; edited: %s\n", workspace.c_str(), files, tf.front().c_str());
      measure(argv[1], tf.front().parent_path(), tf.front().filename().string(), text, "terraform", edits, false, workspace);
    }
  } catch (const std::exception& e) {
    std::cerr << "eg_bench_lsp: " << e.what() << '\n';
    fs::remove_all(root);
    return 1;
  }
  fs::remove_all(root);
  return 0;
}
