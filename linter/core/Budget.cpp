#include "linter/core/Budget.h"

#include <cstdio>

namespace eg {

namespace {
thread_local int64_t tAllocated = 0;
thread_local ParseBudget* tBudget = nullptr;

std::string mebibytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}
}  // namespace

void countAllocation(int64_t delta) noexcept { tAllocated += delta; }
int64_t allocatedOnThisThread() noexcept { return tAllocated; }

ParseBudget::ParseBudget(double seconds, uint64_t memoryBytes)
    : deadline_(std::chrono::steady_clock::now() +
                std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6))),
      seconds_(seconds),
      memoryBytes_(memoryBytes),
      baseBytes_(tAllocated) {}

bool ParseBudget::exceeded() noexcept {
  if (over_ != Over::No) return true;
  if (memoryBytes_ && tAllocated - baseBytes_ > static_cast<int64_t>(memoryBytes_)) {
    over_ = Over::Memory;
    return true;
  }
  if ((++calls_ & 255) == 0 && std::chrono::steady_clock::now() > deadline_) {
    over_ = Over::Time;
    return true;
  }
  return false;
}

void ParseBudget::check() {
  if (exceeded()) throw BudgetExceeded(message());
}

std::string ParseBudget::message() const {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%g", seconds_);
  if (over_ == Over::Memory) {
    return "loading took more than the memory budget of " + mebibytes(memoryBytes_) +
           " (set --parse-memory to raise it); not scanned";
  }
  return std::string("loading took longer than the time budget of ") + secs +
         " s (set --parse-timeout to raise it); not scanned";
}

BudgetScope::BudgetScope(ParseBudget& budget) : previous_(tBudget) { tBudget = &budget; }
BudgetScope::~BudgetScope() { tBudget = previous_; }

ParseBudget* currentBudget() noexcept { return tBudget; }

}  // namespace eg
