// Helpers for the ARM front-end tests: load in-memory templates (and parameter files) through
// the front-end as the engine would, and evaluate single expressions.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "linter/core/SourceFile.h"
#include "parsers/FrontEnd.h"
#include "parsers/arm/ArmExpression.h"
#include "parsers/arm/ArmFrontEnd.h"

namespace armtest {

struct Result {
  eg::SourceStore store;
  eg::FrontEndOptions options;
  std::vector<eg::Resource> resources;
  std::vector<eg::Error> errors;

  // Resources other than parameter declarations (Deployment/parameter), which every
  // template with parameters also produces.
  size_t declaredResources() const {
    size_t n = 0;
    for (const auto& r : resources) n += r.kind != "Deployment/parameter";
    return n;
  }
  const eg::Resource* find(std::string_view address) const {
    for (const auto& r : resources) if (r.address == address) return &r;
    return nullptr;
  }
  const eg::Resource* ofKind(std::string_view kind, size_t nth = 0) const {
    for (const auto& r : resources) {
      if (eg::equalsIgnoreCase(r.kind, kind) && nth-- == 0) return &r;
    }
    return nullptr;
  }
  std::string text(const eg::Provenance& p, bool key = false) const {
    const eg::SourceFile* f = store.get(p.file);
    if (!f) return "<no file>";
    return std::string(f->slice(key ? p.key : p.value));
  }
  std::string text(eg::FileId file, eg::ByteRange r) const {
    const eg::SourceFile* f = store.get(file);
    return f ? std::string(f->slice(r)) : "<no file>";
  }
  // "line:col: message" of every error.
  std::string errorText() const {
    std::string s;
    for (const auto& e : errors) {
      const eg::SourceFile* f = store.get(e.file);
      if (f) {
        eg::LineCol lc = f->position(e.range.begin);
        s += std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": ";
      }
      s += e.message + "\n";
    }
    return s;
  }
};

// Loads a template (and optionally a parameter file) as one unit.
inline void load(Result& res, const std::string& templ, const std::string& params = {}) {
  std::vector<const eg::SourceFile*> unit;
  unit.push_back(res.store.add("azuredeploy.json", templ));
  if (!params.empty()) unit.push_back(res.store.add("azuredeploy.parameters.json", params));
  eg::arm::ArmFrontEnd fe;
  eg::LoadContext ctx{res.store, res.options};
  fe.loadUnit(unit, ctx);
  res.resources = std::move(ctx.resources);
  res.errors = std::move(ctx.errors);
}

// A template with the given resources array (JSON text) and optional parameters/variables.
inline std::string templ(const std::string& resources, const std::string& parameters = "{}",
                         const std::string& variables = "{}") {
  return "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
         "  \"contentVersion\": \"1.0.0.0\",\n  \"parameters\": " + parameters + ",\n  \"variables\": " + variables +
         ",\n  \"resources\": " + resources + "\n}\n";
}

// A host with fixed parameters and variables for expression tests.
struct Host : eg::arm::ExpressionHost {
  eg::Value params = eg::Value::object();
  eg::Value vars = eg::Value::object();
  std::vector<std::string> refs;
  eg::Value parameter(std::string_view n) override {
    const eg::Value* v = params.get(n);
    return v ? *v : eg::Value::unknown("no parameter " + std::string(n));
  }
  eg::Value variable(std::string_view n) override {
    const eg::Value* v = vars.get(n);
    return v ? *v : eg::Value::unknown("no variable " + std::string(n));
  }
  void referenced(std::string_view t) override { refs.emplace_back(t); }
};

// Evaluates an expression string ("[...]"); a parse error fails the test.
inline eg::Value eval(const std::string& text, Host& host) {
  eg::arm::ExprError err;
  eg::arm::ExprPtr e = eg::arm::parseExpression(text, err);
  REQUIRE_MESSAGE(e, text << ": " << err.message);
  return eg::arm::evaluate(*e, host);
}
inline eg::Value eval(const std::string& text) {
  Host h;
  return eval(text, h);
}

}  // namespace armtest
