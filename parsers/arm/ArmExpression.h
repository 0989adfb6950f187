// ArmExpression: the ARM template expression language ("[concat('a', parameters('b'))]").
// A small parser into an expression tree and a static evaluator over eg::Value. Anything that
// is only known at deployment (uniqueString, reference(), resourceGroup(), ...) evaluates to an
// unknown Value; evaluation never fails. The evaluator reaches the template through
// ExpressionHost, so it can be driven on its own (tests, fuzzing) without a template.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linter/graph/Value.h"

namespace eg::arm {

// One node of a parsed expression.
struct ExprNode {
  enum class Kind : uint8_t { String, Number, Bool, Null, Call, Member, Index };
  Kind kind = Kind::Null;
  std::string text;   // String: the literal; Call: the function name (lower case, "ns.fn" for user functions);
                      // Member: the property name
  double number = 0;  // Number
  bool boolean = false;
  std::vector<std::unique_ptr<ExprNode>> args;  // Call: arguments; Member/Index: [0] = object, Index: [1] = index
};
using ExprPtr = std::unique_ptr<ExprNode>;

struct ExprError {
  uint32_t offset = 0;  // into the expression string (the whole "[...]" text)
  std::string message;
};

// How a JSON string is to be read: a literal, an expression, or a literal with the "[[" escape.
enum class StringForm : uint8_t { Literal, Expression, EscapedLiteral, Unclosed };
// "[...]" -> Expression, "[[..." -> EscapedLiteral (the value drops the first '['),
// "[fn(..." without the closing ']' -> Unclosed (an error: it looks like a broken expression;
// ARM would silently treat it as a literal), anything else -> Literal.
StringForm classifyString(std::string_view s);

// Parses a whole expression string, brackets included ("[concat('a', 'b')]").
// Bounded nesting (kMaxExprDepth); on failure returns nullptr and fills err.
inline constexpr uint32_t kMaxExprDepth = 128;
ExprPtr parseExpression(std::string_view text, ExprError& err);

// What the evaluator needs from the template around an expression.
class ExpressionHost {
 public:
  virtual ~ExpressionHost() = default;
  virtual Value parameter(std::string_view name) { return Value::unknown("parameter '" + std::string(name) + "' is not known"); }
  virtual Value variable(std::string_view name) { return Value::unknown("variable '" + std::string(name) + "' is not known"); }
  // copyIndex() / copyIndex('loop') (loop empty for the innermost loop), without the offset.
  virtual Value copyIndex(std::string_view loop) { return Value::unknown("copyIndex() varies per copy"); }
  // A user-defined function "ns.name".
  virtual Value userFunction(std::string_view qualifiedName, std::vector<Value>& args) {
    return Value::unknown("user function " + std::string(qualifiedName) + " is evaluated at deployment");
  }
  // A resource named by resourceId()/reference()/list*()/dependsOn: "Type/name" (resource id
  // form, as written) or a bare name or symbolic name.
  virtual void referenced(std::string_view target) {}
};

// Evaluates a parsed expression. Values built by the evaluator (createObject, split, ...) have
// no provenance; values taken from parameters/variables keep theirs.
Value evaluate(const ExprNode& node, ExpressionHost& host);

// The value ARM's resourceId() yields here: "Type/name1/name2" (no subscription or group
// prefix), so it matches a resource's alias. Empty when not statically known.
std::string resourceIdString(const std::vector<Value>& args);

// Renders a value as ARM's string() does (strings as is, others as compact JSON).
std::string armString(const Value& v);

}  // namespace eg::arm
