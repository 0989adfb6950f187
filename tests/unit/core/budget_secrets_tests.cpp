// Parse budgets (Budget.h) and secrets found by text (Secrets.h).
#include <doctest/doctest.h>

#include <string>

#include "linter/core/Budget.h"
#include "linter/core/Secrets.h"
#include "linter/core/SourceFile.h"

using namespace eg;

namespace {
// The masked text of a whole file, as a code frame would show it.
std::string maskedText(const std::string& path, const std::string& text) {
  SourceStore store;
  const SourceFile* f = store.add(path, text);
  markSecretsInText(store, *f);
  return store.masked(f->id(), 0, f->text());
}
}  // namespace

TEST_CASE("budget: the time budget ends a long load") {
  ParseBudget budget(0.0, 0);
  BudgetScope scope(budget);
  bool thrown = false;
  try {
    for (int i = 0; i < 100000; ++i) checkBudget();
  } catch (const BudgetExceeded& e) {
    thrown = true;
    CHECK(std::string(e.what()) == "loading took longer than the time budget of 0 s (set --parse-timeout to raise it); not scanned");
  }
  CHECK(thrown);
}

TEST_CASE("budget: the memory budget counts this thread's allocations since the scope began") {
  countAllocation(5 << 20);  // before the budget: not the unit's
  ParseBudget budget(60.0, 1 << 20);
  BudgetScope scope(budget);
  CHECK_NOTHROW(checkBudget());
  countAllocation(512 << 10);
  CHECK_NOTHROW(checkBudget());
  countAllocation(600 << 10);
  CHECK_THROWS_WITH_AS(checkBudget(),
                       "loading took more than the memory budget of 1 MiB (set --parse-memory to raise it); not scanned",
                       BudgetExceeded);
  countAllocation(-((5 << 20) + (1112 << 10)));
}

TEST_CASE("budget: outside a scope nothing is checked") {
  CHECK(currentBudget() == nullptr);
  CHECK_NOTHROW(checkBudget());
  CHECK_FALSE(budgetExceeded());
}

TEST_CASE("secrets: names") {
  CHECK(isSecretName("adminPassword"));
  CHECK(isSecretName("client_secret"));
  CHECK(isSecretName("primaryKey"));
  CHECK(isSecretName("connection-string"));
  CHECK(isSecretName("SAS_TOKEN"));
  CHECK_FALSE(isSecretName("keyName"));
  CHECK_FALSE(isSecretName("minTlsVersion"));
  CHECK(holdsSecretText("HostName=h;SharedAccessKey=abc"));
  CHECK(holdsSecretText("SharedAccessSignature sr=h&sig=abc&se=1"));
  CHECK_FALSE(holdsSecretText("HostName=h;DeviceId=d"));
}

TEST_CASE("secrets: connection strings keep host and device, lose the key") {
  CHECK(maskedText("a.tf", "cs = \"HostName=h;DeviceId=d;SharedAccessKey=abc123==\"\n") ==
        "cs = \"HostName=h;DeviceId=d;SharedAccessKey=********\"\n");
  CHECK(maskedText("a.json", "{\"x\": \"sr=h&sig=AbC%3D&se=17\"}") == "{\"x\": \"sr=h&sig=******&se=17\"}");
  CHECK(maskedText("a.toml", "# DefaultEndpointsProtocol=https;AccountKey=k1k2\n") ==
        "# DefaultEndpointsProtocol=https;AccountKey=****\n");
}

TEST_CASE("secrets: values of secret keys in every syntax") {
  CHECK(maskedText("a.json", "{\"adminPassword\": \"hunter22\", \"name\": \"x\"}") ==
        "{\"adminPassword\": \"********\", \"name\": \"x\"}");
  CHECK(maskedText("a.tf", "  client_secret = \"s3cr3t\"\n  name = \"n\"\n") == "  client_secret = \"******\"\n  name = \"n\"\n");
  CHECK(maskedText("a.bicep", "{ primaryKey: 'abc', keyName: 'k' }") == "{ primaryKey: '***', keyName: 'k' }");
  CHECK(maskedText("a.yaml", "password: 'p@ss'\n") == "password: '****'\n");
}

TEST_CASE("secrets: defaults of secret parameters and variables") {
  CHECK(maskedText("t.json", R"({"parameters": {"adminPassword": {"type": "securestring", "defaultValue": "P4ss!"}, "n": {"defaultValue": "keep"}}})") ==
        R"({"parameters": {"adminPassword": {"type": "securestring", "defaultValue": "*****"}, "n": {"defaultValue": "keep"}}})");
  CHECK(maskedText("v.tf", "variable \"admin_password\" {\n  default = \"P4ss!\"\n}\nvariable \"n\" {\n  default = \"keep\"\n}\n") ==
        "variable \"admin_password\" {\n  default = \"*****\"\n}\nvariable \"n\" {\n  default = \"keep\"\n}\n");
  CHECK(maskedText("m.bicep", "param adminPassword string = 'P4ss!'\nparam n string = 'keep'\n") ==
        "param adminPassword string = '*****'\nparam n string = 'keep'\n");
}
