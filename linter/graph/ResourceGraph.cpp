#include "linter/graph/ResourceGraph.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace eg {

ResourceId ResourceGraph::add(Resource r) {
  r.id = static_cast<ResourceId>(byId_.size());
  owned_.push_back(std::move(r));
  place(&owned_.back());
  return owned_.back().id;
}

void ResourceGraph::addShared(const Resource& r) { place(&r); }

void ResourceGraph::place(const Resource* r) {
  if (r->id >= byId_.size()) byId_.resize(static_cast<size_t>(r->id) + 1, nullptr);
  if (byId_[r->id]) throw std::logic_error("resource id " + std::to_string(r->id) + " is used twice in one graph");
  byId_[r->id] = r;
  order_.push_back(r);
}

void ResourceGraph::addEdge(ResourceId from, ResourceId to, std::string kind) {
  size_t need = static_cast<size_t>(std::max(from, to)) + 1;
  if (out_.size() < need) {
    out_.resize(std::max(need, byId_.size()));
    in_.resize(out_.size());
  }
  for (uint32_t i : out_[from]) {
    const Edge& e = edges_[i];
    if (e.to == to && e.kind == kind) return;  // edges are a set
  }
  edges_.push_back(Edge{from, to, std::move(kind)});
  out_[from].push_back(static_cast<uint32_t>(edges_.size() - 1));
  in_[to].push_back(static_cast<uint32_t>(edges_.size() - 1));
}

std::vector<ResourceId> ResourceGraph::ofKind(std::string_view kind) const {
  std::lock_guard<std::mutex> lock(kindsMu_);
  if (kindsBuiltFor_ != order_.size()) {
    byKind_.clear();
    for (const Resource* r : order_) byKind_[toLowerAscii(r->kind)].push_back(r->id);
    kindsBuiltFor_ = order_.size();
  }
  auto it = byKind_.find(toLowerAscii(kind));
  return it != byKind_.end() ? it->second : std::vector<ResourceId>{};
}

std::vector<const Edge*> ResourceGraph::outgoing(ResourceId id, std::string_view kind) const {
  std::vector<const Edge*> out;
  if (id >= out_.size()) return out;
  for (uint32_t i : out_[id]) {
    if (kind.empty() || edges_[i].kind == kind) out.push_back(&edges_[i]);
  }
  return out;
}

std::vector<const Edge*> ResourceGraph::incoming(ResourceId id, std::string_view kind) const {
  std::vector<const Edge*> out;
  if (id >= in_.size()) return out;
  for (uint32_t i : in_[id]) {
    if (kind.empty() || edges_[i].kind == kind) out.push_back(&edges_[i]);
  }
  return out;
}

int64_t ResourceGraph::findByName(std::string_view name) const {
  for (const Resource* rp : order_) {
    const Resource& r = *rp;
    if (r.address == name) return r.id;
    for (const std::string& a : r.aliases) if (a == name) return r.id;
  }
  return -1;
}

namespace {
// A name within a unit: the key of the unit-local lookups of linkReferences.
struct UnitName {
  uint32_t unit;
  std::string_view name;
  friend bool operator==(const UnitName&, const UnitName&) = default;
};
struct UnitNameHash {
  size_t operator()(const UnitName& k) const {
    return std::hash<std::string_view>{}(k.name) * 31 + k.unit;
  }
};
}  // namespace

void ResourceGraph::linkReferences() {
  // Keys are views of the resources' own strings, which outlive this call. Names are looked up
  // in the referring unit first (the same address, e.g. a resource group, is declared in many
  // modules): one hash lookup, not a walk over every unit that declares it.
  struct Global {
    size_t count = 0;
    ResourceId only = 0;
  };
  std::unordered_map<std::string_view, Global> byName;
  std::unordered_map<UnitName, ResourceId, UnitNameHash> firstInUnit;
  std::vector<std::string> kinds;  // lower-case kinds of unnamed resources (owned here)
  std::unordered_map<UnitName, std::vector<ResourceId>, UnitNameHash> unnamedByKind;
  byName.reserve(order_.size() * 2);
  firstInUnit.reserve(order_.size() * 2);
  kinds.reserve(order_.size());
  auto declare = [&](const Resource& r, std::string_view name) {
    Global& g = byName[name];
    if (g.count++ == 0) g.only = r.id;
    firstInUnit.try_emplace(UnitName{r.unit, name}, r.id);
  };
  for (const Resource* rp : order_) {
    const Resource& r = *rp;
    declare(r, r.address);
    for (const std::string& a : r.aliases) declare(r, a);
    const Value* n = r.attributes.get("name");
    if (!n || !n->isString()) {
      kinds.push_back(toLowerAscii(r.kind));
      unnamedByKind[UnitName{r.unit, kinds.back()}].push_back(r.id);
    }
  }
  for (const Resource* rp : order_) {
    const Resource& r = *rp;
    for (const std::string& ref : r.references) {
      if (ref.size() > 2 && ref.ends_with("/*")) {
        // "Type/*": every resource of that type in the unit whose name is not known.
        std::string kind = toLowerAscii(std::string_view(ref.data(), ref.size() - 2));
        auto candidates = unnamedByKind.find(UnitName{r.unit, kind});
        if (candidates == unnamedByKind.end()) continue;
        for (ResourceId t : candidates->second) {
          if (t != r.id) addEdge(r.id, t, "reference");
        }
        continue;
      }
      // Within a unit a name means its first declaration (a duplicate is an input error the
      // front-end reports); ids are in load order.
      if (auto local = firstInUnit.find(UnitName{r.unit, ref}); local != firstInUnit.end()) {
        if (local->second != r.id) addEdge(r.id, local->second, "reference");
        continue;
      }
      auto it = byName.find(ref);
      if (it != byName.end() && it->second.count == 1 && it->second.only != r.id) addEdge(r.id, it->second.only, "reference");
    }
  }
}

}  // namespace eg
