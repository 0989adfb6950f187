#include "cli/Progress.h"

#include <cstdio>

namespace eg::cli {

std::string ProgressLine::render(size_t done, size_t total, double seconds) {
  char rate[32] = "";
  if (seconds > 0) std::snprintf(rate, sizeof rate, " (%.0f files/s)", static_cast<double>(done) / seconds);
  return "edgeguard: " + std::to_string(done) + "/" + std::to_string(total) + " files" + rate;
}

void ProgressLine::update(size_t done, size_t total, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now - start_ < kDelay) return;
  if (drawn_ && now - lastDraw_ < kInterval && done < total) return;
  double seconds = std::chrono::duration<double>(now - start_).count();
  // Carriage return and erase-to-end-of-line: the line is rewritten in place.
  out_ << "\r\x1b[K" << render(done, total, seconds) << std::flush;
  lastDraw_ = now;
  drawn_ = true;
}

void ProgressLine::finish() {
  std::lock_guard lock(mutex_);
  if (!drawn_) return;
  out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

}  // namespace eg::cli
