// ParseBudget: the time and memory one unit (a file, or a Terraform module / Bicep folder)
// may take while a front-end loads it, so a hostile input cannot hang a scan or exhaust the
// machine. The Session opens a BudgetScope per unit on the worker thread that loads it;
// front-ends call checkBudget() at safe points (parser and evaluator recursion, JSON values,
// tree-sitter's progress callback). Over budget, checkBudget() throws BudgetExceeded: the
// Session reports the unit's file as EG908 and the scan goes on with the other units.
//
// Memory is the bytes allocated minus freed on the loading thread since the scope began. It is
// counted only where the program routes allocations through countAllocation(): the edgeguard
// executable replaces operator new/delete (cli/Allocation.cpp) and tree-sitter's
// allocator (parsers/terraform/HclSyntax.cpp). Elsewhere (unit tests, fuzzers) only the time
// budget applies.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "linter/core/EngineCodes.h"  // kBudgetErrorCode
#include "linter/core/SourceFile.h"

namespace eg {

class BudgetExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Adds `delta` bytes to this thread's allocation count (negative on free).
void countAllocation(int64_t delta) noexcept;
// This thread's allocation count (bytes allocated minus freed, since the thread started).
int64_t allocatedOnThisThread() noexcept;
// Called by the counting allocator after each allocation: throws BudgetExceeded, once per
// budget, when this thread is past the memory budget, so that one step that copies a large
// value (an array doubled 40 times) cannot run far past the budget before the next
// checkBudget(). The later safe points throw again if the first exception was swallowed.
void checkMemoryOnAllocation();

class ParseBudget {
 public:
  ParseBudget(double seconds, uint64_t memoryBytes);
  // True once over time or memory (the clock is read every few hundred calls).
  bool exceeded() noexcept;
  // Throws BudgetExceeded with a user-facing message when exceeded().
  void check();
  std::string message() const;
  // Over the memory budget, the first time it is asked (for the allocator).
  bool overMemoryOnce() noexcept;
  // What another thread that takes over part of this budget's work gets: the same deadline and
  // message, and the memory left. share() runs on this budget's thread, the constructor on
  // the other one (memory is counted per thread).
  struct Share {
    std::chrono::steady_clock::time_point deadline;
    double seconds = 0;
    uint64_t memoryBytes = 0;  // 0: no limit
  };
  Share share() const noexcept;
  explicit ParseBudget(const Share& share);

 private:
  std::chrono::steady_clock::time_point deadline_;
  double seconds_;
  uint64_t memoryBytes_;
  int64_t baseBytes_;
  uint32_t calls_ = 0;
  bool allocatorThrew_ = false;
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

// ---- Evaluation depth -------------------------------------------------------------------------
// Every evaluator (Terraform, Bicep, ARM, IoT Edge placeholders) nests through EvalDepth, on a
// counter of the thread, so expression nesting, reference chains (local.a -> local.b -> ...),
// module chains and template links together never recurse deeper than kMaxEvalDepth: a chain
// as long as the input (200,000 locals) cannot overflow the stack. Beyond the limit the value
// is unknown and the unit gets one EG908 error (takeTooDeep) saying where.
// Scans run on threads with a stack of kEvalStackBytes (runWithLargeStacks), which the deepest
// evaluation allowed fits with a wide margin: measured at kMaxEvalDepth, 0.9 MB (Bicep) to
// 4.4 MB (ARM arrays built through variables) of stack.
inline constexpr int kMaxEvalDepth = 1000;
inline constexpr size_t kEvalStackBytes = size_t{64} << 20;

class EvalDepth {
 public:
  EvalDepth() noexcept;
  ~EvalDepth();
  EvalDepth(const EvalDepth&) = delete;
  EvalDepth& operator=(const EvalDepth&) = delete;
  // True when this level is past kMaxEvalDepth: evaluate nothing deeper, answer unknown.
  bool tooDeep() const noexcept { return tooDeep_; }

 private:
  bool tooDeep_;
};

// A string an evaluator builds that is longer than this is unknown instead: a chain of
// doublings (`v0 = "${local.v1}${local.v1}"`, ...) cannot grow a value past what any real
// template holds, and no single value can exhaust the memory budget in one step.
inline constexpr size_t kMaxStringValueBytes = size_t{4} << 20;
// Whether a string of `bytes` is over kMaxStringValueBytes, and the unknown reason to give.
bool oversizedString(size_t bytes) noexcept;
std::string oversizedReason(size_t bytes);

// A value a reference resolves to (a local, a variable, a parameter, an output) with more
// nodes than this is unknown instead: a chain of links that each double the value
// (`v0 = concat([v1], [v1])`, ...) cannot build 2^n elements. Counted once per reference,
// when it is first resolved, so the whole cost is at most a few times the limit.
inline constexpr size_t kMaxReferencedValueNodes = 1000000;
std::string tooManyNodesReason();

// The current nesting on this thread (0 outside any evaluation).
int evalDepth() noexcept;

struct DepthHit {
  FileId file = kNoFile;
  ByteRange at;
};
// Records the first place the limit was hit on this thread since the last takeTooDeep().
void noteTooDeep(FileId file, ByteRange at) noexcept;
std::optional<DepthHit> takeTooDeep() noexcept;
// The message of the EG908 error for a hit.
std::string tooDeepMessage();

// Runs fn(0) .. fn(threads - 1) on `threads` threads whose stacks are kEvalStackBytes
// (reserved, touched only as used) and waits for all; the first exception thrown by an fn is
// rethrown here. The threads are kept in a pool for the next call (idle ones wait; each fn
// starts with the thread's evaluation state as a new thread has it). When no thread can be
// had, runs fn on this thread.
void runWithLargeStacks(unsigned threads, const std::function<void(unsigned)>& fn);
// Runs `beside` on a thread of the same pool and `here` on this thread, and waits for both
// (`beside` runs here after `here` when no thread can be had); then rethrows an exception of
// `here`, else one of `beside`. `beside` starts with a new thread's evaluation state and no
// budget: it sets its own (ParseBudget::share).
void runBeside(const std::function<void()>& beside, const std::function<void()>& here);

}  // namespace eg
