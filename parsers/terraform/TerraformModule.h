// The Terraform module model and expression evaluator.
//
// TerraformUnit is one front-end unit (one directory): it owns every ParsedFile it reads
// (the unit's own files and local module directories, each parsed once), the ModuleDefs
// built from them, and the ModuleInstances (root + one per module call). Evaluation is
// static: anything that needs a provider, a data source or plan-time state is Unknown.
// Single-threaded: a unit is evaluated by one worker.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/graph/Value.h"
#include "parsers/FrontEnd.h"
#include "parsers/terraform/HclSyntax.h"
#include "parsers/terraform/ProviderVersion.h"

namespace eg::terraform {

class TerraformUnit;

// The declarations of one module directory (all its .tf/.tf.json files).
struct ModuleDef {
  std::string dir;  // filesystem directory ("" for in-memory units)
  std::vector<const ParsedFile*> files;
  std::unordered_map<std::string, const Block*> variables, outputs, moduleCalls;
  std::unordered_map<std::string, const Attribute*> locals;
  std::unordered_map<std::string, const Block*> resources;  // "type.name"
  std::vector<const Block*> resourceOrder;                   // source order
  std::vector<const Block*> moduleOrder;
  std::optional<Version> azurermLowerBound;                  // from required_providers
  // Adds a file's declarations. A second resource, module, variable or output with the same
  // name is an error in Terraform ("Duplicate resource configuration"): it is reported in
  // `errors`; names resolve to the first declaration, but duplicate resources are still
  // emitted (in resourceOrder) so their own findings are not lost.
  void index(const ParsedFile& pf, std::vector<Error>& errors);
};

struct ModuleInstance {
  const ModuleDef* def = nullptr;
  ModuleInstance* parent = nullptr;
  std::string prefix;  // "" for the root, "module.net." for a child
  std::string callName;
  std::unordered_map<std::string, Value> vars;
  std::unordered_map<std::string, Value> localCache;
  // Resource addresses referenced by the expressions behind an input variable or a local, so
  // a reference through `var.x` / `local.x` still becomes an edge to the resource.
  std::unordered_map<std::string, std::vector<std::string>> varRefs, localRefs;
  std::set<std::string> busy;  // locals/resource attributes being evaluated (cycle guard)
  std::map<std::string, std::unique_ptr<ModuleInstance>> children;
  std::set<std::string> unresolvedChildren;  // module calls that are not local or failed to load
  std::optional<Version> azurermLowerBound;   // effective: own pin or any ancestor's
  int depth = 0;

  // This instance with what it has evaluated so far, for evaluation on another thread
  // (TerraformUnit::emitSplit): everything but its children (only a module that calls none is
  // split) and the cycle guard's current state.
  ModuleInstance evaluationCopy() const {
    ModuleInstance c;
    c.def = def;
    c.parent = parent;
    c.prefix = prefix;
    c.callName = callName;
    c.vars = vars;
    c.localCache = localCache;
    c.varRefs = varRefs;
    c.localRefs = localRefs;
    c.unresolvedChildren = unresolvedChildren;
    c.azurermLowerBound = azurermLowerBound;
    c.depth = depth;
    return c;
  }
};

struct Binding {
  std::string name;  // "count", "each", a for-expression or dynamic iterator name
  Value value;
};

class Evaluator {
 public:
  Evaluator(TerraformUnit& unit, ModuleInstance& module) : unit_(unit), mod_(module) {}
  // Evaluates an expression; the result's provenance is the expression's range.
  Value eval(const Expr& e);
  // Like eval, but `jsonencode(x)` yields x itself (azapi bodies keep their structure).
  Value evalUnwrappingJsonencode(const Expr& e);
  // Evaluates a block body to a raw object: attributes by name, nested blocks as arrays of
  // objects (dynamic blocks expanded), meta-arguments dropped.
  Value evalBody(const Block& b);

  std::vector<Binding> bindings;            // innermost last
  std::vector<std::string>* references = nullptr;  // resource addresses seen, when set

 private:
  TerraformUnit& unit_;
  ModuleInstance& mod_;

  Value node(const ExprSource& s, TSNode n);
  Value json(const Value& v, const ExprSource& s);
  Value term(const ExprSource& s, const std::vector<TSNode>& kids, size_t begin, size_t end);
  Value primary(const ExprSource& s, TSNode n);
  Value traversal(const ExprSource& s, const std::vector<TSNode>& kids, size_t& i, size_t end);
  Value compiled(const ExprSource& s, const CompiledExpr& c);
  Value finished(Value v, FileId file, ByteRange at);
  Value templ(const ExprSource& s, TSNode n, bool heredoc);
  Value templText(const ExprSource& s, const std::vector<TemplateItem>& items, uint32_t litBegin, uint32_t litEnd, bool heredoc,
                  bool strip, const std::vector<CompiledExpr>* inner);
  void templParts(const ExprSource& s, const std::vector<TemplateItem>& items, const std::vector<CompiledExpr>* inner,
                  uint32_t litBegin, uint32_t litEnd, bool heredoc, std::string& out, Value& single, int& pieces,
                  std::optional<Value>& unknown, std::vector<StringPart>* holes = nullptr);
  Value collection(const ExprSource& s, TSNode n);
  Value forExpr(const ExprSource& s, TSNode n);
  Value call(const ExprSource& s, TSNode n);
  template <class Arg>
  Value invoke(std::string_view name, size_t count, bool expand, Arg&& arg, FileId file, ByteRange at);
  Value operation(const ExprSource& s, TSNode n);
  Value conditional(const ExprSource& s, TSNode n);
  Value applyPostfix(const ExprSource& s, Value v, TSNode post);
  Value attribute(Value v, std::string_view name, FileId file, ByteRange at);
  Value indexed(Value v, const Value& key, FileId file, ByteRange at);
  const Value* binding(std::string_view name) const;
  Value resolveRoot(std::string_view root, const std::vector<std::string>& names, ByteRange at, size_t& consumed);
  void addBody(const Block& b, Value& out, int depth);
  size_t dynamicInstances_ = 0;  // expanded by the evalBody under way (nested dynamic blocks multiply)
};

// Bindings for one representative instance of a resource or module call with count or
// for_each; `skip` is set when the meta-argument is known to create no instance.
std::vector<Binding> representativeBindings(Evaluator& ev, const Block& b, bool& skip);

// Built-in functions over already evaluated arguments (try/can are handled by the evaluator).
// Unknown arguments or unsupported functions give Unknown, never an error.
Value callFunction(std::string_view name, std::vector<Value>& args);
// Terraform's string conversion of a primitive; false when `v` is not a primitive.
bool toTfString(const Value& v, std::string& out);
// HCL quoted-string escapes (\n, \", \uXXXX, $${, %%{).
std::string unescapeQuoted(std::string_view raw);

// One front-end unit: parses, indexes and evaluates a directory and its local modules.
class TerraformUnit {
 public:
  TerraformUnit(LoadContext& ctx) : ctx_(ctx) {}
  void run(const std::vector<const SourceFile*>& files);

  // --- used by Evaluator
  ModuleInstance* child(ModuleInstance& m, const std::string& name);
  Value resourceAttribute(ModuleInstance& m, const Block& res, std::string_view attr, ByteRange at);
  Value output(ModuleInstance& m, std::string_view name, ByteRange at);
  Value local(ModuleInstance& m, const std::string& name, ByteRange at);
  const Expr* jsonTemplate(const Value& v, const ExprSource& s);
  Expr parseScratch(std::string text);
  LoadContext& ctx() { return ctx_; }

 private:
  LoadContext& ctx_;
  std::vector<std::shared_ptr<const ParsedFile>> parsed_;
  std::unordered_map<std::string, const ParsedFile*> parsedByPath_;
  std::vector<std::unique_ptr<ModuleDef>> defs_;
  std::unordered_map<std::string, ModuleDef*> defsByDir_;
  std::vector<std::string> loadingDirs_;  // module call stack, for cycle detection
  // `.terraform/modules/modules.json` of the root module (written by `terraform init`): module
  // key ("hub", "hub.child") -> directory, relative to the root module's directory.
  std::optional<std::map<std::string, std::string>> installed_;
  const std::map<std::string, std::string>& installedModules();
  std::unique_ptr<ParsedFile> scratch_ = std::make_unique<ParsedFile>();
  std::unordered_map<const Value*, Expr> jsonTemplates_;
  std::unique_ptr<ModuleInstance> root_;
  // Resources that modify another one (azapi_update_resource, azurerm_iothub_shared_access_policy),
  // applied once every resource of the unit is mapped.
  struct PendingMerge {
    std::string target;  // address of the target resource
    std::string path;    // "" = deep-merge into attributes; else append to this array path
    Value value;
    std::optional<Resource> standalone;  // emitted when the target is not in the unit
  };
  std::vector<PendingMerge> merges_;
  size_t firstResource_ = 0;
  // Where emitResource puts resources: ctx_.resources, or a half's own list (emitSplit).
  std::vector<Resource>* sink_ = nullptr;
  std::vector<Resource>& sink() { return sink_ ? *sink_ : ctx_.resources; }
  // A cycle guard answered "refers to itself": what was cached first decided a value, so
  // evaluating in another order could give another one.
  bool orderDependent_ = false;

  void computePin(ModuleInstance& m);
  void emitResource(ModuleInstance& m, const Block& b);
  bool emitSplit(ModuleInstance& m);
  void applyMerges();

  const ParsedFile* parse(const SourceFile& f);
  ModuleDef* loadModuleDir(const std::string& dir, const Block& call, const SourceFile* callerFile);
  void bindRootVariables(ModuleInstance& root, const std::vector<const SourceFile*>& files, const std::string& dir);
  void bindVariableDefaults(ModuleInstance& m);
  void applyVarFile(ModuleInstance& m, const ParsedFile& pf);
  void emit(ModuleInstance& m);
  void emitDeclarations(ModuleInstance& m, std::string_view blockType);
  void emitUnresolvedModule(ModuleInstance& m, const Block& call);
  friend class Evaluator;
};

}  // namespace eg::terraform
