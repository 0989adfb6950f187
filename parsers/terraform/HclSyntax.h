// HclSyntax: one Terraform file (.tf/.tfvars through tree-sitter HCL, .tf.json/.tfvars.json
// through JsonReader) as a light block/attribute tree. Expressions stay unevaluated: an Expr
// is a handle to a tree-sitter node or a JSON value, evaluated later by Evaluator.
// A ParsedFile owns its tree-sitter tree and JSON document; Blocks/Exprs point into them, so a
// ParsedFile must outlive everything taken from it (TerraformUnit keeps them in unique_ptrs).
// Not thread-safe per file; distinct files may be parsed concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"
#include "linter/graph/Value.h"

namespace eg::terraform {

// Where an expression's text lives. `delta` maps offsets in `text` to offsets in the file
// (non-zero for templates embedded in .tf.json strings, which are parsed from a copy).
struct ExprSource {
  std::string_view text;
  FileId file = kNoFile;
  int64_t delta = 0;
  ByteRange range(TSNode n) const {
    return ByteRange{static_cast<uint32_t>(ts_node_start_byte(n) + delta), static_cast<uint32_t>(ts_node_end_byte(n) + delta)};
  }
  std::string_view slice(TSNode n) const {
    return text.substr(ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
  }
};

struct CompiledExpr;

struct Expr {
  const ExprSource* src = nullptr;
  TSNode node{};              // an HCL `expression` node (when json == nullptr)
  const Value* json = nullptr; // a .tf.json value
  // `node` read once when its file was converted (see CompiledExpr; null for other forms):
  // evaluating a kept file again does not walk the syntax tree for it.
  const CompiledExpr* compiled = nullptr;
  // `node`'s range, when taken at conversion: reading it from the node touches the kept tree's
  // memory (cache misses that were a tenth of a kept module's evaluation).
  ByteRange span{};
  bool valid() const { return src != nullptr; }
  ByteRange range() const;
};

// The common expression forms, read once from the syntax tree (compileExpression, in
// Evaluator.cpp, which evaluates them exactly as it evaluates the nodes they came from):
// - a traversal `root.name[literal].name`: the root, then attribute names and literal indexes;
// - a quoted template "text ${expression} text": its children in order;
// - a tuple `[a, b]`, an object `{k = v}` and a function call `f(a, b...)`;
// their parts compiled in turn: one of these forms, a literal, or (any other form, or nested
// deeper than a few levels) the syntax node itself, which the evaluator walks.
struct TraversalStep {
  bool index = false;  // `[key]` with a literal key; else `.name`
  std::string name;    // `.name`
  Value key;           // `[key]`
  ByteRange range;     // the step (file offsets), for the reasons of unknown values
};
struct TemplateItem {
  enum class Kind : uint8_t { Text, Interpolation, Directive };
  Kind kind = Kind::Text;
  uint32_t start = 0, end = 0;  // the child's offsets in its ExprSource's text
  TSNode node{};                // Interpolation: its expression (null when it has none); Directive: the directive
  int compiled = -1;            // Interpolation: its expression in CompiledExpr::inner, when compiled
};
struct ObjectMember {
  std::string key;     // a bare identifier key
  int keyExpr = -1;    // else the key expression, in CompiledExpr::inner
  int value = -1;      // in CompiledExpr::inner
  ByteRange keyRange;  // the key expression (file offsets)
};
struct CompiledExpr {
  enum class Kind : uint8_t { Traversal, Template, Tuple, Object, Call, Literal, Tree };
  Kind kind = Kind::Tree;
  TSNode node{};    // the `expression` node
  ByteRange range;  // of `node` (file offsets)
  // Traversal
  std::string root;
  ByteRange at;                    // root and steps (file offsets)
  std::vector<std::string> names;  // as Evaluator::resolveRoot takes them ("[]" for an index)
  std::vector<TraversalStep> steps;
  // Template
  uint32_t litBegin = 0, litEnd = 0;  // text offsets between the quotes
  std::vector<TemplateItem> items;
  // Object
  std::vector<ObjectMember> members;
  // Call
  std::string function;
  bool expand = false;  // the last argument is followed by `...`
  ByteRange callRange;  // the function_call node (file offsets)
  // Literal
  Value literal;
  // Template interpolations, tuple elements, object keys and values, call arguments.
  std::vector<CompiledExpr> inner;
};

struct Attribute {
  std::string name;
  ByteRange nameRange;
  Expr expr;
  // The value of `expr` when it is a single literal (literalExpression): set when the file is
  // converted, so evaluating a kept file again does not walk its syntax tree for it.
  std::optional<Value> literal;
};

struct Block {
  std::string type;
  std::vector<std::string> labels;
  FileId file = kNoFile;
  ByteRange range;      // whole block
  ByteRange header;     // first line of the block (up to and including '{' when on that line)
  ByteRange typeRange;  // the block type keyword
  std::vector<Attribute> attributes;
  std::vector<Block> blocks;
  const Attribute* attr(std::string_view name) const;
  const Block* block(std::string_view type) const;
};

struct ParseLimits {
  double timeBudgetSeconds = 5.0;
  uint32_t maxErrorsPerFile = 5;
  uint32_t maxDepth = 256;  // block/expression nesting handled by the converter and evaluator
};

class ParsedFile {
 public:
  ParsedFile() = default;
  ~ParsedFile();
  ParsedFile(const ParsedFile&) = delete;
  ParsedFile& operator=(const ParsedFile&) = delete;

  const SourceFile* file = nullptr;
  Block body;  // type "" ; top-level attributes (tfvars) and blocks
  bool json = false;

  // Parses `file` by its name (.json suffix = JSON syntax). Appends EG901 errors for syntax
  // errors; whatever parsed cleanly outside error nodes is still in `body`.
  static std::unique_ptr<ParsedFile> parse(const SourceFile& file, std::vector<Error>& errors,
                                           const ParseLimits& limits = {});
  // parse(), or the result of an earlier parse of the same file version when the Workspace
  // keeps the file's module (SyntaxTreeScope): an edit converts only the edited file again.
  static std::shared_ptr<const ParsedFile> parseKept(const SourceFile& file, std::vector<Error>& errors);
  // Parses a string as one HCL expression (used for --var values and .tf.json templates).
  // Returns an invalid Expr when it does not parse. `delta` maps offsets back to `fileId`.
  Expr parseExpression(std::string text, FileId fileId, int64_t delta);

 private:
  std::vector<TSTree*> trees_;
  std::vector<std::unique_ptr<std::string>> texts_;
  std::vector<std::unique_ptr<ExprSource>> sources_;
  std::vector<std::unique_ptr<CompiledExpr>> compiled_;
  std::unique_ptr<Value> jsonRoot_;
  friend struct HclConverter;
  friend struct JsonConverter;
};

// Node helpers shared with the evaluator.
std::string_view nodeType(TSNode n);
// The children of `n` in order (named ones only when `namedOnly`), read with a tree cursor:
// ts_node_child(n, i) walks from the first child, so index loops over it are quadratic.
std::vector<TSNode> childrenOf(TSNode n, bool namedOnly = false);
// The value Evaluator::eval gives an `expression` node that is one literal (a number, bool,
// null, or a quoted string without interpolation), with the expression's range as provenance;
// nothing for any other expression. Defined with the evaluator (Evaluator.cpp).
std::optional<Value> literalExpression(const ExprSource& s, TSNode expression);
// `expression` as a CompiledExpr when it is a traversal, a quoted template, a tuple, an object
// or a function call (see above); nothing for any other form (literals included). Defined with the evaluator (Evaluator.cpp).
std::optional<CompiledExpr> compileExpression(const ExprSource& s, TSNode expression);
// The HCL language (tree-sitter entry point).
const TSLanguage* hclLanguage();

}  // namespace eg::terraform
