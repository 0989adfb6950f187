// Linker: edges between resources that come from different files or formats, added after
// every front-end has run (ResourceGraph::linkReferences() handles the references a
// front-end records itself). Edge kinds (used by policies through `related: {via: ...}`):
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
#pragma once

#include "linter/graph/ResourceGraph.h"

namespace eg {

void linkAcrossResources(ResourceGraph& graph);
// The `parent` edges alone (called by linkAcrossResources).
void linkChildrenToParents(ResourceGraph& graph);

}  // namespace eg
