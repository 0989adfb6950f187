// Linker: child resources join their parent by ARM name (`parent/child`), in their own unit
// first, else the only parent of that name in the scan.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "linter/engine/Linker.h"

using namespace eg;

namespace {

ResourceId add(ResourceGraph& g, std::string kind, std::string name, uint32_t unit) {
  Resource r;
  r.kind = std::move(kind);
  r.address = name;
  r.unit = unit;
  r.attributes.set("name", Value(std::move(name)));
  return g.add(std::move(r));
}

bool hasParentEdge(const ResourceGraph& g, ResourceId from, ResourceId to) {
  auto out = g.outgoing(from, "parent");
  return std::any_of(out.begin(), out.end(), [&](const Edge* e) { return e->to == to; });
}

}  // namespace

TEST_CASE("child resources get a parent edge to the resource their ARM name names") {
  ResourceGraph g;
  ResourceId acr = add(g, "Microsoft.ContainerRegistry/registries", "contosoedge", 0);
  ResourceId otherUnitAcr = add(g, "Microsoft.ContainerRegistry/registries", "contosoedge", 1);
  ResourceId replica = add(g, "Microsoft.ContainerRegistry/registries/replications", "ContosoEdge/northeurope", 0);
  ResourceId token = add(g, "Microsoft.ContainerRegistry/registries/tokens", "contosoedge/edge", 2);
  ResourceId lone = add(g, "Microsoft.ContainerRegistry/registries", "solo", 1);
  ResourceId loneChild = add(g, "Microsoft.ContainerRegistry/registries/webhooks", "solo/hook", 3);
  ResourceId orphan = add(g, "Microsoft.ContainerRegistry/registries/webhooks", "missing/hook", 0);
  ResourceId plain = add(g, "Microsoft.ContainerRegistry/registries", "contosoedge/notachild", 0);
  linkGraph(g);

  CHECK(hasParentEdge(g, replica, acr));              // same unit, name compared ignoring case
  CHECK_FALSE(hasParentEdge(g, replica, otherUnitAcr));
  CHECK(g.outgoing(token, "parent").empty());         // two candidates in other units: ambiguous
  CHECK(hasParentEdge(g, loneChild, lone));           // the only one of that name
  CHECK(g.outgoing(orphan, "parent").empty());
  CHECK(g.outgoing(plain, "parent").empty());         // not a child kind
}

TEST_CASE("ResourceGraph: kinds, edges as a set, reference linking") {
  ResourceGraph g;
  Resource hub;
  hub.kind = "Microsoft.Devices/IotHubs";
  hub.address = "azurerm_iothub.hub";
  Resource dps;
  dps.kind = "Microsoft.Devices/provisioningServices";
  dps.address = "azurerm_iothub_dps.dps";
  dps.references = {"azurerm_iothub.hub", "azurerm_resource_group.missing"};
  ResourceId h = g.add(hub);
  ResourceId d = g.add(dps);
  eg::linkGraph(g);
  eg::linkGraph(g);  // idempotent
  CHECK(g.ofKind("microsoft.devices/iothubs") == std::vector<ResourceId>{h});
  REQUIRE(g.outgoing(d).size() == 1);
  CHECK(g.outgoing(d)[0]->to == h);
  CHECK(g.incoming(h, "reference").size() == 1);
  CHECK(g.incoming(h, "registry").empty());
  CHECK(g.findByName("azurerm_iothub.hub") == h);
  CHECK(g.findByName("nope") == -1);
}

TEST_CASE("ResourceGraph: references resolve within the unit first, ambiguous names across units link nothing") {
  ResourceGraph g;
  auto make = [](std::string address, uint32_t unit, std::vector<std::string> refs = {}) {
    Resource r;
    r.kind = std::string("Microsoft.Test/things");
    r.address = std::move(address);
    r.unit = unit;
    r.references = std::move(refs);
    return r;
  };
  ResourceId rg1 = g.add(make("azurerm_resource_group.rg", 1));
  ResourceId rg2 = g.add(make("azurerm_resource_group.rg", 2));
  ResourceId hub1 = g.add(make("azurerm_iothub.hub", 1, {"azurerm_resource_group.rg"}));
  ResourceId other = g.add(make("x.y", 3, {"azurerm_resource_group.rg", "shared.only"}));
  ResourceId shared = g.add(make("shared.only", 4));
  eg::linkGraph(g);
  REQUIRE(g.outgoing(hub1).size() == 1);
  CHECK(g.outgoing(hub1)[0]->to == rg1);
  CHECK(g.incoming(rg2).empty());
  REQUIRE(g.outgoing(other).size() == 1);  // the ambiguous name links nothing; the unique one links
  CHECK(g.outgoing(other)[0]->to == shared);
}

TEST_CASE("LinkIndex: a name stays found when the unit whose text its key viewed leaves") {
  auto unit = [](std::string address, ResourceId id) {
    auto rs = std::make_unique<std::vector<Resource>>(1);
    (*rs)[0].id = id;
    (*rs)[0].kind = "Microsoft.Devices/IotHubs";
    (*rs)[0].address = std::move(address);
    (*rs)[0].attributes.set("name", Value(std::string("hub-name")));
    return rs;
  };
  auto first = unit("shared.hub", 1), second = unit("shared.hub", 2);
  UnitLinks a = makeUnitLinks({&(*first)[0]}), b = makeUnitLinks({&(*second)[0]});
  LinkIndex index;
  index.add(a);
  index.add(b);
  CHECK_FALSE(index.onlyName("shared.hub"));  // two declarations: ambiguous
  CHECK_FALSE(index.onlyKindName(std::string("microsoft.devices/iothubs") + '\0' + "hub-name"));
  index.remove(a);
  a = UnitLinks{};
  first.reset();  // the text the keys viewed is gone
  std::vector<std::unique_ptr<std::vector<Resource>>> churn;
  for (int i = 0; i < 64; ++i) churn.push_back(unit("xxxxxxxxxx.yyyyyyyyyy", 100));  // reuse the freed memory
  REQUIRE(index.onlyName("shared.hub"));
  CHECK(*index.onlyName("shared.hub") == 2);
  CHECK(index.onlyKindName(std::string("microsoft.devices/iothubs") + '\0' + "hub-name") == std::optional<ResourceId>(2));
  index.remove(b);
  CHECK_FALSE(index.onlyName("shared.hub"));
}
