#include "linter/graph/ResourceGraph.h"

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
  for (size_t i : out_[from]) {
    const Edge& e = edges_[i];
    if (e.to == to && e.kind == kind) return;  // edges are a set
  }
  edges_.push_back(Edge{from, to, std::move(kind)});
  out_[from].push_back(edges_.size() - 1);
  in_[to].push_back(edges_.size() - 1);
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
  auto it = out_.find(id);
  if (it == out_.end()) return out;
  for (size_t i : it->second) {
    if (kind.empty() || edges_[i].kind == kind) out.push_back(&edges_[i]);
  }
  return out;
}

std::vector<const Edge*> ResourceGraph::incoming(ResourceId id, std::string_view kind) const {
  std::vector<const Edge*> out;
  auto it = in_.find(id);
  if (it == in_.end()) return out;
  for (size_t i : it->second) {
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

void ResourceGraph::linkReferences() {
  std::unordered_map<std::string, std::vector<ResourceId>> byName;
  std::unordered_map<std::string, std::vector<ResourceId>> unnamedByKind;  // lower-case kind
  for (const Resource* rp : order_) {
    const Resource& r = *rp;
    byName[r.address].push_back(r.id);
    for (const std::string& a : r.aliases) byName[a].push_back(r.id);
    const Value* n = r.attributes.get("name");
    if (!n || !n->isString()) unnamedByKind[toLowerAscii(r.kind)].push_back(r.id);
  }
  for (const Resource* rp : order_) {
    const Resource& r = *rp;
    for (const std::string& ref : r.references) {
      if (ref.size() > 2 && ref.ends_with("/*")) {
        // "Type/*": every resource of that type in the unit whose name is not known.
        auto candidates = unnamedByKind.find(toLowerAscii(std::string_view(ref.data(), ref.size() - 2)));
        if (candidates == unnamedByKind.end()) continue;
        for (ResourceId t : candidates->second) {
          if (t != r.id && byId_[t]->unit == r.unit) addEdge(r.id, t, "reference");
        }
        continue;
      }
      auto it = byName.find(ref);
      if (it == byName.end()) continue;
      // Within a unit a name means its first declaration (a duplicate is an input error the
      // front-end reports); ids are in load order.
      bool local = false;
      for (ResourceId to : it->second) {
        if (byId_[to]->unit != r.unit) continue;
        if (to != r.id) addEdge(r.id, to, "reference");
        local = true;
        break;
      }
      if (!local && it->second.size() == 1 && it->second[0] != r.id) addEdge(r.id, it->second[0], "reference");
    }
  }
}

}  // namespace eg
