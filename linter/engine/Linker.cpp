#include "linter/engine/Linker.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "linter/graph/ResourceKinds.h"

namespace eg {

namespace {

std::string lowerString(const Value* v) { return v && v->isString() ? toLowerAscii(v->asString()) : std::string(); }

// The registry name a resource declares: attributes.name (ARM/Bicep/azurerm mapped), else
// its aliases (Terraform keeps the evaluated name there when it has one).
std::string registryName(const Resource& r) { return lowerString(r.attributes.get("name")); }

}  // namespace

void linkAcrossResources(ResourceGraph& graph) {
  const auto& rs = graph.resources();
  std::map<std::pair<FileId, std::string>, ResourceId> deployments;  // (file, address) -> id
  std::map<std::string, std::vector<ResourceId>> byGroup;            // lower-case security group
  std::map<std::string, std::vector<ResourceId>> registries;         // lower-case registry name
  std::vector<ResourceId> credentials;
  std::unordered_map<std::string, std::vector<ResourceId>> credentialsByHost;  // lower-case address
  for (const Resource& r : rs) {
    if (equalsIgnoreCase(r.kind, kinds::kEdgeDeployment)) {
      deployments[{r.file, r.address}] = r.id;
      std::string g = lowerString(r.attributes.get("securityGroup"));
      if (!g.empty()) byGroup[g].push_back(r.id);
    } else if (equalsIgnoreCase(r.kind, kinds::kEdgeRegistryCredential)) {
      credentials.push_back(r.id);
      credentialsByHost[lowerString(r.attributes.get("address"))].push_back(r.id);
    } else if (equalsIgnoreCase(r.kind, kinds::kRegistry)) {
      std::string n = registryName(r);
      if (!n.empty()) registries[n].push_back(r.id);
    }
  }
  for (const auto& [group, ids] : byGroup) {
    for (ResourceId a : ids) {
      for (ResourceId b : ids) {
        if (a != b) graph.addEdge(a, b, "securityGroup");
      }
    }
  }
  // Credential -> registry by <name>.azurecr.io.
  for (ResourceId c : credentials) {
    std::string name = lowerString(rs[c].attributes.get("registryName"));
    auto it = registries.find(name);
    if (name.empty() || it == registries.end()) continue;
    for (ResourceId reg : it->second) graph.addEdge(c, reg, "registry");
  }
  // Deployment -> module / edgeHub; module -> credential by image host.
  for (const Resource& r : rs) {
    bool module = equalsIgnoreCase(r.kind, kinds::kEdgeModule);
    if (!module && !equalsIgnoreCase(r.kind, kinds::kEdgeHub)) continue;
    const Value* dep = r.attributes.get("deployment");
    if (dep && dep->isString()) {
      auto it = deployments.find({r.file, dep->asString()});
      if (it != deployments.end()) graph.addEdge(it->second, r.id, "module");
    }
    if (!module) continue;
    std::string host = lowerString(r.attributes.get("imageHost"));
    if (host.empty()) continue;
    auto hit = credentialsByHost.find(host);
    if (hit == credentialsByHost.end()) continue;
    std::vector<ResourceId> same, other;
    for (ResourceId c : hit->second) (rs[c].file == r.file ? same : other).push_back(c);
    for (ResourceId c : same.empty() ? other : same) graph.addEdge(r.id, c, "credential");
  }
  linkChildrenToParents(graph);
}

void linkChildrenToParents(ResourceGraph& graph) {
  const auto& rs = graph.resources();
  // (lower-case kind, lower-case name) -> resources, in load order.
  std::map<std::pair<std::string, std::string>, std::vector<ResourceId>> byKindName;
  for (const Resource& r : rs) {
    std::string n = lowerString(r.attributes.get("name"));
    if (!n.empty()) byKindName[{toLowerAscii(r.kind), n}].push_back(r.id);
  }
  for (const Resource& r : rs) {
    // A child kind has a segment after the parent type: Provider/type/child[/grandchild].
    size_t provider = r.kind.find('/');
    size_t last = r.kind.rfind('/');
    if (provider == std::string::npos || last == provider) continue;
    std::string name = lowerString(r.attributes.get("name"));
    size_t cut = name.rfind('/');
    if (cut == std::string::npos || cut == 0) continue;
    auto it = byKindName.find({toLowerAscii(r.kind.substr(0, last)), name.substr(0, cut)});
    if (it == byKindName.end()) continue;
    // The parent in the child's own unit first; else the only one of that name anywhere.
    const std::vector<ResourceId>& parents = it->second;
    auto local = std::find_if(parents.begin(), parents.end(), [&](ResourceId p) { return rs[p].unit == r.unit; });
    if (local != parents.end()) graph.addEdge(r.id, *local, "parent");
    else if (parents.size() == 1) graph.addEdge(r.id, parents.front(), "parent");
  }
}

}  // namespace eg
