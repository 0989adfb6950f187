// Linker: child resources join their parent by ARM name (`parent/child`), in their own unit
// first, else the only parent of that name in the scan.
#include <doctest/doctest.h>

#include <algorithm>

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
  linkChildrenToParents(g);

  CHECK(hasParentEdge(g, replica, acr));              // same unit, name compared ignoring case
  CHECK_FALSE(hasParentEdge(g, replica, otherUnitAcr));
  CHECK(g.outgoing(token, "parent").empty());         // two candidates in other units: ambiguous
  CHECK(hasParentEdge(g, loneChild, lone));           // the only one of that name
  CHECK(g.outgoing(orphan, "parent").empty());
  CHECK(g.outgoing(plain, "parent").empty());         // not a child kind
}
