// Helpers for the Bicep front-end tests: parse text, load in-memory units, read errors.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "linter/core/SourceFile.h"
#include "parsers/FrontEnd.h"
#include "parsers/bicep/BicepEvaluator.h"
#include "parsers/bicep/BicepFrontEnd.h"
#include "parsers/bicep/BicepSyntax.h"

namespace biceptest {

// "line:col: message" of each syntax error, one per line.
inline std::string errorsOf(std::string_view text, bool paramFile = false) {
  eg::bicep::SyntaxTree tree;
  eg::bicep::parse(text, paramFile, tree);
  eg::LineIndex lines(text);
  std::string out;
  for (const auto& e : tree.errors) {
    eg::LineCol lc = lines.position(e.range.begin, text);
    out += std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + e.message + "\n";
  }
  return out;
}

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
  std::string text(const eg::Provenance& p, bool key = false) const {
    const eg::SourceFile* f = store.get(p.file);
    if (!f) return "<no file>";
    return std::string(f->slice(key ? p.key : p.value));
  }
  std::string text(eg::FileId file, eg::ByteRange r) const {
    const eg::SourceFile* f = store.get(file);
    return f ? std::string(f->slice(r)) : "<no file>";
  }
  std::string errorText() const {
    std::string s;
    for (const auto& e : errors) {
      const eg::SourceFile* f = store.get(e.file);
      if (f) {
        eg::LineCol lc = f->position(e.range.begin);
        s += f->path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": ";
      }
      s += e.code + " " + e.message + "\n";
    }
    return s;
  }
  std::string attr(std::string_view address, std::string_view path) const {
    const eg::Resource* r = find(address);
    if (!r) return "<no resource " + std::string(address) + ">";
    const eg::Value* v = r->attributes.at(path);
    return v ? v->toJson() : "<absent>";
  }
};

// Loads in-memory files (display path -> text) as one unit.
inline void load(Result& res, const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<const eg::SourceFile*> unit;
  for (const auto& [path, text] : files) unit.push_back(res.store.add(path, text));
  eg::bicep::BicepFrontEnd fe;
  eg::LoadContext ctx{res.store, res.options};
  fe.loadUnit(unit, ctx);
  res.resources = std::move(ctx.resources);
  res.errors = std::move(ctx.errors);
}
inline void load(Result& res, const std::string& text) { load(res, {{"main.bicep", text}}); }

inline eg::Value eval(std::string_view expr, std::string_view decls = {}) {
  return eg::bicep::evaluateExpressionForTest(decls, expr);
}

}  // namespace biceptest
