#include "linter/engine/ChangedLines.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "linter/core/ProjectRoot.h"

extern char** environ;

namespace eg {

namespace fs = std::filesystem;

namespace {

struct Completed {
  int status = -1;  // exit status; -1 when the program could not be started
  std::string out, err;
};

// Runs a program (no shell) and collects its output. `argv[0]` is looked up on PATH. `env`:
// the environment, or the process's own when empty.
Completed run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {}) {
  Completed result;
  int outPipe[2], errPipe[2];
  if (pipe(outPipe) != 0) return result;
  if (pipe(errPipe) != 0) {
    close(outPipe[0]);
    close(outPipe[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, outPipe[0]);
  posix_spawn_file_actions_addclose(&actions, errPipe[0]);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env.empty() ? environ : envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(outPipe[1]);
  close(errPipe[1]);
  if (rc != 0) {
    close(outPipe[0]);
    close(errPipe[0]);
    result.err = std::strerror(rc);
    return result;
  }
  pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  // posix_spawnp reports a missing program as exit status 127 from the child on glibc.
  return result;
}

std::string firstLine(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// A path as git prints it: plain, or "C-quoted" when it holds special characters.
std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 2 >= s.size()) {
      out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      default:
        if (e >= '0' && e <= '7' && i + 2 < s.size()) {
          out += static_cast<char>(((e - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0'));
          i += 2;
        } else {
          out += e;
        }
    }
  }
  return out;
}

uint32_t number(std::string_view s, size_t& i) {
  uint32_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') n = n * 10 + static_cast<uint32_t>(s[i++] - '0');
  return n;
}

}  // namespace

std::string ChangedLines::key(const fs::path& file) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(file, ec), ec);
  return (ec ? fs::absolute(file).lexically_normal() : p).generic_string();
}

void ChangedLines::addFile(const fs::path& file) { whole_.insert(key(file)); }

void ChangedLines::addLines(const fs::path& file, uint32_t first, uint32_t count) {
  if (count == 0) {
    deletions_[key(file)].insert(first);
    return;
  }
  std::set<uint32_t>& lines = lines_[key(file)];
  for (uint32_t i = 0; i < count; ++i) lines.insert(first + i);
}

bool ChangedLines::fileChanged(const fs::path& file) const {
  std::string k = key(file);
  return whole_.count(k) || lines_.count(k) || deletions_.count(k);
}

bool ChangedLines::linesChanged(const fs::path& file, uint32_t first, uint32_t last) const {
  std::string k = key(file);
  if (whole_.count(k)) return true;
  auto it = lines_.find(k);
  if (it == lines_.end()) return false;
  auto hit = it->second.lower_bound(first);
  return hit != it->second.end() && *hit <= last;
}

bool ChangedLines::deletedWithin(const fs::path& file, uint32_t first, uint32_t last) const {
  auto it = deletions_.find(key(file));
  if (it == deletions_.end()) return false;
  auto hit = it->second.lower_bound(first);
  return hit != it->second.end() && *hit < last;
}

void parseUnifiedDiff(std::string_view diff, const fs::path& root, ChangedLines& out) {
  std::string current;  // path of the file the hunks belong to ("" = deleted file)
  size_t start = 0;
  while (start < diff.size()) {
    size_t end = diff.find('\n', start);
    if (end == std::string_view::npos) end = diff.size();
    std::string_view line = diff.substr(start, end - start);
    start = end + 1;
    if (line.rfind("+++ ", 0) == 0) {
      std::string path = unquote(line.substr(4));
      if (path == "/dev/null") current.clear();
      else current = path.rfind("b/", 0) == 0 ? path.substr(2) : path;
    } else if (line.rfind("@@ ", 0) == 0 && !current.empty()) {
      // @@ -a[,b] +c[,d] @@
      size_t minus = line.find(" -"), plus = line.find(" +");
      if (plus == std::string_view::npos || minus == std::string_view::npos) continue;
      auto range = [&](size_t i, uint32_t& first, uint32_t& count) {
        first = number(line, i);
        count = 1;
        if (i < line.size() && line[i] == ',') {
          ++i;
          count = number(line, i);
        }
      };
      uint32_t oldFirst = 0, oldCount = 0, first = 0, count = 0;
      range(minus + 2, oldFirst, oldCount);
      range(plus + 2, first, count);
      if (count > 0) out.addLines(root / current, first, count);
      // More lines went than came: something was deleted after the hunk's last new line.
      if (oldCount > count) out.addLines(root / current, count ? first + count - 1 : first, 0);
    }
  }
}

namespace {

// The git work tree of the current directory: the nearest directory at or above it with a
// `.git` directory, or a `.git` file naming one ("gitdir: ..." of worktrees and submodules).
// Found without running git, so nothing in a scanned folder (a `config`, `HEAD` and `objects/`
// laid out to look like a bare repository) is ever taken for the repository.
bool findWorkTree(fs::path& top, fs::path& gitDir) {
  std::error_code ec;
  fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  if (ec) return false;
  top = gitWorkTreeTop(cwd);
  if (top.empty()) return false;
  gitDir = top / ".git";
  if (fs::is_directory(fs::symlink_status(gitDir, ec))) return true;
  // A `.git` file: "gitdir: <path>" on its first line (read bounded: the file is in the tree).
  std::string text;
  if (readSmallFile(gitDir, 4096, text) != ReadResult::Ok || text.rfind("gitdir: ", 0) != 0) return false;
  std::string target = text.substr(8, text.find('\n') == std::string::npos ? std::string::npos : text.find('\n') - 8);
  while (!target.empty() && (target.back() == '\r' || target.back() == ' ')) target.pop_back();
  fs::path t = target;
  gitDir = fs::weakly_canonical(t.is_absolute() ? t : top / t, ec);
  return !ec && fs::is_directory(gitDir, ec);
}

// git, told exactly which repository to use and to run nothing but itself: no system
// configuration, no file-system monitor, hooks, external diff or text conversion, no pager or
// prompt, no discovery of bare repositories.
struct Git {
  fs::path top, gitDir;
  Completed operator()(std::vector<std::string> args) const {
    std::vector<std::string> argv = {"git",
                                     "--git-dir=" + gitDir.string(),
                                     "--work-tree=" + top.string(),
                                     "--no-pager",
                                     "-c", "safe.bareRepository=explicit",
                                     "-c", "core.fsmonitor=false",
                                     "-c", "core.hooksPath=/dev/null",
                                     "-c", "core.pager=cat",
                                     "-c", "diff.external=",
                                     "-c", "core.quotepath=off",
                                     "-c", "protocol.allow=never"};
    argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      // Variables that would point git at another repository or configuration are dropped.
      if (kv.rfind("GIT_", 0) == 0 && kv.rfind("GIT_TRACE", 0) != 0) continue;
      env.emplace_back(kv);
    }
    env.insert(env.end(), {"GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0",
                           "GIT_NO_REPLACE_OBJECTS=1", "GIT_PROTOCOL_FROM_USER=0"});
    return run(argv, env);
  }
};

}  // namespace

bool changedSinceRevision(const std::string& revision, const fs::path& where, ChangedLines& out, std::string& error) {
  std::error_code ec;
  if (revision.empty() || revision.front() == '-') {
    error = "--diff-base needs a revision (a commit, branch or tag), not '" + revision + "'";
    return false;
  }
  Git git;
  if (!findWorkTree(git.top, git.gitDir)) {
    error = "--diff-base: the current directory is not in a git work tree (run edgeguard from the repository)";
    return false;
  }
  fs::path scanned = fs::weakly_canonical(fs::absolute(where, ec), ec);
  if (!isInsideRoot(git.top, scanned)) {
    error = "--diff-base: " + where.generic_string() +
            " is not in the git work tree of the current directory (run edgeguard from that repository)";
    return false;
  }
  const fs::path& root = git.top;
  Completed verify = git({"rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"});
  if (verify.status == -1 || verify.status == 127) {
    error = "--diff-base needs git, which could not be run (" + (verify.err.empty() ? "not found" : firstLine(verify.err)) + ")";
    return false;
  }
  if (verify.status != 0) {
    error = "--diff-base: unknown revision '" + revision + "' (fetch it first, e.g. git fetch origin " + revision + ")";
    return false;
  }
  // Compare with where the branch left REV, as a pull request does.
  std::string base = firstLine(verify.out);
  Completed mergeBase = git({"merge-base", base, "HEAD"});
  if (mergeBase.status == 0 && !firstLine(mergeBase.out).empty()) base = firstLine(mergeBase.out);
  Completed diff = git({"diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--unified=0",
                        "--src-prefix=a/", "--dst-prefix=b/", base, "--"});
  if (diff.status != 0) {
    error = "--diff-base: git diff failed: " + firstLine(diff.err);
    return false;
  }
  parseUnifiedDiff(diff.out, root, out);
  Completed untracked = git({"ls-files", "-z", "--others", "--exclude-standard"});
  if (untracked.status == 0) {
    size_t s = 0;
    while (s < untracked.out.size()) {
      size_t e = untracked.out.find('\0', s);
      if (e == std::string::npos) e = untracked.out.size();
      if (e > s) out.addFile(root / untracked.out.substr(s, e - s));
      s = e + 1;
    }
  }
  return true;
}

bool changedFilesFrom(const fs::path& file, ChangedLines& out, std::string& error) {
  std::stringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      error = "--changed-files-from: cannot read " + file.string();
      return false;
    }
    text << in.rdbuf();
  }
  std::string line;
  while (std::getline(text, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    out.addFile(line);
  }
  return true;
}

void keepChanged(const ChangedLines& changed, const SourceStore& sources, const ResourceGraph& graph,
                 std::vector<Finding>& findings, std::vector<Error>& errors) {
  std::map<std::pair<FileId, uint32_t>, ByteRange> bodies;  // (file, header start) -> whole resource
  for (const Resource& r : graph.resources()) bodies.emplace(std::pair{r.file, r.header.begin}, r.body);
  auto bodyOf = [&](const Finding& f) -> std::optional<ByteRange> {
    auto it = bodies.find({f.anchor.file, f.anchor.range.begin});
    if (it == bodies.end()) return std::nullopt;
    return it->second;
  };
  auto rangeChanged = [&](FileId id, ByteRange range) {
    const SourceFile* f = sources.get(id);
    if (!f) return false;
    uint32_t first = f->position(range.begin).line;
    uint32_t last = f->position(range.end > range.begin ? range.end - 1 : range.begin).line;
    return changed.linesChanged(f->path(), first, last);
  };
  auto fileChanged = [&](FileId id) {
    const SourceFile* f = sources.get(id);
    return f && changed.fileChanged(f->path());
  };
  std::erase_if(findings, [&](const Finding& f) {
    if (rangeChanged(f.location.file, f.location.range)) return false;
    if (f.location.file == f.anchor.file && f.location.range.begin == f.anchor.range.begin) {
      const SourceFile* file = sources.get(f.anchor.file);
      if (auto body = bodyOf(f); body && file &&
                                 changed.deletedWithin(file->path(), file->position(body->begin).line,
                                                       file->position(body->end > body->begin ? body->end - 1 : body->begin).line)) {
        return false;
      }
    }
    if (!f.related.empty()) {
      if (fileChanged(f.location.file)) return false;
      for (const RelatedLocation& r : f.related) {
        if (fileChanged(r.location.file)) return false;
      }
    }
    return true;
  });
  std::erase_if(errors, [&](const Error& e) {
    if (e.file != kNoFile) return !fileChanged(e.file);
    return !e.path.empty() && fs::exists(e.path) && !changed.fileChanged(e.path);
  });
}

}  // namespace eg
