// Inline suppressions: syntax, placement, reasons.
#include <doctest/doctest.h>

#include "linter/engine/Suppressions.h"

using namespace eg;

namespace {
Finding findingAt(const SourceFile& f, uint32_t line0, const char* rule = "EG005",
                  const char* name = "ip-filter-default-allow") {
  Finding x;
  x.rule = rule;
  x.name = name;
  uint32_t off = f.lines().lineStart(line0) + 2;
  x.location = {f.id(), {off, off + 1}};
  x.anchor = {f.id(), {0, 1}};
  return x;
}
}  // namespace

TEST_CASE("a comment on the line above or at the end of the line suppresses with its reason") {
  SourceFile f(0, "main.tf",
               "resource \"azurerm_iothub\" \"hub\" {\n"
               "  # edgeguard:ignore EG005 private hub behind a firewall\n"
               "  x = 1\n"
               "  y = 2 // edgeguard:ignore ip-filter-default-allow,EG006 tested elsewhere\n"
               "  z = 3\n"
               "}\n");
  auto sups = findSuppressions(f);
  REQUIRE(sups.size() == 2);
  CHECK(sups[0].rules == std::vector<std::string>{"EG005"});
  CHECK(sups[0].reason == "private hub behind a firewall");
  CHECK(sups[0].targetLine == 2);
  CHECK(sups[1].rules.size() == 2);
  CHECK(sups[1].targetLine == 3);

  std::vector<Finding> findings{findingAt(f, 2), findingAt(f, 3), findingAt(f, 4), findingAt(f, 2, "EG004", "weak-tls")};
  std::vector<Finding> extra;
  applySuppressions(f, findings, extra);
  CHECK(findings[0].suppressed);
  CHECK(findings[0].suppressionReason == "private hub behind a firewall");
  CHECK(findings[1].suppressed);  // by name
  CHECK_FALSE(findings[2].suppressed);
  CHECK_FALSE(findings[3].suppressed);  // other rule
  CHECK(extra.empty());
}

TEST_CASE("a suppression above the resource header covers findings anchored there") {
  SourceFile f(0, "main.tf",
               "# edgeguard:ignore EG004 legacy devices, tracked in JIRA-12\n"
               "resource \"azurerm_iothub\" \"hub\" {\n"
               "  name = \"x\"\n"
               "}\n");
  Finding x;
  x.rule = "EG004";
  x.location = {0, {40, 44}};
  uint32_t header = f.lines().lineStart(1);
  x.anchor = {0, {header, header + 5}};
  std::vector<Finding> findings{x};
  std::vector<Finding> extra;
  applySuppressions(f, findings, extra);
  CHECK(findings[0].suppressed);
}

TEST_CASE("a bare ignore suppresses nothing and is itself reported") {
  SourceFile f(0, "main.tf", "  x = 1 # edgeguard:ignore EG005\n  # edgeguard:ignore\n  y = 2\n");
  std::vector<Finding> findings{findingAt(f, 0), findingAt(f, 2)};
  std::vector<Finding> extra;
  applySuppressions(f, findings, extra);
  CHECK_FALSE(findings[0].suppressed);
  CHECK_FALSE(findings[1].suppressed);
  REQUIRE(extra.size() == 2);
  CHECK(extra[0].rule == "EG906");
  CHECK(extra[0].message.find("reason") != std::string::npos);
}

TEST_CASE("markers inside strings or not in comments are ignored") {
  SourceFile f(0, "main.tf",
               "  tag = \"# edgeguard:ignore EG005 nope\"\n"
               "  edgeguard:ignore EG005 not a comment\n"
               "  # edgeguard:ignored EG005 other word\n");
  CHECK(findSuppressions(f).empty());
}
