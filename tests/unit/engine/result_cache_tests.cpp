// The on-disk cache of unit results (linter/engine/ResultCache.h): a scan that takes units from
// it gives exactly what a scan without it gives (resources, values, ranges, findings, errors,
// secrets; and byte for byte the JSON, SARIF and text reports of the binary), and an entry is
// not used once anything in its key or anything the unit read changed: a file of the unit, a
// module source or a tfvars file it read, a policy file, the configuration, the build. A
// damaged cache directory (truncated entries, random bytes, an entry that is a directory, a
// directory that cannot be written) changes nothing but the speed.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "linter/engine/ResultCache.h"
#include "linter/engine/Workspace.h"
#include "linter/graph/ValueCodec.h"

namespace {

namespace fs = std::filesystem;
using namespace eg;

// Everything an analysis gives, as sorted lines (file ids and unit order may differ).
std::string render(const Analysis& analysis) {
  const ScanResult& result = analysis.result;
  const SourceStore& store = analysis.sources();
  auto pathOf = [&](FileId id) { return store.get(id) ? store.get(id)->path() : std::string("-"); };
  std::vector<std::string> lines;
  for (const Resource& r : analysis.graph().resources()) {
    std::string refs;
    for (const std::string& s : r.references) refs += " ref:" + s;
    for (const std::string& s : r.aliases) refs += " alias:" + s;
    std::string provs;
    Value attrs = r.attributes;
    forEachValue(attrs, [&](Value& v) {
      provs += " " + pathOf(v.prov.file) + ":" + std::to_string(v.prov.value.begin) + "-" + std::to_string(v.prov.value.end) +
               "/" + std::to_string(v.prov.key.begin) + "-" + std::to_string(v.prov.key.end);
    });
    lines.push_back(std::string("resource ") + pathOf(r.file) + " " + r.address + " " + r.kind + " " + r.sourceType +
                    " " + r.format + " " + std::to_string(r.header.begin) + "-" + std::to_string(r.header.end) + " " +
                    std::to_string(r.body.begin) + "-" + std::to_string(r.body.end) + " " + r.attributes.toJson() + refs +
                    provs);
  }
  for (const Edge& e : analysis.graph().edges()) {
    const Resource& from = analysis.graph().resource(e.from);
    const Resource& to = analysis.graph().resource(e.to);
    lines.push_back("edge " + pathOf(from.file) + " " + from.address + " -" + std::string(e.kind) + "-> " + pathOf(to.file) + " " +
                    to.address);
  }
  for (const Finding& f : result.findings) {
    std::string related;
    for (const RelatedLocation& r : f.related) {
      related += " [" + pathOf(r.location.file) + " " + std::to_string(r.location.range.begin) + " " + r.message + "]";
    }
    lines.push_back(std::string("finding ") + pathOf(f.location.file) + " " + std::to_string(f.location.range.begin) +
                    "-" + std::to_string(f.location.range.end) + " " + pathOf(f.anchor.file) + " " +
                    std::to_string(f.anchor.range.begin) + " " + f.rule + " " + f.name + " " +
                    std::string(toString(f.severity)) + " " + f.fingerprint + " " + f.resource + " " + f.kind + " " +
                    f.detailKey + " " + f.message + (f.suppressed ? " (suppressed: " + f.suppressionReason + ")" : "") +
                    (f.unknown ? " (unknown)" : "") + related);
  }
  for (const Error& e : result.errors) {
    lines.push_back(std::string("error ") + e.path + " " + pathOf(e.file) + " " + std::to_string(e.range.begin) + "-" +
                    std::to_string(e.range.end) + " " + std::to_string(e.line) + ":" + std::to_string(e.column) + " " +
                    e.code + " " + e.message + (e.notice ? " (notice)" : ""));
  }
  for (FileId id : analysis.files()) {
    std::set<std::pair<uint32_t, uint32_t>> secrets;
    for (const ByteRange& r : store.secrets(id)) secrets.insert({r.begin, r.end});
    std::string s = std::string("secrets ").append(pathOf(id));
    for (auto [b, e] : secrets) s.append(" ").append(std::to_string(b)).append("-").append(std::to_string(e));
    lines.push_back(s);
  }
  lines.push_back("counts " + std::to_string(result.files) + " files " + std::to_string(result.resources) +
                  " resources");
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

struct TempDir {
  fs::path root;
  explicit TempDir(const std::string& name)
      : root(fs::temp_directory_path() / ("eg-resultcache-" + name + "-" + std::to_string(::getpid()))) {
    std::error_code ec;
    fs::remove_all(root, ec);
    fs::create_directories(root);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(root / "cache", fs::perms::owner_all, ec);
    fs::remove_all(root, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary | std::ios::trunc) << text;
  }
};

struct Scan {
  std::vector<fs::path> paths;
  fs::path cacheDir;
  std::string version = "test-1";
  std::vector<fs::path> policyDirs;
  std::optional<fs::path> configFile;
  std::vector<fs::path> roots;

  ScanOptions options(bool cache) const {
    ScanOptions o;
    o.paths = paths;
    o.jobs = 2;
    o.policyDirs = policyDirs;
    o.configFile = configFile;
    o.frontEnd.roots = roots;
    o.cache.enabled = cache;
    o.cache.dir = cacheDir;
    o.cache.version = version;
    return o;
  }
  std::shared_ptr<const Analysis> run(bool cache) const {
    Workspace w(options(cache));
    std::vector<Error> errors;
    w.preparePolicies(errors);
    return w.analyse();
  }
  // A scan with the cache; CHECKs it equals a scan without one.
  std::shared_ptr<const Analysis> cached() const {
    auto with = run(true);
    CHECK(render(*with) == render(*run(false)));
    return with;
  }
};

std::vector<fs::path> entriesIn(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().size() == 32) out.push_back(it->path());
  }
  return out;
}

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A Terraform root module that calls a local module and reads a tfvars file, an IoT Edge
// manifest with a secret, and a user policy directory.
void writeProject(const TempDir& dir) {
  dir.write("root/main.tf", R"(variable "tls" {
  default = "1.0"
}
module "hubs" {
  source = "../mod"
  tls    = var.tls
}
resource "azurerm_iothub" "free" {
  name                = "free-hub"
  resource_group_name = "rg"
  location            = "westeurope"
  sku {
    name     = "F1"
    capacity = 1
  }
}
)");
  dir.write("root/extra.tf", "locals {\n  x = 1\n}\n");
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
  dir.write("edge/deployment.json", R"({"modulesContent": {"$edgeAgent": {"properties.desired": {
  "runtime": {"type": "docker", "settings": {"registryCredentials": {"acr": {"username": "u", "password": "s3cretP4ssw0rdValue", "address": "contoso.azurecr.io"}}}},
  "modules": {
  "m": {"type": "docker", "settings": {"image": "contoso.azurecr.io/m:1", "createOptions": "{\"HostConfig\":{\"Privileged\":true}}"}}}}}}})");
  dir.write("policies/ACME001-hub-sku.yaml", readAll("fixtures/e2e/user-policy/ACME001-hub-sku.yaml"));
  // A module directory that changed in the last two seconds may have changed while a unit read
  // it: such a unit is not written (ResultCache.cpp, encodeFront). These were made a while ago.
  auto past = fs::file_time_type::clock::now() - std::chrono::seconds(10);
  for (auto it = fs::recursive_directory_iterator(dir.root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory()) fs::last_write_time(it->path(), past);
  }
}

Scan projectScan(const TempDir& dir) {
  Scan s;
  s.paths = {dir.root / "root", dir.root / "edge"};
  s.cacheDir = dir.root / "cache";
  s.policyDirs = {dir.root / "policies"};
  s.roots = {dir.root};
  return s;
}

}  // namespace

TEST_CASE("a second scan takes every unit from the cache and gives what a scan without it gives") {
  std::vector<fs::path> paths;
  for (const char* p : {"fixtures/demo", "fixtures/e2e/secrets", "fixtures/e2e/mixed", "fixtures/plan",
                        "fixtures/e2e/iotedge-solution", "fixtures/e2e/registry-modules", "fixtures/policies"}) {
    if (fs::exists(p)) paths.emplace_back(p);
  }
  REQUIRE(paths.size() == 7);
  TempDir dir("trees");
  Scan s;
  s.paths = paths;
  s.cacheDir = dir.root / "cache";
  auto first = s.cached();
  CHECK(first->unitsFromCache == 0);
  CHECK(first->unitsCached > 100);
  CHECK(first->cacheNote.empty());
  auto second = s.cached();
  CHECK(second->unitsFromCache == first->unitsCached);
  CHECK(second->unitsCached == 0);  // every unit that could be kept was, the first time
  CHECK(render(*second).find("finding ") != std::string::npos);
  // The directory is the user's alone: 0700, entries 0600.
  struct stat st{};
  REQUIRE(::stat(s.cacheDir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  for (const fs::path& e : entriesIn(s.cacheDir)) {
    REQUIRE(::stat(e.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
}

TEST_CASE("an entry is not used when a file of the unit or a file it read changes") {
  TempDir dir("files");
  writeProject(dir);
  Scan s = projectScan(dir);
  auto first = s.cached();
  REQUIRE(first->unitsLoaded == 2);
  CHECK(first->unitsCached == 2);
  CHECK(s.cached()->unitsFromCache == 2);

  // A file of the unit.
  dir.write("root/extra.tf", "locals {\n  x = 2\n}\n");
  auto own = s.cached();
  CHECK(own->unitsFromCache == 1);  // the manifest
  CHECK(s.cached()->unitsFromCache == 2);

  // The module source it read (not scanned itself: only the root module reads it).
  dir.write("mod/main.tf", readAll(dir.root / "mod/main.tf") + "resource \"azurerm_iothub\" \"two\" {\n  name = \"hub-two\"\n}\n");
  auto module = s.cached();
  CHECK(module->unitsFromCache == 1);
  CHECK(render(*module).find("hub-two") != std::string::npos);

  // A tfvars file appears beside the unit's files, then changes.
  dir.write("root/terraform.tfvars", "tls = \"1.1\"\n");
  auto tfvars = s.cached();
  CHECK(tfvars->unitsFromCache == 1);
  CHECK(render(*tfvars).find("1.1") != std::string::npos);
  CHECK(s.cached()->unitsFromCache == 2);
  dir.write("root/terraform.tfvars", "tls = \"1.2\"\n");
  auto tfvars2 = s.cached();
  CHECK(tfvars2->unitsFromCache == 1);
  CHECK(render(*tfvars2) != render(*tfvars));

  // The manifest (its secret stays masked when it comes from the cache).
  CHECK(s.cached()->unitsFromCache == 2);
  std::string text = readAll(dir.root / "edge/deployment.json");
  text.replace(text.find("Privileged\\\":true"), 17, "Privileged\\\":false");
  dir.write("edge/deployment.json", text);
  auto manifest = s.cached();
  CHECK(manifest->unitsFromCache == 1);
  auto again = s.cached();
  CHECK(again->unitsFromCache == 2);
  CHECK(render(*again).find("secrets " + (dir.root / "edge/deployment.json").generic_string() + " ") != std::string::npos);
}

TEST_CASE("an entry is not used when a policy, the configuration or the build changes") {
  TempDir dir("setup");
  writeProject(dir);
  Scan s = projectScan(dir);
  s.cached();
  REQUIRE(s.cached()->unitsFromCache == 2);
  std::string before = render(*s.run(true));
  CHECK(before.find("ACME001") != std::string::npos);

  // A policy of a --policy-dir is edited (same size, same name).
  std::string policy = readAll(dir.root / "policies/ACME001-hub-sku.yaml");
  policy.replace(policy.find("equals: F1"), 10, "equals: S1");
  dir.write("policies/ACME001-hub-sku.yaml", policy);
  auto edited = s.cached();
  CHECK(edited->unitsFromCache == 0);
  CHECK(render(*edited) != before);
  CHECK(s.cached()->unitsFromCache == 2);

  // The configuration: a rule turned off, then a parameter.
  dir.write("config/.edgeguard.yaml", "version: 1\nrules:\n  disable: [EG004]\n");
  s.configFile = dir.root / "config/.edgeguard.yaml";
  auto config = s.cached();
  CHECK(config->unitsFromCache == 0);
  CHECK(s.cached()->unitsFromCache == 2);
  dir.write("config/.edgeguard.yaml", "version: 1\nrules:\n  disable: [EG004]\n  parameters:\n    EG006:\n      ipv4_min_prefix: 12\n");
  CHECK(s.cached()->unitsFromCache == 0);
  CHECK(s.cached()->unitsFromCache == 2);
  // Rule selection on the command line is part of the key too.
  Scan selected = s;
  ScanOptions o = selected.options(true);
  o.rules.ignore = {"EG1*"};
  {
    Workspace w(o);
    std::vector<Error> errors;
    w.preparePolicies(errors);
    CHECK(w.analyse()->unitsFromCache == 0);
  }

  // Another build.
  s.version = "test-2";
  CHECK(s.cached()->unitsFromCache == 0);
  CHECK(s.cached()->unitsFromCache == 2);
  s.version = "test-1";
  CHECK(s.cached()->unitsFromCache == 2);  // the entries of the first build are still there
}

TEST_CASE("a damaged cache directory gives the same findings as no cache") {
  TempDir dir("damaged");
  writeProject(dir);
  Scan s = projectScan(dir);
  s.cached();
  REQUIRE(s.cached()->unitsFromCache == 2);
  std::vector<fs::path> entries = entriesIn(s.cacheDir);
  REQUIRE(entries.size() == 2);

  SUBCASE("truncated entries, then each length") {
    std::string whole = readAll(entries[0]);
    for (size_t n : {size_t{0}, size_t{1}, size_t{8}, size_t{39}, size_t{40}, whole.size() / 2, whole.size() - 1}) {
      std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << whole.substr(0, n);
      CHECK(s.cached()->unitsFromCache == 1);
      std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << whole;
    }
    // A byte changed anywhere (the checksum fails), or the entry of another key.
    std::mt19937 random(7);
    for (int i = 0; i < 20; ++i) {
      std::string bad = whole;
      bad[random() % bad.size()] ^= static_cast<char>(1 + random() % 255);
      std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << bad;
      CHECK(s.cached()->unitsFromCache == 1);  // the checksum (or the key) no longer matches
      std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << whole;
    }
    fs::copy_file(entries[1], entries[0], fs::copy_options::overwrite_existing);
    CHECK(s.cached()->unitsFromCache == 1);
    CHECK(s.cached()->unitsFromCache == 2);  // the bad entry was written again
  }
  SUBCASE("random bytes, empty files and foreign files") {
    std::mt19937 random(11);
    for (const fs::path& e : entries) {
      std::string bytes(1 + random() % 4000, '\0');
      for (char& c : bytes) c = static_cast<char>(random());
      std::ofstream(e, std::ios::binary | std::ios::trunc) << bytes;
    }
    dir.write("cache/README", "not an entry");
    dir.write("cache/.tmp-abandoned", "half an entry");
    CHECK(s.cached()->unitsFromCache == 0);
    CHECK(s.cached()->unitsFromCache == 2);
    CHECK(fs::exists(s.cacheDir / "README"));
  }
  SUBCASE("an entry that is a directory") {
    for (const fs::path& e : entries) {
      fs::remove(e);
      fs::create_directory(e);
    }
    auto a = s.cached();
    CHECK(a->unitsFromCache == 0);
    CHECK(s.cached()->unitsFromCache == 0);
  }
  SUBCASE("a cache directory that cannot be made or written") {
    dir.write("file", "a file, not a directory");
    Scan blocked = s;
    blocked.cacheDir = dir.root / "file/cache";
    auto a = blocked.cached();
    CHECK(a->unitsFromCache == 0);
    CHECK(!a->cacheNote.empty());
    blocked.cacheDir = dir.root / "file";
    CHECK(!blocked.cached()->cacheNote.empty());
    if (::geteuid() != 0) {  // root writes anywhere
      Scan readOnly = s;
      readOnly.cacheDir = dir.root / "ro";
      fs::create_directories(readOnly.cacheDir);
      fs::permissions(readOnly.cacheDir, fs::perms::owner_read | fs::perms::owner_exec);
      auto ro = readOnly.cached();
      CHECK(ro->unitsCached == 0);
      fs::permissions(readOnly.cacheDir, fs::perms::owner_all);
    }
  }
}

TEST_CASE("a unit whose module directory changed in the last two seconds is not written") {
  TempDir dir("racy");
  writeProject(dir);
  dir.write("mod/new.tf", "locals {\n  y = 1\n}\n");  // the module directory changes now
  Scan s = projectScan(dir);
  auto first = s.cached();
  CHECK(first->unitsCached == 1);  // the manifest; not the root module, which read ../mod
  auto past = fs::file_time_type::clock::now() - std::chrono::seconds(10);
  fs::last_write_time(dir.root / "mod", past);
  CHECK(s.cached()->unitsCached == 1);
  CHECK(s.cached()->unitsFromCache == 2);
}

TEST_CASE("an entry is not used when a file the front-end looked for and did not find appears") {
  TempDir dir("probes");
  fs::path solution = "fixtures/e2e/iotedge-solution/edge";
  dir.write("edge/deployment.template.json", readAll(solution / "deployment.template.json"));
  dir.write("edge/.env", readAll(solution / ".env"));
  dir.write("edge/modules/sensor/module.json", readAll(solution / "modules/sensor/module.json"));
  auto past = fs::file_time_type::clock::now() - std::chrono::seconds(10);
  for (auto it = fs::recursive_directory_iterator(dir.root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory()) fs::last_write_time(it->path(), past);
  }
  Scan s;
  s.paths = {dir.root / "edge"};
  s.cacheDir = dir.root / "cache";
  s.roots = {dir.root};
  auto first = s.cached();
  REQUIRE(first->unitsCached == 1);
  REQUIRE(s.cached()->unitsFromCache == 1);
  // modules/filter/module.json appears: neither the manifest's directory nor a file it read
  // changed, but the manifest looked for it.
  dir.write("edge/modules/filter/module.json", readAll(solution / "modules/filter/module.json"));
  auto appeared = s.cached();
  CHECK(appeared->unitsFromCache == 0);
  CHECK(render(*appeared) != render(*first));
}

TEST_CASE("the cache stays within its limits, least recently used first") {
  TempDir dir("limits");
  writeProject(dir);
  dir.write("more/a.json", readAll(dir.root / "edge/deployment.json"));
  dir.write("more/b.json", readAll(dir.root / "edge/deployment.json") + " ");
  dir.write("more/c.json", readAll(dir.root / "edge/deployment.json") + "  ");
  Scan s = projectScan(dir);
  s.paths.push_back(dir.root / "more");
  ScanOptions o = s.options(true);
  o.cache.maxEntries = 4;
  Workspace w(o);
  std::vector<Error> errors;
  w.preparePolicies(errors);
  auto a = w.analyse();
  CHECK(a->unitsCached == 5);
  CHECK(entriesIn(s.cacheDir).size() <= 4);
}

TEST_CASE("the value codec round-trips values and rejects every truncation") {
  SourceStore store;
  const SourceFile* f = store.add("a.tf", "resource \"x\" \"y\" { a = 1 }\n");
  Value v = Value::object();
  v.set("s", Value("text"));
  v.set("n", Value(1.5));
  v.set("b", Value(true));
  v.set("z", Value(nullptr));
  Array arr{Value(1), Value("two"), Value::partialString({{true, "pre-"}, {false, "var.x"}}, "var.x has no value")};
  v.set("a", Value(std::move(arr)));
  v.get("s")->prov = Provenance{f->id(), {4, 9}, {0, 3}};
  codec::FileIndexOf index = [&](FileId id) -> std::optional<uint32_t> {
    if (id == f->id()) return 0;
    return std::nullopt;
  };
  codec::Writer w;
  codec::writeValue(w, index, v);
  REQUIRE(w.ok);
  std::vector<codec::DecodeFile> files{{f->id(), static_cast<uint32_t>(f->text().size())}};
  codec::Reader r(w.out());
  Value back;
  REQUIRE(codec::readValue(r, files, back));
  CHECK(r.atEnd());
  CHECK(back.toJson() == v.toJson());  // (== never calls two unknowns equal)
  CHECK(back.get("s")->prov.value == ByteRange{4, 9});
  const Value& hole = back.get("a")->asArray()[2];
  CHECK(hole.unknownReason() == "var.x has no value");
  REQUIRE(hole.unknownParts().size() == 2);
  CHECK(hole.unknownParts()[0].known);
  CHECK(hole.unknownParts()[0].text == "pre-");
  CHECK_FALSE(hole.unknownParts()[1].known);
  for (size_t n = 0; n < w.out().size(); ++n) {
    codec::Reader cut(std::string_view(w.out()).substr(0, n));
    Value partial;
    CHECK_FALSE(codec::readValue(cut, files, partial));
  }
  // A range beyond the file's text is refused.
  std::vector<codec::DecodeFile> shorter{{f->id(), 5}};
  codec::Reader r2(w.out());
  CHECK_FALSE(codec::readValue(r2, shorter, back));
  // A file the entry cannot name: nothing is written.
  Value other("x");
  other.prov.file = 99;
  codec::Writer w2;
  codec::writeValue(w2, index, other);
  CHECK_FALSE(w2.ok);
}

#ifdef EG_BINARY
namespace {
int runBinary(const std::string& args, const fs::path& out, const fs::path& err, const std::string& env) {
  std::string cmd = env + " NO_COLOR=1 " + std::string(EG_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
  return std::system(cmd.c_str());
}
}  // namespace

TEST_CASE("edgeguard scan: a second run takes the units from the cache and writes the same reports") {
  TempDir dir("cli");
  std::string env = "EDGEGUARD_TIMING=1 EDGEGUARD_CACHE_DIR=" + (dir.root / "cache").string();
  for (std::string tree : {"fixtures/demo", "fixtures/e2e/mixed", "fixtures/e2e/secrets", "fixtures/e2e/iotedge-solution"}) {
    for (std::string format : {"json", "sarif", "text"}) {
      CAPTURE(tree);
      CAPTURE(format);
      std::string args = "scan --preset all --fail-on none --format " + format + " " + tree;
      int status = runBinary(args + " --no-cache", dir.root / "plain.out", dir.root / "plain.err", env);
      CHECK(runBinary(args, dir.root / "first.out", dir.root / "first.err", env) == status);
      CHECK(runBinary(args, dir.root / "second.out", dir.root / "second.err", env) == status);
      std::string plain = readAll(dir.root / "plain.out");
      CHECK(!plain.empty());
      CHECK(readAll(dir.root / "first.out") == plain);
      CHECK(readAll(dir.root / "second.out") == plain);
      std::string timing = readAll(dir.root / "second.err");
      CHECK(timing.find("edgeguard: timing: ") != std::string::npos);
      CHECK(timing.find(" from-cache=0 ") == std::string::npos);
      CHECK(timing.find(" from-cache=") != std::string::npos);
      CHECK(timing.find(" written=0 ") != std::string::npos);
      CHECK(readAll(dir.root / "plain.err").find(" from-cache=0 written=0 ") != std::string::npos);
    }
  }
  CHECK(!entriesIn(dir.root / "cache").empty());
}
#endif
