// Incremental HCL parsing (parsers/terraform/SyntaxTrees.h, kept per Workspace): a file whose
// syntax tree a Workspace keeps and then edits must give exactly what a fresh parse of the new
// text gives — the same resources with the same values and source ranges, findings and
// errors — whatever the edit.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "linter/engine/Session.h"
#include "linter/engine/Workspace.h"

namespace {

namespace fs = std::filesystem;
using namespace eg;

ScanOptions optionsFor(const fs::path& path) {
  ScanOptions options;
  options.paths = {path};
  options.jobs = 1;
  return options;
}

// Everything a scan of one unsaved buffer produces, as text: resources (address, kind, values
// with their provenance), findings with positions and errors with positions. With `kept`, the
// scan is that Workspace's next analysis (made for `path`); without, a fresh one.
std::string scanBuffer(Workspace* kept, const fs::path& path, const std::string& text) {
  auto overlays = std::make_shared<SourceStore::Overlays>();
  (*overlays)[canonicalKey(path)] = text;
  std::unique_ptr<Workspace> fresh;
  if (!kept) {
    fresh = std::make_unique<Workspace>(optionsFor(path));
    kept = fresh.get();
  }
  kept->setOverlays(overlays);
  std::vector<Error> policyErrors;
  REQUIRE(kept->preparePolicies(policyErrors));
  std::shared_ptr<const Analysis> analysis = kept->analyse();
  const ScanResult& result = analysis->result;
  std::string out;
  for (const Resource& r : analysis->graph().resources()) {
    out += "resource " + r.address + " " + r.kind + " " + r.attributes.toJson() + "\n";
    for (const Member& m : r.attributes.asObject()) {
      out += "  " + m.key + " @" + std::to_string(m.value.prov.value.begin) + "-" + std::to_string(m.value.prov.value.end) + "\n";
    }
  }
  for (const Finding& f : result.findings) {
    out += "finding " + f.rule + " " + std::to_string(f.location.range.begin) + "-" +
           std::to_string(f.location.range.end) + " " + f.message + "\n";
  }
  for (const Error& e : result.errors) {
    out += "error " + std::to_string(e.range.begin) + "-" + std::to_string(e.range.end) + " " + e.message + "\n";
  }
  return out;
}

const std::string kBase = R"(terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = ">= 3.0" }
  }
}

resource "azurerm_iothub" "one" {
  name                = "hub-one"
  resource_group_name = "rg"
  location            = "westeurope"
  min_tls_version     = "1.0"

  sku {
    name     = "S1"
    capacity = 1
  }

  network_rule_set {
    default_action = "Allow"
  }
}

resource "azurerm_iothub" "two" {
  name                = "hub-${var.suffix}"
  resource_group_name = "rg"
  location            = "westeurope"
  min_tls_version     = "1.2"

  sku {
    name     = "S1"
    capacity = 1
  }
}

variable "suffix" {
  default = "two"
}
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("an edited buffer parsed from its kept tree gives what a fresh parse gives") {
  fs::path path = fs::temp_directory_path() / ("eg-incremental-" + std::to_string(::getpid())) / "main.tf";
  std::vector<std::pair<std::string, std::string>> edits = {
      {"a one-character change in a value", replaced(kBase, "\"1.0\"", "\"1.1\"")},
      {"a character typed into a name", replaced(kBase, "hub-one", "hub-onex")},
      {"a character deleted at the start", kBase.substr(1)},
      {"text appended at the end", kBase + "\nresource \"azurerm_iothub\" \"three\" {\n  name = \"h3\"\n  min_tls_version = \"1.0\"\n}\n"},
      {"a block removed", replaced(kBase, "  network_rule_set {\n    default_action = \"Allow\"\n  }\n", "")},
      {"lines joined", replaced(kBase, "\n\n  sku {", " sku {")},
      {"an edit that breaks the syntax", replaced(kBase, "capacity = 1\n  }\n}", "capacity = \n  }")},
      {"the syntax repaired again", kBase},
      {"a multi-line replacement across blocks", replaced(kBase, "default_action = \"Allow\"\n  }\n}\n\nresource", "default_action = \"Deny\"\n  }\n}\n\n# moved\nresource")},
      {"an interpolation edited", replaced(kBase, "hub-${var.suffix}", "hub-${var.suffix}-x")},
      {"everything deleted", ""},
      {"everything typed back", kBase},
  };

  Workspace kept(optionsFor(path));
  kept.keepStateFor({canonicalKey(path)});
  std::string first = scanBuffer(&kept, path, kBase);  // the tree kept for the edits below
  REQUIRE(kept.kept() == 1);
  CHECK(first == scanBuffer(nullptr, path, kBase));

  for (const auto& [what, text] : edits) {
    CAPTURE(what);
    REQUIRE(kept.kept() == 1);
    std::string incremental = scanBuffer(&kept, path, text);  // edits the tree of the previous text
    std::string fresh = scanBuffer(nullptr, path, text);       // a Workspace that kept nothing
    CHECK(incremental == fresh);
  }
}

TEST_CASE("an unchanged buffer reuses its kept tree and a dropped path keeps nothing") {
  fs::path path = fs::temp_directory_path() / ("eg-incremental-same-" + std::to_string(::getpid())) / "main.tf";
  Workspace kept(optionsFor(path));
  kept.keepStateFor({canonicalKey(path)});
  std::string once = scanBuffer(&kept, path, kBase);
  CHECK(once.find("finding EG004") != std::string::npos);
  CHECK(scanBuffer(&kept, path, kBase) == once);
  // Two Workspaces keep their own trees: nothing is process-wide.
  Workspace other(optionsFor(path));
  CHECK(other.kept() == 0);
  CHECK(kept.kept() == 1);
  kept.keepStateFor({"/some/other/file.tf"});
  CHECK(kept.kept() == 0);
  CHECK(scanBuffer(&kept, path, replaced(kBase, "\"1.0\"", "\"1.2\"")).find("hub-one' accepts TLS 1.0") == std::string::npos);
  CHECK(kept.kept() == 0);
}

TEST_CASE("random edits: a chain of incremental parses agrees with fresh parses after every keystroke") {
  std::string tag = std::to_string(::getpid());
  fs::path path = fs::temp_directory_path() / ("eg-incremental-random-" + tag) / "main.tf";
  fs::path other = fs::temp_directory_path() / ("eg-incremental-fresh-" + tag) / "main.tf";  // never kept
  const std::string alphabet = "{}[]()\"'=$#/*\n a1.-,%~<>";
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&](uint64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return bound ? state % bound : 0;
  };
  std::string text = kBase;
  Workspace kept(optionsFor(path));
  kept.keepStateFor({canonicalKey(path)});
  scanBuffer(&kept, path, text);
  for (int i = 0; i < 80; ++i) {
    size_t at = next(text.size() + 1);
    switch (next(3)) {
      case 0: text.insert(at, 1, alphabet[next(alphabet.size())]); break;          // a keystroke
      case 1: text.erase(at, 1 + next(8)); break;                                   // a deletion
      default: text.insert(at, kBase.substr(next(kBase.size()), next(40))); break;  // a paste
    }
    CAPTURE(i);
    CAPTURE(text);
    REQUIRE(kept.kept() == 1);
    // Each parse edits the tree the previous one left, as in an editor session.
    REQUIRE(scanBuffer(&kept, path, text) == scanBuffer(nullptr, other, text));
  }
}
