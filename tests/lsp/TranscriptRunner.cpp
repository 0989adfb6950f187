// LSP transcript runner: starts `edgeguard lsp`, sends the client messages of a transcript and
// checks that the server sends exactly the expected messages, then exits with the expected status.
//
// Transcript lines:
//   -> {json}          a message the client sends (framed with Content-Length)
//   => "raw bytes"     bytes the client sends as they are (a JSON string; for framing errors)
//   <- {json}          a message the server must send; consecutive <- lines form a block whose
//                      messages may arrive in any order, and the runner waits for the whole block
//                      before sending on
//   exit-status N      the server's expected exit status (default 0)
//   # ...              a comment
// `@DIR@` stands for the transcript's directory (absolute). In expected messages the string
// "@ANY@" matches any value. Messages the server sends that no block expects fail the test.
//
// Usage: lsp-transcript EDGEGUARD TRANSCRIPT           run and compare
//        lsp-transcript EDGEGUARD TRANSCRIPT --record  replay the client lines and print them with
//                                                      what the server answered (comments and
//                                                      expectations are not kept; review before use)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "editor/lsp/Transport.h"

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Pool {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<json> messages;
  std::vector<json> all;  // in arrival order, for diagnostics
  bool eof = false;
};

bool matches(const json& expected, const json& actual) {
  if (expected.is_string() && expected.get<std::string>() == "@ANY@") return true;
  if (expected.type() != actual.type()) {
    return expected.is_number() && actual.is_number() && expected.get<double>() == actual.get<double>();
  }
  if (expected.is_object()) {
    if (expected.size() != actual.size()) return false;
    for (auto& [k, v] : expected.items()) {
      if (!actual.contains(k) || !matches(v, actual[k])) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (expected.size() != actual.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!matches(expected[i], actual[i])) return false;
    }
    return true;
  }
  return expected == actual;
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

bool writeAll(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: lsp-transcript EDGEGUARD TRANSCRIPT [--record]\n";
    return 2;
  }
  std::string binary = argv[1];
  fs::path transcript = fs::absolute(argv[2]);
  bool record = argc > 3 && std::string(argv[3]) == "--record";
  std::string dir = transcript.parent_path().lexically_normal().generic_string();
  if (!dir.empty() && dir.back() == '/') dir.pop_back();

  std::ifstream in(transcript);
  if (!in) {
    std::cerr << "cannot read " << transcript << '\n';
    return 2;
  }
  struct Step {
    enum Kind { Send, Raw, Expect } kind;
    json message;
    std::string raw;
    int line;
    std::string text;  // the transcript line (for --record)
  };
  std::vector<Step> steps;
  int expectedStatus = 0;
  std::string line;
  int lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.empty() || line[0] == '#') continue;
    line = replaceAll(line, "@DIR@", dir);
    try {
      if (line.rfind("-> ", 0) == 0) steps.push_back({Step::Send, json::parse(line.substr(3)), "", lineNo, line});
      else if (line.rfind("=> ", 0) == 0) steps.push_back({Step::Raw, {}, json::parse(line.substr(3)).get<std::string>(), lineNo, line});
      else if (line.rfind("<- ", 0) == 0) steps.push_back({Step::Expect, json::parse(line.substr(3)), "", lineNo, line});
      else if (line.rfind("exit-status ", 0) == 0) expectedStatus = std::stoi(line.substr(12));
      else {
        std::cerr << transcript.filename().string() << ":" << lineNo << ": unknown line\n";
        return 2;
      }
    } catch (const std::exception& e) {
      std::cerr << transcript.filename().string() << ":" << lineNo << ": " << e.what() << '\n';
      return 2;
    }
  }

  int toServer[2], fromServer[2];
  if (pipe(toServer) != 0 || pipe(fromServer) != 0) return 2;
  signal(SIGPIPE, SIG_IGN);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(toServer[0], 0);
    dup2(fromServer[1], 1);
    close(toServer[1]);
    close(fromServer[0]);
    execl(binary.c_str(), binary.c_str(), "lsp", "--jobs", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(toServer[0]);
  close(fromServer[1]);

  Pool pool;
  std::thread reader([&] {
    eg::lsp::MessageReader r(eg::lsp::fdSource(fromServer[0]));
    for (;;) {
      std::string body, problems;
      if (r.next(body, problems) == eg::lsp::MessageReader::Status::Eof) break;
      json m;
      try {
        m = json::parse(body);
      } catch (const std::exception&) {
        m = {{"unparseable", body}};
      }
      if (!problems.empty()) m = {{"framing", problems}, {"message", m}};
      std::lock_guard<std::mutex> lock(pool.mu);
      pool.messages.push_back(m);
      pool.all.push_back(m);
      pool.cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(pool.mu);
    pool.eof = true;
    pool.cv.notify_all();
  });

  int failures = 0;
  auto fail = [&](int at, const std::string& what) {
    std::cerr << transcript.filename().string() << ":" << at << ": " << what << '\n';
    ++failures;
  };
  size_t i = 0;
  while (i < steps.size() && !failures) {
    Step& s = steps[i];
    if (s.kind == Step::Send || s.kind == Step::Raw) {
      std::string bytes = s.kind == Step::Raw ? s.raw : s.message.dump();
      if (s.kind == Step::Send) bytes = "Content-Length: " + std::to_string(bytes.size()) + "\r\n\r\n" + bytes;
      if (!writeAll(toServer[1], bytes)) fail(s.line, "the server closed its input");
      if (record) {
        // Print the step and whatever the server sent in answer (within a moment).
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        std::cout << replaceAll(s.text, dir, "@DIR@") << '\n';
        std::lock_guard<std::mutex> lock(pool.mu);
        for (const json& m : pool.messages) std::cout << "<- " << replaceAll(m.dump(), dir, "@DIR@") << '\n';
        pool.messages.clear();
      }
      ++i;
      continue;
    }
    size_t end = i;
    while (end < steps.size() && steps[end].kind == Step::Expect) ++end;
    if (record) {  // expectations are re-recorded
      i = end;
      continue;
    }
    std::unique_lock<std::mutex> lock(pool.mu);
    for (size_t k = i; k < end; ++k) {
      bool found = pool.cv.wait_for(lock, std::chrono::seconds(30), [&] {
        for (size_t m = 0; m < pool.messages.size(); ++m) {
          if (matches(steps[k].message, pool.messages[m])) {
            pool.messages.erase(pool.messages.begin() + static_cast<long>(m));
            return true;
          }
        }
        return pool.eof;
      });
      if (!found || pool.eof) {
        bool matched = false;
        for (size_t m = 0; m < pool.messages.size(); ++m) {
          if (matches(steps[k].message, pool.messages[m])) {
            pool.messages.erase(pool.messages.begin() + static_cast<long>(m));
            matched = true;
            break;
          }
        }
        if (matched) continue;
        std::string got;
        for (const json& m : pool.messages) got += "\n  " + m.dump();
        fail(steps[k].line, "expected " + steps[k].message.dump() + "\nunmatched messages received:" + got);
        break;
      }
    }
    i = end;
  }
  close(toServer[1]);
  int status = 0;
  bool exited = false;
  for (int t = 0; t < 200 && !exited; ++t) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) exited = true;
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    fail(0, "the server did not exit");
  }
  reader.join();
  if (record) {
    for (const json& m : pool.messages) std::cout << "<- " << replaceAll(m.dump(), dir, "@DIR@") << '\n';
    std::cout << "exit-status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << '\n';
    return 0;
  }
  if (!failures) {
    for (const json& m : pool.messages) fail(0, "unexpected message: " + m.dump());
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (exited && code != expectedStatus) {
      fail(0, "exit status " + std::to_string(code) + ", expected " + std::to_string(expectedStatus));
    }
  }
  if (failures) return 1;
  std::cout << transcript.filename().string() << ": " << steps.size() << " steps OK\n";
  return 0;
}
