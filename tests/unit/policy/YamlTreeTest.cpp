// The parsed form of YAML documents (YamlTree) and the built-in pack's trees the build embeds.
#include <doctest/doctest.h>

#include <string>

#include "linter/core/Embedded.h"
#include "linter/policy/Policy.h"
#include "linter/policy/PolicyLoader.h"
#include "linter/policy/YamlTree.h"

using namespace eg::policy;

TEST_CASE("each embedded policy tree is the text's tree without its documentation, and compiles to the same policy") {
  auto files = eg::embeddedPolicies();
  auto trees = eg::embeddedPolicyTrees();
  REQUIRE(trees.size() == files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    CAPTURE(files[i].path);
    REQUIRE(trees[i].path == files[i].path);
    std::optional<YamlNode> tree = decodeTree(trees[i].text);
    REQUIRE(tree);
    YamlNode parsed = loadSingleDocument(withoutDocumentation(files[i].text)).root;
    CHECK(encodeTree(*tree) == encodeTree(parsed));
    CHECK(encodeTree(*tree) == trees[i].text);
    std::vector<eg::Error> errors;
    std::string path = "policies/" + std::string(files[i].path);
    auto fromTree = loadPolicy(*tree, path, true, errors, false);
    auto fromText = loadPolicy(files[i].text, path, true, errors, false);
    CHECK(errors.empty());
    REQUIRE(fromTree);
    REQUIRE(fromText);
    CHECK(fromTree->id == fromText->id);
    CHECK(fromTree->message == fromText->message);
    CHECK(fromTree->kinds == fromText->kinds);
    CHECK(fromTree->parameters == fromText->parameters);
    CHECK(originOf(*fromTree).line == originOf(*fromText).line);
  }
}

TEST_CASE("YamlTree keeps positions, quoting and aliases, and its compact form round-trips") {
  SingleDocument d = loadSingleDocument("a: &x [1, '2', ~]\nb: *x\nc:\n  d: \"e\"\n");
  YamlNode root = d.root;
  REQUIRE(root.IsMap());
  CHECK(root.size() == 3);
  auto [aKey, a] = root.entries().front();
  CHECK(aKey.Scalar() == "a");
  REQUIRE(a.IsSequence());
  std::vector<YamlNode> items(a.elements().begin(), a.elements().end());
  REQUIRE(items.size() == 3);
  CHECK_FALSE(items[0].quoted());
  CHECK(items[1].quoted());
  CHECK(items[2].IsNull());
  CHECK(items[1].Mark().line == 0);
  CHECK(items[1].Mark().column == 10);
  std::string bytes = encodeTree(root);
  std::optional<YamlNode> back = decodeTree(bytes);
  REQUIRE(back);
  CHECK(encodeTree(*back) == bytes);
  CHECK(encodeTree(root, {"b", "c"}) == encodeTree(loadSingleDocument("a: &x [1, '2', ~]\n").root));
  // Anything malformed is no tree.
  CHECK_FALSE(decodeTree(""));
  CHECK_FALSE(decodeTree("EGYT1\n"));
  for (size_t cut = 0; cut < bytes.size(); ++cut) CHECK_FALSE(decodeTree(bytes.substr(0, cut)));
  std::string bad = bytes;
  bad.back() = '\x7f';  // a child index past the nodes
  CHECK_FALSE(decodeTree(bad));
  // An alias of the node it is in stays an index: the readers bound the walk.
  SingleDocument loop = loadSingleDocument("a: &x [*x]\n");
  CHECK(decodeTree(encodeTree(loop.root)));
}
