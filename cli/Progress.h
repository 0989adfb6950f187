// A one-line progress display for long scans on an interactive terminal: after the scan has
// run for a second, stderr shows "edgeguard: 1200/26000 files (850 files/s)", rewritten in
// place at most ten times a second and erased when the scan ends. The CLI creates one only when
// stderr is a terminal (never in CI logs or pipes). update() may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>

namespace eg::cli {

class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ProgressLine(std::ostream& out, Clock::time_point start = Clock::now()) : out_(out), start_(start) {}
  ~ProgressLine() { finish(); }

  // `done` of `total` files are processed at `now`.
  void update(size_t done, size_t total, Clock::time_point now = Clock::now());
  // Erases the line if one was drawn (before the report is written).
  void finish();

  // The text drawn for `done` of `total` files after `seconds`.
  static std::string render(size_t done, size_t total, double seconds);

  static constexpr std::chrono::milliseconds kDelay{1000};    // quiet for fast scans
  static constexpr std::chrono::milliseconds kInterval{100};  // between redraws

 private:
  std::mutex mutex_;
  std::ostream& out_;
  Clock::time_point start_;
  Clock::time_point lastDraw_{};
  bool drawn_ = false;
};

}  // namespace eg::cli
