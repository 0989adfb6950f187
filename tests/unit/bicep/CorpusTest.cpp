// Conformance over ../shared/corpus: every valid Bicep/bicepparam file of the Bicep repository's
// samples and every Azure Verified Module parses without error; every Invalid* baseline whose
// expected diagnostics include syntax errors gets at least one error (and the share at an
// expected line is reported); parse speed is reported. Skipped when the corpus is absent.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "BicepTestUtil.h"

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(EG_SOURCE_DIR "/../shared/corpus");

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.starts_with("\xEF\xBB\xBF")) s.erase(0, 3);
  return s;
}

bool isBicepFile(const fs::path& p) { return p.extension() == ".bicep" || p.extension() == ".bicepparam"; }

bool underInvalid(const fs::path& p) {
  for (const auto& part : p) if (part.string().starts_with("Invalid")) return true;
  return false;
}

std::vector<fs::path> filesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) if (e.is_regular_file() && isBicepFile(e.path())) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Codes the Bicep parser itself reports (lexer and parser), as opposed to semantic checks.
bool isSyntaxCode(int code) {
  static const std::set<int> codes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 16, 17, 18, 19, 20, 22, 23, 68, 237, 238};
  return codes.count(code) > 0;
}

}  // namespace

TEST_CASE("corpus: every valid Bicep sample and every Azure Verified Module parses without error") {
  if (!fs::is_directory(kCorpus)) {
    MESSAGE("skipped: " << kCorpus.string() << " is absent");
    return;
  }
  std::vector<fs::path> files;
  for (const fs::path& p : filesUnder(kCorpus / "azure-bicep")) if (!underInvalid(p)) files.push_back(p);
  size_t samples = files.size();
  for (const fs::path& p : filesUnder(kCorpus / "bicep-registry-modules")) files.push_back(p);
  size_t failures = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  for (const fs::path& p : files) {
    std::string text = readFile(p);
    bytes += text.size();
    auto t0 = std::chrono::steady_clock::now();
    eg::bicep::SyntaxTree tree;
    eg::bicep::parse(text, p.extension() == ".bicepparam", tree);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!tree.errors.empty()) {
      ++failures;
      eg::LineIndex lines(text);
      eg::LineCol lc = lines.position(tree.errors[0].range.begin, text);
      FAIL_CHECK(p.lexically_relative(kCorpus).string() << ":" << lc.line << ":" << lc.column << ": "
                                                        << tree.errors[0].message);
    }
  }
  MESSAGE(files.size() << " files (" << samples << " Bicep samples, " << files.size() - samples << " AVM files), "
                       << failures << " with errors; " << bytes / 1024 << " KiB parsed in " << seconds * 1000
                       << " ms = " << (bytes / 1e6) / std::max(seconds, 1e-9) << " MB/s");
  CHECK(failures == 0);
}

TEST_CASE("corpus: Invalid baselines with syntax errors get at least one error") {
  if (!fs::is_directory(kCorpus)) {
    MESSAGE("skipped: " << kCorpus.string() << " is absent");
    return;
  }
  fs::path root = kCorpus / "azure-bicep/src/Bicep.Core.Samples/Files";
  std::regex diag(R"(^//@\[\d+:\d+\) \[BCP(\d+) \(Error\)\])");
  size_t withSyntax = 0, detected = 0, rightLine = 0;
  std::string misses, lineMisses;
  for (const char* group : {"baselines", "baselines_bicepparam"}) {
    if (!fs::is_directory(root / group)) continue;
    for (const auto& dir : fs::directory_iterator(root / group)) {
      if (!dir.path().filename().string().starts_with("Invalid")) continue;
      for (const auto& e : fs::directory_iterator(dir.path())) {
        std::string name = e.path().filename().string();
        bool isParam = name.ends_with(".diagnostics.bicepparam");
        if (!isParam && name != "main.diagnostics.bicep") continue;
        fs::path source = dir.path() / (isParam ? name.substr(0, name.find('.')) + ".bicepparam" : "main.bicep");
        if (!fs::exists(source)) continue;
        // Source lines (1-based) that carry an expected syntax error.
        std::set<uint32_t> expected;
        std::istringstream in(readFile(e.path()));
        std::string line;
        uint32_t srcLine = 0;
        while (std::getline(in, line)) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          std::smatch m;
          if (line.starts_with("//@[")) {
            if (std::regex_search(line, m, diag) && isSyntaxCode(std::stoi(m[1]))) expected.insert(srcLine);
          } else {
            ++srcLine;
          }
        }
        if (expected.empty()) continue;
        ++withSyntax;
        std::string text = readFile(source);
        eg::bicep::SyntaxTree tree;
        eg::bicep::parse(text, isParam, tree);
        std::string rel = source.lexically_relative(root).string();
        if (tree.errors.empty()) {
          misses += rel + "\n";
          continue;
        }
        ++detected;
        eg::LineIndex lines(text);
        bool hit = false;
        for (const auto& err : tree.errors) hit = hit || expected.count(lines.position(err.range.begin, text).line);
        if (hit) ++rightLine;
        else lineMisses += rel + "\n";
      }
    }
  }
  MESSAGE(withSyntax << " Invalid baselines expect syntax errors; " << detected << " get at least one error; "
                     << rightLine << " have an error on a line where one is expected"
                     << (lineMisses.empty() ? std::string() : "; first error elsewhere in:\n" + lineMisses));
  CHECK_MESSAGE(misses.empty(), "no error for:\n" << misses);
  CHECK(rightLine * 2 > withSyntax);
}

TEST_CASE("corpus: the large stress template parses in well under a second") {
  fs::path p = kCorpus / "azure-bicep/src/Bicep.Core.Samples/Files/baselines/LargeTemplate_Stress_LF/main.bicep";
  if (!fs::exists(p)) {
    MESSAGE("skipped: " << p.string() << " is absent");
    return;
  }
  std::string text = readFile(p);
  auto t0 = std::chrono::steady_clock::now();
  eg::bicep::SyntaxTree tree;
  eg::bicep::parse(text, false, tree);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("LargeTemplate_Stress_LF (" << text.size() << " bytes): " << ms << " ms");
  CHECK(tree.errors.empty());
  CHECK(ms < 250);
}
