// Conformance: every ARM template of the shared corpus (any file the front-end accepts as a
// template: the quickstart, checkov and PSRule fixtures, compiled Bicep baselines, KICS samples,
// IoT Edge solution templates) loads without an EG901 error. The corpus lives outside the
// repository (EG_SOURCE_DIR/../shared/corpus); without it the test passes with a message.
#include "ArmTestUtil.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace {

// Files that look like templates but are deliberately not valid ones.
const std::map<std::string, std::string> kExcluded = {};

std::string head(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string h(512, '\0');
  in.read(h.data(), static_cast<std::streamsize>(h.size()));
  h.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return h;
}

}  // namespace

TEST_CASE("corpus: ARM templates load without errors") {
  fs::path corpus = fs::path(EG_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus)) {
    MESSAGE("corpus not found at " << corpus.string() << ": conformance test skipped");
    return;
  }
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (!e.is_regular_file()) continue;
    std::string n = e.path().filename().string();
    if (n.size() < 5 || (n.substr(n.size() - 5) != ".json" && n.substr(n.size() - 6 < n.size() ? n.size() - 6 : 0) != ".jsonc")) continue;
    if (eg::arm::ArmFrontEnd::isTemplateHead(head(e.path()))) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  size_t files = 0, failed = 0, resources = 0, excluded = 0;
  std::map<std::string, size_t> perSource;
  for (const fs::path& p : paths) {
    std::string rel = fs::relative(p, corpus).generic_string();
    if (kExcluded.count(rel)) { ++excluded; continue; }
    armtest::Result res;
    eg::LoadError le;
    const eg::SourceFile* f = res.store.load(p, &le);
    if (!f) {
      FAIL_CHECK(rel << ": " << le.message);
      continue;
    }
    eg::arm::ArmFrontEnd fe;
    std::vector<const eg::SourceFile*> unit{f};
    fs::path params = eg::arm::ArmFrontEnd::parametersOf(p);
    if (!params.empty()) {
      if (const eg::SourceFile* pf = res.store.load(params, &le)) unit.push_back(pf);
    }
    eg::LoadContext ctx{res.store, res.options};
    fe.loadUnit(unit, ctx);
    res.errors = std::move(ctx.errors);
    ++files;
    ++perSource[rel.substr(0, rel.find('/'))];
    resources += ctx.resources.size();
    if (!res.errors.empty()) {
      ++failed;
      FAIL_CHECK(rel << ":\n" << res.errorText());
    }
  }
  std::string sources;
  for (const auto& [s, n] : perSource) sources += " " + s + "=" + std::to_string(n);
  MESSAGE("ARM corpus: " << files << " templates, " << resources << " resources, " << failed << " with errors, "
                         << excluded << " excluded;" << sources);
  CHECK(files > 0);
}
