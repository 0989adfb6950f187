// Lexer and parser: every construct of current Bicep parses; errors carry exact positions and
// recovery keeps the rest of the file; deep nesting is a clean error.
#include "BicepTestUtil.h"

using biceptest::errorsOf;
using namespace eg::bicep;

namespace {

// Kinds of the top-level declarations, space-separated.
std::string declKinds(std::string_view text, bool paramFile = false) {
  SyntaxTree tree;
  parse(text, paramFile, tree);
  std::string out;
  for (const Node* d : tree.root->list) out += std::string(out.empty() ? "" : " ") + std::string(nodeKindName(d->kind));
  return out;
}

const Node* firstValue(SyntaxTree& tree, std::string_view text) {
  parse(text, false, tree);
  REQUIRE(tree.errors.empty());
  REQUIRE(!tree.root->list.empty());
  return tree.root->list.back()->b;
}

}  // namespace

TEST_CASE("lexer: tokens, interpolation, multi-line strings, comments and pragmas") {
  std::vector<SyntaxError> errors;
  std::string_view text = "var x = 'a${b}c${ {d: 1}.d }e' // c\n/* b */ #disable-next-line x\n'''m'''";
  std::vector<Token> toks = lex(text, errors);
  CHECK(errors.empty());
  std::vector<Tok> kinds;
  for (const Token& t : toks) kinds.push_back(t.kind);
  std::vector<Tok> expected = {Tok::Ident, Tok::Ident, Tok::Assign, Tok::StringHead, Tok::Ident, Tok::StringMid,
                               Tok::LBrace, Tok::Ident, Tok::Colon, Tok::Number, Tok::RBrace, Tok::Dot, Tok::Ident,
                               Tok::StringTail, Tok::NewLine, Tok::MultiString, Tok::Eof};
  CHECK(kinds == expected);
  CHECK(decodeString("a\\'b\\n\\u{41}\\$") == "a'b\nA$");
  errors.clear();
  lex("var s = 'abc\nvar t = 1", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("unterminated string") != std::string::npos);
}

TEST_CASE("parser: every declaration kind") {
  std::string text = R"(targetScope = 'resourceGroup'
metadata info = 'x'
import {a, b as c} from 'types.bicep'
import * as ns from 'br/public:avm/utl/types/avm-common-types:0.5.1'
extension microsoftGraphV1
extension 'kubernetes@1.0.0' with { namespace: 'default' } as k8s
provider 'sys@1.0.0'
@description('the TLS version')
@allowed(['1.0', '1.2'])
param tls string = '1.2'
param sub resource 'Microsoft.Network/virtualNetworks/subnets@2023-04-01'
param cfg resourceInput<'Microsoft.Devices/IotHubs@2023-06-30'>.properties?
var v = 1
var typed string = 'x'
type t = { @minLength(1) name: string, size: 'S' | 'M' | int? }
@export()
func double(x int) int => x * 2
resource r 'Microsoft.Devices/IotHubs@2023-06-30' existing = { name: 'x' }
module m './m.bicep' = { name: 'm' }
output o string = r.name
output res resource 'Microsoft.Devices/IotHubs@2023-06-30' = r
assert ok = v == 1
test t1 'main.bicep' = { params: {} }
)";
  CHECK(errorsOf(text) == "");
  CHECK(declKinds(text) ==
        "TargetScope Metadata Import Import Extension Extension Extension Param Param Param Var Var TypeDecl Func "
        "Resource Module Output Output Assert Test");
}

TEST_CASE("parser: .bicepparam files") {
  std::string text = "using './main.bicep'\nextends './base.bicepparam'\nimport {x} from 'types.bicep'\n"
                     "param tls = '1.2'\nparam tags = { env: 'prod' }\nvar v = 2\nextensionConfig k with { a: 1 }\n";
  CHECK(errorsOf(text, true) == "");
  CHECK(declKinds(text, true) == "Using Extends Import Param Param Var Extension");
  CHECK(errorsOf("using none\nparam p = 1\n", true) == "");
  CHECK(errorsOf("using './main.bicep'\nparam p\n", true) == "2:8: expected '=' after the parameter name, found a new line\n");
}

TEST_CASE("parser: resources with nesting, parent, loops, conditions and decorators") {
  std::string text = R"(@batchSize(2)
resource hubs 'Microsoft.Devices/IotHubs@2023-06-30' = [for (h, i) in hubList: if (h.enabled) {
  name: h.name
  resource cg 'eventHubEndpoints/events/consumerGroups' = {
    name: 'cg'
  }
}]
resource child 'Microsoft.Devices/IotHubs/certificates@2023-06-30' = if (deploy) {
  parent: hubs[0]
  name: 'cert'
}
output cg string = hubs[0]::cg.name
)";
  CHECK(errorsOf(text) == "");
}

TEST_CASE("parser: expressions") {
  for (std::string_view e : {"a.?b[?'c']!.d[^1]", "cond ? 'a' : b ?? 'c'", "!(a && b) || c == d && e != f",
                             "x =~ 'A' ? 1 + 2 * 3 % 4 - -5 : 6 / 7", "{ ...base, extra: [...list, 4] }",
                             "map(items, x => x.id)", "reduce(xs, 0, (acc, x) => acc + x)", "() => 1",
                             "sys.concat('a', az.resourceGroup().location)", "'''\nmulti ${not} interpolated\n'''",
                             "$'''\nhello ${name}\n'''", "[for i in range(0, 3): i]", "{ a: 1, b: 2 }", "[1, 2, 3]",
                             "func(\n  1,\n  2\n)", "'${a}${b}-${c[0]}'", "stg.listKeys().keys[0].value",
                             "cond\n  ? 'a'\n  : 'b'", "a\n  ?? b"}) {
    CAPTURE(e);
    CHECK(errorsOf("var x = " + std::string(e) + "\n") == "");
  }
  SyntaxTree tree;
  const Node* v = firstValue(tree, "var x = a + b * c");
  REQUIRE(v->is(NodeKind::Binary));
  CHECK(v->name == "+");
  CHECK(v->b->is(NodeKind::Binary));
  SyntaxTree t2;
  const Node* l = firstValue(t2, "var x = map(xs, x => x.id)");
  REQUIRE(l->is(NodeKind::Call));
  REQUIRE(l->list.size() == 2);
  CHECK(l->list[1]->is(NodeKind::Lambda));
  CHECK(l->list[1]->b->is(NodeKind::Member));  // x => (x.id), not (x => x).id
  SyntaxTree t3;
  const Node* s = firstValue(t3, "var x = 'a${b}c'");
  REQUIRE(s->is(NodeKind::String));
  CHECK(s->parts == std::vector<std::string>{"a", "c"});
}

TEST_CASE("parser: types") {
  for (std::string_view t : {"string", "string[]", "string?", "'a' | 'b'", "{ a: int, *: string }", "[int, string]",
                             "resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.properties.sku",
                             "resourceOutput<'Microsoft.Storage/storageAccounts@2023-01-01'>", "ns.myType",
                             "(string | int)[]", "-1 | 2 | true | null", "{\n  @description('d')\n  a: string\n}",
                             "\n  | 'a'\n  | 'b'"}) {
    CAPTURE(t);
    CHECK(errorsOf("type x = " + std::string(t) + "\n") == "");
  }
}

TEST_CASE("parser: errors have exact positions and messages") {
  CHECK(errorsOf("param x\n") == "1:8: expected a type after the parameter name, found a new line\n");
  CHECK(errorsOf("var x 1\n") == "1:8: expected '=' after the variable name, found a new line\n");
  CHECK(errorsOf("var = 1\n") == "1:5: expected a variable name, found '='\n");
  CHECK(errorsOf("resource r 'T@v' {\n}\n") == "1:18: expected '=' after the resource type, found '{'\n");
  CHECK(errorsOf("var x = {\n  a 1\n}\n") == "2:5: expected ':' after the property name\n");
  CHECK(errorsOf("var x = [\n  1,\n  2\n]\n") ==
        "2:5: unexpected new line after ',': separate items either by commas on one line or by new lines\n");
  CHECK(errorsOf("var x = (1 + )\n") == "1:14: expected an expression, found ')'\n");
  CHECK(errorsOf("foo bar\n") ==
        "1:1: expected a declaration (param, var, resource, module, output, type, func, import, targetScope, "
        "metadata, extension, using, assert), found an identifier\n");
}

TEST_CASE("parser: recovery reports every broken declaration and keeps the rest") {
  std::string text = "param a\nvar ok = 1\nvar b = {\n  x: \n  y: 2\n}\nresource r 'T@v' = {\n  name: 'n'\n  bad bad\n}\n"
                     "output o string = ok\n";
  CHECK(errorsOf(text) ==
        "1:8: expected a type after the parameter name, found a new line\n"
        "4:6: expected an expression, found a new line\n"
        "9:7: expected ':' after the property name\n");
  SyntaxTree tree;
  parse(text, false, tree);
  CHECK(declKinds(text) == "Var Var Resource Output");
}

TEST_CASE("parser: deep nesting is a clean error, not a stack overflow") {
  std::string deep = "var x = " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  std::string errs = errorsOf(deep);
  CHECK(errs.find("nesting is deeper than") != std::string::npos);
  std::string parens = "var x = " + std::string(50000, '(') + "1" + std::string(50000, ')') + "\n";
  CHECK(errorsOf(parens).find("nesting is deeper than") != std::string::npos);
  std::string unary = "var x = " + std::string(50000, '!') + "true\n";
  CHECK(errorsOf(unary).find("nesting is deeper than") != std::string::npos);
}

TEST_CASE("parser: time is linear in the number of lambdas") {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "var v" + std::to_string(i) + " = map(xs, x => x.id)\n";
  SyntaxTree tree;
  parse(text, false, tree);
  CHECK(tree.errors.empty());
  CHECK(tree.root->list.size() == 20000);
}
