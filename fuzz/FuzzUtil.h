// Helpers shared by the libFuzzer targets: run a front-end over one in-memory file as the
// engine would (every front-end is driven through the same FrontEnd interface the Session
// uses), and evaluate the built-in policies over what it produced, so a value shape a parser
// emits that the evaluator does not expect is found too.
//
// Targets are built only with -DEDGEGUARD_FUZZ=ON (clang, see fuzz/README.md); each is one
// .cpp file defining LLVMFuzzerTestOneInput and registered in fuzz/CMakeLists.txt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "linter/engine/Linker.h"
#include "linter/core/Budget.h"
#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"
#include "linter/policy/Policy.h"
#include "parsers/FrontEnd.h"

namespace egfuzz {

inline std::string_view bytes(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The built-in policy pack, loaded once per process.
inline const eg::policy::PolicyCatalog& builtinCatalog() {
  static const eg::policy::PolicyCatalog* catalog = [] {
    auto* c = new eg::policy::PolicyCatalog;
    std::vector<eg::Error> errors;
    if (!c->loadBuiltins(errors)) __builtin_trap();  // the pack itself must load
    return c;
  }();
  return *catalog;
}

// Loads `files` (display path, text) as one unit of `fe`, then evaluates every built-in policy
// over the resources. Exceptions are a bug here: the Session turns a front-end exception into
// an "internal error" EG901, which a user must never see, so the fuzzer treats it as a crash.
// With `budget`, the unit loads under it as in the Session (BudgetExceeded is then the EG908
// outcome, not a crash); its memory part counts only in a target linked with the counting
// allocator (cli/Allocation.cpp: fuzz_chains).
inline void loadAndEvaluate(eg::FrontEnd& fe, const std::vector<std::pair<std::string, std::string>>& files,
                            eg::ParseBudget* budget = nullptr) {
  eg::SourceStore store;
  eg::FrontEndOptions options;
  std::vector<const eg::SourceFile*> unit;
  for (const auto& [path, text] : files) unit.push_back(store.add(path, text));
  eg::LoadContext ctx{store, options};
  // As the Session does: on a thread with the stack the evaluation depth limit is measured for.
  bool overBudget = false;
  eg::runWithLargeStacks(1, [&](unsigned) {
    if (!budget) return fe.loadUnit(unit, ctx);
    try {
      eg::BudgetScope scope(*budget);
      fe.loadUnit(unit, ctx);
    } catch (const eg::BudgetExceeded&) {
      overBudget = true;
    }
  });
  if (overBudget) return;
  for (const eg::Error& e : ctx.errors) {
    if (e.message.rfind("internal error", 0) == 0) __builtin_trap();  // not a quote of the input
  }
  eg::ResourceGraph graph;
  for (eg::Resource& r : ctx.resources) graph.add(std::move(r));
  eg::linkGraph(graph);
  eg::policy::EvalOptions evalOptions;
  evalOptions.includeUnknown = true;
  for (const auto& p : builtinCatalog().policies()) {
    std::vector<eg::Finding> findings = eg::policy::evaluate(*p, graph, evalOptions);
    for (const eg::Finding& f : findings) {
      // Every finding must point inside a file of the store (reporters slice the text).
      const eg::SourceFile* src = store.get(f.location.file);
      if (src && (f.location.range.begin > f.location.range.end || f.location.range.end > src->text().size())) {
        __builtin_trap();
      }
    }
  }
}

}  // namespace egfuzz
