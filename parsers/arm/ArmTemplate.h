// ArmTemplate: one ARM template (plus its parameter values) turned into Resources.
// Parameters, variables (with copy loops) and user functions are resolved lazily and memoized;
// resources (array form and languageVersion 2.0 symbolic-name form, nested children, copy
// loops, conditions, nested deployments with inner or outer expression scope) are emitted in
// document order with their attributes evaluated. Expression syntax errors become EG901.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "parsers/FrontEnd.h"
#include "parsers/arm/ArmExpression.h"

namespace eg::arm {

class Scope;

// Loads one template file. `parameterValues` is the "parameters" object of a parameter file
// (name -> {"value": ...} | {"reference": ...}), or null.
class TemplateLoader {
 public:
  TemplateLoader(LoadContext& ctx, const SourceFile& file) : ctx_(ctx), file_(file) {}
  void load(const Value& root, const Value* parameterValues);

  // The parsed expression of a template string value (its provenance locates it in the file);
  // parses on first use and reports a syntax error once. nullptr when it does not parse.
  const ExprNode* expressionAt(const Value& str);

 private:
  friend class Scope;
  struct Parent {
    std::string type;      // full type of the parent resource
    Value name;            // its full name (maybe unknown)
  };

  void checkExpressions(const Value& v, bool structural);
  void emitResources(Scope& scope, const Value& list, const Parent* parent, const std::string& path, int depth);
  void emitResource(Scope& scope, const Value& raw, const std::string& symbol, ByteRange symbolRange,
                    const std::string& path, const Parent* parent, int depth);
  void emitOutput(Scope& scope, const Member& m);
  void emitParameter(const Member& m);
  void error(ByteRange range, std::string message);

  struct Parsed {
    ExprPtr expr;  // null when it did not parse
  };
  LoadContext& ctx_;
  const SourceFile& file_;
  std::unordered_map<uint32_t, Parsed> parsed_;  // by the string literal's begin offset
};

}  // namespace eg::arm
