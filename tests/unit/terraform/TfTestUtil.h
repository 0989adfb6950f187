// Helpers for the Terraform front-end tests: write a throw-away directory tree, run the
// front-end over one directory as the engine would, and look at what came out.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include "linter/core/SourceFile.h"
#include "parsers/FrontEnd.h"
#include "parsers/terraform/TerraformFrontEnd.h"

namespace tftest {

namespace fs = std::filesystem;

// A temporary directory removed on destruction.
struct TempTree {
  fs::path root;
  explicit TempTree(const std::map<std::string, std::string>& files) {
    static std::atomic<int> counter{0};
    root = fs::temp_directory_path() /
           ("eg-tf-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(root);
    for (const auto& [rel, text] : files) {
      fs::path p = root / rel;
      fs::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << text;
    }
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

struct Result {
  eg::SourceStore store;
  eg::FrontEndOptions options;
  std::vector<eg::Resource> resources;
  std::vector<eg::Error> errors;

  const eg::Resource* find(std::string_view address) const {
    for (const auto& r : resources) if (r.address == address) return &r;
    return nullptr;
  }
  // The source text a provenance range covers.
  std::string text(const eg::Provenance& p, bool key = false) const {
    const eg::SourceFile* f = store.get(p.file);
    if (!f) return "<no file>";
    return std::string(f->slice(key ? p.key : p.value));
  }
  std::string errorText() const {
    std::string s;
    for (const auto& e : errors) {
      s += e.code + " " + e.path;
      if (const eg::SourceFile* f = store.get(e.file)) {
        eg::LineCol lc = f->position(e.range.begin);
        // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on the chained form.
        s += ':';
        s += std::to_string(lc.line);
        s += ':';
        s += std::to_string(lc.column);
      }
      s += ": " + e.message + "\n";
    }
    return s;
  }
};

// Loads every Terraform file of `dir` (not recursive) as one unit.
inline void run(Result& res, const fs::path& dir) {
  eg::terraform::TerraformFrontEnd fe;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && fe.accepts(e.path(), {})) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<const eg::SourceFile*> unit;
  for (const auto& p : paths) {
    eg::LoadError le;
    const eg::SourceFile* f = res.store.load(p, &le);
    REQUIRE_MESSAGE(f, le.message);
    unit.push_back(f);
  }
  eg::LoadContext ctx{res.store, res.options};
  fe.loadUnit(unit, ctx);
  res.resources = std::move(ctx.resources);
  res.errors = std::move(ctx.errors);
}

// Runs the front-end over in-memory files of one directory (no module loading from disk).
inline void runMemory(Result& res, const std::map<std::string, std::string>& files) {
  eg::terraform::TerraformFrontEnd fe;
  std::vector<const eg::SourceFile*> unit;
  for (const auto& [name, text] : files) unit.push_back(res.store.add(name, text));
  eg::LoadContext ctx{res.store, res.options};
  fe.loadUnit(unit, ctx);
  res.resources = std::move(ctx.resources);
  res.errors = std::move(ctx.errors);
}

// Evaluates one HCL expression (with optional extra declarations) and returns its value.
inline eg::Value eval(const std::string& expr, const std::string& extra = "") {
  Result res;
  runMemory(res, {{"mem/main.tf", extra + "\nresource \"test_probe\" \"p\" {\n  v = " + expr + "\n}\n"}});
  INFO(res.errorText());
  const eg::Resource* r = res.find("test_probe.p");
  REQUIRE(r);
  const eg::Value* v = r->attributes.at("_terraform.v");
  REQUIRE(v);
  return *v;
}

}  // namespace tftest
