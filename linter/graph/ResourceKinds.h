// The canonical resource kinds (DESIGN §2): Azure resources by their ARM type, IoT Edge objects
// by the IoTEdge/* kinds the edge front-end makes, and the kinds every template format shares
// (parameters, outputs, Terraform module calls). Code that makes or tests a kind names it by
// these constants; policies name kinds as text (`kinds:` in policies/*.yaml).
// kKindLabels is the one table of human labels ("IoT Hub") that messages show for a kind
// (the {{resource.label}} of message templates).
#pragma once

#include <string>
#include <string_view>

namespace eg::kinds {

inline constexpr const char* kIotHub = "Microsoft.Devices/IotHubs";
inline constexpr const char* kDps = "Microsoft.Devices/provisioningServices";
inline constexpr const char* kRegistry = "Microsoft.ContainerRegistry/registries";
inline constexpr const char* kRegistryToken = "Microsoft.ContainerRegistry/registries/tokens";
inline constexpr const char* kRegistryScopeMap = "Microsoft.ContainerRegistry/registries/scopeMaps";
inline constexpr const char* kRegistryWebhook = "Microsoft.ContainerRegistry/registries/webhooks";
inline constexpr const char* kIotSecuritySolution = "Microsoft.Security/iotSecuritySolutions";
inline constexpr const char* kPrivateEndpoint = "Microsoft.Network/privateEndpoints";
inline constexpr const char* kDiagnosticSetting = "Microsoft.Insights/diagnosticSettings";
inline constexpr const char* kArmDeployment = "Microsoft.Resources/deployments";

inline constexpr const char* kEdgeDeployment = "IoTEdge/deployment";
inline constexpr const char* kEdgeModule = "IoTEdge/module";
inline constexpr const char* kEdgeHub = "IoTEdge/edgeHub";
inline constexpr const char* kEdgeRegistryCredential = "IoTEdge/registryCredential";
inline constexpr const char* kEdgeDeviceConfig = "IoTEdge/deviceConfig";

inline constexpr const char* kOutput = "Deployment/output";
inline constexpr const char* kParameter = "Deployment/parameter";
inline constexpr const char* kTerraformModule = "Terraform/module";

struct KindLabel {
  std::string_view kind;
  std::string_view label;  // "IoT Hub": how a message names a resource of the kind
};

inline constexpr KindLabel kKindLabels[] = {
    {kIotHub, "IoT Hub"},
    {kDps, "Device Provisioning Service"},
    {kRegistry, "Container registry"},
    {kRegistryToken, "Registry token"},
    {kRegistryScopeMap, "Registry scope map"},
    {kRegistryWebhook, "Registry webhook"},
    {kEdgeDeployment, "IoT Edge deployment"},
    {kEdgeModule, "IoT Edge module"},
    {kEdgeHub, "IoT Edge hub"},
    {kEdgeRegistryCredential, "IoT Edge registry credential"},
    {kEdgeDeviceConfig, "IoT Edge device"},
    {kIotSecuritySolution, "Defender for IoT solution"},
    {kPrivateEndpoint, "Private endpoint"},
    {kDiagnosticSetting, "Diagnostic setting"},
    {kArmDeployment, "Deployment"},
    {kOutput, "Output"},
    {kParameter, "Parameter"},
    {kTerraformModule, "Module"},
};

// The label of `kind` (ASCII case-insensitive) from kKindLabels; for a kind without one, the
// last segment of its type ("Microsoft.Storage/storageAccounts" -> "storageAccounts").
std::string label(std::string_view kind);

}  // namespace eg::kinds
