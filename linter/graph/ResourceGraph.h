// ResourceGraph: every resource of a scan, normalized to the ARM shape (or an IoTEdge/*
// kind), and the edges between them. Front-ends add resources; the engine links edges and
// hands the graph, read-only, to the policy evaluator.
#pragma once

#include <cstdint>
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
  std::string kind;  // "reference", "dependsOn", "registry", "credential", "linkedHub", "securityGroup", "target"
};

class ResourceGraph {
 public:
  ResourceId add(Resource r);
  void addEdge(ResourceId from, ResourceId to, std::string kind);

  const std::vector<Resource>& resources() const { return resources_; }
  std::vector<Resource>& resources() { return resources_; }
  const Resource& resource(ResourceId id) const { return resources_.at(id); }
  Resource& resource(ResourceId id) { return resources_.at(id); }
  const std::vector<Edge>& edges() const { return edges_; }
  size_t size() const { return resources_.size(); }

  // Resources of a kind (ASCII case-insensitive).
  std::vector<ResourceId> ofKind(std::string_view kind) const;
  // Edges leaving / entering a resource, optionally filtered by kind ("" = any).
  std::vector<const Edge*> outgoing(ResourceId id, std::string_view kind = {}) const;
  std::vector<const Edge*> incoming(ResourceId id, std::string_view kind = {}) const;
  // Resolves Resource::references against addresses and aliases into "reference" edges:
  // to the first match in the referring resource's unit, or else to the only match in the
  // graph (an ambiguous name across units links nothing). A reference "Type/*" (a resource
  // id whose type is known and name is not) links to every resource of that type in the
  // referring unit whose `name` attribute is not a known string.
  void linkReferences();
  // Resource whose address or alias equals `name` (first match), or -1.
  int64_t findByName(std::string_view name) const;

 private:
  std::vector<Resource> resources_;
  std::vector<Edge> edges_;
  std::unordered_map<ResourceId, std::vector<size_t>> out_, in_;
};

}  // namespace eg
