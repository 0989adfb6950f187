// Globs for configuration excludes and security groups.
#include <doctest/doctest.h>

#include "linter/core/Glob.h"

using namespace eg;

TEST_CASE("globMatch: segments, stars, classes") {
  CHECK(globMatch("*.tf", "main.tf"));
  CHECK_FALSE(globMatch("*.tf", "dir/main.tf"));
  CHECK(globMatch("**/*.tf", "main.tf"));
  CHECK(globMatch("**/*.tf", "a/b/c/main.tf"));
  CHECK(globMatch("a/**/b", "a/b"));
  CHECK(globMatch("a/**/b", "a/x/y/b"));
  CHECK_FALSE(globMatch("a/**/b", "a/x/y/c"));
  CHECK(globMatch("dev?/deployment.json", "dev1/deployment.json"));
  CHECK_FALSE(globMatch("dev?/deployment.json", "dev10/deployment.json"));
  CHECK(globMatch("dev[0-9]/x", "dev7/x"));
  CHECK_FALSE(globMatch("dev[!0-9]/x", "dev7/x"));
  CHECK(globMatch("dev[!0-9]/x", "devA/x"));
  CHECK(globMatch("*a*b*c*", "xxaxxbxxcxx"));
  CHECK_FALSE(globMatch("*a*b*c*d", "xxaxxbxxcxx"));
  CHECK(globMatch("plants/line-1/**", "plants/line-1/dev1/deployment.json"));
  CHECK_FALSE(globMatch("*", "a/b"));
}

TEST_CASE("globMatch stays fast on many stars") {
  std::string path(200, 'a');
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "*a";
  pattern += "b";
  CHECK_FALSE(globMatch(pattern, path));
  std::string deep, deepPattern;
  for (int i = 0; i < 200; ++i) deep += "d/";
  for (int i = 0; i < 40; ++i) deepPattern += "**/d/";
  deepPattern += "x";
  CHECK_FALSE(globMatch(deepPattern, deep + "y"));
}

TEST_CASE("globMatchesPathOrParent: exclude-list semantics") {
  CHECK(globMatchesPathOrParent("examples", "examples/a/main.tf"));
  CHECK(globMatchesPathOrParent("examples", "x/examples/main.tf"));
  CHECK_FALSE(globMatchesPathOrParent("/examples", "x/examples/main.tf"));
  CHECK(globMatchesPathOrParent("/examples", "examples/main.tf"));
  CHECK(globMatchesPathOrParent("./examples", "examples/main.tf"));
  CHECK(globMatchesPathOrParent("*.tfvars", "env/prod.tfvars"));
  CHECK(globMatchesPathOrParent("legacy/", "legacy/main.tf"));
  CHECK_FALSE(globMatchesPathOrParent("main.tf/", "main.tf"));
  CHECK(globMatchesPathOrParent("modules/*/test", "modules/hub/test/main.tf"));
  CHECK_FALSE(globMatchesPathOrParent("modules/*/test", "modules/hub/main.tf"));
  CHECK_FALSE(globMatchesPathOrParent("", "a"));
}

TEST_CASE("globError") {
  CHECK(globError("a/**/b").empty());
  CHECK(globError("dev[0-9]").empty());
  CHECK(globError("dev[0-9") == "unclosed '[' in pattern");
  CHECK(globError("a**") == "'**' must be a whole path segment (like a/**/b)");
  CHECK(globError("") == "empty pattern");
}
