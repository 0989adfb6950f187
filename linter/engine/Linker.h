// Linker: the edges of the resource graph, added after every front-end has run.
//
// Reference edges come from the references a front-end records (Resource::references):
//   reference      a name resolves to the first resource of that address or alias in the
//                  referring resource's unit, else to the only one in the scan (a name declared
//                  in two other units links nothing); "Type/*" (a resource id whose type is known
//                  and name is not) links to every resource of that type in the unit whose
//                  `name` attribute is not a known string.
// Edges between resources that come from different files or formats (used by policies through
// `related: {via: ...}`):
//   credential     IoTEdge/module -> IoTEdge/registryCredential serving its image host
//                  (the module's own deployment first; else any scanned manifest's)
//   registry       IoTEdge/registryCredential -> Microsoft.ContainerRegistry/registries whose
//                  name is the credential's <name>.azurecr.io (Terraform, Bicep or ARM)
//   module         IoTEdge/deployment -> each of its IoTEdge/module and IoTEdge/edgeHub
//   securityGroup  IoTEdge/deployment <-> IoTEdge/deployment with the same SecurityGroup
//                  device-twin tag in their targetCondition (both directions)
//   parent         a child resource (kind `Provider/type/child`, ARM name `parent/child`) ->
//                  the `Provider/type` resource named `parent`: in its own unit first, else
//                  the only one of that name. Joins children whose parent is declared in
//                  another module or template (a Bicep `existing` parent, a nested deployment).
//
// Linking is split so that an edit costs what it changed: what a unit contributes (UnitLinks:
// its references resolved inside the unit, the names it declares, the few resources that take
// part in cross-unit joins) is computed once when the unit is loaded; a LinkIndex of the names
// of every unit is kept up to date as units come and go; linkUnits then only walks those lists.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "linter/graph/ResourceGraph.h"

namespace eg {

// What one unit's resources (with their final ids) contribute to linking.
struct UnitLinks {
  // Views into the unit's resources (their addresses, aliases and references), which do not
  // change once the links are made: a UnitLinks lives no longer than the resources it was made of.
  //
  // A reference, in resource order and reference order: to `to` when `name` is empty (resolved
  // in the unit), else to the only declaration of `name` in the scan.
  struct Ref {
    ResourceId from = 0, to = 0;
    std::string_view name;
  };
  std::vector<Ref> refs;
  // Every address and alias declared (a resource declaring one name twice counts twice).
  std::vector<std::pair<std::string_view, ResourceId>> names;
  // The lower-case "kind\0name" of every resource with a known name (owned: made here).
  std::vector<std::pair<std::string, ResourceId>> kindNames;
  // Resources that take part in the joins across units, in resource order.
  struct Deployment {
    ResourceId id = 0;
    FileId file = kNoFile;
    std::string address, group;  // group: lower-case security group, "" = none
  };
  struct Credential {
    ResourceId id = 0;
    FileId file = kNoFile;
    std::string host, registry;  // lower-case address and registry name
  };
  struct Module {  // IoTEdge/module or IoTEdge/edgeHub
    ResourceId id = 0;
    FileId file = kNoFile;
    bool module = false;
    std::optional<std::string> deployment;
    std::string host;  // lower-case image host (modules only)
  };
  struct Child {
    ResourceId id = 0;
    std::string parent;                   // lower-case "kind\0name" of its parent
    std::optional<ResourceId> localParent;  // the first such parent in its own unit
  };
  std::vector<Deployment> deployments;
  std::vector<Credential> credentials;
  std::vector<std::pair<std::string, ResourceId>> registries;  // lower-case name
  std::vector<Module> modules;
  std::vector<Child> children;
};

// The UnitLinks of one unit's resources (in load order; their ids and unit already set).
UnitLinks makeUnitLinks(const std::vector<const Resource*>& unit);
// The top-level attributes linking reads (a batch scan that trims resources keeps them).
const std::vector<std::string_view>& linkAttributes();

// Every unit's declared names, counted: kept between analyses and updated with the units that
// were added and dropped. It copies no name: keys are views into the UnitLinks added (which must
// stay alive until removed); a key whose unit leaves is re-pointed at a remaining declaration.
class LinkIndex {
 public:
  void add(const UnitLinks& u);
  void remove(const UnitLinks& u);
  void clear();
  // The only resource declaring `name` (address or alias) in the scan, if exactly one does.
  std::optional<ResourceId> onlyName(std::string_view name) const { return only(names_, name); }
  // The only resource whose lower-case "kind\0name" is `key`, if exactly one has it.
  std::optional<ResourceId> onlyKindName(std::string_view key) const { return only(kindNames_, key); }

 private:
  struct Declaration {
    ResourceId id = 0;
    std::string_view text;  // the declaring unit's own copy of the key
  };
  using Map = std::unordered_map<std::string_view, std::vector<Declaration>>;
  static std::optional<ResourceId> only(const Map& m, std::string_view key);
  static void put(Map& m, std::string_view key, ResourceId id);
  static void drop(Map& m, std::string_view key, ResourceId id);
  Map names_, kindNames_;
};

// Adds every edge of the graph whose units are `units` (in graph order) and whose names are in
// `index`. Edges are added in one deterministic order: references in graph order, then the
// joins across units.
void linkUnits(ResourceGraph& graph, const std::vector<const UnitLinks*>& units, const LinkIndex& index);

// Links a graph analysed once (a one-off scan, tests, fuzz targets): groups its resources by
// Resource::unit, makes each unit's links on up to `jobs` threads, and keeps nothing.
void linkGraph(ResourceGraph& graph, unsigned jobs = 1);

}  // namespace eg
