// The built-in pack as a whole: every policies/*.yaml loads, the embedded copy matches the
// folder, and the docs and schema name every operator the loader accepts.
#include <filesystem>

#include "PolicyTestUtil.h"

using namespace eg::policy::test;

namespace {
std::vector<std::string> policyFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(EG_SOURCE_DIR) + "/policies")) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}
}  // namespace

TEST_CASE("every policies/*.yaml is a valid built-in with remediation for each format it covers") {
  auto files = policyFiles();
  REQUIRE(files.size() >= 3);
  eg::policy::PolicyCatalog catalog;
  std::vector<eg::Error> errors;
  for (const std::string& file : files) {
    CAPTURE(file);
    CHECK(catalog.loadText(readSource("policies/" + file), "policies/" + file, true, errors));
  }
  for (const auto& e : errors) FAIL_CHECK(e.path << ":" << e.line << ":" << e.column << ": " << e.message);
  for (const auto& p : catalog.policies()) {
    CAPTURE(p->id);
    CHECK_FALSE(p->formats.empty());
    for (const std::string& format : p->formats) CHECK(p->remediation.count(format) == 1);
    CHECK_FALSE(p->references.empty());
    CHECK(p->id.rfind("EG", 0) == 0);
  }
}

TEST_CASE("the embedded pack is the policies/ folder") {
  eg::policy::PolicyCatalog catalog;
  std::vector<eg::Error> errors;
  CHECK(catalog.loadBuiltins(errors));
  CHECK(errors.empty());
  auto files = policyFiles();
  REQUIRE(catalog.policies().size() == files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    CHECK(catalog.policies()[i]->sourcePath == "policies/" + files[i]);
    CHECK(catalog.policies()[i]->builtin);
  }
}

TEST_CASE("README and schema.json document every operator") {
  std::string readme = readSource("policies/README.md");
  std::string schema = readSource("policies/schema.json");
  for (std::string_view op : eg::policy::opNames()) {
    CAPTURE(op);
    // Built with append(): GCC 12 gives a false -Wrestrict on "literal" + std::string.
    std::string code = std::string("`").append(op).append("`");
    std::string key = std::string("\"").append(op).append("\"");
    CHECK(readme.find(code) != std::string::npos);
    CHECK(schema.find(key) != std::string::npos);
  }
}
