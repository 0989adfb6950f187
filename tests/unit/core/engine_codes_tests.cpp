// The EG9xx table (linter/core/EngineCodes.h) and README.md's list of engine codes, which is
// rendered from it: a code added, renamed or reworded in one place and not the other fails here.
// UPDATE_GOLDENS=1 rewrites the README block (as it rewrites the e2e goldens).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "linter/core/EngineCodes.h"

using namespace eg;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("engine codes: one row per code, in order, with a kebab-case name") {
  std::set<std::string_view> codes, names;
  std::string_view previous;
  for (const EngineCode& c : kEngineCodes) {
    CAPTURE(c.code);
    REQUIRE(c.code.size() == 5);
    CHECK(c.code.substr(0, 3) == "EG9");
    CHECK(c.code > previous);
    previous = c.code;
    CHECK(codes.insert(c.code).second);
    CHECK(names.insert(c.name).second);
    CHECK(c.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string_view::npos);
    CHECK(!c.title.empty());
    CHECK(!c.text.empty());
    CHECK(c.title.find('\n') == std::string_view::npos);
  }
  CHECK(findEngineCode("eg906") == findEngineCode("suppression-without-reason"));
  REQUIRE(findEngineCode(kBudgetErrorCode) != nullptr);
  CHECK(findEngineCode(kBudgetErrorCode)->code == "EG908");
  CHECK(findEngineCode("EG005") == nullptr);
  CHECK(findEngineCode(kModuleNotOnDiskCode)->notice);
  CHECK_FALSE(findEngineCode(kInputErrorCode)->notice);
  CHECK(engineCodeRange() == "EG901-EG912");
}

TEST_CASE("engine codes: README.md lists exactly the table") {
  const std::string path = std::string(EG_SOURCE_DIR) + "/README.md";
  std::string readme = readFile(path);
  const std::string open = "<!-- engine-codes", close = "<!-- /engine-codes -->";
  size_t begin = readme.find(open);
  REQUIRE_MESSAGE(begin != std::string::npos, "README.md has no <!-- engine-codes --> block");
  begin = readme.find('\n', begin) + 1;
  size_t end = readme.find(close, begin);
  REQUIRE(end != std::string::npos);
  std::string expected = renderEngineCodesMarkdown();
  std::string actual = readme.substr(begin, end - begin);
  const char* update = std::getenv("UPDATE_GOLDENS");
  if (actual != expected && update && std::string(update) == "1") {
    readme.replace(begin, end - begin, expected);
    std::ofstream(path, std::ios::binary) << readme;
    MESSAGE("updated README.md's engine codes");
    return;
  }
  INFO("README.md's engine codes differ from linter/core/EngineCodes.h; the block should read:\n" << expected
       << "(UPDATE_GOLDENS=1 ctest -R engine.codes rewrites it)");
  CHECK(actual == expected);
}
