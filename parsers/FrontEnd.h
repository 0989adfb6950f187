// FrontEnd: the interface every input format implements. A front-end turns source files
// into normalized Resources (ARM shape or IoTEdge/* kinds) and Errors; nothing it parses
// with (tree-sitter nodes, JSON DOMs, TOML tables) leaves parsers/.
//
// Files are grouped into independent units (Terraform: one directory = one module;
// JSON formats: one file each). Units are loaded in parallel, each with its own
// LoadContext, so loadUnit must not touch shared mutable state except the SourceStore
// (which is thread-safe).
//
// A front-end also writes its syntax back: its SourceEditor (parsers/SourceEditor.h) turns a
// policy's declared fix into a text edit; its globs() say how its files write comments.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/ProjectRoot.h"
#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"
#include "parsers/SourceEditor.h"

namespace eg {

// Options that reach front-ends (from the CLI and .edgeguard.yaml).
struct FrontEndOptions {
  std::map<std::string, std::string> terraformVars;        // --var k=v (value is HCL text or a bare string)
  std::vector<std::filesystem::path> terraformVarFiles;    // --var-file
  // The project roots (linter/core/ProjectRoot.h: the root of a scan, the workspace folders of
  // the language server), absolute and resolved; none: no limit. Files a unit reaches by
  // reference (module sources, tfvars, .env, module.json, Bicep modules and parameter files)
  // are read only when they resolve inside one of them.
  std::vector<std::filesystem::path> roots;
  bool insideRoots(const std::filesystem::path& p) const {
    if (roots.empty()) return true;
    for (const std::filesystem::path& r : roots) {
      if (isInsideRoot(r, p)) return true;
    }
    return false;
  }
  // insideRoots for a path already resolved (SourceStore::keyOf: absolute, links followed).
  bool resolvedInsideRoots(const std::filesystem::path& resolved) const {
    if (roots.empty()) return true;
    if (!resolved.is_absolute()) return insideRoots(resolved);
    for (const std::filesystem::path& r : roots) {
      if (isInsideRootResolved(r, resolved)) return true;
    }
    return false;
  }
};

// What a front-end keeps between loads of one workspace to make the next load cheaper (the
// Terraform front-end: the syntax trees of the modules open in an editor, re-parsed
// incrementally). Owned by the engine's Workspace, one per front-end; never process-wide.
class KeptState {
 public:
  virtual ~KeptState() = default;
  // Keeps what belongs to these files (canonical paths: the documents open in an editor)
  // and drops the rest. Empty: nothing is kept.
  virtual void keepFor(std::vector<std::string> canonicalPaths) = 0;
  // How many entries (syntax trees) are kept now.
  virtual size_t size() const = 0;
};

struct LoadContext {
  LoadContext(SourceStore& s, const FrontEndOptions& o, KeptState* k = nullptr) : store(s), options(o), kept(k) {}
  SourceStore& store;
  const FrontEndOptions& options;
  KeptState* kept = nullptr;  // this front-end's makeKeptState(), or null (a one-off scan)
  // A thread of the engine's is idle while this unit loads (an editor's edit loads one unit):
  // the front-end may hand part of the unit to it (runBeside), as long as the result is what
  // one thread would give.
  bool spareThread = false;
  // The least work worth handing over, in the front-end's terms (Terraform: the resources of
  // a root module); tests lower it. And how many parts were handed over (and kept).
  size_t spareThreadMinimum = 64;
  unsigned handedOver = 0;
  std::vector<Resource> resources;  // appended by loadUnit; ids are assigned when merged
  std::vector<Error> errors;
  // Files a front-end reads beyond the unit's own (module sources, variable files, .env,
  // module.json): what the unit's result depends on. Read them through load().
  std::vector<const SourceFile*> read;
  const SourceFile* load(const std::filesystem::path& path, LoadError* error) {
    // One check for every file a front-end reaches by reference: with symlinks followed, it
    // must be inside the project root, or nothing of it is read (a pull request's
    // `source = "../../../etc"` or a linked .env must not put another file's text in a report).
    if (!options.resolvedInsideRoots(store.keyOf(path))) {
      if (error) {
        error->path = path.generic_string();
        error->message = kOutsideRoot;
      }
      return nullptr;
    }
    const SourceFile* f = store.load(path, error);
    if (f) read.push_back(f);
    return f;
  }
  // Paths a front-end looked for (a module.json, a module file, a modules manifest) whether or
  // not they were there: a file that appears there later changes the unit's result too (the
  // engine's on-disk cache and its kept units check them), each with the answer it was given.
  // Ask through isFile().
  std::vector<std::pair<std::string, bool>> probed;
  bool isFile(const std::filesystem::path& path) {
    std::error_code ec;
    bool file = std::filesystem::is_regular_file(path, ec);
    probed.emplace_back(path.generic_string(), file);
    return file;
  }
};

// A kind of file a front-end reads, by its name.
struct FilePattern {
  // A glob (linter/core/Glob.h) matched at any depth: a file name ("*.tf", "config.toml") or
  // the end of a path ("aziot/**/*.toml"). Editors use "**/" + glob (editorGlob).
  std::string_view glob;
  // What starts a comment line in such a file ("#", "//"): where a suppression comment goes.
  std::string_view lineComment;
  // The name alone makes the file this front-end's input (Terraform's *.tf); otherwise its
  // content decides too (an ARM template is a *.json with a deployment-template $schema).
  bool byName = false;
  // A line may be inside a multi-line string (an HCL heredoc, a Bicep ''' string, a TOML or
  // YAML multi-line string), where a comment would change the string: a suppression comment
  // for a finding on such a line goes above the resource instead.
  bool multilineStrings = false;
};

class FrontEnd {
 public:
  virtual ~FrontEnd() = default;
  virtual std::string_view format() const = 0;  // "terraform", "bicep", "arm", "edge", "aziot"
  // What it reads, as a phrase for messages and the man page: "Bicep .bicep/.bicepparam".
  virtual std::string_view describe() const = 0;
  // The files it may read: every file accepts() takes matches one of these (checked by
  // tests/unit/engine/file_kinds_tests.cpp, which also checks the editor clients' lists).
  virtual std::vector<FilePattern> globs() const = 0;
  // Whether a file found while walking a directory (or named on the command line) is this
  // front-end's input. `head` is the first bytes of the file when available (may be empty).
  virtual bool accepts(const std::filesystem::path& path, std::string_view head) const = 0;
  // Files with equal unit keys are loaded together.
  virtual std::string unitKey(const std::filesystem::path& path) const { return path.generic_string(); }
  // Files that give a file named on the command line its context (the rest of its Terraform
  // module). They are loaded into the unit, but findings in them are not reported unless they
  // were named too. Pre-commit passes only the changed files, so this keeps verdicts the same
  // as a scan of the whole directory.
  virtual std::vector<std::filesystem::path> companions(const std::filesystem::path& path) const { return {}; }
  virtual void loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) = 0;
  // State to keep between loads (see KeptState), passed back in LoadContext::kept; null when
  // the front-end keeps nothing.
  virtual std::unique_ptr<KeptState> makeKeptState() const { return nullptr; }
  // Parses one file to its syntax tree and drops it: no evaluation, no resources. The floor
  // that benchmarks compare a full scan against. Returns false on a syntax error.
  virtual bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const = 0;
  // The editor that writes this front-end's syntax (fixes, suppression comments); null when
  // its files are not edited (Terraform plans are generated, not written).
  virtual const SourceEditor* editor() const { return nullptr; }
};

// Every built-in front-end, in the order they are asked to accept a file.
std::vector<std::unique_ptr<FrontEnd>> makeFrontEnds();

// The front-ends' describe() joined for a sentence: "A, B, or C" (conjunction "or" / "and").
std::string describeFileKinds(const std::vector<std::unique_ptr<FrontEnd>>& frontEnds,
                              std::string_view conjunction = "or");
// The built-in front-ends' describe(), joined with "or".
std::string describeFileKinds();
// Every built-in front-end's patterns, in front-end order, each glob once (the first wins).
std::vector<FilePattern> fileGlobs();
// A pattern as editors match it against a whole path: "**/" + glob.
std::string editorGlob(std::string_view glob);
// The first pattern `path` matches, or nothing when no front-end reads such a file.
std::optional<FilePattern> filePatternFor(const std::filesystem::path& path);
// The line-comment opener of the first pattern `path` matches ("#", "//"), or "" when no
// front-end reads such a file.
std::string_view lineCommentFor(const std::filesystem::path& path);
// The editor of the first built-in front-end of `format` that has one; null when none has.
const SourceEditor* sourceEditor(std::string_view format);

}  // namespace eg
