// ARM expression parser and evaluator: literals, escapes, nesting, every supported function,
// unknowns, and syntax errors.
#include "ArmTestUtil.h"

using armtest::eval;
using eg::Value;
using namespace eg::arm;

namespace {
// Appended piecewise: GCC 12 gives a false -Wrestrict on "literal" + std::string.
std::string s(const Value& v) { return v.isString() ? v.asString() : std::string("<").append(v.toJson()).append(">"); }
double n(const Value& v) { return v.isNumber() ? v.asNumber() : -999; }
bool b(const Value& v) {
  REQUIRE(v.isBool());
  return v.asBool();
}
std::string parseError(const std::string& text) {
  ExprError err;
  ExprPtr e = parseExpression(text, err);
  if (e) return "<parsed>";
  return std::to_string(err.offset) + ": " + err.message;
}
}  // namespace

TEST_CASE("string classification") {
  CHECK(classifyString("plain") == StringForm::Literal);
  CHECK(classifyString("[concat('a')]") == StringForm::Expression);
  CHECK(classifyString("[[not an expression]") == StringForm::EscapedLiteral);
  CHECK(classifyString("[concat('a'") == StringForm::Unclosed);
  CHECK(classifyString("[Optional] the hub name") == StringForm::Literal);
  CHECK(classifyString("[\n \"one\"\n]\n") == StringForm::Literal);  // last character decides
  CHECK(classifyString("") == StringForm::Literal);
  CHECK(classifyString("[") == StringForm::Literal);
}

TEST_CASE("literals, escapes, property access and indexing") {
  CHECK(s(eval("['it''s']")) == "it's");
  CHECK(s(eval("['']")) == "");
  CHECK(n(eval("[42]")) == 42);
  CHECK(n(eval("[-3]")) == -3);
  CHECK(b(eval("[true]")));
  CHECK_FALSE(b(eval("[false()]")));
  CHECK(eval("[null()]").isNull());
  CHECK(s(eval("[ concat( 'a' , 'b' ) ]")) == "ab");
  CHECK(s(eval("[createObject('a', createObject('b', 'x')).a.b]")) == "x");
  CHECK(s(eval("[createObject('a', createArray('x', 'y')).a[1]]")) == "y");
  CHECK(s(eval("[createObject('key', 'v')['key']]")) == "v");
  CHECK(s(eval("[createObject('Key', 'v').key]")) == "v");  // property names are case-insensitive
  CHECK(eval("[createArray(1)[5]]").isUnknown());
  CHECK(eval("[createObject('a', 1).missing]").isUnknown());
  CHECK(s(eval("[CONCAT('a', ToLower('B'))]")) == "ab");  // function names are case-insensitive
}

TEST_CASE("syntax errors name the problem and its offset") {
  CHECK(parseError("[concat('a'") == "11: expected ',' or ')' in the call to concat, found the end of the expression");
  CHECK(parseError("[concat('a')") == "12: expected ']' at the end of the expression");
  CHECK(parseError("['abc]") == "1: unterminated string literal");
  CHECK(parseError("[concat('a') x]") == "13: expected ']' at the end of the expression, found 'x'");
  CHECK(parseError("[foo]") == "4: expected '(' after the function name 'foo', found ']'");
  CHECK(parseError("[]") == "1: expected a function call, string or number, found ']'");
  CHECK(parseError("[a(].b]").find("expected") != std::string::npos);
  CHECK(parseError("[" + std::string(300, 'f') + "]") != "<parsed>");
  std::string nested;
  for (int i = 0; i < 1000; ++i) nested += "concat(";
  CHECK(parseError("[" + nested + "]").find("nested too deeply") != std::string::npos);
}

TEST_CASE("parameters(), variables() and user functions go through the host") {
  armtest::Host h;
  h.params.set("hubName", Value("contoso"));
  h.vars.set("suffix", Value("-hub"));
  CHECK(s(eval("[concat(parameters('hubName'), variables('suffix'))]", h)) == "contoso-hub");
  CHECK(s(eval("[parameters('HUBNAME')]", h)) == "contoso");
  CHECK(eval("[parameters('missing')]", h).isUnknown());
  CHECK(eval("[contoso.name('x')]", h).isUnknown());
  ExprError err;
  ExprPtr e = parseExpression("[contoso.uniqueName(parameters('hubName')).x]", err);
  REQUIRE(e);
  CHECK(e->kind == ExprNode::Kind::Member);
  CHECK(e->args[0]->text == "contoso.uniquename");
}

TEST_CASE("string functions") {
  CHECK(s(eval("[format('{0}-{1}', 'a', 2)]")) == "a-2");
  CHECK(s(eval("[format('{{{0}}}', 'x')]")) == "{x}");
  CHECK(s(eval("[format('vm{0:D3}', 7)]")) == "vm007");
  // Found by fuzz_arm_expr: a huge width was read with atoi (overflow) and padded to it.
  CHECK(s(eval("[format('{0:D888888888888888879}', 7)]")).size() == 4096);
  CHECK(eval("[format('{1}', 'a')]").isUnknown());
  CHECK(s(eval("[toLower('AbC')]")) == "abc");
  CHECK(s(eval("[toUpper('AbC')]")) == "ABC");
  CHECK(s(eval("[replace('a.b.c', '.', '-')]")) == "a-b-c");
  CHECK(s(eval("[substring('hello', 1, 3)]")) == "ell");
  CHECK(s(eval("[substring('hello', 2)]")) == "llo");
  CHECK(eval("[substring('hello', 4, 5)]").isUnknown());
  CHECK(s(eval("[trim('  x ')]")) == "x");
  CHECK(b(eval("[startsWith('Hello', 'he')]")));
  CHECK(b(eval("[endsWith('Hello', 'LO')]")));
  CHECK_FALSE(b(eval("[endsWith('Hello', 'x')]")));
  CHECK(n(eval("[indexOf('abcb', 'B')]")) == 1);
  CHECK(n(eval("[lastIndexOf('abcb', 'b')]")) == 3);
  CHECK(s(eval("[padLeft('7', 3, '0')]")) == "007");
  CHECK(s(eval("[string(5)]")) == "5");
  CHECK(s(eval("[string(true)]")) == "True");
  CHECK(s(eval("[string(createObject('a', createArray(1, 'x')))]")) == "{\"a\":[1,\"x\"]}");
  CHECK(n(eval("[int('12')]")) == 12);
  CHECK(n(eval("[int(3.7)]")) == 3);
  CHECK(eval("[int('x')]").isUnknown());
  CHECK(b(eval("[bool('TRUE')]")));
  CHECK_FALSE(b(eval("[bool(0)]")));
  Value j = eval("[json('{\"a\": [1, 2], \"b\": null}')]");
  REQUIRE(j.isObject());
  CHECK(j.at("a[1]")->asNumber() == 2);
  CHECK(j.get("b")->isNull());
  CHECK(eval("[json('{')]").isUnknown());
  Value parts = eval("[split('a,b;c', createArray(',', ';'))]");
  REQUIRE(parts.isArray());
  CHECK(parts.asArray().size() == 3);
  CHECK(s(parts.asArray()[2]) == "c");
  CHECK(s(eval("[join(split('a.b', '.'), '/')]")) == "a/b");
  CHECK(s(eval("[first('abc')]")) == "a");
  CHECK(s(eval("[last('abc')]")) == "c");
}

TEST_CASE("logical and comparison functions") {
  CHECK(s(eval("[if(equals(1, 1), 'yes', 'no')]")) == "yes");
  CHECK(s(eval("[if(false, 'yes', 'no')]")) == "no");
  CHECK(b(eval("[equals('a', 'a')]")));
  CHECK_FALSE(b(eval("[equals('a', 'A')]")));
  CHECK(b(eval("[equals(createArray(1, 2), createArray(1, 2))]")));
  CHECK(b(eval("[not(false)]")));
  CHECK(b(eval("[and(true, true, true)]")));
  CHECK_FALSE(b(eval("[and(true, false)]")));
  CHECK(b(eval("[or(false, true)]")));
  CHECK(b(eval("[greater(2, 1)]")));
  CHECK(b(eval("[lessOrEquals(1, 1)]")));
  CHECK_FALSE(b(eval("[less('b', 'a')]")));
  CHECK(b(eval("[greaterOrEquals(3, 3)]")));
  CHECK(n(eval("[add(1, mul(2, 3))]")) == 7);
  CHECK(n(eval("[div(7, 2)]")) == 3);
  CHECK(n(eval("[mod(7, 2)]")) == 1);
  CHECK(n(eval("[sub(1, 2)]")) == -1);
  CHECK(n(eval("[min(3, 1, 2)]")) == 1);
  CHECK(n(eval("[max(createArray(3, 9, 2))]")) == 9);
  // Unknowns: short-circuit where the answer is known anyway.
  CHECK_FALSE(b(eval("[and(uniqueString('x'), false)]")));
  CHECK(b(eval("[or(uniqueString('x'), true)]")));
  CHECK(eval("[and(uniqueString('x'), true)]").isUnknown());
  CHECK(eval("[if(equals(resourceGroup().location, 'x'), 1, 2)]").isUnknown());
  CHECK(eval("[equals(createArray(uniqueString('a')), createArray('b'))]").isUnknown());
}

TEST_CASE("collection functions") {
  CHECK(b(eval("[empty('')]")));
  CHECK(b(eval("[empty(createArray())]")));
  CHECK(b(eval("[empty(json('null'))]")));
  CHECK_FALSE(b(eval("[empty(createObject('a', 1))]")));
  CHECK(b(eval("[contains('hello', 'ell')]")));
  CHECK(b(eval("[contains(createArray('a', 'b'), 'b')]")));
  CHECK(b(eval("[contains(createObject('Key', 1), 'key')]")));
  CHECK(eval("[contains(createArray(uniqueString('a')), 'b')]").isUnknown());
  CHECK(b(eval("[contains(createArray(uniqueString('a'), 'b'), 'b')]")));
  CHECK(n(eval("[length('abc')]")) == 3);
  CHECK(n(eval("[length(createArray(1, uniqueString('x')))]")) == 2);  // known length
  CHECK(n(eval("[length(createObject('a', 1, 'b', 2))]")) == 2);
  Value u = eval("[union(createObject('a', 1, 'n', createObject('x', 1)), createObject('b', 2, 'n', createObject('y', 2)))]");
  CHECK(u.get("a")->asNumber() == 1);
  CHECK(u.get("b")->asNumber() == 2);
  CHECK(u.at("n.x")->asNumber() == 1);
  CHECK(u.at("n.y")->asNumber() == 2);
  CHECK(eval("[union(createArray(1, 2), createArray(2, 3))]").asArray().size() == 3);
  CHECK(eval("[intersection(createArray(1, 2), createArray(2, 3))]").asArray().size() == 1);
  CHECK(s(eval("[coalesce(null(), json('null'), 'x', 'y')]")) == "x");
  CHECK(eval("[coalesce(uniqueString('a'), 'x')]").isUnknown());
  CHECK(n(eval("[first(createArray(1, 2))]")) == 1);
  CHECK(n(eval("[last(createArray(1, 2))]")) == 2);
  CHECK(eval("[concat(createArray(1), createArray(2, 3))]").asArray().size() == 3);
  CHECK(eval("[skip(createArray(1, 2, 3), 1)]").asArray().size() == 2);
  CHECK(s(eval("[take('abc', 2)]")) == "ab");
  CHECK(eval("[range(1, 3)]").asArray().size() == 3);
  CHECK(eval("[items(createObject('a', 1))]").at("[0].key")->asString() == "a");
  CHECK(n(eval("[tryGet(createObject('a', createObject('b', 5)), 'a', 'b')]")) == 5);
  CHECK(eval("[tryGet(createObject('a', 1), 'z')]").isNull());
  CHECK(eval("[array('x')]").asArray().size() == 1);
}

TEST_CASE("deployment-time functions are unknown, resource functions record references") {
  armtest::Host h;
  h.params.set("hubName", Value("contoso-hub"));
  for (const char* e : {"[uniqueString(resourceGroup().id)]", "[resourceGroup().location]", "[subscription().tenantId]",
                        "[deployment().name]", "[environment().suffixes.storage]", "[utcNow()]", "[newGuid()]",
                        "[guid('a')]", "[concat('x', uniqueString('y'))]", "[someFutureFunction(1)]"}) {
    CAPTURE(e);
    Value v = eval(e, h);
    CHECK(v.isUnknown());
    CHECK_FALSE(v.unknownReason().empty());
  }
  CHECK(s(eval("[resourceId('Microsoft.Devices/IotHubs', parameters('hubName'))]", h)) ==
        "Microsoft.Devices/IotHubs/contoso-hub");
  CHECK(s(eval("[resourceId('rg', 'Microsoft.Devices/IotHubs/certificates', 'hub', 'cert')]", h)) ==
        "Microsoft.Devices/IotHubs/certificates/hub/cert");
  CHECK(eval("[reference(resourceId('Microsoft.Devices/IotHubs', 'other')).hostName]", h).isUnknown());
  CHECK(eval("[listKeys(resourceId('Microsoft.Devices/IotHubs', 'third'), '2023-06-30')]", h).isUnknown());
  CHECK(eval("[resourceId('Microsoft.Devices/IotHubs', uniqueString('x'))]", h).isUnknown());
  // resourceId() records its result; reference()/list*() record their argument again (the
  // template loader de-duplicates). A resourceId() whose name is not known records "Type/*".
  REQUIRE(h.refs.size() == 7);
  CHECK(h.refs[6] == "Microsoft.Devices/IotHubs/*");
  CHECK(h.refs[0] == "Microsoft.Devices/IotHubs/contoso-hub");
  CHECK(h.refs[3] == "Microsoft.Devices/IotHubs/other");
  CHECK(h.refs[5] == "Microsoft.Devices/IotHubs/third");
}
