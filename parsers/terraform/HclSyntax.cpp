// Converts tree-sitter HCL trees and Terraform JSON documents into the Block tree of
// HclSyntax.h, and turns syntax errors into EG901 errors with a readable message.
#include "parsers/terraform/HclSyntax.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <functional>
#include <set>
#include <unordered_map>

#include "linter/core/Budget.h"
#include "parsers/json/JsonReader.h"
#include "parsers/terraform/SyntaxTrees.h"

extern "C" const TSLanguage* tree_sitter_hcl();

namespace eg::terraform {

const TSLanguage* hclLanguage() { return tree_sitter_hcl(); }

namespace {

// Every symbol's name, with its length: nodeType is asked for each node an evaluation visits.
const std::vector<std::string_view>& symbolNames() {
  static const std::vector<std::string_view> names = [] {
    const TSLanguage* language = hclLanguage();
    std::vector<std::string_view> out(ts_language_symbol_count(language));
    for (size_t i = 0; i < out.size(); ++i) {
      const char* name = ts_language_symbol_name(language, static_cast<TSSymbol>(i));
      out[i] = name ? std::string_view(name) : std::string_view();
    }
    return out;
  }();
  return names;
}

}  // namespace

std::string_view nodeType(TSNode n) {
  const std::vector<std::string_view>& names = symbolNames();
  TSSymbol symbol = ts_node_symbol(n);
  return symbol < names.size() ? names[symbol] : std::string_view(ts_node_type(n));
}

std::vector<TSNode> childrenOf(TSNode n, bool namedOnly) {
  std::vector<TSNode> out;
  if (ts_node_is_null(n)) return out;
  // One cursor per thread, reset to each node (a new one allocates its stack each time).
  struct Cursor {
    TSTreeCursor c;
    explicit Cursor(TSNode at) : c(ts_tree_cursor_new(at)) {}
    ~Cursor() { ts_tree_cursor_delete(&c); }
  };
  thread_local Cursor cursor(n);
  TSTreeCursor& c = cursor.c;
  ts_tree_cursor_reset(&c, n);
  if (ts_tree_cursor_goto_first_child(&c)) {
    out.reserve(4);
    do {
      TSNode k = ts_tree_cursor_current_node(&c);
      if (!namedOnly || ts_node_is_named(k)) out.push_back(k);
    } while (ts_tree_cursor_goto_next_sibling(&c));
  }
  return out;
}

ByteRange Expr::range() const {
  if (json) return json->prov.value;
  if (!src) return {};
  if (span.end != 0) return span;  // an expression is never empty
  return src->range(node);
}

const Attribute* Block::attr(std::string_view name) const {
  for (const Attribute& a : attributes) if (a.name == name) return &a;
  return nullptr;
}

const Block* Block::block(std::string_view t) const {
  for (const Block& b : blocks) if (b.type == t) return &b;
  return nullptr;
}

ParsedFile::~ParsedFile() {
  for (TSTree* t : trees_) ts_tree_delete(t);
}

namespace {

struct ParseBudget {
  std::chrono::steady_clock::time_point deadline;
  bool expired = false;
};

bool progressCallback(TSParseState* state) {
  auto* budget = static_cast<ParseBudget*>(state->payload);
  if (budgetExceeded()) return true;  // the unit's budget (eg::ParseBudget): cancel, then report
  if (std::chrono::steady_clock::now() > budget->deadline) {
    budget->expired = true;
    return true;  // cancel
  }
  return false;
}

// tree-sitter allocates with malloc: route it through the per-thread allocation count so
// the unit's memory budget sees it (Budget.h). Sizes come from malloc_usable_size.
void* countedMalloc(size_t n) {
  void* p = std::malloc(n);
  if (p) countAllocation(static_cast<int64_t>(malloc_usable_size(p)));
  return p;
}
void* countedCalloc(size_t n, size_t size) {
  void* p = std::calloc(n, size);
  if (p) countAllocation(static_cast<int64_t>(malloc_usable_size(p)));
  return p;
}
void* countedRealloc(void* old, size_t n) {
  size_t before = old ? malloc_usable_size(old) : 0;
  void* p = std::realloc(old, n);
  if (p) countAllocation(static_cast<int64_t>(malloc_usable_size(p)) - static_cast<int64_t>(before));
  return p;
}
void countedFree(void* p) {
  if (p) countAllocation(-static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}

// The trees kept by keepSyntaxTreesFor, with the text each was parsed from.
class TreeCache final : public KeptState {
 public:
  ~TreeCache() override {
    for (auto& [key, e] : entries_) ts_tree_delete(e.tree);
  }
  void keepFor(std::vector<std::string> paths) override {
    std::lock_guard<std::mutex> lock(mu_);
    wanted_.clear();
    for (std::string& p : paths) wanted_.insert(directoryOf(p));
    std::erase_if(entries_, [&](auto& e) {
      if (isWanted(e.first)) return false;
      ts_tree_delete(e.second.tree);
      return true;
    });
    std::erase_if(parsed_, [&](auto& e) { return !isWanted(e.first); });
  }
  // The canonical key of `path` when its tree is to be kept, else "".
  std::string keyFor(const std::string& path) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (wanted_.empty()) return {};
      if (auto it = keys_.find(path); it != keys_.end()) return isWanted(it->second) ? it->second : std::string();
    }
    std::string key = canonicalKey(path);
    std::lock_guard<std::mutex> lock(mu_);
    if (keys_.size() > 100000) keys_.clear();
    keys_.emplace(path, key);
    return isWanted(key) ? key : std::string();
  }
  // The file parsed before from the same text (and file id), with the errors its parse gave.
  std::shared_ptr<const ParsedFile> parsed(const std::string& key, const SourceFile& file, std::vector<Error>& errors) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = parsed_.find(key);
    // The very file (a store started over may give another file the same id and text; the
    // kept form points at the file it was parsed from).
    if (it == parsed_.end() || it->second.file->file != &file || it->second.id != file.id() ||
        it->second.text != file.text()) {
      return nullptr;
    }
    errors.insert(errors.end(), it->second.errors.begin(), it->second.errors.end());
    return it->second.file;
  }
  void keepParsed(const std::string& key, const SourceFile& file, std::shared_ptr<const ParsedFile> pf,
                  std::vector<Error> errors) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!isWanted(key)) return;
    parsed_[key] = Parsed{file.id(), file.text(), std::move(pf), std::move(errors)};
  }
  // A copy of the kept tree of `key`, edited to `text`; null when there is none. *same says
  // whether the text is unchanged (then the tree is complete as it is).
  TSTree* edited(const std::string& key, std::string_view text, bool* same) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    std::string_view old = it->second.text;
    TSTree* tree = ts_tree_copy(it->second.tree);
    *same = old == text;
    if (*same) return tree;
    // One changed region: the common prefix and suffix stay.
    size_t limit = std::min(old.size(), text.size());
    size_t prefix = std::mismatch(old.begin(), old.begin() + static_cast<std::ptrdiff_t>(limit), text.begin()).first - old.begin();
    size_t suffix = 0;
    while (suffix < limit - prefix && old[old.size() - 1 - suffix] == text[text.size() - 1 - suffix]) ++suffix;
    auto point = [](std::string_view t, size_t offset) {
      std::string_view head = t.substr(0, offset);
      size_t rows = static_cast<size_t>(std::count(head.begin(), head.end(), '\n'));
      size_t lineStart = rows ? head.rfind('\n') + 1 : 0;
      return TSPoint{static_cast<uint32_t>(rows), static_cast<uint32_t>(offset - lineStart)};
    };
    TSInputEdit edit{};
    edit.start_byte = static_cast<uint32_t>(prefix);
    edit.old_end_byte = static_cast<uint32_t>(old.size() - suffix);
    edit.new_end_byte = static_cast<uint32_t>(text.size() - suffix);
    edit.start_point = point(old, prefix);
    edit.old_end_point = point(old, old.size() - suffix);
    edit.new_end_point = point(text, text.size() - suffix);
    ts_tree_edit(tree, &edit);
    return tree;
  }
  size_t size() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.size();
  }
  void store(const std::string& key, std::string_view text, const TSTree* tree) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!isWanted(key)) return;
    auto [it, fresh] = entries_.try_emplace(key);
    if (!fresh) ts_tree_delete(it->second.tree);
    it->second.text.assign(text);
    it->second.tree = ts_tree_copy(tree);
  }

 private:
  struct Entry {
    std::string text;
    TSTree* tree = nullptr;
  };
  static std::string directoryOf(std::string_view key) {
    size_t slash = key.rfind('/');
    return std::string(slash == std::string_view::npos ? std::string_view() : key.substr(0, slash));
  }
  // Kept: the trees of files in the directories of the named files (a Terraform module is its
  // directory: an edit re-parses the module, and its other files are unchanged).
  bool isWanted(const std::string& key) const { return wanted_.count(directoryOf(key)) > 0; }
  struct Parsed {
    FileId id = kNoFile;
    std::string text;
    std::shared_ptr<const ParsedFile> file;
    std::vector<Error> errors;
  };
  mutable std::mutex mu_;
  std::set<std::string> wanted_;  // directories
  std::unordered_map<std::string, Parsed> parsed_;      // by canonical path: converted files
  std::unordered_map<std::string, std::string> keys_;  // path -> canonical path
  std::unordered_map<std::string, Entry> entries_;
};

// The cache of the unit loading on this thread (SyntaxTreeScope), or null.
thread_local TreeCache* currentTrees = nullptr;

TSTree* parseHcl(std::string_view text, double seconds, bool* timedOut, const std::string& cacheKey = {}) {
  static std::once_flag allocator;
  std::call_once(allocator, [] { ts_set_allocator(countedMalloc, countedCalloc, countedRealloc, countedFree); });
  TSParser* parser = ts_parser_new();
  ts_parser_set_language(parser, hclLanguage());
  ParseBudget budget{std::chrono::steady_clock::now() +
                         std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)),
                     false};
  TSParseOptions options{};
  options.payload = &budget;
  options.progress_callback = progressCallback;
  TSInput input{};
  struct Payload { std::string_view text; } payload{text};
  input.payload = &payload;
  input.encoding = TSInputEncodingUTF8;
  input.read = [](void* p, uint32_t byte, TSPoint, uint32_t* bytesRead) -> const char* {
    auto* pl = static_cast<Payload*>(p);
    if (byte >= pl->text.size()) { *bytesRead = 0; return ""; }
    *bytesRead = static_cast<uint32_t>(pl->text.size() - byte);
    return pl->text.data() + byte;
  };
  bool same = false;
  TreeCache* trees = cacheKey.empty() ? nullptr : currentTrees;
  TSTree* previous = trees ? trees->edited(cacheKey, text, &same) : nullptr;
  if (same) {
    ts_parser_delete(parser);
    *timedOut = false;
    return previous;
  }
  TSTree* tree = ts_parser_parse_with_options(parser, previous, input, options);
  ts_parser_delete(parser);
  if (previous) ts_tree_delete(previous);
  if (tree && trees) trees->store(cacheKey, text, tree);
  *timedOut = budget.expired;
  return tree;
}

// Text between a string_lit's quote tokens (template_literal drops edge spaces).
std::string_view stringLitContent(TSNode n, std::string_view text) {
  uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
  uint32_t cnt = ts_node_child_count(n);
  if (cnt >= 2) {
    b = ts_node_end_byte(ts_node_child(n, 0));
    e = ts_node_start_byte(ts_node_child(n, cnt - 1));
  }
  return text.substr(b, e - b);
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string describeToken(std::string_view t) {
  if (t.empty()) return "end of file";
  if (t.size() > 24) t = t.substr(0, 24);
  size_t nl = t.find('\n');
  if (nl != std::string_view::npos) t = t.substr(0, nl);
  return "'" + std::string(t) + "'";
}

// Turns the first ERROR/MISSING nodes into user-facing errors. Iterative walk (no recursion)
// so deeply nested input cannot overflow the stack.
// The deepest syntax node, found iteratively (a cursor walk, no recursion). Returns false and
// the first node deeper than `limit` when there is one. The converter and the evaluator recurse
// over the tree, so a file nested deeper than that is reported instead of converted.
bool withinNesting(TSTree* tree, uint32_t limit, TSNode* deepest) {
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(tree));
  uint32_t depth = 0;
  bool ok = true;
  for (;;) {
    if (depth > limit) {
      *deepest = ts_tree_cursor_current_node(&cur);
      ok = false;
      break;
    }
    if (ts_tree_cursor_goto_first_child(&cur)) {
      ++depth;
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cur)) {
      if (!ts_tree_cursor_goto_parent(&cur)) {
        ts_tree_cursor_delete(&cur);
        return true;
      }
      --depth;
    }
  }
  ts_tree_cursor_delete(&cur);
  return ok;
}

void collectSyntaxErrors(TSTree* tree, const SourceFile& file, std::vector<Error>& errors, uint32_t maxErrors) {
  TSNode root = ts_tree_root_node(tree);
  if (!ts_node_has_error(root)) return;
  std::string_view text = file.text();
  uint32_t count = 0;
  TSTreeCursor cur = ts_tree_cursor_new(root);
  bool descend = true;
  while (count < maxErrors) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    bool isErr = ts_node_is_error(n) || ts_node_is_missing(n);
    if (isErr) {
      Error e;
      e.path = file.path();
      e.file = file.id();
      e.code = kInputErrorCode;
      uint32_t b = ts_node_start_byte(n), en = ts_node_end_byte(n);
      if (ts_node_is_missing(n)) {
        std::string what = ts_node_type(n);
        TSNode prev = ts_node_prev_sibling(n);
        if (what == "=" && !ts_node_is_null(prev) && nodeType(prev) == "identifier")
          e.message = "missing '=' after attribute name '" + std::string(text.substr(ts_node_start_byte(prev), ts_node_end_byte(prev) - ts_node_start_byte(prev))) + "'";
        else if (what == "quoted_template_end") {
          e.message = "unterminated string (missing closing '\"')";
          TSNode parent = ts_node_parent(n);  // point at the opening quote
          if (!ts_node_is_null(parent)) b = ts_node_start_byte(parent);
        }
        else if (what == "block_end" || what == "object_end")
          e.message = "missing '}'";
        else if (what == "tuple_end")
          e.message = "missing ']'";
        else if (what == "block_start" || what == "object_start")
          e.message = "missing '{'";
        else if (what == "identifier")
          e.message = "missing a name";
        else
          e.message = "missing '" + what + "'";
        e.range = ByteRange{b, b};
      } else {
        // `name value` inside a body: an attribute whose '=' is missing.
        bool done = false;
        std::vector<TSNode> kids = childrenOf(n);
        for (size_t i = 0; i + 1 < kids.size() && !done; ++i) {
          TSNode id = kids[i], next = kids[i + 1];
          if (nodeType(id) != "identifier") continue;
          std::string_view prevType = i == 0 ? std::string_view("block_start") : nodeType(kids[i - 1]);
          bool atStatement = prevType == "block_start" || prevType == "attribute" || prevType == "block";
          std::string_view nt = nodeType(next);
          if (!atStatement || nt == "=" || nt == "string_lit" || nt == "identifier" || nt == "block_start" || nt == "{") continue;
          uint32_t ib = ts_node_start_byte(id), ie = ts_node_end_byte(id);
          e.message = "missing '=' after attribute name '" + std::string(text.substr(ib, ie - ib)) + "'";
          e.range = ByteRange{ts_node_start_byte(next), std::max(ts_node_end_byte(next), ts_node_start_byte(next))};
          done = true;
        }
        if (done) {
          errors.push_back(std::move(e));
          ++count;
          descend = false;
          goto advance;
        }
        {
        // The first leaf inside the ERROR node is what the parser could not place.
        TSNode leaf = n;
        while (ts_node_child_count(leaf) > 0) leaf = ts_node_child(leaf, 0);
        uint32_t lb = ts_node_start_byte(leaf), le = ts_node_end_byte(leaf);
        std::string_view tok = text.substr(lb, le - lb);
        std::string_view errText = text.substr(b, en - b);
        std::string lt = ts_node_type(leaf);
        if (lt == "quoted_template_start" && errText.find('"', 1) == std::string_view::npos)
          e.message = "unterminated string";
        else if (lt == "heredoc_identifier" || lt == "heredoc_start")
          e.message = "unterminated heredoc";
        else if (tok == "/*" || errText.substr(0, 2) == "/*")
          e.message = "unterminated comment";
        else if (lt == "identifier" && trimRight(errText).size() > tok.size() && trimRight(errText).back() == '=') {
          // `name =` followed by a newline or '}': the value is missing.
          uint32_t eq = b + static_cast<uint32_t>(trimRight(errText).size()) - 1;
          e.message = "expected a value after '=' for attribute '" + std::string(tok) + "'";
          lb = eq;
          le = eq + 1;
        }
        else
          e.message = "unexpected " + describeToken(tok.empty() ? errText : tok);
        e.range = ByteRange{lb, le > lb ? le : std::min<uint32_t>(lb + 1, static_cast<uint32_t>(text.size()))};
        if (e.range.end < e.range.begin) e.range.end = e.range.begin;
        }
      }
      errors.push_back(std::move(e));
      ++count;
      descend = false;  // one message per error node
    }
    if (descend && ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&cur)) continue;
  advance:
    descend = true;
    bool moved = false;
    while (!moved) {
      if (ts_tree_cursor_goto_next_sibling(&cur)) { moved = true; break; }
      if (!ts_tree_cursor_goto_parent(&cur)) break;
    }
    if (!moved) break;
  }
  ts_tree_cursor_delete(&cur);
}

}  // namespace

std::unique_ptr<KeptState> makeSyntaxTreeCache() { return std::make_unique<TreeCache>(); }

std::shared_ptr<const ParsedFile> ParsedFile::parseKept(const SourceFile& file, std::vector<Error>& errors) {
  std::string key = currentTrees ? currentTrees->keyFor(file.path()) : std::string();
  if (!key.empty()) {
    if (std::shared_ptr<const ParsedFile> kept = currentTrees->parsed(key, file, errors)) return kept;
  }
  std::vector<Error> own;
  std::shared_ptr<const ParsedFile> pf = parse(file, own);
  if (!key.empty()) currentTrees->keepParsed(key, file, pf, own);
  errors.insert(errors.end(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
  return pf;
}

SyntaxTreeScope::SyntaxTreeScope(KeptState* kept) : previous_(currentTrees) {
  currentTrees = dynamic_cast<TreeCache*>(kept);
}
SyntaxTreeScope::~SyntaxTreeScope() { currentTrees = static_cast<TreeCache*>(previous_); }

struct HclConverter {
  ParsedFile& pf;
  const ExprSource* src;
  std::vector<Error>& errors;
  const ParseLimits& limits;
  std::string_view text;
  bool depthReported = false;

  ByteRange range(TSNode n) const { return src->range(n); }
  std::string_view slice(TSNode n) const { return src->slice(n); }

  void body(TSNode bodyNode, Block& out, uint32_t depth) {
    if (depth > limits.maxDepth) {
      if (!depthReported) {
        Error e{pf.file->path(), pf.file->id(), range(bodyNode), 0, 0,
                "blocks are nested deeper than " + std::to_string(limits.maxDepth) + " levels", kInputErrorCode};
        errors.push_back(std::move(e));
        depthReported = true;
      }
      return;
    }
    // Attribute name -> index in out.attributes, for the duplicate check (a body of 200,000
    // attributes made a linear search per attribute quadratic).
    std::unordered_map<std::string, size_t> byName;
    for (const Attribute& a : out.attributes) byName.emplace(a.name, &a - out.attributes.data());
    for (TSNode c : childrenOf(bodyNode, true)) {
      if (ts_node_is_error(c)) continue;
      checkBudget();
      std::string_view t = nodeType(c);
      if (t == "attribute") attribute(c, out, byName);
      // A top-level block with a syntax error inside is incomplete: evaluating it would give
      // findings about attributes that are only missing because they did not parse. The file's
      // syntax error is already reported; the other blocks are still scanned.
      else if (t == "block" && !(depth == 0 && ts_node_has_error(c))) block(c, out, depth);
    }
  }

  void attribute(TSNode n, Block& out, std::unordered_map<std::string, size_t>& byName) {
    TSNode id{}, ex{};
    bool haveId = false, haveEx = false;
    for (TSNode c : childrenOf(n, true)) {
      std::string_view t = nodeType(c);
      if (t == "identifier" && !haveId) { id = c; haveId = true; }
      else if (t == "expression") { ex = c; haveEx = true; }
    }
    if (!haveId || !haveEx || ts_node_has_error(ex)) return;
    Attribute a;
    a.name = std::string(slice(id));
    a.nameRange = range(id);
    a.expr = Expr{src, ex, nullptr};
    a.expr.span = range(ex);
    a.literal = literalExpression(*src, ex);
    if (!a.literal) {
      if (std::optional<CompiledExpr> c = compileExpression(*src, ex)) {
        pf.compiled_.push_back(std::make_unique<CompiledExpr>(std::move(*c)));
        a.expr.compiled = pf.compiled_.back().get();
      }
    }
    // A duplicate attribute is an error in Terraform; keep the last one (what a reader expects).
    auto [at, inserted] = byName.emplace(a.name, out.attributes.size());
    if (!inserted) { out.attributes[at->second] = std::move(a); return; }
    out.attributes.push_back(std::move(a));
  }

  void block(TSNode n, Block& parent, uint32_t depth) {
    Block b;
    b.file = pf.file->id();
    b.range = range(n);
    TSNode bodyNode{};
    bool haveBody = false, haveType = false;
    uint32_t openEnd = 0;
    for (TSNode c : childrenOf(n)) {
      std::string_view t = nodeType(c);
      if (t == "identifier") {
        if (!haveType) { b.type = std::string(slice(c)); b.typeRange = range(c); haveType = true; }
        else b.labels.emplace_back(slice(c));
      } else if (t == "string_lit") {
        b.labels.emplace_back(stringLitContent(c, src->text));
      } else if (t == "block_start") {
        openEnd = ts_node_end_byte(c);
      } else if (t == "body") {
        bodyNode = c;
        haveBody = true;
      }
    }
    // Header: the first line of the block, ending at '{' when the brace is on that line.
    uint32_t start = ts_node_start_byte(n);
    size_t nl = src->text.find('\n', start);
    uint32_t lineEnd = nl == std::string_view::npos ? ts_node_end_byte(n) : static_cast<uint32_t>(nl);
    if (lineEnd > start && src->text[lineEnd - 1] == '\r') --lineEnd;
    uint32_t hEnd = (openEnd != 0 && openEnd <= lineEnd) ? openEnd : lineEnd;
    b.header = ByteRange{start, hEnd};
    if (haveBody) body(bodyNode, b, depth + 1);
    parent.blocks.push_back(std::move(b));
  }
};

struct JsonConverter {
  ParsedFile& pf;
  std::vector<Error>& errors;

  static ByteRange headerOf(const Value& v) { return v.prov.key.empty() ? v.prov.value : ByteRange{v.prov.key.begin, v.prov.value.begin + (v.prov.value.size() ? 1 : 0)}; }

  Block makeBlock(std::string type, std::vector<std::string> labels, const Value& v, const Value& keyed) {
    Block b;
    b.type = std::move(type);
    b.labels = std::move(labels);
    b.file = pf.file->id();
    b.range = v.prov.value;
    b.header = headerOf(keyed);
    b.typeRange = keyed.prov.key;
    if (v.isObject()) {
      for (const Member& m : v.asObject()) {
        if (m.key == "//") continue;  // Terraform JSON comment property
        if (b.type == "terraform" && m.key == "required_providers" && m.value.isObject()) {
          b.blocks.push_back(makeBlock("required_providers", {}, m.value, m.value));
          continue;
        }
        Attribute a;
        a.name = m.key;
        a.nameRange = m.value.prov.key;
        a.expr = Expr{pf.sources_.front().get(), TSNode{}, &m.value};
        b.attributes.push_back(std::move(a));
      }
    }
    return b;
  }

  // `{ "name": {body} }` or `{ "name": [{body}, ...] }`
  void forEachBody(const Value& v, const std::function<void(const Value&)>& fn) {
    if (v.isArray()) { for (const Value& e : v.asArray()) fn(e); }
    else fn(v);
  }

  void convert(const Value& root) {
    if (!root.isObject()) {
      errors.push_back(Error{pf.file->path(), pf.file->id(), root.prov.value, 0, 0,
                             "a Terraform JSON file must contain an object", kInputErrorCode});
      return;
    }
    bool tfvars = pf.file->path().find(".tfvars") != std::string::npos;
    for (const Member& top : root.asObject()) {
      const Value& v = top.value;
      if (tfvars) {
        Attribute a{top.key, v.prov.key, Expr{pf.sources_.front().get(), TSNode{}, &v}, std::nullopt};
        pf.body.attributes.push_back(std::move(a));
        continue;
      }
      const std::string& k = top.key;
      if (k == "resource" || k == "data") {
        if (!v.isObject()) continue;
        for (const Member& type : v.asObject()) {
          if (!type.value.isObject()) continue;
          for (const Member& name : type.value.asObject()) {
            forEachBody(name.value, [&](const Value& body) {
              pf.body.blocks.push_back(makeBlock(k, {type.key, name.key}, body, name.value));
            });
          }
        }
      } else if (k == "module" || k == "variable" || k == "output" || k == "provider") {
        if (!v.isObject()) continue;
        for (const Member& name : v.asObject()) {
          forEachBody(name.value, [&](const Value& body) {
            pf.body.blocks.push_back(makeBlock(k, {name.key}, body, name.value));
          });
        }
      } else if (k == "locals" || k == "terraform") {
        forEachBody(v, [&](const Value& body) { pf.body.blocks.push_back(makeBlock(k, {}, body, v)); });
      }
    }
  }
};

std::unique_ptr<ParsedFile> ParsedFile::parse(const SourceFile& file, std::vector<Error>& errors,
                                              const ParseLimits& limits) {
  auto pf = std::make_unique<ParsedFile>();
  pf->file = &file;
  pf->body.file = file.id();
  pf->body.range = ByteRange{0, static_cast<uint32_t>(file.text().size())};
  auto src = std::make_unique<ExprSource>();
  src->text = file.text();
  src->file = file.id();
  pf->sources_.push_back(std::move(src));

  const std::string& path = file.path();
  bool isJson = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (isJson) {
    pf->json = true;
    pf->jsonRoot_ = std::make_unique<Value>();
    json::JsonError err;
    if (!json::parseJson(file, *pf->jsonRoot_, err)) {
      errors.push_back(Error{path, file.id(), ByteRange{err.offset, err.offset}, 0, 0, err.message, kInputErrorCode});
      return pf;
    }
    JsonConverter conv{*pf, errors};
    conv.convert(*pf->jsonRoot_);
    return pf;
  }

  bool timedOut = false;
  // Inside a scan the unit's budget (--parse-timeout, --parse-memory) bounds the parse.
  double seconds = currentBudget() ? 1e9 : limits.timeBudgetSeconds;
  TSTree* tree = parseHcl(file.text(), seconds, &timedOut, currentTrees ? currentTrees->keyFor(path) : std::string());
  if (!tree) {
    checkBudget();
    std::string msg = timedOut ? "parsing took longer than " + std::to_string(static_cast<int>(limits.timeBudgetSeconds)) +
                                     " s and was cancelled; is this really a Terraform file?"
                               : "the file could not be parsed";
    errors.push_back(Error{path, file.id(), ByteRange{0, 0}, 0, 0, msg, kInputErrorCode});
    return pf;
  }
  pf->trees_.push_back(tree);
  // About four syntax nodes per level of brackets or blocks.
  const uint32_t maxNodeDepth = limits.maxDepth * 4;
  TSNode deepest;
  if (!withinNesting(tree, maxNodeDepth, &deepest)) {
    uint32_t at = ts_node_start_byte(deepest);
    errors.push_back(Error{path, file.id(), ByteRange{at, at}, 0, 0,
                           "blocks or expressions are nested deeper than " + std::to_string(limits.maxDepth) +
                               " levels; not scanned",
                           kInputErrorCode});
    return pf;
  }
  collectSyntaxErrors(tree, file, errors, limits.maxErrorsPerFile);
  TSNode root = ts_tree_root_node(tree);
  HclConverter conv{*pf, pf->sources_.front().get(), errors, limits, file.text()};
  for (TSNode c : childrenOf(root, true))
    if (nodeType(c) == "body") conv.body(c, pf->body, 0);
  return pf;
}

Expr ParsedFile::parseExpression(std::string text, FileId fileId, int64_t delta) {
  // Parse as the attribute `x=<text>` so the grammar's entry point accepts it.
  auto owned = std::make_unique<std::string>("x=" + text);
  bool timedOut = false;
  TSTree* tree = parseHcl(*owned, 1.0, &timedOut);
  if (!tree) return {};
  trees_.push_back(tree);
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root)) return {};
  auto src = std::make_unique<ExprSource>();
  src->text = *owned;
  src->file = fileId;
  src->delta = delta - 2;
  texts_.push_back(std::move(owned));
  const ExprSource* s = src.get();
  sources_.push_back(std::move(src));
  TSNode body = ts_node_named_child(root, 0);
  if (ts_node_is_null(body) || nodeType(body) != "body") return {};
  TSNode attr = ts_node_named_child(body, 0);
  if (ts_node_is_null(attr) || nodeType(attr) != "attribute") return {};
  for (TSNode c : childrenOf(attr, true))
    if (nodeType(c) == "expression") return Expr{s, c, nullptr};
  return {};
}

}  // namespace eg::terraform
