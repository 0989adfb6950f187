#include "linter/engine/Session.h"

namespace eg {

Session::Session(ScanOptions options) : workspace_(std::move(options)) {}

Session::~Session() = default;

bool Session::loadPolicies(std::vector<Error>& errors) { return workspace_.preparePolicies(errors); }

ScanResult Session::scan() {
  analysis_ = workspace_.analyse();
  return analysis_->result;
}

const SourceStore& Session::sources() const {
  static const SourceStore empty;
  return analysis_ ? analysis_->sources() : empty;
}

const ResourceGraph& Session::graph() const {
  static const ResourceGraph empty;
  return analysis_ ? analysis_->graph() : empty;
}

}  // namespace eg
