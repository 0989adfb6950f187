// One source of truth for the kinds of file edgeguard reads: each front-end's describe() and
// globs() (parsers/FrontEnd.h). Checked here against what the front-ends accept, the comment
// syntax of suppression quick fixes, and the editor clients, which are shipped as they are:
// editor/vscode (src/extension.ts, package.json) and editor/nvim/edgeguard.lua carry a
// generated copy of the globs that must match (UPDATE_GOLDENS=1 rewrites the copies).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "linter/core/Glob.h"
#include "linter/engine/Fixes.h"
#include "parsers/FrontEnd.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string head(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(512, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

bool matchesAny(const std::vector<FilePattern>& patterns, const fs::path& path) {
  for (const FilePattern& p : patterns) {
    if (globMatch(editorGlob(p.glob), path.generic_string())) return true;
  }
  return false;
}

// A file name the glob matches: "*.tf" -> "main.tf", "aziot/**/*.toml" -> "aziot/main.toml".
std::string sampleName(std::string_view glob) {
  std::string out(glob);
  for (size_t at; (at = out.find("**/")) != std::string::npos;) out.erase(at, 3);
  for (size_t at; (at = out.find('*')) != std::string::npos;) out.replace(at, 1, "main");
  return out;
}

// The text between a client file's `<edgeguard:globs>` and `</edgeguard:globs>` marker lines;
// with UPDATE_GOLDENS=1 it is replaced by `expected` first.
std::string generatedBlock(const fs::path& path, const std::string& expected) {
  std::string text = readFile(path);
  size_t open = text.find("<edgeguard:globs>");
  size_t close = text.find("</edgeguard:globs>");
  REQUIRE_MESSAGE(open != std::string::npos, path.string() << " has no <edgeguard:globs> marker");
  REQUIRE(close != std::string::npos);
  size_t begin = text.find('\n', open) + 1;
  size_t end = text.rfind('\n', close) + 1;  // the start of the closing marker's line
  REQUIRE(begin <= end);
  const char* update = std::getenv("UPDATE_GOLDENS");
  if (update && std::string(update) == "1" && text.substr(begin, end - begin) != expected) {
    text.replace(begin, end - begin, expected);
    std::ofstream(path, std::ios::binary) << text;
    MESSAGE("updated " << path.string());
    return expected;
  }
  return text.substr(begin, end - begin);
}

}  // namespace

TEST_CASE("every front-end describes itself and names its files") {
  auto frontEnds = makeFrontEnds();
  for (const auto& fe : frontEnds) {
    CAPTURE(fe->format());
    CHECK_FALSE(fe->describe().empty());
    REQUIRE_FALSE(fe->globs().empty());
    for (const FilePattern& p : fe->globs()) {
      CAPTURE(p.glob);
      CHECK(globError(p.glob).empty());
      CHECK(p.glob.rfind("**/", 0) == std::string_view::npos);  // editorGlob adds it
      CHECK((p.lineComment == "#" || p.lineComment == "//"));
      // A name the pattern claims by itself is accepted without looking at the content.
      if (p.byName) CHECK(fe->accepts(fs::path("infra") / sampleName(p.glob), ""));
    }
  }
  std::string all = describeFileKinds(frontEnds);
  CHECK(all.find(", or ") != std::string::npos);
  for (const auto& fe : frontEnds) CHECK(all.find(fe->describe()) != std::string::npos);
  CHECK(describeFileKinds() == all);
}

// globs() is what editors and messages are told; accepts() is what a scan does. Every input
// file in the repository's fixtures that a front-end accepts must match one of its globs.
TEST_CASE("a front-end accepts only files its globs name") {
  auto frontEnds = makeFrontEnds();
  size_t accepted = 0;
  for (const char* dir : {"fixtures", "tests/e2e", "tests/lsp"}) {
    fs::path root = fs::path(EG_SOURCE_DIR) / dir;
    if (!fs::is_directory(root)) continue;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
      if (!it->is_regular_file() || it->is_symlink()) continue;
      fs::path rel = fs::relative(it->path(), EG_SOURCE_DIR);
      std::string h = head(it->path());
      for (const auto& fe : frontEnds) {
        if (!fe->accepts(it->path(), h)) continue;
        ++accepted;
        CAPTURE(fe->format());
        CAPTURE(rel.generic_string());
        CHECK(matchesAny(fe->globs(), rel));
      }
    }
  }
  CHECK(accepted > 100);
}

TEST_CASE("lineCommentFor takes the comment syntax from the front-ends' patterns") {
  CHECK(lineCommentFor("infra/main.tf") == "#");
  CHECK(lineCommentFor("/abs/infra/main.tf.json") == "//");
  CHECK(lineCommentFor("main.bicep") == "//");
  CHECK(lineCommentFor("edge/deployment.template.json") == "//");
  CHECK(lineCommentFor("/etc/aziot/config.toml") == "#");
  CHECK(lineCommentFor("/etc/aziot/config.d/10-hub.toml") == "#");
  CHECK(lineCommentFor("gw/config.yaml") == "#");
  CHECK(lineCommentFor("README.md").empty());
}

// The suppression quick fix (linter/engine/Fixes.cpp) writes its comment with the opener the
// patterns give for that file.
TEST_CASE("the suppression quick fix uses each file kind's comment opener") {
  for (const FilePattern& p : fileGlobs()) {
    std::string name = "infra/" + sampleName(p.glob);
    CAPTURE(name);
    SourceStore store;
    const SourceFile* file = store.add(name, "a = 1\n");
    Finding f;
    f.rule = "EG004";
    f.location = f.anchor = {file->id(), {0, 1}};
    auto fix = suppressionFix(f, store, "a reason that says why");
    REQUIRE(fix);
    REQUIRE(fix->edits.size() == 1);
    CHECK(fix->edits[0].newText.rfind(std::string(p.lineComment) + " edgeguard:ignore EG004", 0) == 0);
  }
}

TEST_CASE("the editor clients list the front-ends' globs") {
  const fs::path root = EG_SOURCE_DIR;
  std::vector<FilePattern> globs = fileGlobs();

  // VS Code: the document selector and file watchers (src/extension.ts) use FILE_GLOBS.
  std::string ts = "const FILE_GLOBS: string[] = [\n";
  for (const FilePattern& p : globs) ts += "  '" + editorGlob(p.glob) + "',\n";
  ts += "];\n";
  CHECK(generatedBlock(root / "editor/vscode/src/extension.ts", ts) == ts);

  // Neovim: edgeguard.lua matches buffer names against FILE_GLOBS.
  std::string lua = "local FILE_GLOBS = {\n";
  for (const FilePattern& p : globs) lua += "  '" + std::string(p.glob) + "',\n";
  lua += "}\n";
  CHECK(generatedBlock(root / "editor/nvim/edgeguard.lua", lua) == lua);

  // VS Code's activation: a workspace with a file that only edgeguard's front-ends name
  // (byName) starts the extension; any other workspaceContains pattern must name files some
  // front-end reads (a narrower pattern, such as **/deployment*.json for *.json, is fine).
  nlohmann::json package = nlohmann::json::parse(readFile(root / "editor/vscode/package.json"));
  std::set<std::string> activation;
  for (const auto& e : package["activationEvents"]) {
    std::string event = e.get<std::string>();
    if (event.rfind("workspaceContains:", 0) == 0) activation.insert(event.substr(18));
  }
  for (const FilePattern& p : globs) {
    CAPTURE(p.glob);
    if (p.byName) CHECK(activation.count(editorGlob(p.glob)) == 1);
  }
  for (const std::string& pattern : activation) {
    CAPTURE(pattern);
    std::string sample = sampleName(pattern);
    bool named = false;
    for (const FilePattern& p : globs) named = named || globMatch(editorGlob(p.glob), sample);
    CHECK(named);
  }

  // pre-commit (.pre-commit-hooks.yaml): each hook's `files` pattern passes every kind of file.
  YAML::Node hooks = YAML::LoadFile((root / ".pre-commit-hooks.yaml").string());
  REQUIRE(hooks.IsSequence());
  for (const YAML::Node& hook : hooks) {
    std::string files = hook["files"].as<std::string>();
    CAPTURE(files);
    std::regex re(files);
    for (const FilePattern& p : globs) {
      CAPTURE(p.glob);
      CHECK(std::regex_search(sampleName(p.glob), re));
    }
  }
}
