// action.yml (the GitHub Action) is read as GitHub reads a composite action's metadata: the
// keys it requires are there, every `run` step names its shell, inputs reach scripts only through
// `env` (an input interpolated into a script could inject shell code), every input is used and
// every input, step id and script referenced exists. tests/packaging/action.sh runs the scripts.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

YAML::Node loadAction() { return YAML::LoadFile(std::string(EG_SOURCE_DIR) + "/action.yml"); }

// Every `${{ ... }}` expression in a scalar, and the names of one kind it references
// (`inputs.NAME`, `steps.ID.outputs`).
std::set<std::string> references(const std::string& text, const std::string& kind) {
  std::set<std::string> names;
  std::regex expr(R"(\$\{\{([^}]*)\}\})");
  std::regex ref(kind + R"(\.([A-Za-z0-9_-]+))");
  for (auto e = std::sregex_iterator(text.begin(), text.end(), expr); e != std::sregex_iterator(); ++e) {
    std::string inside = (*e)[1];
    for (auto r = std::sregex_iterator(inside.begin(), inside.end(), ref); r != std::sregex_iterator(); ++r) {
      names.insert((*r)[1]);
    }
  }
  return names;
}

// All scalars under a node, with `if:` conditions (which are expressions without ${{ }}) wrapped.
void collectText(const YAML::Node& node, const std::string& key, std::string& out) {
  if (node.IsScalar()) {
    out += key == "if" ? "${{ " + node.as<std::string>() + " }}\n" : node.as<std::string>() + "\n";
  } else if (node.IsSequence()) {
    for (const auto& n : node) collectText(n, key, out);
  } else if (node.IsMap()) {
    for (const auto& kv : node) collectText(kv.second, kv.first.as<std::string>(), out);
  }
}

}  // namespace

TEST_CASE("action.yml is a composite action with a name, a description and described inputs") {
  YAML::Node action = loadAction();
  REQUIRE(action.IsMap());
  CHECK(action["name"].as<std::string>() == "edgeguard");
  CHECK(!action["description"].as<std::string>().empty());
  REQUIRE(action["runs"].IsMap());
  CHECK(action["runs"]["using"].as<std::string>() == "composite");
  REQUIRE(action["runs"]["steps"].IsSequence());
  CHECK(action["runs"]["steps"].size() >= 3);
  REQUIRE(action["inputs"].IsMap());
  for (const std::string name : {"paths", "config", "fail-on", "diff-base", "formats", "sarif-file", "upload-sarif",
                                 "summary", "binary"}) {
    CAPTURE(name);
    CHECK(action["inputs"][name].IsMap());
  }
  for (const auto& input : action["inputs"]) {
    std::string name = input.first.as<std::string>();
    CAPTURE(name);
    CHECK(!input.second["description"].as<std::string>().empty());
    REQUIRE(input.second["default"].IsScalar());
    // Booleans are compared as strings in `if:`; a default of true (not 'true') is the same
    // string, but only these two spellings are what the conditions test for.
    if (name == "upload-sarif" || name == "summary") {
      std::string d = input.second["default"].as<std::string>();
      CHECK((d == "true" || d == "false"));
    }
  }
  for (const auto& output : action["outputs"]) {
    CAPTURE(output.first.as<std::string>());
    CHECK(!output.second["description"].as<std::string>().empty());
    CHECK(output.second["value"].as<std::string>().find("${{") != std::string::npos);
  }
}

TEST_CASE("action.yml steps: run steps name a shell and take inputs only through env, uses are pinned") {
  YAML::Node steps = loadAction()["runs"]["steps"];
  for (const auto& step : steps) {
    std::string name = step["name"] ? step["name"].as<std::string>() : "?";
    CAPTURE(name);
    CHECK((step["run"].IsDefined() != step["uses"].IsDefined()));
    if (step["run"]) {
      CHECK(step["shell"].as<std::string>() == "bash");
      std::string script = step["run"].as<std::string>();
      CHECK(script.find("${{") == std::string::npos);  // no expression inside a script at all
    }
    if (step["uses"]) {
      std::string uses = step["uses"].as<std::string>();
      CHECK(std::regex_match(uses, std::regex(R"([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@(v[0-9]+(\.[0-9]+)*|[0-9a-f]{40}))")));
    }
  }
}

TEST_CASE("action.yml: every input is used, every reference is declared, every script exists") {
  YAML::Node action = loadAction();
  std::string text;
  collectText(action["runs"], "runs", text);
  collectText(action["outputs"], "outputs", text);

  std::set<std::string> declared;
  for (const auto& input : action["inputs"]) declared.insert(input.first.as<std::string>());
  std::set<std::string> used = references(text, "inputs");
  for (const std::string& u : used) {
    CAPTURE(u);
    CHECK(declared.count(u) == 1);
  }
  for (const std::string& d : declared) {
    CAPTURE(d);
    CHECK(used.count(d) == 1);
  }

  std::set<std::string> ids;
  for (const auto& step : action["runs"]["steps"]) {
    if (step["id"]) CHECK(ids.insert(step["id"].as<std::string>()).second);
  }
  for (const std::string& s : references(text, "steps")) {
    CAPTURE(s);
    CHECK(ids.count(s) == 1);
  }

  // Scripts the steps run from the action's checkout.
  std::regex script(R"(\$GITHUB_ACTION_PATH/([A-Za-z0-9_./-]+))");
  int scripts = 0;
  for (auto m = std::sregex_iterator(text.begin(), text.end(), script); m != std::sregex_iterator(); ++m, ++scripts) {
    std::string path = (*m)[1];
    CAPTURE(path);
    CHECK(fs::is_regular_file(fs::path(EG_SOURCE_DIR) / path));
  }
  CHECK(scripts >= 3);
}
