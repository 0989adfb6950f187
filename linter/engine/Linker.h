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
#pragma once

#include "linter/graph/ResourceGraph.h"

namespace eg {

void linkAcrossResources(ResourceGraph& graph);

}  // namespace eg
