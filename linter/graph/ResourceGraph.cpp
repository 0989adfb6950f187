#include "linter/graph/ResourceGraph.h"

#include <algorithm>
#include <stdexcept>

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

void ResourceGraph::addEdge(ResourceId from, ResourceId to, std::string_view kind) {
  size_t need = static_cast<size_t>(std::max(from, to)) + 1;
  if (out_.size() < need) {
    out_.resize(std::max(need, byId_.size()));
    in_.resize(out_.size());
  }
  for (uint32_t i : out_[from]) {
    const Edge& e = edges_[i];
    if (e.to == to && e.kind == kind) return;  // edges are a set
  }
  edges_.push_back(Edge{from, to, kind});
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

}  // namespace eg
