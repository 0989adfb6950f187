// Session: one scan, start to end — a Workspace used once. For callers that scan a set of
// files a single time and look at the result (tests, `rules`, `explain`, `docs`, the fuzzers);
// the CLI's `scan` and the language server drive a Workspace themselves.
#pragma once

#include <memory>
#include <vector>

#include "linter/engine/Workspace.h"

namespace eg {

class Session {
 public:
  explicit Session(ScanOptions options);
  ~Session();

  // Loads the configuration, the built-in pack and --policy-dir policies, and applies the
  // configuration's rule settings. False when any policy file or rule setting is invalid (its
  // errors are returned); the scan may still run with the valid ones.
  bool loadPolicies(std::vector<Error>& errors);
  const policy::PolicyCatalog& catalog() const { return workspace_.catalog(); }

  ScanResult scan();

  // The sources and graph of the last scan (empty before the first).
  const SourceStore& sources() const;
  const ResourceGraph& graph() const;

 private:
  Workspace workspace_;
  std::shared_ptr<const Analysis> analysis_;
};

}  // namespace eg
