// ResourceGraph: every resource of a scan, normalized to the ARM shape (or an IoTEdge/*
// kind), and the edges between them. Front-ends add resources; the engine links edges and
// hands the graph, read-only, to the policy evaluator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "linter/core/SourceFile.h"
#include "linter/graph/Value.h"

namespace eg {

using ResourceId = uint32_t;

struct Resource {
  ResourceId id = 0;
  std::string kind;     // ARM type, e.g. "Microsoft.Devices/IotHubs", or "IoTEdge/module"
  std::string address;  // how users name it: "azurerm_iothub.hub", "module.m.azurerm_iothub.x", "hub" (Bicep symbol)
  std::string sourceType;  // the type as written: "azurerm_iothub", "azapi_resource", "Microsoft.Devices/IotHubs@2023-06-30"
  std::string format;      // "terraform", "bicep", "arm", "edge", "aziot"
  FileId file = kNoFile;
  ByteRange header;        // the declaration's first line (or whole header) — where "missing X" points
  ByteRange body;          // the whole declaration
  Value attributes = Value::object();  // ARM-shaped body: name, location, sku, properties, ...
  // Names this resource may be referred to by from elsewhere (symbols, resource ids).
  std::vector<std::string> aliases;
  // References found in its expressions to other resources, by address/alias; the engine
  // turns them into edges once every front-end has run.
  std::vector<std::string> references;
  // The front-end unit it was loaded from (a Terraform module directory, a template and its
  // parameter file, a manifest). Set by the engine. References resolve within the unit first:
  // `azurerm_iothub.hub` in one directory is not the resource of that name in another.
  uint32_t unit = 0;
};

struct Edge {
  ResourceId from = 0;
  ResourceId to = 0;
  // "reference", "dependsOn", "registry", "credential", "linkedHub", "securityGroup", "target":
  // a literal (static storage), so an edge costs no allocation.
  std::string_view kind;
};

// The resources of a graph in their order (the order units were loaded in, each unit's in its
// own order): iterating gives `const Resource&`; `[id]` finds one by its id.
class ResourceView {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Resource;
    using difference_type = std::ptrdiff_t;
    using pointer = const Resource*;
    using reference = const Resource&;
    explicit iterator(const Resource* const* at) : at_(at) {}
    reference operator*() const { return **at_; }
    pointer operator->() const { return *at_; }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++at_;
      return old;
    }
    friend bool operator==(iterator a, iterator b) { return a.at_ == b.at_; }
    friend bool operator!=(iterator a, iterator b) { return a.at_ != b.at_; }

   private:
    const Resource* const* at_;
  };
  ResourceView(const std::vector<const Resource*>& order, const std::vector<const Resource*>& byId)
      : order_(order), byId_(byId) {}
  iterator begin() const { return iterator(order_.data()); }
  iterator end() const { return iterator(order_.data() + order_.size()); }
  size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }
  const Resource& operator[](ResourceId id) const { return *byId_.at(id); }

 private:
  const std::vector<const Resource*>& order_;
  const std::vector<const Resource*>& byId_;
};

// Resources are either owned by the graph (add) or owned by someone who keeps them alive and
// unchanged for the graph's lifetime (addShared: the engine's Workspace shares the resources of
// unchanged units between consecutive analyses instead of copying them). Ids of shared
// resources are theirs (unique, not necessarily dense); iteration is in insertion order.
class ResourceGraph {
 public:
  ResourceGraph() = default;
  ResourceGraph(const ResourceGraph&) = delete;
  ResourceGraph& operator=(const ResourceGraph&) = delete;

  // Takes `r`, gives it the next free id and returns it.
  ResourceId add(Resource r);
  // Adds a resource owned elsewhere, with the id it has (which must be unused in this graph).
  void addShared(const Resource& r);
  // `kind` must outlive the graph (a string literal).
  void addEdge(ResourceId from, ResourceId to, std::string_view kind);
  // Room for this many edges (linking knows roughly how many it adds).
  void reserveEdges(size_t n) { edges_.reserve(n); }

  ResourceView resources() const { return ResourceView(order_, byId_); }
  const Resource& resource(ResourceId id) const { return *byId_.at(id); }
  const std::vector<Edge>& edges() const { return edges_; }
  size_t size() const { return order_.size(); }

  // Resources of a kind (ASCII case-insensitive), in graph order.
  std::vector<ResourceId> ofKind(std::string_view kind) const;
  // Edges leaving / entering a resource, optionally filtered by kind ("" = any).
  std::vector<const Edge*> outgoing(ResourceId id, std::string_view kind = {}) const;
  std::vector<const Edge*> incoming(ResourceId id, std::string_view kind = {}) const;
  // Resource whose address or alias equals `name` (first match), or -1.
  int64_t findByName(std::string_view name) const;

 private:
  void place(const Resource* r);
  std::deque<Resource> owned_;             // resources added with add()
  std::vector<const Resource*> order_;     // every resource, in insertion order
  std::vector<const Resource*> byId_;      // id -> resource (null: no resource of that id)
  std::vector<Edge> edges_;
  std::vector<std::vector<uint32_t>> out_, in_;  // by resource id: indexes into edges_
  // Lower-case kind -> resources, built on use for the resources there are then (policies run
  // in parallel over a graph that no longer changes).
  mutable std::mutex kindsMu_;
  mutable size_t kindsBuiltFor_ = SIZE_MAX;
  mutable std::unordered_map<std::string, std::vector<ResourceId>> byKind_;
};

}  // namespace eg
