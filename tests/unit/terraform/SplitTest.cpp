// A root module evaluated in two halves (the second on a spare thread, TerraformUnit::emitSplit)
// gives exactly what one pass gives: every resource as the on-disk cache would write it (kind,
// address, attributes with their provenance, references, aliases) and every error, in order.
#include "TfTestUtil.h"

#include <set>

#include "linter/core/Budget.h"
#include "linter/graph/ValueCodec.h"

namespace fs = std::filesystem;

namespace {

struct Loaded {
  std::string resources;  // the resources' encodings, one after the other
  std::string errors;
  size_t count = 0;
  unsigned handedOver = 0;
};

// Loads `unit` as the engine would, with or without a spare thread (any root module of two
// resources or more is split then).
Loaded load(eg::SourceStore& store, const eg::FrontEndOptions& options, const std::vector<const eg::SourceFile*>& unit,
            bool spare) {
  eg::terraform::TerraformFrontEnd fe;
  eg::LoadContext ctx{store, options};
  ctx.spareThread = spare;
  ctx.spareThreadMinimum = 2;
  // On a thread with the engine's stack (the depth limit is measured against it).
  eg::runWithLargeStacks(1, [&](unsigned) {
    eg::ParseBudget budget(60, 0);
    eg::BudgetScope scope(budget);
    eg::takeTooDeep();
    fe.loadUnit(unit, ctx);
    if (std::optional<eg::DepthHit> hit = eg::takeTooDeep()) ctx.errors.push_back(eg::Error{"", hit->file, hit->at, 0, 0, "too deep", "EG908"});
  });
  Loaded out;
  eg::codec::Writer w;
  auto same = [](eg::FileId id) -> std::optional<uint32_t> { return id; };
  for (const eg::Resource& r : ctx.resources) eg::codec::writeResource(w, same, r);
  REQUIRE(w.ok);
  out.resources = std::move(w.out());
  for (const eg::Error& e : ctx.errors) {
    out.errors += e.code + " " + e.path + " " + std::to_string(e.file) + " " + std::to_string(e.range.begin) + "-" +
                  std::to_string(e.range.end) + " " + e.message + "\n";
  }
  out.count = ctx.resources.size();
  out.handedOver = ctx.handedOver;
  return out;
}

// Both ways over the files of `dir` (one directory, as one unit); returns whether it was split.
bool compareDir(const fs::path& dir) {
  eg::terraform::TerraformFrontEnd fe;
  eg::SourceStore store;
  eg::FrontEndOptions options;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && fe.accepts(e.path(), {})) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<const eg::SourceFile*> unit;
  for (const fs::path& p : paths) {
    eg::LoadError le;
    if (const eg::SourceFile* f = store.load(p, &le)) unit.push_back(f);
  }
  if (unit.empty()) return false;
  Loaded one = load(store, options, unit, false);
  Loaded two = load(store, options, unit, true);
  CAPTURE(dir.string());
  CHECK(one.handedOver == 0);
  CHECK(two.count == one.count);
  CHECK(two.errors == one.errors);
  CHECK((two.resources == one.resources));
  return two.handedOver > 0;
}

// In-memory modules: both ways; returns how many parts were handed over.
unsigned compareMemory(const std::map<std::string, std::string>& files) {
  eg::SourceStore store;
  eg::FrontEndOptions options;
  std::vector<const eg::SourceFile*> unit;
  for (const auto& [name, text] : files) unit.push_back(store.add(name, text));
  Loaded one = load(store, options, unit, false);
  Loaded two = load(store, options, unit, true);
  CHECK(one.handedOver == 0);
  CHECK(two.count == one.count);
  CHECK(two.errors == one.errors);
  CHECK((two.resources == one.resources));
  return two.handedOver;
}

std::string hubs(int n, const std::string& nameExpr, const std::string& label = "h") {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "resource \"azurerm_iothub\" \"" + label + std::to_string(i) + "\" {\n  name = " + nameExpr +
           "\n  resource_group_name = azurerm_resource_group.rg.name\n  min_tls_version = \"1.2\"\n"
           "  sku {\n    name = \"S1\"\n    capacity = 1\n  }\n}\n";
  }
  return out;
}

// Every directory under `root` with a .tf file, both ways; returns how many were split.
size_t compareTree(const fs::path& root) {
  std::set<fs::path> dirs;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".tf") dirs.insert(e.path().parent_path());
  }
  size_t split = 0;
  for (const fs::path& d : dirs) split += compareDir(d) ? 1 : 0;
  MESSAGE(root.string() << ": " << dirs.size() << " directories, " << split << " split");
  return split;
}

}  // namespace

TEST_CASE("split evaluation: the repository's Terraform fixtures give what one pass gives") {
  CHECK(compareTree(fs::path(EG_SOURCE_DIR) / "fixtures") > 60);
}

TEST_CASE("split evaluation: the shared corpus's Terraform modules give what one pass gives") {
  fs::path corpus = fs::path(EG_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus)) {
    MESSAGE("corpus not found at " << corpus.string() << ": split-evaluation conformance skipped");
    return;
  }
  CHECK(compareTree(corpus) > 250);
}

TEST_CASE("split evaluation: shared locals, references across the halves, merges, count and dynamic blocks") {
  std::string main =
      "locals {\n  prefix = \"p-${var.env}\"\n  tags = { team = \"a\" }\n}\n"
      "variable \"env\" {\n  default = \"prod\"\n}\n"
      "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg-${local.prefix}\"\n  location = \"westeurope\"\n}\n" +
      hubs(40, "\"${local.prefix}-hub\"") +
      // The last hub's key policies: merged into a hub of the first half.
      "resource \"azurerm_iothub_shared_access_policy\" \"p\" {\n  name = \"owner\"\n  iothub_name = azurerm_iothub.h1.name\n"
      "  registry_read = true\n}\n"
      "resource \"azurerm_iothub\" \"counted\" {\n  count = 2\n  name = \"c-${count.index}\"\n"
      "  resource_group_name = azurerm_resource_group.rg.name\n  sku {\n    name = \"S1\"\n    capacity = 1\n  }\n"
      "  dynamic \"network_rule_set\" {\n    for_each = [1]\n    content {\n      default_action = \"Deny\"\n"
      "      ip_rule {\n        name = \"r\"\n        ip_mask = \"10.0.0.0/8\"\n      }\n    }\n  }\n}\n"
      "output \"hub\" {\n  value = azurerm_iothub.h39.name\n}\n";
  CHECK(compareMemory({{"m/main.tf", main}}) == 1);
}

TEST_CASE("split evaluation: a cycle or the depth limit makes it one pass") {
  // local.a and local.b refer to each other; which is asked first decides the reasons. The
  // first half asks local.a first; the second half (its first resource) would ask local.b.
  std::string cycle = "locals {\n  a = \"${local.b}-a\"\n  b = \"${local.a}-b\"\n}\n"
                      "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  location = \"westeurope\"\n}\n" +
                      hubs(5, "local.a") +
                      "resource \"azurerm_iothub\" \"b\" {\n  name = local.b\n  resource_group_name = \"x\"\n}\n" +
                      hubs(5, "local.b", "k");
  CHECK(compareMemory({{"c/main.tf", cycle}}) == 0);
  // A chain of locals just past the depth limit, read from both halves.
  std::string chain = "locals {\n  l0 = \"end\"\n";
  for (int i = 1; i <= 1100; ++i) chain += "  l" + std::to_string(i) + " = local.l" + std::to_string(i - 1) + "\n";
  chain += "}\nresource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  location = \"westeurope\"\n}\n" +
           hubs(10, "local.l1100");
  CHECK(compareMemory({{"d/main.tf", chain}}) == 0);
  // Without either, the same module is split.
  CHECK(compareMemory({{"e/main.tf", "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  location = \"w\"\n}\n" +
                                         hubs(10, "\"h\"")}}) == 1);
}

TEST_CASE("split evaluation: a module that calls modules is one pass") {
  tftest::TempTree t({{"root/main.tf", "module \"child\" {\n  source = \"../child\"\n  n = \"x\"\n}\n"
                                       "resource \"azurerm_resource_group\" \"rg\" {\n  name = module.child.out\n  location = \"w\"\n}\n" +
                                           hubs(6, "\"h\"")},
                      {"child/main.tf", "variable \"n\" {}\noutput \"out\" {\n  value = \"rg-${var.n}\"\n}\n" + hubs(3, "var.n")}});
  CHECK_FALSE(compareDir(t.root / "root"));
  CHECK(compareDir(t.root / "child"));
}
