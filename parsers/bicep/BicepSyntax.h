// BicepSyntax: tokens and the syntax tree of one Bicep (.bicep / .bicepparam) file.
// The lexer and the hand-written recursive-descent parser (BicepLexer.cpp, BicepParser.cpp)
// accept current Bicep: every declaration kind, decorators, nested resources, loops,
// conditions, interpolated and ''' strings, spread, lambdas, `.?`, `[?…]`, `!`, `[^n]`,
// user-defined and resource-derived types. Errors carry exact byte ranges; the parser
// recovers at the next line (inside objects and arrays) or at the next declaration, so one
// mistake does not hide the rest of the file. Time and memory are linear in the input; nesting
// deeper than kMaxDepth is a clean error rather than a stack overflow.
// Nodes are owned by the SyntaxTree (an arena); nothing here leaves parsers/.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "linter/core/SourceFile.h"

namespace eg::bicep {

enum class Tok : uint8_t {
  Eof, NewLine, Ident, Number,
  String,       // 'abc'            (complete, no interpolation)
  StringHead,   // 'abc${
  StringMid,    // }abc${
  StringTail,   // }abc'
  MultiString,  // '''...''' or $'''...''' without interpolation
  LBrace, RBrace, LBracket, RBracket, LParen, RParen,
  Comma, Dot, DotQ /* .? */, ColonColon, Colon, Question, QQ /* ?? */, Assign, Arrow /* => */, At,
  Bang, NotEq, EqEq, EqTilde, NotTilde, Lt, Le, Gt, Ge, And, Or, Plus, Minus, Star, Slash, Percent,
  Ellipsis, Pipe, Caret, Semicolon,
  Error,        // an unrecognised character or an unterminated string (the lexer reported it)
};

struct Token {
  Tok kind = Tok::Eof;
  uint8_t pre = 0;    // string tokens: delimiter bytes before the content ('  }  '''  $'''  …)
  uint8_t post = 0;   // string tokens: delimiter bytes after the content ('  ${  '''  …)
  bool raw = false;   // string tokens: multi-line content (no escape sequences)
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct SyntaxError {
  ByteRange range;
  std::string message;
};

// Lexes `text` completely. Errors (unterminated strings, stray characters) are appended.
std::vector<Token> lex(std::string_view text, std::vector<SyntaxError>& errors);
// Decodes the content of a string token (escapes \n \r \t \\ \' \$ \u{…}); `raw` is the text
// between the delimiters.
std::string decodeString(std::string_view raw);

enum class NodeKind : uint8_t {
  // declarations
  Program, Param, Var, Output, Resource, Module, TypeDecl, Func, Import, TargetScope, Metadata,
  Extension, Using, Extends, Assert, Test, Decorator,
  // expressions
  Ident, String, Number, Bool, Null, Object, Property, Array, Spread, For, If, Member, Index, Call,
  Unary, NonNull, Binary, Ternary, Lambda, Paren, ChildAccess, Error,
  // types
  TypeRef, TypeObject, TypeProperty, TypeArray, TypeNullable, TypeUnion, TypeTuple, TypeLiteral,
  TypeGeneric, TypeMember, TypeIndex, TypeResource,
};

std::string_view nodeKindName(NodeKind k);

inline constexpr uint8_t kSafe = 1;      // `.?member`, `[?index]`
inline constexpr uint8_t kFromEnd = 2;   // `[^n]`
inline constexpr uint8_t kExisting = 4;  // `resource x '…' existing = …`
inline constexpr uint8_t kWildcard = 8;  // `*: type` in an object type, `[*]` index type

// One node. Slot meanings by kind:
//   Param/Var/Output/TypeDecl/Assert/Metadata: name, a = type (may be null), b = value (may be null)
//   Resource/Module/Test: name, a = the type/path String, b = body (Object | If | For), flags kExisting
//   Func: name, list = parameters (Ident with a = type), a = return type, b = body
//   Import/Extension/Using/Extends/TargetScope: a = the String/Ident target, b = `with` object, name = alias;
//     Import: list = imported symbols (Ident, name = symbol, text = alias) — empty for `* as x`
//   Decorator: a = the call expression
//   Ident: name.  String: text = value when parts is empty; otherwise parts (literal pieces, one
//     more than list) and list = interpolated expressions.  Number: text.  Bool: name "true"/"false".
//   Object: list = Property | Spread | Resource (nested child).  Property: name = key, a = value,
//     nameRange = key range.  Array: list = items.  Spread: a.
//   For: list = loop variables (Ident), a = iterable, b = body.  If: a = condition, b = body.
//   Member: a = object, name = member (flags kSafe).  Index: a, b (flags kSafe, kFromEnd).
//   Call: a = callee (Ident | Member), list = arguments.  Unary/Binary: name = operator.
//   NonNull: a.  Ternary: a ? b : c.  Lambda: list = parameters (Ident), b = body.  Paren: a.
//   ChildAccess: a :: name.
//   Types: TypeRef name (dotted), TypeObject list = TypeProperty (name, a = type, decorators),
//     TypeArray a, TypeNullable a, TypeUnion list, TypeTuple list, TypeLiteral a, TypeGeneric name +
//     list, TypeMember a + name, TypeIndex a + b, TypeResource a (String).
struct Node {
  NodeKind kind = NodeKind::Error;
  uint8_t flags = 0;
  ByteRange range;
  ByteRange nameRange;
  std::string_view name;
  std::string text;
  Node* a = nullptr;
  Node* b = nullptr;
  Node* c = nullptr;
  std::vector<Node*> list;
  std::vector<Node*> decorators;
  std::vector<std::string> parts;

  bool is(NodeKind k) const { return kind == k; }
  // A string literal without interpolation.
  bool isPlainString() const { return kind == NodeKind::String && parts.empty(); }
};

inline constexpr int kMaxDepth = 200;

struct SyntaxTree {
  std::string_view text;
  bool isParamFile = false;
  Node* root = nullptr;  // Program; list = declarations in source order
  std::vector<SyntaxError> errors;
  std::deque<Node> arena;

  Node* make(NodeKind k, ByteRange r) {
    arena.emplace_back();
    Node* n = &arena.back();
    n->kind = k;
    n->range = r;
    return n;
  }
};

// Parses a whole file. `isParamFile` selects .bicepparam rules (`param x = value`).
// Never throws; errors are in tree.errors (first error per construct, then recovery).
void parse(std::string_view text, bool isParamFile, SyntaxTree& tree);

}  // namespace eg::bicep
