// The project root: the directory edgeguard may read from and write to. Files outside it
// (reached through `../` module sources, absolute paths, symlinks) belong to someone else: a
// pull request must not make edgeguard read them into a report or rewrite them with --fix.
//
// By default the root is the top of the git work tree that holds the first scanned path (the
// directory with a `.git` entry, found by walking up without running git); outside a work tree,
// the current directory when the path is inside it, else the path's own directory. `--root DIR`
// sets it. Paths are compared after following every symlink.
#pragma once

#include <filesystem>
#include <string>

namespace eg {

// The top of the git work tree holding `dir` (absolute, resolved): the nearest directory at or
// above it with a `.git` directory or `.git` file (worktrees, submodules), found without
// running git; empty when there is none.
std::filesystem::path gitWorkTreeTop(const std::filesystem::path& dir);

// The message of a file or directory that is not read because it is outside the root.
inline constexpr const char* kOutsideRoot = "outside the project root (set --root to widen it); not read";

// The default root for a scan of `firstPath` (absolute, symlinks resolved).
std::filesystem::path defaultProjectRoot(const std::filesystem::path& firstPath);

// Whether `p`, with every symlink followed, is `root` or below it. `root` must be absolute and
// resolved (as defaultProjectRoot returns it). A path that does not exist is judged by its
// existing parent.
bool isInsideRoot(const std::filesystem::path& root, const std::filesystem::path& p);
// isInsideRoot for a path already resolved (absolute, links followed: canonicalKey).
bool isInsideRootResolved(const std::filesystem::path& root, const std::filesystem::path& resolved);

}  // namespace eg
