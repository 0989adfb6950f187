#include "linter/core/Budget.h"

#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <latch>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

namespace eg {

namespace {
thread_local int64_t tAllocated = 0;
thread_local ParseBudget* tBudget = nullptr;
thread_local int tEvalDepth = 0;
thread_local std::optional<DepthHit> tDepthHit;

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

ParseBudget::ParseBudget(const Share& share)
    : deadline_(share.deadline), seconds_(share.seconds), memoryBytes_(share.memoryBytes), baseBytes_(tAllocated) {}

ParseBudget::Share ParseBudget::share() const noexcept {
  Share s{deadline_, seconds_, 0};
  if (memoryBytes_) {
    int64_t used = std::max<int64_t>(0, tAllocated - baseBytes_);
    s.memoryBytes = used >= static_cast<int64_t>(memoryBytes_) ? 1 : memoryBytes_ - static_cast<uint64_t>(used);
  }
  return s;
}

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

bool ParseBudget::overMemoryOnce() noexcept {
  if (allocatorThrew_ || !memoryBytes_ || tAllocated - baseBytes_ <= static_cast<int64_t>(memoryBytes_)) return false;
  allocatorThrew_ = true;
  over_ = Over::Memory;
  return true;
}

void checkMemoryOnAllocation() {
  ParseBudget* b = tBudget;
  if (b && b->overMemoryOnce()) throw BudgetExceeded(b->message());
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

EvalDepth::EvalDepth() noexcept : tooDeep_(++tEvalDepth > kMaxEvalDepth) {}
EvalDepth::~EvalDepth() { --tEvalDepth; }
int evalDepth() noexcept { return tEvalDepth; }

std::string tooManyNodesReason() {
  return "a value of more than " + std::to_string(kMaxReferencedValueNodes) +
         " elements (one that grows at each reference)";
}

bool oversizedString(size_t bytes) noexcept { return bytes > kMaxStringValueBytes; }
std::string oversizedReason(size_t bytes) {
  return "a string of " + std::to_string(bytes) + " bytes, over the limit of " + mebibytes(kMaxStringValueBytes) +
         " for one value";
}

void noteTooDeep(FileId file, ByteRange at) noexcept {
  if (!tDepthHit) tDepthHit = DepthHit{file, at};
}

std::optional<DepthHit> takeTooDeep() noexcept {
  std::optional<DepthHit> hit;
  hit.swap(tDepthHit);
  return hit;
}

std::string tooDeepMessage() {
  return "values are nested or chained (references, module calls, template links) deeper than " +
         std::to_string(kMaxEvalDepth) + " levels; what depends on the rest of the chain is unknown";
}

namespace {
struct StackJob {
  const std::function<void(unsigned)>* fn;
  unsigned index;
  std::exception_ptr error;
  std::latch* done = nullptr;  // counted down when fn returned (pooled threads)
};
void* runStackJob(void* arg) {
  auto* job = static_cast<StackJob*>(arg);
  try {
    (*job->fn)(job->index);
  } catch (...) {
    job->error = std::current_exception();
  }
  return nullptr;
}

// Threads with large stacks, kept between calls. Creating one and unmapping its stack (larger
// than glibc's cache of stacks) on every call was ~2 ms of each language-server analysis, which
// runs five or six of them. A thread leaves the pool when more than kMaxIdle are idle. The pool
// is never destroyed (its threads may still wait on it while the process exits).
class StackPool {
 public:
  static StackPool& instance() {
    static StackPool* pool = new StackPool();
    return *pool;
  }
  // Runs `job` on an idle thread of the pool or a new one; false when no thread can be had.
  bool start(StackJob* job) {
    Worker* w = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        w = idle_.back();
        idle_.pop_back();
      }
    }
    if (!w) {
      w = new Worker();
      w->pool = this;
      pthread_attr_t attr;
      bool created = pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, kEvalStackBytes) == 0 &&
                     pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0;
      pthread_t id;
      created = created && pthread_create(&id, &attr, &Worker::main, w) == 0;
      pthread_attr_destroy(&attr);
      if (!created) {
        delete w;
        return false;
      }
    }
    {
      std::lock_guard<std::mutex> lock(w->mu);
      w->job = job;
    }
    w->cv.notify_one();
    return true;
  }

 private:
  static constexpr size_t kMaxIdle = 64;
  struct Worker {
    StackPool* pool = nullptr;
    std::mutex mu;
    std::condition_variable cv;
    StackJob* job = nullptr;
    static void* main(void* arg) {
      auto* w = static_cast<Worker*>(arg);
      for (;;) {
        StackJob* job;
        {
          std::unique_lock<std::mutex> lock(w->mu);
          w->cv.wait(lock, [&] { return w->job != nullptr; });
          job = std::exchange(w->job, nullptr);
        }
        tDepthHit.reset();  // as on a new thread (the other thread state is scoped)
        std::latch* done = job->done;
        runStackJob(job);
        done->count_down();  // the caller may return now: `job` is not touched again
        if (!w->pool->release(w)) break;
      }
      delete w;
      return nullptr;
    }
  };
  bool release(Worker* w) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() >= kMaxIdle) return false;
    idle_.push_back(w);
    return true;
  }
  std::mutex mu_;
  std::vector<Worker*> idle_;
};
}  // namespace

void runWithLargeStacks(unsigned threads, const std::function<void(unsigned)>& fn) {
  std::vector<StackJob> jobs(threads);
  std::latch done(threads);
  for (unsigned i = 0; i < threads; ++i) {
    jobs[i] = StackJob{&fn, i, nullptr, &done};
    if (!StackPool::instance().start(&jobs[i])) {
      runStackJob(&jobs[i]);  // no thread to be had: this one's stack (the depth limit still applies)
      done.count_down();
    }
  }
  done.wait();
  for (const StackJob& j : jobs) {
    if (j.error) std::rethrow_exception(j.error);
  }
}

void runBeside(const std::function<void()>& beside, const std::function<void()>& here) {
  const std::function<void(unsigned)> fn = [&](unsigned) { beside(); };
  std::latch done(1);
  StackJob job{&fn, 0, nullptr, &done};
  const bool started = StackPool::instance().start(&job);
  std::exception_ptr mine;
  try {
    here();
  } catch (...) {
    mine = std::current_exception();
  }
  if (started) done.wait();  // `beside` uses what the caller owns: never unwind before it ends
  else runStackJob(&job);
  if (mine) std::rethrow_exception(mine);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace eg
