#include "linter/engine/Linker.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <unordered_map>

#include "linter/core/Budget.h"
#include "linter/graph/ResourceKinds.h"

namespace eg {

namespace {

std::string lowerString(const Value* v) { return v && v->isString() ? toLowerAscii(v->asString()) : std::string(); }

std::string kindNameKey(std::string_view kind, std::string_view name) {
  std::string key = toLowerAscii(kind);
  key += '\0';
  key += name;  // already lower case
  return key;
}

}  // namespace

const std::vector<std::string_view>& linkAttributes() {
  static const std::vector<std::string_view> names = {"name", "securityGroup", "address", "registryName", "deployment",
                                                      "imageHost"};
  return names;
}

UnitLinks makeUnitLinks(const std::vector<const Resource*>& unit) {
  UnitLinks out;
  // First declaration of each name in the unit; resources of each (lower-case) kind whose name
  // is not known.
  std::unordered_map<std::string_view, ResourceId> first;
  std::unordered_map<std::string, std::vector<ResourceId>> unnamedByKind;
  std::unordered_map<std::string, ResourceId> firstKindName;
  first.reserve(unit.size() * 2);
  for (const Resource* r : unit) {
    out.names.emplace_back(std::string_view(r->address), r->id);
    first.try_emplace(r->address, r->id);
    for (const std::string& a : r->aliases) {
      out.names.emplace_back(std::string_view(a), r->id);
      first.try_emplace(a, r->id);
    }
    const Value* n = r->attributes.get("name");
    if (!n || !n->isString()) {
      unnamedByKind[toLowerAscii(r->kind)].push_back(r->id);
    } else if (!n->asString().empty()) {
      std::string key = kindNameKey(r->kind, toLowerAscii(n->asString()));
      firstKindName.try_emplace(key, r->id);
      out.kindNames.emplace_back(std::move(key), r->id);
    }
  }
  for (const Resource* r : unit) {
    for (const std::string& ref : r->references) {
      if (ref.size() > 2 && ref.ends_with("/*")) {
        auto candidates = unnamedByKind.find(toLowerAscii(std::string_view(ref.data(), ref.size() - 2)));
        if (candidates == unnamedByKind.end()) continue;
        for (ResourceId t : candidates->second) {
          if (t != r->id) out.refs.push_back(UnitLinks::Ref{r->id, t, {}});
        }
        continue;
      }
      // Within a unit a name means its first declaration (a duplicate is an input error the
      // front-end reports); ids are in load order.
      if (auto local = first.find(ref); local != first.end()) {
        if (local->second != r->id) out.refs.push_back(UnitLinks::Ref{r->id, local->second, {}});
        continue;
      }
      out.refs.push_back(UnitLinks::Ref{r->id, 0, std::string_view(ref)});
    }
  }
  for (const Resource* r : unit) {
    const Resource& res = *r;
    if (equalsIgnoreCase(res.kind, kinds::kEdgeDeployment)) {
      out.deployments.push_back({res.id, res.file, res.address, lowerString(res.attributes.get("securityGroup"))});
    } else if (equalsIgnoreCase(res.kind, kinds::kEdgeRegistryCredential)) {
      out.credentials.push_back({res.id, res.file, lowerString(res.attributes.get("address")),
                                 lowerString(res.attributes.get("registryName"))});
    } else if (equalsIgnoreCase(res.kind, kinds::kRegistry)) {
      // The registry name a resource declares: attributes.name (ARM/Bicep/azurerm mapped).
      std::string n = lowerString(res.attributes.get("name"));
      if (!n.empty()) out.registries.emplace_back(std::move(n), res.id);
    }
    bool module = equalsIgnoreCase(res.kind, kinds::kEdgeModule);
    if (module || equalsIgnoreCase(res.kind, kinds::kEdgeHub)) {
      UnitLinks::Module m{res.id, res.file, module, std::nullopt, {}};
      if (const Value* dep = res.attributes.get("deployment"); dep && dep->isString()) m.deployment = dep->asString();
      if (module) m.host = lowerString(res.attributes.get("imageHost"));
      out.modules.push_back(std::move(m));
    }
    // A child kind has a segment after the parent type: Provider/type/child[/grandchild].
    size_t provider = res.kind.find('/');
    size_t last = res.kind.rfind('/');
    if (provider == std::string::npos || last == provider) continue;
    std::string name = lowerString(res.attributes.get("name"));
    size_t cut = name.rfind('/');
    if (cut == std::string::npos || cut == 0) continue;
    UnitLinks::Child c{res.id, kindNameKey(std::string_view(res.kind).substr(0, last), std::string_view(name).substr(0, cut)), std::nullopt};
    if (auto it = firstKindName.find(c.parent); it != firstKindName.end()) c.localParent = it->second;
    out.children.push_back(std::move(c));
  }
  return out;
}

void LinkIndex::put(Map& m, std::string_view key, ResourceId id) { m[key].push_back(Declaration{id, key}); }

void LinkIndex::drop(Map& m, std::string_view key, ResourceId id) {
  auto it = m.find(key);
  if (it == m.end()) return;
  std::vector<Declaration>& v = it->second;
  // This unit's declaration: the same text (not only an equal one) when there is one.
  auto at = std::find_if(v.begin(), v.end(), [&](const Declaration& d) { return d.id == id && d.text.data() == key.data(); });
  if (at == v.end()) at = std::find_if(v.begin(), v.end(), [&](const Declaration& d) { return d.id == id; });
  if (at == v.end()) return;
  v.erase(at);
  if (v.empty()) {
    m.erase(it);
  } else if (it->first.data() == key.data()) {
    // The key viewed the leaving unit's text: view a remaining declaration's instead.
    auto node = m.extract(it);
    node.key() = node.mapped().front().text;
    m.insert(std::move(node));
  }
}

void LinkIndex::add(const UnitLinks& u) {
  for (const auto& [name, id] : u.names) put(names_, name, id);
  for (const auto& [key, id] : u.kindNames) put(kindNames_, key, id);
}

void LinkIndex::remove(const UnitLinks& u) {
  for (const auto& [name, id] : u.names) drop(names_, name, id);
  for (const auto& [key, id] : u.kindNames) drop(kindNames_, key, id);
}

void LinkIndex::clear() {
  names_.clear();
  kindNames_.clear();
}

std::optional<ResourceId> LinkIndex::only(const Map& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end() || it->second.size() != 1) return std::nullopt;
  return it->second.front().id;
}

void linkUnits(ResourceGraph& graph, const std::vector<const UnitLinks*>& units, const LinkIndex& index) {
  size_t refs = 0;
  for (const UnitLinks* u : units) refs += u->refs.size();
  graph.reserveEdges(refs);
  for (const UnitLinks* u : units) {
    for (const UnitLinks::Ref& ref : u->refs) {
      if (ref.name.empty()) {
        graph.addEdge(ref.from, ref.to, "reference");
      } else if (std::optional<ResourceId> to = index.onlyName(ref.name); to && *to != ref.from) {
        graph.addEdge(ref.from, *to, "reference");
      }
    }
  }
  std::map<std::pair<FileId, std::string>, ResourceId> deployments;  // (file, address) -> id
  std::map<std::string, std::vector<ResourceId>> byGroup;            // lower-case security group
  std::map<std::string, std::vector<ResourceId>> registries;         // lower-case registry name
  std::unordered_map<std::string, std::vector<const UnitLinks::Credential*>> credentialsByHost;
  for (const UnitLinks* u : units) {
    for (const UnitLinks::Deployment& d : u->deployments) {
      deployments[{d.file, d.address}] = d.id;
      if (!d.group.empty()) byGroup[d.group].push_back(d.id);
    }
    for (const UnitLinks::Credential& c : u->credentials) credentialsByHost[c.host].push_back(&c);
    for (const auto& [name, id] : u->registries) registries[name].push_back(id);
  }
  for (const auto& [group, ids] : byGroup) {
    for (ResourceId a : ids) {
      for (ResourceId b : ids) {
        if (a != b) graph.addEdge(a, b, "securityGroup");
      }
    }
  }
  // Credential -> registry by <name>.azurecr.io.
  for (const UnitLinks* u : units) {
    for (const UnitLinks::Credential& c : u->credentials) {
      auto it = registries.find(c.registry);
      if (c.registry.empty() || it == registries.end()) continue;
      for (ResourceId reg : it->second) graph.addEdge(c.id, reg, "registry");
    }
  }
  // Deployment -> module / edgeHub; module -> credential by image host.
  for (const UnitLinks* u : units) {
    for (const UnitLinks::Module& m : u->modules) {
      if (m.deployment) {
        auto it = deployments.find({m.file, *m.deployment});
        if (it != deployments.end()) graph.addEdge(it->second, m.id, "module");
      }
      if (!m.module || m.host.empty()) continue;
      auto hit = credentialsByHost.find(m.host);
      if (hit == credentialsByHost.end()) continue;
      std::vector<ResourceId> same, other;
      for (const UnitLinks::Credential* c : hit->second) (c->file == m.file ? same : other).push_back(c->id);
      for (ResourceId c : same.empty() ? other : same) graph.addEdge(m.id, c, "credential");
    }
  }
  // Child -> parent: in its own unit first, else the only one of that name anywhere.
  for (const UnitLinks* u : units) {
    for (const UnitLinks::Child& c : u->children) {
      if (c.localParent) graph.addEdge(c.id, *c.localParent, "parent");
      else if (std::optional<ResourceId> p = index.onlyKindName(c.parent)) graph.addEdge(c.id, *p, "parent");
    }
  }
}

void linkGraph(ResourceGraph& graph, unsigned jobs) {
  std::vector<std::vector<const Resource*>> units;  // in order of first appearance
  std::unordered_map<uint32_t, size_t> at;
  for (const Resource& r : graph.resources()) {
    auto [it, fresh] = at.try_emplace(r.unit, units.size());
    if (fresh) units.emplace_back();
    units[it->second].push_back(&r);
  }
  std::vector<UnitLinks> links(units.size());
  std::atomic<size_t> next{0};
  runWithLargeStacks(std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(units.size()))), [&](unsigned) {
    for (size_t i = next++; i < units.size(); i = next++) links[i] = makeUnitLinks(units[i]);
  });
  LinkIndex index;
  std::vector<const UnitLinks*> ordered;
  for (const UnitLinks& l : links) {
    index.add(l);
    ordered.push_back(&l);
  }
  linkUnits(graph, ordered, index);
}

}  // namespace eg
