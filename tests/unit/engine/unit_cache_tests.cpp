// UnitCache (linter/engine/UnitCache.h): a scan that takes units from the cache must give
// exactly what a scan that parses everything gives — resources with their values and source
// ranges, findings, errors and the secrets marked in the files — and a unit whose files (its
// own or those it read, such as a module's) changed must be parsed again.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "linter/engine/Session.h"
#include "linter/engine/UnitCache.h"

namespace {

namespace fs = std::filesystem;
using namespace eg;

std::string render(const std::vector<fs::path>& paths, std::shared_ptr<UnitCache> cache,
                   std::shared_ptr<SourceStore::Overlays> overlays = nullptr) {
  ScanOptions options;
  options.paths = paths;
  options.jobs = 2;
  options.unitCache = std::move(cache);
  options.overlays = std::move(overlays);
  options.showUnknown = true;
  Session session(options);
  std::vector<Error> policyErrors;
  REQUIRE(session.loadPolicies(policyErrors));
  ScanResult result = session.scan();
  const SourceStore& store = session.sources();
  auto pathOf = [&](FileId id) { return store.get(id) ? store.get(id)->path() : std::string("-"); };
  std::vector<std::string> lines;
  for (const Resource& r : session.graph().resources()) {
    lines.push_back(std::string("resource ") + pathOf(r.file) + " " + r.address + " " + r.kind + " " +
                    std::to_string(r.header.begin) + "-" + std::to_string(r.body.end) + " " + r.attributes.toJson());
  }
  for (const Finding& f : result.findings) {
    lines.push_back(std::string("finding ") + pathOf(f.location.file) + " " + std::to_string(f.location.range.begin) + " " + f.rule +
                    " " + f.message + (f.suppressed ? " (suppressed)" : ""));
  }
  for (const Error& e : result.errors) lines.push_back(std::string("error ") + e.path + " " + e.code + " " + e.message);
  for (FileId id = 0; id < store.size(); ++id) {
    std::set<std::pair<uint32_t, uint32_t>> secrets;
    for (const ByteRange& r : store.secrets(id)) secrets.insert({r.begin, r.end});
    std::string s = std::string("secrets ").append(pathOf(id));
    for (auto [b, e] : secrets) s.append(" ").append(std::to_string(b)).append("-").append(std::to_string(e));
    lines.push_back(s);
  }
  std::sort(lines.begin(), lines.end());  // file ids and unit order differ between scans
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

struct TempDir {
  fs::path root = fs::temp_directory_path() / ("eg-unitcache-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(root); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << text;
  }
};

}  // namespace

TEST_CASE("scans served from the unit cache equal scans that parse everything") {
  std::vector<fs::path> paths;
  for (const char* p : {"fixtures/demo", "fixtures/e2e/secrets", "fixtures/e2e/mixed", "fixtures/plan", "fixtures/policies"}) {
    if (fs::exists(p)) paths.emplace_back(p);
  }
  REQUIRE(paths.size() == 5);
  std::string fresh = render(paths, nullptr);
  CHECK(fresh.find("finding ") != std::string::npos);
  CHECK(fresh.find("secrets fixtures/e2e/secrets") != std::string::npos);
  auto cache = std::make_shared<UnitCache>();
  CHECK(render(paths, cache) == fresh);  // fills the cache
  size_t units = cache->size();
  CHECK(units > 100);
  CHECK(render(paths, cache) == fresh);  // every unit from the cache
  CHECK(cache->size() == units);
  // Units no longer scanned are dropped.
  CHECK(render({paths.front()}, cache) == render({paths.front()}, nullptr));
  CHECK(cache->size() < units);
}

TEST_CASE("a unit is parsed again when one of its files or a module it calls changes") {
  TempDir dir;
  dir.write("root/main.tf", R"(module "hubs" {
  source = "../mod"
  tls    = "1.0"
}
)");
  dir.write("mod/main.tf", R"(variable "tls" {}
resource "azurerm_iothub" "hub" {
  name                = "hub-mod"
  resource_group_name = "rg"
  location            = "westeurope"
  min_tls_version     = var.tls
  sku {
    name     = "S1"
    capacity = 1
  }
}
)");
  dir.write("edge/deployment.json", R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"modules": {
  "m": {"type": "docker", "settings": {"image": "contoso.azurecr.io/m:1", "createOptions": "{\"HostConfig\":{\"Privileged\":true}}"}}}}}}})");
  std::vector<fs::path> paths = {dir.root / "root", dir.root / "edge"};
  auto cache = std::make_shared<UnitCache>();
  std::string before = render(paths, cache);
  CHECK(before.find("TLS 1.0") != std::string::npos);
  CHECK(before == render(paths, nullptr));

  // The module changes in an editor buffer: the root unit read it, so it is loaded again.
  auto overlays = std::make_shared<SourceStore::Overlays>();
  std::ifstream in(dir.root / "mod/main.tf");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  (*overlays)[canonicalKey(dir.root / "mod/main.tf")] = text + "\n# edited\nresource \"azurerm_iothub\" \"second\" {\n  name = \"hub-two\"\n  min_tls_version = \"1.1\"\n}\n";
  std::string edited = render(paths, cache, overlays);
  CHECK(edited.find("hub-two") != std::string::npos);
  CHECK(edited == render(paths, nullptr, overlays));

  // The manifest changes on disk.
  dir.write("edge/deployment.json", R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"modules": {
  "m": {"type": "docker", "settings": {"image": "contoso.azurecr.io/m:1", "createOptions": "{}"}}}}}}})");
  std::string after = render(paths, cache, overlays);
  CHECK(after != edited);
  CHECK(after == render(paths, nullptr, overlays));
}
