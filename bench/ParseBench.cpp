// Parse-only benchmark: the floor a full scan is compared against. Reads every file a
// front-end accepts under the given directories into memory first, then times parsing them
// to syntax trees (no evaluation, no policies) on --jobs threads, best of --repeat passes.
// Usage: eg_bench_parse [--jobs N] [--repeat N] [--format terraform] DIR...
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "linter/core/SourceFile.h"
#include "parsers/FrontEnd.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  unsigned jobs = 1, repeat = 3;
  std::string only;
  std::vector<fs::path> dirs;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--jobs") && i + 1 < argc) jobs = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--format") && i + 1 < argc) only = argv[++i];
    else dirs.emplace_back(argv[i]);
  }
  auto frontEnds = eg::makeFrontEnds();
  eg::SourceStore store(eg::LoadLimits{1ull << 30});
  std::vector<std::pair<const eg::FrontEnd*, const eg::SourceFile*>> work;
  uint64_t bytes = 0;
  for (const fs::path& dir : dirs) {
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const fs::path& p : paths) {
      // The first bytes decide for JSON files (ARM template, IoT Edge manifest), as in a scan.
      std::string head(512, '\0');
      {
        std::ifstream in(p, std::ios::binary);
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
      }
      for (const auto& fe : frontEnds) {
        if (!only.empty() && fe->format() != only) continue;
        if (!fe->accepts(p, head)) continue;
        eg::LoadError err;
        if (const eg::SourceFile* f = store.load(p, &err)) {
          work.emplace_back(fe.get(), f);
          bytes += f->text().size();
        }
        break;
      }
    }
  }
  double best = 1e99;
  size_t errorFiles = 0;
  for (unsigned r = 0; r < repeat; ++r) {
    std::atomic<size_t> next{0}, failed{0};
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < jobs; ++t) {
      pool.emplace_back([&] {
        std::vector<eg::Error> errors;
        for (size_t i = next++; i < work.size(); i = next++) {
          if (!work[i].first->parseOnly(*work[i].second, errors)) ++failed;
          errors.clear();
        }
      });
    }
    for (auto& th : pool) th.join();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
    errorFiles = failed;
  }
  std::printf("files=%zu bytes=%llu seconds=%.3f MB/s=%.2f files_with_errors=%zu jobs=%u\n", work.size(),
              static_cast<unsigned long long>(bytes), best, bytes / 1e6 / best, errorFiles, jobs);
  return errorFiles ? 1 : 0;
}
