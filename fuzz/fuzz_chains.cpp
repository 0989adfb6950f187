// Size-driven inputs (issue 20): a few bytes of fuzzer input choose a format, a chain length
// of up to 60,000 links, a fan-out and the shape of each link, and are expanded into a
// template whose references chain as long as the text (locals to locals, vars to vars,
// variables to variables, module-call-free), with one IoT Hub at the end. Mutating a 4 KB
// input cannot produce a 5 MB chain, so the other targets cannot find what the length of an
// input alone breaks (stack depth, quadratic lookups, values that double at each link).
#include <string>

#include "fuzz/FuzzUtil.h"
#include "parsers/arm/ArmFrontEnd.h"
#include "parsers/bicep/BicepFrontEnd.h"
#include "parsers/terraform/TerraformFrontEnd.h"

namespace {

struct Shape {
  unsigned format = 0, length = 0, fanout = 1;
  std::string_view links;  // one byte per link, cycled
  unsigned link(unsigned i) const { return links.empty() ? 0 : static_cast<unsigned char>(links[i % links.size()]); }
};

// The reference to link `i + 1` as it appears in link `i`, `fanout` times, in a shape chosen by `how`.
std::string terraformLink(unsigned next, unsigned how, unsigned fanout) {
  std::string ref = "local.v" + std::to_string(next);
  std::string out;
  switch (how % 6) {
    case 0: out = ref; break;
    case 1: for (unsigned k = 0; k < fanout; ++k) out += "${" + ref + "}"; return "\"" + out + "\"";
    case 2: out = "["; for (unsigned k = 0; k < fanout; ++k) out += (k ? ", " : "") + ref; out += "]"; break;
    case 3: out = "{ a = " + ref + ", b = " + ref + " }"; break;
    case 4: out = "concat([" + ref + "], [" + ref + "])"; break;
    default: out = "true ? " + ref + " : " + ref; break;
  }
  return out;
}

std::string bicepLink(unsigned next, unsigned how, unsigned fanout) {
  std::string ref = "v" + std::to_string(next);
  std::string out;
  switch (how % 5) {
    case 0: return ref;
    case 1: out = "'"; for (unsigned k = 0; k < fanout; ++k) out += "${" + ref + "}"; return out + "'";
    case 2: out = "["; for (unsigned k = 0; k < fanout; ++k) out += (k ? ", " : "") + ref; return out + "]";
    case 3: return "{ a: " + ref + ", b: " + ref + " }";
    default: return "concat([" + ref + "], [" + ref + "])";
  }
}

std::string armLink(unsigned next, unsigned how, unsigned fanout) {
  std::string ref = "variables('v" + std::to_string(next) + "')";
  std::string args;
  for (unsigned k = 0; k < fanout; ++k) args += (k ? ", " : "") + ref;
  switch (how % 4) {
    case 0: return "[" + ref + "]";
    case 1: return "[concat(" + args + ")]";
    case 2: return "[createArray(" + args + ")]";
    default: return "[if(true(), " + ref + ", " + ref + ")]";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  Shape shape;
  shape.format = data[0] % 4;
  shape.length = 1 + ((static_cast<unsigned>(data[1]) << 8 | data[2]) % 60000);
  shape.fanout = 1 + data[3] % 4;
  shape.links = egfuzz::bytes(data + 4, size - 4);
  const unsigned n = shape.length;
  // The engine's defaults are 10 s and 1 GiB per unit; a fifth and an eighth keep a run that
  // ends at the budget (a fan-out of 3^40 values) inside libFuzzer's own limits (10 s, 2 GB)
  // with the sanitizers' overhead, including the unwinding that frees what was built.
  eg::ParseBudget budget(2.0, uint64_t{128} << 20);
  std::string text;
  if (shape.format <= 1) {  // Terraform: one locals block per link, or all in one block
    bool one = shape.format == 1;
    if (one) text += "locals {\n";
    for (unsigned i = 0; i < n; ++i) {
      std::string def = "v" + std::to_string(i) + " = " + terraformLink(i + 1, shape.link(i), shape.fanout);
      text += one ? "  " + def + "\n" : "locals { " + def + " }\n";
    }
    text += one ? "  v" + std::to_string(n) + " = \"end\"\n}\n" : "locals { v" + std::to_string(n) + " = \"end\" }\n";
    text += "resource \"azurerm_iothub\" \"hub\" {\n  name = \"hub\"\n  tags = { chain = jsonencode(local.v0) }\n"
            "  min_tls_version = \"1.0\"\n  sku {\n    name = \"S1\"\n    capacity = 1\n  }\n}\n";
    eg::terraform::TerraformFrontEnd fe;
    egfuzz::loadAndEvaluate(fe, {{"main.tf", text}}, &budget);
  } else if (shape.format == 2) {
    for (unsigned i = 0; i < n; ++i) text += "var v" + std::to_string(i) + " = " + bicepLink(i + 1, shape.link(i), shape.fanout) + "\n";
    text += "var v" + std::to_string(n) + " = 'end'\n";
    text += "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'hub'\n  location: 'westeurope'\n"
            "  tags: { chain: string(v0) }\n  sku: { name: 'S1', capacity: 1 }\n  properties: { minTlsVersion: '1.0' }\n}\n";
    eg::bicep::BicepFrontEnd fe;
    egfuzz::loadAndEvaluate(fe, {{"main.bicep", text}}, &budget);
  } else {
    text = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", "
           "\"contentVersion\": \"1.0.0.0\", \"variables\": {";
    for (unsigned i = 0; i < n; ++i) text += "\"v" + std::to_string(i) + "\": \"" + armLink(i + 1, shape.link(i), shape.fanout) + "\", ";
    text += "\"v" + std::to_string(n) + "\": \"end\"}, \"resources\": [{\"type\": \"Microsoft.Devices/IotHubs\", "
            "\"apiVersion\": \"2023-06-30\", \"name\": \"hub\", \"tags\": {\"chain\": \"[string(variables('v0'))]\"}, "
            "\"properties\": {\"minTlsVersion\": \"1.0\"}}]}";
    eg::arm::ArmFrontEnd fe;
    egfuzz::loadAndEvaluate(fe, {{"azuredeploy.json", text}}, &budget);
  }
  return 0;
}
