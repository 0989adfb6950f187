// The ARM expression language: parse one expression string and evaluate it against a host
// with parameters and variables of every shape.
#include "fuzz/FuzzUtil.h"
#include "parsers/arm/ArmExpression.h"

namespace {
struct Host : eg::arm::ExpressionHost {
  eg::Value params = eg::Value::object();
  Host() {
    params.set("s", std::string("a,b,c"));
    params.set("n", 3.0);
    params.set("b", true);
    eg::Array arr;
    arr.emplace_back(1.0);
    arr.emplace_back(std::string("x"));
    params.set("a", eg::Value(std::move(arr)));
    eg::Value obj = eg::Value::object();
    obj.set("k", std::string("v"));
    obj.set("nested", params);
    params.set("o", obj);
  }
  eg::Value parameter(std::string_view n) override {
    const eg::Value* v = params.get(n);
    return v ? *v : eg::Value::unknown("no parameter");
  }
  eg::Value variable(std::string_view n) override { return parameter(n); }
  eg::Value copyIndex(std::string_view) override { return eg::Value(2.0); }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = egfuzz::bytes(data, size);
  eg::arm::classifyString(text);
  eg::arm::ExprError err;
  eg::arm::ExprPtr e = eg::arm::parseExpression(text, err);
  if (!e) {
    if (err.offset > text.size()) __builtin_trap();
    return 0;
  }
  Host host;
  eg::Value v = eg::arm::evaluate(*e, host);
  (void)eg::arm::armString(v);
  (void)v.toJson();
  return 0;
}
