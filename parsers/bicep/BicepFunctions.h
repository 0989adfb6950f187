// Bicep built-in functions: the pure ones are evaluated; everything that depends on the
// deployment (resourceGroup(), uniqueString(), listKeys(), reference(), …) is Unknown.
// Arguments are evaluated through the host so lambdas (map, filter, …) can be applied.
#pragma once

#include <string>
#include <vector>

#include "linter/graph/Value.h"
#include "parsers/bicep/BicepSyntax.h"

namespace eg::bicep {

class FunctionHost {
 public:
  virtual ~FunctionHost() = default;
  virtual Value evalArg(const Node* n) = 0;
  virtual Value applyLambda(const Node* lambda, const std::vector<Value>& args) = 0;
  virtual FileId file() const = 0;
};

Value callBuiltin(const std::string& name, const std::vector<const Node*>& args, FunctionHost& host, ByteRange at);

}  // namespace eg::bicep
