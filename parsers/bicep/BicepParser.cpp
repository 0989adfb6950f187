// Bicep recursive-descent parser. See BicepSyntax.h for the tree it builds.
//
// Error handling: the first problem inside a construct is recorded (exact token range, a
// message saying what was expected where) and a ParseFail is thrown; it is caught by the
// nearest object/array item (which skips to the end of its line, over balanced brackets) or by
// the declaration loop (which skips to the next line that starts a declaration). Newlines are
// significant except inside parentheses, after binary operators, `?`, `:`, `=>` and `=`.
#include <algorithm>

#include "parsers/bicep/BicepSyntax.h"
#include "linter/core/Budget.h"

namespace eg::bicep {

namespace {

struct ParseFail {};
struct TooDeep {};

bool isDeclKeyword(std::string_view s) {
  static constexpr std::string_view kws[] = {"param", "var", "output", "resource", "module", "type", "func",
                                             "import", "targetScope", "metadata", "extension", "provider",
                                             "using", "extends", "assert", "test", "extensionConfig"};
  return std::find(std::begin(kws), std::end(kws), s) != std::end(kws);
}

std::string_view describe(Tok k) {
  switch (k) {
    case Tok::Eof: return "the end of the file";
    case Tok::NewLine: return "a new line";
    case Tok::Ident: return "an identifier";
    case Tok::Number: return "a number";
    case Tok::String: case Tok::StringHead: case Tok::MultiString: return "a string";
    case Tok::StringMid: case Tok::StringTail: return "'}'";
    case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::Comma: return "','";
    case Tok::Colon: return "':'";
    case Tok::Assign: return "'='";
    case Tok::Error: return "invalid text";
    default: return "this token";
  }
}

class Parser {
 public:
  Parser(std::string_view text, bool paramFile, SyntaxTree& tree) : s_(text), paramFile_(paramFile), t_(tree) {}

  void run() {
    toks_ = lex(s_, t_.errors);
    lexErrors_ = t_.errors.size();
    computeMatches();
    Node* prog = t_.make(NodeKind::Program, ByteRange{0, static_cast<uint32_t>(s_.size())});
    t_.root = prog;
    nl_.push_back(false);
    while (true) {
      skipNewlines();
      if (cur().kind == Tok::Eof) break;
      size_t start = pos_;
      try {
        Node* d = declaration();
        if (d) prog->list.push_back(d);
        const Token& after = raw();
        if (after.kind != Tok::NewLine && after.kind != Tok::Eof) {
          fail(after, std::string("expected a new line after the declaration, found ").append(describe(after.kind)));
        }
      } catch (const ParseFail&) {
        recoverTopLevel(start);
      } catch (const TooDeep&) {
        return;
      }
    }
  }

 private:
  // ---- tokens -----------------------------------------------------------------------------
  const Token& raw() const { return toks_[pos_]; }
  const Token& cur() {
    if (nl_.back()) while (toks_[pos_].kind == Tok::NewLine) ++pos_;
    return toks_[pos_];
  }
  Tok kind() { return cur().kind; }
  const Token& peekAt(size_t k) {  // k-th significant token after the current one
    cur();
    size_t p = pos_;
    for (size_t i = 0; i < k; ++i) {
      ++p;
      if (nl_.back()) while (p < toks_.size() && toks_[p].kind == Tok::NewLine) ++p;
      if (p >= toks_.size()) return toks_.back();
    }
    return toks_[p];
  }
  const Token& next() {
    const Token& t = cur();
    if (t.kind != Tok::Eof) ++pos_;
    return t;
  }
  std::string_view text(const Token& t) const { return s_.substr(t.begin, t.end - t.begin); }
  bool isKw(std::string_view kw) {
    const Token& t = cur();
    return t.kind == Tok::Ident && text(t) == kw;
  }
  void skipNewlines() {
    while (toks_[pos_].kind == Tok::NewLine) ++pos_;
  }
  uint32_t prevEnd() const { return pos_ > 0 ? toks_[pos_ - 1].end : 0; }

  [[noreturn]] void fail(const Token& at, std::string msg) {
    ByteRange r{at.begin, at.end};
    if (at.kind == Tok::NewLine) r.end = r.begin;  // points at the end of the line
    // A lexer error already explains an Error token.
    bool repeated = !t_.errors.empty() && t_.errors.back().range.begin == r.begin;
    if (at.kind != Tok::Error && !repeated) t_.errors.push_back(SyntaxError{r, std::move(msg)});
    throw ParseFail{};
  }
  const Token& expect(Tok k, std::string_view what) {
    const Token& t = cur();
    if (t.kind != k) fail(t, std::string("expected ").append(what).append(", found ").append(describe(t.kind)));
    return next();
  }
  const Token& expectIdent(std::string_view what) { return expect(Tok::Ident, what); }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      checkBudget();
      if (++p.depth_ > kMaxDepth) {
        const Token& t = p.toks_[p.pos_];
        p.t_.errors.push_back(SyntaxError{ByteRange{t.begin, t.end},
                                          "nesting is deeper than " + std::to_string(kMaxDepth) + " levels"});
        throw TooDeep{};
      }
    }
    ~DepthGuard() { --p.depth_; }
  };
  struct NlScope {  // newline sensitivity for a bracketed region
    Parser& p;
    NlScope(Parser& parser, bool insensitive) : p(parser) { p.nl_.push_back(insensitive); }
    ~NlScope() { p.nl_.pop_back(); }
  };

  void computeMatches() {
    match_.assign(toks_.size(), -1);
    std::vector<size_t> stack;
    auto closes = [](Tok open, Tok close) {
      return (open == Tok::LParen && close == Tok::RParen) || (open == Tok::LBracket && close == Tok::RBracket) ||
             (open == Tok::LBrace && close == Tok::RBrace);
    };
    for (size_t i = 0; i < toks_.size(); ++i) {
      Tok k = toks_[i].kind;
      if (k == Tok::LParen || k == Tok::LBracket || k == Tok::LBrace) {
        stack.push_back(i);
      } else if (k == Tok::RParen || k == Tok::RBracket || k == Tok::RBrace) {
        auto it = std::find_if(stack.rbegin(), stack.rend(), [&](size_t o) { return closes(toks_[o].kind, k); });
        if (it == stack.rend()) continue;
        size_t keep = static_cast<size_t>(stack.rend() - it) - 1;
        match_[stack[keep]] = static_cast<int32_t>(i);
        stack.resize(keep);
      }
    }
  }

  // Skips to the end of the current line (over balanced brackets), stopping before `stop`.
  void skipLine(Tok stop) {
    while (true) {
      const Token& t = raw();
      if (t.kind == Tok::Eof || t.kind == Tok::NewLine || t.kind == stop) return;
      if ((t.kind == Tok::LParen || t.kind == Tok::LBracket || t.kind == Tok::LBrace) && match_[pos_] >= 0) {
        pos_ = static_cast<size_t>(match_[pos_]) + 1;
        continue;
      }
      ++pos_;
    }
  }
  void recoverTopLevel(size_t start) {
    if (pos_ <= start) pos_ = start + 1;
    nl_.resize(1);
    while (true) {
      const Token& t = raw();
      if (t.kind == Tok::Eof) return;
      if (t.kind == Tok::NewLine) {
        const Token& n = toks_[pos_ + 1];
        if (n.kind == Tok::At || (n.kind == Tok::Ident && isDeclKeyword(text(n)))) return;
      }
      ++pos_;
    }
  }

  Node* make(NodeKind k, uint32_t begin) { return t_.make(k, ByteRange{begin, begin}); }
  Node* finish(Node* n) {
    n->range.end = std::max(n->range.begin, prevEnd());
    return n;
  }

  // ---- declarations -----------------------------------------------------------------------
  Node* declaration() {
    std::vector<Node*> decorators;
    while (raw().kind == Tok::At) {
      decorators.push_back(decorator());
      skipNewlines();
    }
    const Token& kw = cur();
    if (kw.kind != Tok::Ident || !isDeclKeyword(text(kw))) {
      if (decorators.empty() && kw.kind == Tok::Ident && paramFile_ == false && peekAt(1).kind == Tok::Assign)
        fail(kw, std::string("'").append(text(kw)).append("' is not a declaration keyword: expected param, var, "
                                                          "resource, module, output, type, func, import, ..."));
      fail(kw, std::string("expected a declaration (param, var, resource, module, output, type, func, import, "
                           "targetScope, metadata, extension, using, assert), found ")
                   .append(describe(kw.kind)));
    }
    std::string_view k = text(kw);
    uint32_t begin = decorators.empty() ? kw.begin : decorators.front()->range.begin;
    next();
    Node* d = nullptr;
    if (k == "param") d = paramDecl(begin);
    else if (k == "var") d = namedValue(NodeKind::Var, begin, "variable", true);
    else if (k == "output") d = outputDecl(begin);
    else if (k == "resource") d = resourceDecl(begin, NodeKind::Resource);
    else if (k == "module") d = resourceDecl(begin, NodeKind::Module);
    else if (k == "test") d = resourceDecl(begin, NodeKind::Test);
    else if (k == "type") d = typeDecl(begin);
    else if (k == "func") d = funcDecl(begin);
    else if (k == "import") d = importDecl(begin);
    else if (k == "targetScope") {
      d = make(NodeKind::TargetScope, begin);
      expect(Tok::Assign, "'=' after targetScope");
      d->b = expression();
    } else if (k == "metadata") d = namedValue(NodeKind::Metadata, begin, "metadata", false);
    else if (k == "assert") d = namedValue(NodeKind::Assert, begin, "assertion", false);
    else if (k == "extension" || k == "provider") d = extensionDecl(begin);
    else if (k == "extensionConfig") {
      d = make(NodeKind::Extension, begin);
      name(d, "extension");
      withAs(d);
    }
    else if (k == "using") d = usingDecl(begin);
    else {  // extends
      d = make(NodeKind::Extends, begin);
      d->a = stringLiteral("a path after 'extends'");
    }
    d->decorators = std::move(decorators);
    return finish(d);
  }

  Node* decorator() {
    const Token& at = next();
    Node* d = make(NodeKind::Decorator, at.begin);
    Node* e = postfix(primaryIdent());
    if (!e->is(NodeKind::Call)) fail(cur(), "expected '(' after the decorator name");
    d->a = e;
    return finish(d);
  }

  void name(Node* d, std::string_view what) {
    const Token& n = expectIdent(std::string("a ").append(what).append(" name"));
    d->name = text(n);
    d->nameRange = ByteRange{n.begin, n.end};
  }

  Node* paramDecl(uint32_t begin) {
    Node* d = make(NodeKind::Param, begin);
    name(d, "parameter");
    if (paramFile_) {
      expect(Tok::Assign, "'=' after the parameter name");
      skipNewlines();
      d->b = expression();
      return d;
    }
    if (kind() == Tok::Assign) fail(cur(), "expected a type after the parameter name (param name type = default)");
    if (raw().kind == Tok::NewLine || raw().kind == Tok::Eof)
      fail(raw(), "expected a type after the parameter name, found a new line");
    d->a = typeOrResourceType();
    if (raw().kind == Tok::Assign) {
      next();
      skipNewlines();
      d->b = expression();
    }
    return d;
  }

  // var/metadata/assert: name [type] = value
  Node* namedValue(NodeKind k, uint32_t begin, std::string_view what, bool typed) {
    Node* d = make(k, begin);
    name(d, what);
    if (typed && kind() != Tok::Assign) d->a = type();
    expect(Tok::Assign, std::string("'=' after the ").append(what).append(" name"));
    skipNewlines();
    d->b = expression();
    return d;
  }

  Node* outputDecl(uint32_t begin) {
    Node* d = make(NodeKind::Output, begin);
    name(d, "output");
    if (kind() == Tok::Assign) fail(cur(), "expected a type after the output name (output name type = value)");
    d->a = typeOrResourceType();
    expect(Tok::Assign, "'=' after the output type");
    skipNewlines();
    d->b = expression();
    return d;
  }

  Node* typeOrResourceType() {
    if (isKw("resource") && peekAt(1).kind == Tok::String) {
      const Token& r = next();
      Node* n = make(NodeKind::TypeResource, r.begin);
      n->a = stringLiteral("a resource type");
      return finish(n);
    }
    return type();
  }

  Node* resourceDecl(uint32_t begin, NodeKind k) {
    Node* d = make(k, begin);
    name(d, k == NodeKind::Module ? "module" : k == NodeKind::Test ? "test" : "resource");
    d->a = stringLiteral(k == NodeKind::Module ? "the module path ('./file.bicep' or 'br:…')"
                         : k == NodeKind::Test ? "the test file path"
                                               : "the resource type ('Namespace/type@version')");
    if (k == NodeKind::Resource && isKw("existing")) {
      next();
      d->flags |= kExisting;
    }
    expect(Tok::Assign, k == NodeKind::Module ? "'=' after the module path" : "'=' after the resource type");
    skipNewlines();
    d->b = declBody();
    return d;
  }

  // { … } | if (cond) { … } | [for …: …]
  Node* declBody() {
    if (isKw("if")) return ifBody();
    if (kind() == Tok::LBracket) return array();
    if (kind() == Tok::LBrace) return object();
    fail(cur(), std::string("expected '{', 'if' or '[for' for the body, found ").append(describe(kind())));
  }

  Node* ifBody() {
    const Token& kw = next();
    Node* n = make(NodeKind::If, kw.begin);
    const Token& lp = expect(Tok::LParen, "'(' after 'if'");
    {
      NlScope ns(*this, true);
      n->a = expression();
      (void)lp;
      expect(Tok::RParen, "')' after the condition");
    }
    if (kind() != Tok::LBrace) fail(cur(), "expected '{' after the condition");
    n->b = object();
    return finish(n);
  }

  Node* typeDecl(uint32_t begin) {
    Node* d = make(NodeKind::TypeDecl, begin);
    name(d, "type");
    expect(Tok::Assign, "'=' after the type name");
    skipNewlines();
    d->a = type();
    return d;
  }

  Node* funcDecl(uint32_t begin) {
    Node* d = make(NodeKind::Func, begin);
    name(d, "function");
    expect(Tok::LParen, "'(' after the function name");
    {
      NlScope ns(*this, true);
      while (kind() != Tok::RParen) {
        const Token& p = expectIdent("a parameter name");
        Node* param = make(NodeKind::Ident, p.begin);
        param->name = text(p);
        param->a = type();
        d->list.push_back(finish(param));
        if (kind() == Tok::Comma) next();
        else if (kind() != Tok::RParen) fail(cur(), "expected ',' or ')' after the function parameter");
      }
      next();
    }
    d->a = type();
    expect(Tok::Arrow, "'=>' after the function's return type");
    skipNewlines();
    d->b = expression();
    return d;
  }

  Node* importDecl(uint32_t begin) {
    Node* d = make(NodeKind::Import, begin);
    if (kind() == Tok::LBrace) {
      next();
      NlScope ns(*this, true);
      while (kind() != Tok::RBrace) {
        const Token& sym = cur();
        if (sym.kind != Tok::Ident && sym.kind != Tok::String) fail(sym, "expected an imported symbol name");
        next();
        Node* item = make(NodeKind::Ident, sym.begin);
        item->name = sym.kind == Tok::String ? text(sym).substr(1, sym.end - sym.begin - 2) : text(sym);
        if (isKw("as")) {
          next();
          item->text = std::string(text(expectIdent("an alias after 'as'")));
        }
        d->list.push_back(finish(item));
        if (kind() == Tok::Comma) next();
        else if (kind() != Tok::RBrace && kind() != Tok::Ident && kind() != Tok::String)
          fail(cur(), "expected ',' or '}' in the import list");
      }
      next();
    } else if (kind() == Tok::Star) {
      next();
      if (!isKw("as")) fail(cur(), "expected 'as' after 'import *'");
      next();
      const Token& alias = expectIdent("a namespace name after 'as'");
      d->name = text(alias);
      d->nameRange = ByteRange{alias.begin, alias.end};
    } else {
      // import 'provider@version' [with {...}] [as alias]  (the older provider syntax)
      d->a = stringLiteral("'{', '*' or a provider after 'import'");
      withAs(d);
      return d;
    }
    if (!isKw("from")) fail(cur(), "expected 'from' after the import list");
    next();
    d->a = stringLiteral("a path after 'from'");
    return d;
  }

  void withAs(Node* d) {
    if (isKw("with")) {
      next();
      if (kind() != Tok::LBrace) fail(cur(), "expected '{' after 'with'");
      d->b = object();
    }
    if (isKw("as")) {
      next();
      const Token& alias = expectIdent("an alias after 'as'");
      d->name = text(alias);
      d->nameRange = ByteRange{alias.begin, alias.end};
    }
  }

  Node* extensionDecl(uint32_t begin) {
    Node* d = make(NodeKind::Extension, begin);
    if (kind() == Tok::Ident) {
      const Token& id = next();
      Node* n = make(NodeKind::Ident, id.begin);
      n->name = text(id);
      d->a = finish(n);
    } else {
      d->a = stringLiteral("an extension name or 'name@version'");
    }
    withAs(d);
    return d;
  }

  Node* usingDecl(uint32_t begin) {
    Node* d = make(NodeKind::Using, begin);
    if (isKw("none")) {
      const Token& id = next();
      Node* n = make(NodeKind::Ident, id.begin);
      n->name = text(id);
      d->a = finish(n);
    } else {
      d->a = stringLiteral("a template path after 'using' (or 'none')");
    }
    if (isKw("with")) {
      next();
      if (kind() != Tok::LBrace) fail(cur(), "expected '{' after 'with'");
      d->b = object();
    }
    return d;
  }

  Node* stringLiteral(std::string_view what) {
    Tok k = kind();
    if (k != Tok::String && k != Tok::StringHead && k != Tok::MultiString)
      fail(cur(), std::string("expected ").append(what).append(", found ").append(describe(k)));
    return string();
  }

  // ---- expressions ------------------------------------------------------------------------
  Node* expression() {
    DepthGuard g(*this);
    Node* c = binary(0);
    if (nextSignificantIs(Tok::Question)) {
      skipNewlinesBefore(Tok::Question);
      next();
      Node* n = make(NodeKind::Ternary, c->range.begin);
      n->a = c;
      skipNewlines();
      n->b = expression();
      if (!nextSignificantIs(Tok::Colon)) fail(cur(), "expected ':' in the conditional expression");
      skipNewlinesBefore(Tok::Colon);
      next();
      skipNewlines();
      n->c = expression();
      return finish(n);
    }
    return c;
  }
  // `?`, `??` and `:` may start a continuation line (nothing else can start one there).
  bool nextSignificantIs(Tok k) {
    size_t p = pos_;
    while (toks_[p].kind == Tok::NewLine) ++p;
    return toks_[p].kind == k;
  }
  void skipNewlinesBefore(Tok) { skipNewlines(); }

  static int precedence(Tok k) {
    switch (k) {
      case Tok::QQ: return 1;
      case Tok::Or: return 2;
      case Tok::And: return 3;
      case Tok::EqEq: case Tok::NotEq: case Tok::EqTilde: case Tok::NotTilde: return 4;
      case Tok::Lt: case Tok::Le: case Tok::Gt: case Tok::Ge: return 5;
      case Tok::Plus: case Tok::Minus: return 6;
      case Tok::Star: case Tok::Slash: case Tok::Percent: return 7;
      default: return 0;
    }
  }

  Node* binary(int minPrec) {
    Node* left = unary();
    while (true) {
      Tok k = kind();
      if (k == Tok::NewLine && nextSignificantIs(Tok::QQ)) {
        skipNewlines();
        k = Tok::QQ;
      }
      int p = precedence(k);
      if (p == 0 || p < minPrec) break;
      const Token& op = next();
      skipNewlines();
      DepthGuard g(*this);
      Node* right = binary(p + 1);
      Node* n = make(NodeKind::Binary, left->range.begin);
      n->name = text(op);
      n->a = left;
      n->b = right;
      left = finish(n);
    }
    return left;
  }

  Node* unary() {
    Tok k = kind();
    if (k == Tok::Bang || k == Tok::Minus || k == Tok::Plus) {
      DepthGuard g(*this);
      const Token& op = next();
      Node* n = make(NodeKind::Unary, op.begin);
      n->name = text(op);
      n->a = unary();
      return finish(n);
    }
    return postfix(primary());
  }

  Node* postfix(Node* e) {
    while (true) {
      Tok k = raw().kind;  // postfix operators never follow a line break
      if (nl_.back() && k == Tok::NewLine) k = kind();
      if (k == Tok::Dot || k == Tok::DotQ) {
        const Token& dot = next();
        Node* m = make(NodeKind::Member, e->range.begin);
        if (dot.kind == Tok::DotQ) m->flags |= kSafe;
        const Token& id = expectIdent("a property name after '.'");
        m->name = text(id);
        m->nameRange = ByteRange{id.begin, id.end};
        m->a = e;
        e = finish(m);
        if (raw().kind == Tok::LParen) e = call(e);
      } else if (k == Tok::LBracket) {
        next();
        Node* ix = make(NodeKind::Index, e->range.begin);
        NlScope ns(*this, true);
        if (kind() == Tok::Question) { next(); ix->flags |= kSafe; }
        if (kind() == Tok::Caret) { next(); ix->flags |= kFromEnd; }
        ix->a = e;
        ix->b = expression();
        expect(Tok::RBracket, "']' after the index");
        e = finish(ix);
      } else if (k == Tok::ColonColon) {
        next();
        Node* c = make(NodeKind::ChildAccess, e->range.begin);
        const Token& id = expectIdent("a nested resource name after '::'");
        c->name = text(id);
        c->nameRange = ByteRange{id.begin, id.end};
        c->a = e;
        e = finish(c);
      } else if (k == Tok::Bang) {
        next();
        Node* n = make(NodeKind::NonNull, e->range.begin);
        n->a = e;
        e = finish(n);
      } else if (k == Tok::LParen && (e->is(NodeKind::Ident) || e->is(NodeKind::Member))) {
        e = call(e);
      } else {
        return e;
      }
    }
  }

  Node* call(Node* callee) {
    next();  // (
    Node* c = make(NodeKind::Call, callee->range.begin);
    c->a = callee;
    NlScope ns(*this, true);
    while (kind() != Tok::RParen) {
      c->list.push_back(expression());
      if (kind() == Tok::Comma) next();
      else if (kind() != Tok::RParen) fail(cur(), "expected ',' or ')' after the function argument");
    }
    next();
    return finish(c);
  }

  Node* primaryIdent() {
    const Token& id = expectIdent("a name");
    Node* n = make(NodeKind::Ident, id.begin);
    n->name = text(id);
    n->nameRange = ByteRange{id.begin, id.end};
    return finish(n);
  }

  Node* primary() {
    const Token& t = cur();
    switch (t.kind) {
      case Tok::Ident: {
        std::string_view w = text(t);
        if (peekAt(1).kind == Tok::Arrow) return lambda();
        if (w == "true" || w == "false") {
          next();
          Node* n = make(NodeKind::Bool, t.begin);
          n->name = w;
          return finish(n);
        }
        if (w == "null") {
          next();
          return finish(make(NodeKind::Null, t.begin));
        }
        return primaryIdent();
      }
      case Tok::Number: {
        next();
        Node* n = make(NodeKind::Number, t.begin);
        n->text = std::string(text(t));
        return finish(n);
      }
      case Tok::String: case Tok::StringHead: case Tok::MultiString: return string();
      case Tok::LParen: {
        size_t close = static_cast<size_t>(match_[pos_]);
        if (match_[pos_] >= 0 && close + 1 < toks_.size()) {
          size_t after = close + 1;
          while (toks_[after].kind == Tok::NewLine && nl_.back()) ++after;
          if (toks_[after].kind == Tok::Arrow) return lambda();
        }
        next();
        Node* n = make(NodeKind::Paren, t.begin);
        NlScope ns(*this, true);
        n->a = expression();
        expect(Tok::RParen, "')' to close the parenthesis");
        return finish(n);
      }
      case Tok::LBrace: return object();
      case Tok::LBracket: return array();
      default:
        fail(t, std::string("expected an expression, found ").append(describe(t.kind)));
    }
  }

  Node* lambda() {
    Node* n = make(NodeKind::Lambda, cur().begin);
    if (kind() == Tok::Ident) {
      n->list.push_back(primaryIdent());
    } else {
      next();  // (
      NlScope ns(*this, true);
      while (kind() != Tok::RParen) {
        Node* p = primaryIdent();
        if (kind() != Tok::Comma && kind() != Tok::RParen) p->a = type();  // typed lambda parameter
        n->list.push_back(p);
        if (kind() == Tok::Comma) next();
        else if (kind() != Tok::RParen) fail(cur(), "expected ',' or ')' after the lambda parameter");
      }
      next();
    }
    expect(Tok::Arrow, "'=>' after the lambda parameters");
    skipNewlines();
    n->b = expression();
    return finish(n);
  }

  std::string content(const Token& t, bool first) const {
    std::string_view body = s_.substr(t.begin + t.pre, t.end - t.begin - t.pre - t.post);
    if (!t.raw) return decodeString(body);
    if (first) {
      if (body.substr(0, 2) == "\r\n") body.remove_prefix(2);
      else if (!body.empty() && body[0] == '\n') body.remove_prefix(1);
    }
    return std::string(body);
  }

  Node* string() {
    const Token& t = next();
    Node* n = make(NodeKind::String, t.begin);
    if (t.kind == Tok::String || t.kind == Tok::MultiString) {
      n->text = content(t, true);
      return finish(n);
    }
    // interpolated: head expr (mid expr)* tail
    n->parts.push_back(content(t, true));
    NlScope ns(*this, true);
    while (true) {
      n->list.push_back(expression());
      const Token& p = cur();
      if (p.kind == Tok::StringMid) {
        next();
        n->parts.push_back(content(p, false));
      } else if (p.kind == Tok::StringTail) {
        next();
        n->parts.push_back(content(p, false));
        break;
      } else {
        fail(p, std::string("expected '}' to close the interpolation '${', found ").append(describe(p.kind)));
      }
    }
    return finish(n);
  }

  // Items of { … } and [ … ]: separated by new lines and/or commas.
  template <typename F>
  void items(Tok close, std::string_view what, F&& item) {
    NlScope ns(*this, false);
    while (true) {
      skipNewlines();
      Tok k = raw().kind;
      if (k == Tok::Eof) fail(raw(), std::string("expected '").append(close == Tok::RBrace ? "}" : "]")
                                         .append("' to close the ").append(what));
      if (k == close) break;
      size_t start = pos_;
      try {
        if (k == Tok::Comma) fail(raw(), std::string("expected ").append(what == "object" ? "a property" : "an item")
                                             .append(" before ','"));
        item();
        Tok after = raw().kind;
        if (after == Tok::Comma) {
          next();
          if (raw().kind == Tok::NewLine) fail(raw(), "unexpected new line after ',': separate items either by commas on one line or by new lines");
        } else if (after != Tok::NewLine && after != close) {
          fail(raw(), std::string("expected a new line or ',' after the ")
                          .append(what == "object" ? "property" : "item").append(", found ").append(describe(after)));
        }
      } catch (const ParseFail&) {
        if (pos_ == start) ++pos_;
        skipLine(close);
      }
    }
    next();
  }

  Node* object() {
    DepthGuard g(*this);
    const Token& open = expect(Tok::LBrace, "'{'");
    Node* o = make(NodeKind::Object, open.begin);
    items(Tok::RBrace, "object", [&] {
      const Token& t = raw();
      if (t.kind == Tok::Ellipsis) {
        next();
        Node* s = make(NodeKind::Spread, t.begin);
        s->a = expression();
        o->list.push_back(finish(s));
        return;
      }
      if (t.kind == Tok::At || (t.kind == Tok::Ident && text(t) == "resource" && toks_[pos_ + 1].kind == Tok::Ident)) {
        o->list.push_back(nestedDeclaration());
        return;
      }
      Node* p = make(NodeKind::Property, t.begin);
      if (t.kind == Tok::Ident) {
        next();
        p->text = std::string(text(t));
        p->nameRange = ByteRange{t.begin, t.end};
      } else if (t.kind == Tok::String || t.kind == Tok::StringHead || t.kind == Tok::MultiString) {
        Node* key = string();
        p->text = key->text;
        p->b = key->parts.empty() ? nullptr : key;  // interpolated key
        p->nameRange = key->range;
      } else {
        fail(t, std::string("expected a property name, found ").append(describe(t.kind)));
      }
      p->name = std::string_view(p->text);
      if (raw().kind != Tok::Colon) fail(raw(), "expected ':' after the property name");
      next();
      p->a = expression();
      o->list.push_back(finish(p));
    });
    return finish(o);
  }

  Node* nestedDeclaration() {
    std::vector<Node*> decorators;
    while (raw().kind == Tok::At) {
      decorators.push_back(decorator());
      skipNewlines();
    }
    const Token& kw = raw();
    if (!(kw.kind == Tok::Ident && text(kw) == "resource")) fail(kw, "expected a nested resource after the decorator");
    uint32_t begin = decorators.empty() ? kw.begin : decorators.front()->range.begin;
    next();
    NlScope ns(*this, false);
    Node* d = resourceDecl(begin, NodeKind::Resource);
    d->decorators = std::move(decorators);
    return finish(d);
  }

  Node* array() {
    DepthGuard g(*this);
    const Token& open = expect(Tok::LBracket, "'['");
    // [for …]
    size_t p = pos_;
    while (toks_[p].kind == Tok::NewLine) ++p;
    if (toks_[p].kind == Tok::Ident && text(toks_[p]) == "for") {
      pos_ = p;
      return forExpr(open.begin);
    }
    Node* a = make(NodeKind::Array, open.begin);
    items(Tok::RBracket, "array", [&] {
      const Token& t = raw();
      if (t.kind == Tok::Ellipsis) {
        next();
        Node* s = make(NodeKind::Spread, t.begin);
        s->a = expression();
        a->list.push_back(finish(s));
        return;
      }
      a->list.push_back(expression());
    });
    return finish(a);
  }

  Node* forExpr(uint32_t begin) {
    Node* f = make(NodeKind::For, begin);
    NlScope ns(*this, true);
    next();  // for
    if (kind() == Tok::LParen) {
      next();
      f->list.push_back(primaryIdent());
      if (kind() == Tok::Comma) {
        next();
        f->list.push_back(primaryIdent());
      }
      expect(Tok::RParen, "')' after the loop variables");
    } else {
      const Token& t = cur();
      if (t.kind != Tok::Ident) fail(t, "expected a loop variable after 'for'");
      f->list.push_back(primaryIdent());
    }
    if (!isKw("in")) fail(cur(), "expected 'in' after the loop variable");
    next();
    f->a = expression();
    expect(Tok::Colon, "':' after the loop's array expression");
    f->b = isKw("if") ? ifLoopBody() : expression();
    expect(Tok::RBracket, "']' to close the loop");
    return finish(f);
  }

  Node* ifLoopBody() {
    const Token& kw = next();
    Node* n = make(NodeKind::If, kw.begin);
    expect(Tok::LParen, "'(' after 'if'");
    n->a = expression();
    expect(Tok::RParen, "')' after the condition");
    n->b = expression();
    return finish(n);
  }

  // ---- types ------------------------------------------------------------------------------
  Node* type() {
    DepthGuard g(*this);
    if (raw().kind == Tok::NewLine && nextSignificantIs(Tok::Pipe)) skipNewlines();  // multi-line union
    if (kind() == Tok::Pipe) next();  // leading '|' of a multi-line union
    Node* t = typePostfix();
    if (kind() == Tok::Pipe || (raw().kind == Tok::NewLine && nextSignificantIs(Tok::Pipe))) {
      Node* u = make(NodeKind::TypeUnion, t->range.begin);
      u->list.push_back(t);
      while (kind() == Tok::Pipe || (raw().kind == Tok::NewLine && nextSignificantIs(Tok::Pipe))) {
        skipNewlines();
        next();
        skipNewlines();
        u->list.push_back(typePostfix());
      }
      return finish(u);
    }
    return t;
  }

  Node* typePostfix() {
    Node* t = typePrimary();
    while (true) {
      Tok k = raw().kind;
      if (nl_.back() && k == Tok::NewLine) k = kind();
      if (k == Tok::LBracket) {
        next();
        if (kind() == Tok::RBracket) {
          next();
          Node* a = make(NodeKind::TypeArray, t->range.begin);
          a->a = t;
          t = finish(a);
          continue;
        }
        Node* ix = make(NodeKind::TypeIndex, t->range.begin);
        ix->a = t;
        if (kind() == Tok::Star) { next(); ix->flags |= kWildcard; }
        else ix->b = expression();
        expect(Tok::RBracket, "']' after the type index");
        t = finish(ix);
      } else if (k == Tok::Lt && (t->is(NodeKind::TypeRef) || t->is(NodeKind::TypeMember))) {
        next();
        Node* g = make(NodeKind::TypeGeneric, t->range.begin);
        g->a = t;
        g->name = t->name;
        NlScope ns(*this, true);
        while (kind() != Tok::Gt) {
          g->list.push_back(type());
          if (kind() == Tok::Comma) next();
          else if (kind() != Tok::Gt) fail(cur(), "expected ',' or '>' in the type arguments");
        }
        next();
        t = finish(g);
      } else if (k == Tok::Bang) {  // non-null assertion on a type: `nullable!`
        next();
        finish(t);
      } else if (k == Tok::Question) {
        next();
        Node* n = make(NodeKind::TypeNullable, t->range.begin);
        n->a = t;
        t = finish(n);
      } else if (k == Tok::Dot) {
        next();
        Node* m = make(NodeKind::TypeMember, t->range.begin);
        m->a = t;
        if (kind() == Tok::Star) { next(); m->flags |= kWildcard; }
        else {
          const Token& id = expectIdent("a property name after '.'");
          m->name = text(id);
        }
        t = finish(m);
      } else {
        return t;
      }
    }
  }

  Node* typePrimary() {
    const Token& t = cur();
    switch (t.kind) {
      case Tok::Ident: {
        if (text(t) == "resource" && peekAt(1).kind == Tok::String) return typeOrResourceType();
        Node* n = primaryIdent();
        n->kind = NodeKind::TypeRef;
        return n;
      }
      case Tok::String: case Tok::StringHead: case Tok::MultiString: case Tok::Number: case Tok::Minus:
      case Tok::Bang: {
        Node* n = make(NodeKind::TypeLiteral, t.begin);
        n->a = t.kind == Tok::Minus || t.kind == Tok::Bang ? unary() : primary();
        return finish(n);
      }
      case Tok::LBrace: return objectType();
      case Tok::LBracket: {
        DepthGuard g(*this);
        next();
        Node* tup = make(NodeKind::TypeTuple, t.begin);
        items(Tok::RBracket, "tuple type", [&] {
          std::vector<Node*> decorators;
          while (raw().kind == Tok::At) {
            decorators.push_back(decorator());
            skipNewlines();
            if (raw().kind == Tok::Comma) next();  // the formatter writes `[@discriminator('type'), a | b]`
          }
          Node* item = type();
          item->decorators = std::move(decorators);
          tup->list.push_back(item);
        });
        return finish(tup);
      }
      case Tok::LParen: {
        next();
        NlScope ns(*this, true);
        Node* inner = type();
        expect(Tok::RParen, "')' after the type");
        return inner;
      }
      default:
        fail(t, std::string("expected a type, found ").append(describe(t.kind)));
    }
  }

  Node* objectType() {
    DepthGuard g(*this);
    const Token& open = next();
    Node* o = make(NodeKind::TypeObject, open.begin);
    items(Tok::RBrace, "object type", [&] {
      std::vector<Node*> decorators;
      while (raw().kind == Tok::At) {
        decorators.push_back(decorator());
        skipNewlines();
      }
      const Token& k = raw();
      Node* p = make(NodeKind::TypeProperty, decorators.empty() ? k.begin : decorators.front()->range.begin);
      if (k.kind == Tok::Ident) {
        next();
        p->text = std::string(text(k));
      } else if (k.kind == Tok::String) {
        p->text = string()->text;
      } else if (k.kind == Tok::Star) {
        next();
        p->flags |= kWildcard;
        p->text = "*";
      } else {
        fail(k, std::string("expected a property name, found ").append(describe(k.kind)));
      }
      p->nameRange = ByteRange{k.begin, k.end};
      p->name = std::string_view(p->text);
      if (raw().kind != Tok::Colon) fail(raw(), "expected ':' after the property name");
      next();
      p->a = type();
      p->decorators = std::move(decorators);
      o->list.push_back(finish(p));
    });
    return finish(o);
  }

  std::string_view s_;
  bool paramFile_;
  SyntaxTree& t_;
  std::vector<Token> toks_;
  std::vector<int32_t> match_;
  std::vector<bool> nl_;  // per bracket level: are new lines insignificant?
  size_t pos_ = 0;
  size_t lexErrors_ = 0;
  int depth_ = 0;
};

}  // namespace

void parse(std::string_view text, bool isParamFile, SyntaxTree& tree) {
  tree.text = text;
  tree.isParamFile = isParamFile;
  Parser(text, isParamFile, tree).run();
  std::stable_sort(tree.errors.begin(), tree.errors.end(),
                   [](const SyntaxError& a, const SyntaxError& b) { return a.range.begin < b.range.begin; });
}

std::string_view nodeKindName(NodeKind k) {
  static constexpr std::string_view names[] = {
      "Program", "Param", "Var", "Output", "Resource", "Module", "TypeDecl", "Func", "Import", "TargetScope",
      "Metadata", "Extension", "Using", "Extends", "Assert", "Test", "Decorator", "Ident", "String", "Number",
      "Bool", "Null", "Object", "Property", "Array", "Spread", "For", "If", "Member", "Index", "Call", "Unary",
      "NonNull", "Binary", "Ternary", "Lambda", "Paren", "ChildAccess", "Error", "TypeRef", "TypeObject",
      "TypeProperty", "TypeArray", "TypeNullable", "TypeUnion", "TypeTuple", "TypeLiteral", "TypeGeneric",
      "TypeMember", "TypeIndex", "TypeResource"};
  return names[static_cast<size_t>(k)];
}

}  // namespace eg::bicep
