#include "linter/core/ProjectRoot.h"

#include <system_error>

namespace eg {

namespace fs = std::filesystem;

fs::path gitWorkTreeTop(const fs::path& dir) {
  std::error_code ec;
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    fs::file_status st = fs::symlink_status(d / ".git", ec);
    if (fs::is_directory(st) || fs::is_regular_file(st)) return d;
    if (d == d.root_path()) break;
  }
  return {};
}

fs::path defaultProjectRoot(const fs::path& firstPath) {
  std::error_code ec;
  fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  // The path's own directory decides, not where a link points: a committed symlink to a file
  // elsewhere must not move the root there.
  fs::path start = firstPath.empty() ? cwd : fs::absolute(firstPath, ec).lexically_normal();
  if (ec) return cwd;
  if (!start.has_filename()) start = start.parent_path();  // "dir/" names dir
  if (!fs::is_directory(fs::symlink_status(start, ec))) start = start.parent_path();
  start = fs::weakly_canonical(start, ec);
  if (ec) return cwd;
  if (fs::path top = gitWorkTreeTop(start); !top.empty()) return top;
  // Not in a git work tree: the current directory when the path is inside it, else the path's
  // own directory (a tree scanned from elsewhere is its own project, and no wider).
  return isInsideRoot(cwd, start) ? cwd : start;
}

bool isInsideRoot(const fs::path& root, const fs::path& p) {
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(p, ec), ec);
  if (ec) return false;
  return isInsideRootResolved(root, resolved);
}

bool isInsideRootResolved(const fs::path& root, const fs::path& resolved) {
  if (!resolved.is_absolute()) return false;
  auto r = root.begin(), x = resolved.begin();
  for (; r != root.end(); ++r, ++x) {
    if (r->empty()) continue;  // a trailing separator of the root
    if (x == resolved.end() || *r != *x) return false;
  }
  return true;
}

}  // namespace eg
