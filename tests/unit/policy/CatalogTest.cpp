// The built-in pack as a whole: every policies/*.yaml loads, the embedded copy matches the
// folder, and the docs and schema name every operator the loader accepts.
#include <filesystem>

#include "PolicyTestUtil.h"
#include "linter/policy/PolicyLoader.h"

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

TEST_CASE("the built-in pack without documentation compiles to the same rules as with it") {
  eg::policy::PolicyCatalog full, slim;
  std::vector<eg::Error> errors;
  REQUIRE(full.loadBuiltins(errors, true));
  REQUIRE(slim.loadBuiltins(errors, false));
  CHECK(errors.empty());
  REQUIRE(full.policies().size() == slim.policies().size());
  for (size_t i = 0; i < full.policies().size(); ++i) {
    const eg::policy::Policy& a = *full.policies()[i];
    const eg::policy::Policy& b = *slim.policies()[i];
    INFO(a.sourcePath);
    CHECK(a.documented);
    CHECK_FALSE(b.documented);
    CHECK(b.id == a.id);
    CHECK(b.name == a.name);
    CHECK((b.severity == a.severity));
    CHECK(b.title == a.title);
    CHECK(b.defender == a.defender);
    CHECK(b.kinds == a.kinds);
    CHECK(b.formats == a.formats);
    CHECK(b.message == a.message);
    CHECK(b.parameters == a.parameters);
    CHECK((eg::policy::originOf(b).line == eg::policy::originOf(a).line));
    CHECK(!a.description.empty());
    CHECK(b.description.empty());
    CHECK(b.remediation.empty());
    CHECK(b.examples.empty());
  }
}

TEST_CASE("withoutDocumentation blanks the documentation blocks and keeps every line in place") {
  const std::string text =
      "id: EG999\n"
      "description: |\n"
      "  two\n"
      "\n"
      "  lines\n"
      "# a comment\n"
      "references:\n"
      "- https://example.com\n"
      "title: kept\n"
      "peers: {checkov: [CKV_1],\n"
      "  kics: [x]}\n"
      "---\n"
      "examples:\n"
      "  terraform: {bad: a, good: b}\n"
      "message: \"m\"";
  const std::string expected =
      "id: EG999\n"
      "\n\n\n\n\n\n\n"
      "title: kept\n"
      "\n\n"
      "---\n"
      "\n\n"
      "message: \"m\"";
  CHECK(eg::policy::withoutDocumentation(text) == expected);
}
