// The kind -> label table (linter/graph/ResourceKinds.h): what {{resource.label}} shows.
#include <doctest/doctest.h>

#include <set>

#include "linter/graph/ResourceKinds.h"

using namespace eg;

TEST_CASE("resource kinds: one label per kind, matched without case, else the type's last segment") {
  std::set<std::string> seen;
  for (const kinds::KindLabel& l : kinds::kKindLabels) {
    CAPTURE(l.kind);
    std::string lower;
    for (char c : l.kind) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    CHECK(seen.insert(lower).second);
    CHECK_FALSE(l.label.empty());
    CHECK(kinds::label(l.kind) == l.label);
  }
  CHECK(kinds::label(kinds::kIotHub) == "IoT Hub");
  CHECK(kinds::label("microsoft.devices/iothubs") == "IoT Hub");
  CHECK(kinds::label("Microsoft.Storage/storageAccounts") == "storageAccounts");
  CHECK(kinds::label("plain") == "plain");
}
