// ParseBudget: the time and memory one unit (a file, or a Terraform module / Bicep folder)
// may take while a front-end loads it, so a hostile input cannot hang a scan or exhaust the
// machine. The Session opens a BudgetScope per unit on the worker thread that loads it;
// front-ends call checkBudget() at safe points (parser and evaluator recursion, JSON values,
// tree-sitter's progress callback). Over budget, checkBudget() throws BudgetExceeded: the
// Session reports the unit's file as EG908 and the scan goes on with the other units.
//
// Memory is the bytes allocated minus freed on the loading thread since the scope began. It is
// counted only where the program routes allocations through countAllocation(): the edgeguard
// executable replaces operator new/delete (linter/cli/Allocation.cpp) and tree-sitter's
// allocator (parsers/terraform/HclSyntax.cpp). Elsewhere (unit tests, fuzzers) only the time
// budget applies.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace eg {

inline constexpr const char* kBudgetErrorCode = "EG908";

class BudgetExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Adds `delta` bytes to this thread's allocation count (negative on free).
void countAllocation(int64_t delta) noexcept;
// This thread's allocation count (bytes allocated minus freed, since the thread started).
int64_t allocatedOnThisThread() noexcept;

class ParseBudget {
 public:
  ParseBudget(double seconds, uint64_t memoryBytes);
  // True once over time or memory (the clock is read every few hundred calls).
  bool exceeded() noexcept;
  // Throws BudgetExceeded with a user-facing message when exceeded().
  void check();
  std::string message() const;

 private:
  std::chrono::steady_clock::time_point deadline_;
  double seconds_;
  uint64_t memoryBytes_;
  int64_t baseBytes_;
  uint32_t calls_ = 0;
  enum class Over : uint8_t { No, Time, Memory } over_ = Over::No;
};

// Makes `budget` the current thread's budget for the scope's lifetime.
class BudgetScope {
 public:
  explicit BudgetScope(ParseBudget& budget);
  ~BudgetScope();
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  ParseBudget* previous_;
};

// The current thread's budget, or nullptr outside a BudgetScope.
ParseBudget* currentBudget() noexcept;
// Throws BudgetExceeded when the current thread's budget is exceeded; cheap otherwise.
inline void checkBudget() {
  if (ParseBudget* b = currentBudget()) b->check();
}
// Whether the current thread's budget is exceeded (for C callbacks that must not throw).
inline bool budgetExceeded() noexcept {
  ParseBudget* b = currentBudget();
  return b && b->exceeded();
}

}  // namespace eg
