// FrontEnd: the interface every input format implements. A front-end turns source files
// into normalized Resources (ARM shape or IoTEdge/* kinds) and Errors; nothing it parses
// with (tree-sitter nodes, JSON DOMs, TOML tables) leaves parsers/.
//
// Files are grouped into independent units (Terraform: one directory = one module;
// JSON formats: one file each). Units are loaded in parallel, each with its own
// LoadContext, so loadUnit must not touch shared mutable state except the SourceStore
// (which is thread-safe).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/ProjectRoot.h"
#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"

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
};

struct LoadContext {
  LoadContext(SourceStore& s, const FrontEndOptions& o) : store(s), options(o) {}
  SourceStore& store;
  const FrontEndOptions& options;
  std::vector<Resource> resources;  // appended by loadUnit; ids are assigned when merged
  std::vector<Error> errors;
  // Files a front-end reads beyond the unit's own (module sources, variable files, .env,
  // module.json): what the unit's result depends on. Read them through load().
  std::vector<const SourceFile*> read;
  const SourceFile* load(const std::filesystem::path& path, LoadError* error) {
    // One check for every file a front-end reaches by reference: with symlinks followed, it
    // must be inside the project root, or nothing of it is read (a pull request's
    // `source = "../../../etc"` or a linked .env must not put another file's text in a report).
    if (!options.insideRoots(path)) {
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
};

class FrontEnd {
 public:
  virtual ~FrontEnd() = default;
  virtual std::string_view format() const = 0;  // "terraform", "bicep", "arm", "edge", "aziot"
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
  // Parses one file to its syntax tree and drops it: no evaluation, no resources. The floor
  // that benchmarks compare a full scan against. Returns false on a syntax error.
  virtual bool parseOnly(const SourceFile& file, std::vector<Error>& errors) const = 0;
};

// Every built-in front-end, in the order they are asked to accept a file.
std::vector<std::unique_ptr<FrontEnd>> makeFrontEnds();

// The documents open in an editor (canonical paths, canonicalKey): front-ends that parse
// incrementally keep their syntax trees (today Terraform's, parsers/terraform/SyntaxTrees.h), so
// an edit re-parses only the changed region; trees of other files are dropped. Empty (the CLI):
// nothing is kept.
void keepSyntaxTreesFor(std::vector<std::string> canonicalPaths);

}  // namespace eg
