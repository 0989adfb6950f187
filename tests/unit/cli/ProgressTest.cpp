// The progress line of long scans: quiet during the first second, then rewritten in place at
// most every kInterval, erased at the end.
#include <doctest/doctest.h>

#include <sstream>

#include "cli/Progress.h"

using eg::cli::ProgressLine;
using namespace std::chrono_literals;

TEST_CASE("progress text names files done, total and rate") {
  CHECK(ProgressLine::render(1200, 26000, 2.0) == "edgeguard: 1200/26000 files (600 files/s)");
  CHECK(ProgressLine::render(0, 10, 0.0) == "edgeguard: 0/10 files");
}

TEST_CASE("progress stays quiet for a fast scan") {
  std::ostringstream out;
  auto t0 = ProgressLine::Clock::now();
  {
    ProgressLine p(out, t0);
    p.update(1, 4, t0 + 10ms);
    p.update(4, 4, t0 + 900ms);
  }
  CHECK(out.str().empty());
}

TEST_CASE("progress of a slow scan is drawn after a second, throttled, and erased") {
  std::ostringstream out;
  auto t0 = ProgressLine::Clock::now();
  ProgressLine p(out, t0);
  p.update(10, 100, t0 + 500ms);
  CHECK(out.str().empty());
  p.update(20, 100, t0 + 1000ms);
  CHECK(out.str() == "\r\x1b[Kedgeguard: 20/100 files (20 files/s)");
  p.update(21, 100, t0 + 1050ms);  // within the interval: not redrawn
  CHECK(out.str() == "\r\x1b[Kedgeguard: 20/100 files (20 files/s)");
  p.update(40, 100, t0 + 2000ms);
  CHECK(out.str().ends_with("\r\x1b[Kedgeguard: 40/100 files (20 files/s)"));
  p.update(100, 100, t0 + 2010ms);  // the last update is always drawn
  CHECK(out.str().ends_with("edgeguard: 100/100 files (50 files/s)"));
  p.finish();
  CHECK(out.str().ends_with("\r\x1b[K"));
  std::string before = out.str();
  p.finish();  // once only
  CHECK(out.str() == before);
}
