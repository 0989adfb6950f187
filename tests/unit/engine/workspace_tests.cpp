// Workspace (linter/engine/Workspace.h): an analysis of a Workspace kept between edits must give
// exactly what a fresh scan gives — resources with their values and source ranges, findings,
// errors and the secrets marked in the files — and a unit whose files (its own or those it
// read, such as a module's) changed must be loaded again. Random edit sequences over the e2e
// fixture trees (on disk and in editor buffers) compare every incremental analysis with a
// fresh one.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "linter/engine/Session.h"
#include "linter/engine/Workspace.h"

namespace {

namespace fs = std::filesystem;
using namespace eg;

ScanOptions optionsFor(const std::vector<fs::path>& paths, std::shared_ptr<SourceStore::Overlays> overlays,
                       bool trustFileEvents = false) {
  ScanOptions options;
  options.trustFileEvents = trustFileEvents;
  options.paths = paths;
  options.jobs = 2;
  options.overlays = std::move(overlays);
  options.showUnknown = true;
  return options;
}

// Everything an analysis gives, as sorted lines (file ids and unit order differ between a
// kept Workspace and a fresh one).
std::string render(const Analysis& analysis, bool attributes = true) {
  const ScanResult& result = analysis.result;
  const SourceStore& store = analysis.sources();
  auto pathOf = [&](FileId id) { return store.get(id) ? store.get(id)->path() : std::string("-"); };
  std::vector<std::string> lines;
  for (const Resource& r : analysis.graph().resources()) {
    lines.push_back(std::string("resource ") + pathOf(r.file) + " " + r.address + " " + r.kind + " " +
                    std::to_string(r.header.begin) + "-" + std::to_string(r.body.end) + " " +
                    (attributes ? r.attributes.toJson() : std::string()));
  }
  for (const Edge& e : analysis.graph().edges()) {
    const Resource& from = analysis.graph().resource(e.from);
    const Resource& to = analysis.graph().resource(e.to);
    lines.push_back("edge " + pathOf(from.file) + " " + from.address + " -" + std::string(e.kind) + "-> " + pathOf(to.file) + " " + to.address);
  }
  for (const Finding& f : result.findings) {
    std::string related;
    for (const RelatedLocation& r : f.related) related += " [" + pathOf(r.location.file) + " " + std::to_string(r.location.range.begin) + " " + r.message + "]";
    lines.push_back(std::string("finding ") + pathOf(f.location.file) + " " + std::to_string(f.location.range.begin) + "-" +
                    std::to_string(f.location.range.end) + " " + f.rule + " " + f.fingerprint + " " + f.message +
                    (f.suppressed ? " (suppressed: " + f.suppressionReason + ")" : "") + (f.unknown ? " (unknown)" : "") + related);
  }
  for (const Error& e : result.errors) {
    lines.push_back(std::string("error ") + e.path + " " + std::to_string(e.range.begin) + " " + e.code + " " + e.message);
  }
  for (FileId id : analysis.files()) {
    std::set<std::pair<uint32_t, uint32_t>> secrets;
    for (const ByteRange& r : store.secrets(id)) secrets.insert({r.begin, r.end});
    std::string s = std::string("secrets ").append(pathOf(id));
    for (auto [b, e] : secrets) s.append(" ").append(std::to_string(b)).append("-").append(std::to_string(e));
    lines.push_back(s);
  }
  lines.push_back("counts " + std::to_string(result.files) + " files " + std::to_string(result.resources) + " resources");
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// A fresh scan (a Workspace used once).
std::string fresh(const std::vector<fs::path>& paths, std::shared_ptr<SourceStore::Overlays> overlays = nullptr) {
  Workspace w(optionsFor(paths, std::move(overlays)));
  std::vector<Error> errors;
  REQUIRE(w.preparePolicies(errors));
  return render(*w.analyse());
}

// The next analysis of a kept Workspace.
std::shared_ptr<const Analysis> next(Workspace& w, const std::vector<fs::path>& paths,
                                     std::shared_ptr<SourceStore::Overlays> overlays = nullptr, bool trustFileEvents = false) {
  w.setOptions(optionsFor(paths, std::move(overlays), trustFileEvents));
  std::vector<Error> errors;
  REQUIRE(w.preparePolicies(errors));
  return w.analyse();
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

// `trees` and every tree of fixtures/e2e, sorted.
std::vector<fs::path> withE2eTrees(std::vector<fs::path> trees) {
  for (const auto& e : fs::directory_iterator("fixtures/e2e")) {
    if (e.is_directory()) trees.push_back(e.path());
  }
  std::sort(trees.begin(), trees.end());
  REQUIRE(trees.size() > 20);
  return trees;
}

}  // namespace

TEST_CASE("analyses of a kept Workspace equal fresh scans, and take unchanged units as they were") {
  std::vector<fs::path> paths;
  for (const char* p : {"fixtures/demo", "fixtures/e2e/secrets", "fixtures/e2e/mixed", "fixtures/plan", "fixtures/policies"}) {
    if (fs::exists(p)) paths.emplace_back(p);
  }
  REQUIRE(paths.size() == 5);
  std::string once = fresh(paths);
  CHECK(once.find("finding ") != std::string::npos);
  CHECK(once.find("secrets fixtures/e2e/secrets") != std::string::npos);
  Workspace w(optionsFor(paths, nullptr));
  auto first = next(w, paths);
  CHECK(render(*first) == once);
  CHECK(first->unitsLoaded > 100);
  CHECK(first->unitsReused == 0);
  auto second = next(w, paths);
  CHECK(render(*second) == once);
  // Units that could not be loaded completely (a file that is not UTF-8) are loaded again.
  CHECK(second->unitsLoaded <= 2);
  CHECK(second->unitsReused + second->unitsLoaded == first->unitsLoaded);
  CHECK(render(*first) == once);  // an earlier analysis stays valid
  // Fewer paths: the units no longer scanned are dropped.
  auto fewer = next(w, {paths.front()});
  CHECK(render(*fewer) == fresh({paths.front()}));
  CHECK(fewer->unitsLoaded <= 2);
}

TEST_CASE("a unit is loaded again when one of its files or a module it calls changes") {
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
  Workspace w(optionsFor(paths, nullptr));
  std::string before = render(*next(w, paths));
  CHECK(before.find("TLS 1.0") != std::string::npos);
  CHECK(before == fresh(paths));

  // The module changes in an editor buffer: the root unit read it, so it is loaded again.
  auto overlays = std::make_shared<SourceStore::Overlays>();
  std::ifstream in(dir.root / "mod/main.tf");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  (*overlays)[canonicalKey(dir.root / "mod/main.tf")] = text + "\n# edited\nresource \"azurerm_iothub\" \"second\" {\n  name = \"hub-two\"\n  min_tls_version = \"1.1\"\n}\n";
  auto edited = next(w, paths, overlays);
  CHECK(render(*edited).find("hub-two") != std::string::npos);
  CHECK(render(*edited) == fresh(paths, overlays));
  CHECK(edited->unitsLoaded == 1);  // the root module; the manifest is as it was
  CHECK(edited->unitsReused == 1);

  // The manifest changes on disk (no watcher told the Workspace).
  dir.write("edge/deployment.json", R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"modules": {
  "m": {"type": "docker", "settings": {"image": "contoso.azurecr.io/m:1", "createOptions": "{}"}}}}}}})");
  auto after = next(w, paths, overlays);
  CHECK(render(*after) != render(*edited));
  CHECK(render(*after) == fresh(paths, overlays));

  // A file appears in a scanned directory: discovery sees the directory change.
  dir.write("edge/second.json", R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"modules": {
  "n": {"type": "docker", "settings": {"image": "contoso.azurecr.io/n:1", "createOptions": "{\"HostConfig\":{\"Privileged\":true}}"}}}}}}})");
  auto added = next(w, paths, overlays);
  CHECK(render(*added).find("edge/second.json") != std::string::npos);
  CHECK(render(*added) == fresh(paths, overlays));

  // A file appears in the module's directory (outside the scanned paths: no walk sees it): the
  // module has a second resource now, so the unit that calls it is loaded again.
  dir.write("mod/more.tf", R"(resource "azurerm_iothub" "third" {
  name                = "hub-three"
  resource_group_name = "rg"
  location            = "westeurope"
  min_tls_version     = "1.0"
}
)");
  // (Its directory's listing is taken once it is old enough to be trusted: a test cannot wait
  // for that, so it may be loaded again more than once; what matters is that it is.)
  auto grown = next(w, paths, overlays);
  CHECK(render(*grown).find("hub-three") != std::string::npos);
  CHECK(render(*grown) == fresh(paths, overlays));
  // And it goes away again.
  fs::remove(dir.root / "mod/more.tf");
  auto shrunk = next(w, paths, overlays);
  CHECK(render(*shrunk).find("hub-three") == std::string::npos);
  CHECK(render(*shrunk) == fresh(paths, overlays));
}

TEST_CASE("edges across units follow the units that come and go: a name two units declare links nothing") {
  // ARM references name resources by id: a diagnostic setting in one template resolves the hub
  // of another template while exactly one unit declares it.
  auto hub = [](const std::string& name) {
    return R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0", "resources": [
  {"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": ")" + name + R"(", "location": "westeurope",
   "sku": {"name": "S1", "capacity": 1}, "properties": {"minTlsVersion": "1.2"}}]})";
  };
  TempDir dir;
  dir.write("a/hub.json", hub("shared-hub"));
  dir.write("b/diag.json", R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0", "resources": [
  {"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "diag",
   "scope": "[resourceId('Microsoft.Devices/IotHubs', 'shared-hub')]",
   "properties": {"logs": [{"category": "Connections", "enabled": true}]}}]})");
  std::vector<fs::path> paths = {dir.root};
  Workspace w(optionsFor(paths, nullptr));
  auto edges = [](const std::string& rendered) {
    std::string out;
    std::istringstream in(rendered);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("edge ", 0) == 0) out += line + "\n";
    }
    return out;
  };
  std::string one = render(*next(w, paths));
  CHECK(one == fresh(paths));
  CHECK(edges(one).find("-reference-> ") != std::string::npos);

  // A second template declares the same hub: the name is ambiguous, the edge goes.
  auto overlays = std::make_shared<SourceStore::Overlays>();
  (*overlays)[canonicalKey(dir.root / "c/hub.json")] = hub("shared-hub");
  dir.write("c/hub.json", hub("shared-hub"));
  auto two = next(w, paths, overlays);
  CHECK(render(*two) == fresh(paths, overlays));
  CHECK(edges(render(*two)).find("-reference-> ") == std::string::npos);
  CHECK(two->unitsReused == 2);

  // It is renamed in the buffer: the first hub is the only one again.
  (*overlays)[canonicalKey(dir.root / "c/hub.json")] = hub("other-hub");
  auto renamed = next(w, paths, overlays);
  CHECK(render(*renamed) == fresh(paths, overlays));
  CHECK(edges(render(*renamed)) == edges(one));
  CHECK(renamed->unitsLoaded == 1);

  // And back, then the file is deleted.
  (*overlays)[canonicalKey(dir.root / "c/hub.json")] = hub("shared-hub");
  CHECK(render(*next(w, paths, overlays)) == fresh(paths, overlays));
  overlays->clear();
  fs::remove(dir.root / "c/hub.json");
  auto removed = next(w, paths, overlays);
  CHECK(render(*removed) == fresh(paths, overlays));
  CHECK(edges(render(*removed)) == edges(one));
}

namespace {

// Copies a fixture tree (regular files only) under `to`.
void copyTree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    fs::path rel = fs::relative(it->path(), from);
    if (it->is_directory()) fs::create_directories(to / rel);
    else if (it->is_regular_file()) fs::copy_file(it->path(), to / rel, fs::copy_options::overwrite_existing);
  }
}

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("random edit sequences over the e2e trees: every incremental analysis equals a fresh scan") {
  std::vector<std::string> trees = {"fixtures/e2e/mixed", "fixtures/e2e/secrets", "fixtures/e2e/iotedge-solution",
                                    "fixtures/e2e/registry-modules", "fixtures/e2e/suppression-placeholder",
                                    "fixtures/e2e/unknown", "fixtures/demo", "fixtures/plan"};
  // Text that moves verdicts: values policies look at, secrets, suppressions, broken syntax.
  const std::vector<std::string> snippets = {
      "\"1.0\"", "\"1.2\"", "\"Allow\"", "\"Deny\"", "true", "false", "\"0.0.0.0/0\"",
      "# edgeguard:ignore EG004 reviewed with the platform team\n", "// edgeguard:ignore EG002 TODO\n",
      "SharedAccessKey=c2VjcmV0LXZhbHVlLWZvci10ZXN0cw==", "{", "}", "\"", "\n", "${var.x}", "x"};
  // Without events every stamp is checked; with trustFileEvents, the edits on disk are told to
  // the Workspace as an editor's watcher would tell them, and nothing else is looked at.
  for (bool trust : {false, true}) {
    CAPTURE(trust);
    uint64_t state = 0x2545f4914f6cdd1dull;
    auto rnd = [&](uint64_t bound) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      return bound ? state % bound : 0;
    };
    for (const std::string& tree : trees) {
      if (!fs::exists(tree)) continue;
      CAPTURE(tree);
      TempDir dir;
      fs::path root = dir.root / fs::path(tree).filename();
      copyTree(tree, root);
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_regular_file()) files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
      REQUIRE(!files.empty());
      std::vector<fs::path> paths = {root};
      auto overlays = std::make_shared<SourceStore::Overlays>();
      Workspace w(optionsFor(paths, overlays, trust));
      if (trust) {
        // As the language server keeps its open documents' (the editor's mode): the parse state
        // of the files' folders is kept, and an edit converts only the edited file again (a
        // Terraform file's converted form, with its literals' values, is kept).
        std::vector<std::string> keys;
        for (const fs::path& f : files) keys.push_back(canonicalKey(f));
        w.keepStateFor(keys);
      }
      CHECK(render(*next(w, paths, overlays, trust)) == fresh(paths, overlays));
      for (int step = 0; step < 14; ++step) {
        CAPTURE(step);
        size_t pick = rnd(files.size());
        const fs::path file = files[pick];
        std::string key = canonicalKey(file);
        auto copy = std::make_shared<SourceStore::Overlays>(*overlays);
        std::string text = copy->count(key) ? (*copy)[key] : readAll(file);
        size_t at = rnd(text.size() + 1);
        std::string what;
        switch (rnd(7)) {
          case 0: text.insert(at, snippets[rnd(snippets.size())]); what = "insert"; break;
          case 1: text.erase(at, 1 + rnd(6)); what = "delete"; break;
          case 2: {  // replace a quoted value
            size_t q = text.find('"', at);
            size_t e = q == std::string::npos ? q : text.find('"', q + 1);
            if (e != std::string::npos) text.replace(q, e - q + 1, snippets[rnd(7)]);
            what = "replace";
            break;
          }
          case 3: what = "close"; break;  // the buffer is closed: the disk text applies again
          case 4: what = files.size() > 1 && !copy->count(key) ? "remove" : "save"; break;
          case 5: what = "copy"; break;  // a new file beside it, with its text
          default: what = "save"; break;  // the buffer's text is written to disk and closed
        }
        CAPTURE(what);
        CAPTURE(file);
        std::vector<FileEvent> events;
        if (what == "close") {
          copy->erase(key);
        } else if (what == "save") {
          std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
          copy->erase(key);
          events.push_back({file, FileEvent::Kind::Changed});
        } else if (what == "remove") {
          fs::remove(file);
          files.erase(files.begin() + static_cast<std::ptrdiff_t>(pick));
          events.push_back({file, FileEvent::Kind::Deleted});
        } else if (what == "copy") {
          fs::path added = file.parent_path() / ("copy" + std::to_string(step) + "_" + file.filename().string());
          std::ofstream(added, std::ios::binary) << text;
          files.push_back(added);
          events.push_back({added, FileEvent::Kind::Created});
        } else if (rnd(2)) {
          (*copy)[key] = text;  // typed in an editor
        } else {
          std::ofstream(file, std::ios::binary | std::ios::trunc) << text;  // changed on disk
          events.push_back({file, FileEvent::Kind::Changed});
        }
        if (trust) w.filesChanged(events);
        overlays = copy;
        auto incremental = next(w, paths, overlays, trust);
        REQUIRE(render(*incremental) == fresh(paths, overlays));
      }
    }
  }
}

TEST_CASE("trusting file events: a change no event names is not looked for, one an event names is") {
  TempDir dir;
  auto manifest = [](const char* createOptions) {
    return std::string(R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"modules": {
  "m": {"type": "docker", "settings": {"image": "contoso.azurecr.io/m:1", "createOptions": ")") + createOptions + R"("}}}}}}})";
  };
  dir.write("edge/deployment.json", manifest(R"({\"HostConfig\":{\"Privileged\":true}})"));
  std::vector<fs::path> paths = {dir.root};
  Workspace w(optionsFor(paths, nullptr, true));
  std::string privileged = render(*next(w, paths, nullptr, true));
  CHECK(privileged.find("EG002") != std::string::npos);
  CHECK(render(*next(w, paths, nullptr, true)) == privileged);  // the analysis that checked every stamp was the first
  dir.write("edge/deployment.json", manifest("{}"));
  // No event: the Workspace trusts the watcher and does not look (no stat per file per edit).
  CHECK(render(*next(w, paths, nullptr, true)) == privileged);
  w.filesChanged({{dir.root / "edge/deployment.json", FileEvent::Kind::Changed}});
  std::string fixed = render(*next(w, paths, nullptr, true));
  CHECK(fixed == fresh(paths));
  CHECK(fixed.find("EG002") == std::string::npos);
  // Without trust, the same unreported change is found by its stamp.
  Workspace plain(optionsFor(paths, nullptr));
  CHECK(render(*next(plain, paths)) == fixed);
  dir.write("edge/deployment.json", manifest(R"({\"HostConfig\":{\"Privileged\":true}})"));
  CHECK(render(*next(plain, paths)) == privileged);
}

TEST_CASE("a long editing session does not grow the resource ids: a unit loaded again takes the ids of the one it replaces") {
  TempDir dir;
  std::string hubs;
  for (int i = 0; i < 40; ++i) {
    hubs += "resource \"azurerm_iothub\" \"hub" + std::to_string(i) + "\" {\n  name = \"hub-" + std::to_string(i) +
            "\"\n  min_tls_version = \"1.2\"\n}\n";
  }
  dir.write("tf/main.tf", hubs);
  dir.write("tf2/main.tf", hubs);
  std::vector<fs::path> paths = {dir.root};
  auto overlays = std::make_shared<SourceStore::Overlays>();
  Workspace w(optionsFor(paths, overlays));
  auto first = next(w, paths, overlays);
  size_t resources = first->graph().size();
  REQUIRE(resources >= 80);
  ResourceId highest = 0;
  for (int edit = 0; edit < 60; ++edit) {
    // Each edit adds or removes a resource, so the unit's size changes too.
    std::string text = hubs;
    for (int k = 0; k < edit % 3; ++k) text += "resource \"azurerm_iothub\" \"extra" + std::to_string(k) + "\" {\n  name = \"x\"\n}\n";
    (*overlays)[canonicalKey(dir.root / "tf/main.tf")] = text + "# " + std::to_string(edit) + "\n";
    auto a = next(w, paths, overlays);
    CHECK(a->unitsLoaded == 1);
    for (const Resource& r : a->graph().resources()) highest = std::max(highest, r.id);
    if (edit % 20 == 0) CHECK(render(*a) == fresh(paths, overlays));
  }
  CHECK(highest < 3 * resources);  // without recycling: about 60 x 40 more
}

TEST_CASE("a batch scan that trims resources to what whole-graph policies read finds exactly what one that keeps them finds") {
  // Every e2e tree (with its configuration: user policies, security groups), the demo, the plan
  // fixtures and every policy's good/bad fixtures; with and without unknown verdicts.
  std::vector<fs::path> trees = withE2eTrees({"fixtures/demo", "fixtures/plan", "fixtures/policies", "fixtures/config/groups"});
  size_t trimmedSomething = 0;
  for (const fs::path& tree : trees) {
    for (bool unknown : {false, true}) {
      CAPTURE(tree);
      CAPTURE(unknown);
      auto scan = [&](bool keepUnits, bool trim) {
        ScanOptions options = optionsFor({tree}, nullptr);
        options.showUnknown = unknown;
        options.configSearchFrom = tree;
        options.keepUnits = keepUnits;
        options.trimResources = trim;
        auto w = std::make_unique<Workspace>(options);
        std::vector<Error> errors;
        w->preparePolicies(errors);
        return w->analyse();
      };
      auto kept = scan(true, false);
      auto whole = scan(false, false);
      auto trimmed = scan(false, true);
      CHECK(render(*whole) == render(*kept));
      CHECK(render(*trimmed, false) == render(*kept, false));
      // Trimming does take attributes away (else this compares nothing).
      size_t before = 0, after = 0;
      for (const Resource& r : whole->graph().resources()) before += r.attributes.toJson().size();
      for (const Resource& r : trimmed->graph().resources()) after += r.attributes.toJson().size();
      if (after < before) ++trimmedSomething;
      CHECK(after <= before);
    }
  }
  CHECK(trimmedSomething > 20);
}

namespace {

// The findings and errors of an analysis located in `files` (paths), as sorted lines.
std::string reportedIn(const Analysis& analysis, const std::set<std::string>& files) {
  const SourceStore& store = analysis.sources();
  auto pathOf = [&](FileId id) { return store.get(id) ? store.get(id)->path() : std::string("-"); };
  std::vector<std::string> lines;
  for (const Finding& f : analysis.result.findings) {
    if (!files.count(pathOf(f.location.file))) continue;
    lines.push_back(std::string("finding ") + pathOf(f.location.file) + " " + std::to_string(f.location.range.begin) + " " +
                    f.rule + " " + f.fingerprint + " " + f.message + (f.suppressed ? " (suppressed)" : "") +
                    (f.unknown ? " (unknown)" : "") + " related " + std::to_string(f.related.size()));
  }
  for (const Error& e : analysis.result.errors) {
    std::string path = e.file != kNoFile ? pathOf(e.file) : e.path;
    if (!files.count(path)) continue;
    lines.push_back("error " + path + " " + std::to_string(e.range.begin) + " " + e.code + " " + e.message);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("an analysis that reports some files only gives exactly what a full one gives in those files") {
  std::vector<fs::path> trees = withE2eTrees({"fixtures/demo", "fixtures/plan", "fixtures/config/groups"});
  size_t compared = 0;
  for (const fs::path& tree : trees) {
    CAPTURE(tree);
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(tree); it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file()) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    ScanOptions options = optionsFor({tree}, nullptr);
    options.configSearchFrom = tree;
    Workspace full(options);
    std::vector<Error> errors;
    full.preparePolicies(errors);
    auto all = full.analyse();
    // Each file alone, and every other file together; in a kept Workspace (as an editor's,
    // whose open documents change) and a fresh one.
    Workspace kept(options);
    kept.preparePolicies(errors);
    std::vector<std::vector<fs::path>> subsets;
    for (const fs::path& f : files) subsets.push_back({f});
    subsets.emplace_back();
    for (size_t i = 0; i < files.size(); i += 2) subsets.back().push_back(files[i]);
    for (const auto& subset : subsets) {
      std::set<std::string> keys, paths;
      for (const fs::path& f : subset) {
        keys.insert(canonicalKey(f));
        paths.insert(f.generic_string());
      }
      ScanOptions some = options;
      some.reportOnly = keys;
      kept.setOptions(some);
      auto fromKept = kept.analyse();
      Workspace once(some);
      once.preparePolicies(errors);
      auto fromFresh = once.analyse();
      std::string expected = reportedIn(*all, paths);
      CHECK(reportedIn(*fromKept, paths) == expected);
      CHECK(reportedIn(*fromFresh, paths) == expected);
      // Nothing from the other files.
      for (const Finding& f : fromKept->result.findings) CHECK(paths.count(fromKept->sources().get(f.location.file)->path()));
      if (!expected.empty()) ++compared;
    }
  }
  CHECK(compared > 40);
}
