// BicepEvaluator: one Bicep template (with bound parameter values) turned into Resources.
// Parameters, variables and user functions resolve lazily (memoized, cycles -> Unknown);
// resources (nested children, `parent:`, `existing`, loops, conditions) are emitted in source
// order with their bodies evaluated into the ARM shape; local modules are followed with their
// params bound (addresses `module.<symbol>.<resource>`), registry modules are left unresolved.
// Pure functions are evaluated (BicepFunctions.cpp); anything environment-dependent is Unknown.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "parsers/FrontEnd.h"
#include "parsers/bicep/BicepSyntax.h"

namespace eg::bicep {

// A parsed file, kept for the whole unit (modules and param files are parsed once).
struct ParsedFile {
  const SourceFile* file = nullptr;
  SyntaxTree tree;
  bool hasErrors() const { return !tree.errors.empty(); }
};

using ParamValues = std::map<std::string, Value>;

// Parses and caches files of one unit; reports each file's syntax errors once.
class UnitFiles {
 public:
  explicit UnitFiles(LoadContext& ctx) : ctx_(ctx) {}
  const ParsedFile& get(const SourceFile& f);
  // Loads from disk (relative paths against `from`'s folder); nullptr when it cannot be read.
  const SourceFile* load(const std::filesystem::path& p, std::string* why);
  LoadContext& ctx() { return ctx_; }
  // Local module instances emitted so far in the unit: a module that calls two modules that
  // each call two others, 30 levels deep, is a 6 KB file of 2^30 instances.
  size_t moduleInstances = 0;

 private:
  LoadContext& ctx_;
  std::unordered_map<FileId, std::unique_ptr<ParsedFile>> parsed_;
};

void reportSyntaxErrors(const ParsedFile& pf, std::vector<Error>& out);

// Evaluates a .bicepparam file (and what it `extends`) into parameter values.
ParamValues evaluateParamFile(UnitFiles& files, const ParsedFile& pf, int depth = 0);
// Emits the resources of a template, with `values` bound to its parameters.
void emitTemplate(UnitFiles& files, const ParsedFile& pf, const ParamValues& values);

// Evaluates a standalone expression text (tests): params/vars of `context` are visible.
Value evaluateExpressionForTest(std::string_view bicepFile, std::string_view expr, const ParamValues& values = {});

}  // namespace eg::bicep
