// Conformance: every Terraform file of the shared corpus parses without error.
// The corpus lives outside the repository (EG_SOURCE_DIR/../shared/corpus); without it the
// test passes with a message so the README test command works on a fresh clone.
#include "TfTestUtil.h"

#include <set>

namespace fs = std::filesystem;

namespace {

// hashicorp-hcl specsuite inputs that are meant to be rejected: their .t file expects error
// diagnostics. For these the test asserts the opposite (at least one EG901).
const std::set<std::string> kMeantInvalid = {
    "hashicorp-hcl/specsuite/tests/structure/attributes/singleline_bad.hcl",   // two attributes on one line
    "hashicorp-hcl/specsuite/tests/structure/blocks/single_oneline_invalid.hcl",  // several args in a one-line block
    "hashicorp-hcl/specsuite/tests/structure/blocks/single_unclosed.hcl",      // `a {` never closed
};

bool isHcl(const fs::path& p) {
  std::string n = p.filename().string();
  auto ends = [&](std::string_view s) { return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0; };
  return ends(".tf") || ends(".tfvars") || ends(".hcl") || ends(".tf.json");
}

}  // namespace

TEST_CASE("corpus: Terraform and HCL files parse without errors") {
  fs::path corpus = fs::path(EG_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus)) {
    MESSAGE("corpus not found at " << corpus.string() << ": conformance test skipped");
    return;
  }
  size_t files = 0, failed = 0, invalid = 0;
  for (const char* sub : {"terraform-provider-azurerm", "hashicorp-hcl"}) {
    fs::path dir = corpus / sub;
    if (!fs::exists(dir)) continue;
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && isHcl(e.path())) paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    for (const fs::path& p : paths) {
      std::string rel = fs::relative(p, corpus).generic_string();
      bool meantInvalid = kMeantInvalid.count(rel) > 0;
      // Each file on its own through the front-end (module calls resolve against disk;
      // only syntax errors count here).
      tftest::Result res;
      eg::LoadError le;
      const eg::SourceFile* f = res.store.load(p, &le);
      REQUIRE_MESSAGE(f, le.message);
      eg::terraform::TerraformFrontEnd fe;
      eg::LoadContext ctx{res.store, res.options};
      fe.loadUnit({f}, ctx);
      if (meantInvalid) {
        bool any = std::any_of(ctx.errors.begin(), ctx.errors.end(), [](const eg::Error& e) { return e.code == "EG901"; });
        CHECK_MESSAGE(any, rel << " is meant to be invalid but parsed cleanly");
        ++invalid;
        continue;
      }
      ++files;
      for (const eg::Error& e : ctx.errors) {
        if (e.code != "EG901") continue;
        ++failed;
        const eg::SourceFile* ef = res.store.get(e.file);
        eg::LineCol lc = ef ? ef->position(e.range.begin) : eg::LineCol{};
        FAIL_CHECK(rel << ":" << lc.line << ":" << lc.column << ": " << e.message);
        break;
      }
    }
  }
  MESSAGE("corpus conformance: " << files - failed << "/" << files << " files parse cleanly; " << invalid
                                  << " meant-invalid files rejected");
  CHECK(files > 0);
}
