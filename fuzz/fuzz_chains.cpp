// Size-driven inputs (issues 17 and 20): a few bytes of fuzzer input choose a format, a chain
// length of up to 30,000 links, a fan-out and the shape of each link, and are expanded into a
// template whose references chain as long as the text (locals to locals, vars to vars,
// variables to variables), with one IoT Hub at the end; formats 4 to 6 chain built-in calls
// whose result can be far larger than their arguments (padLeft, replace, format widths, range,
// join...) with sizes from 0 to 4e9. Mutating a 4 KB input cannot produce a 5 MB chain, so the
// other targets cannot find what the length of an input alone breaks (stack depth, quadratic
// lookups, values that double at each link, calls that allocate before checking).
#include <algorithm>
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

// Built-in calls whose result can be far larger than their arguments (issue 17): each link
// applies one to the next link with a size taken from the input (0 to 4e9 and beyond), so the
// fuzzer can find any function that allocates before checking what it builds.
const char* const kSizes[] = {"0", "1", "99", "100", "4096", "4097", "1000000", "4000000000", "1e300", "-1"};

std::string terraformCall(unsigned next, unsigned how, const char* n) {
  std::string v = "local.v" + std::to_string(next), N = n;
  switch (how % 10) {
    case 0: return "format(\"%0" + N + "d\", 1)";
    case 1: return "format(\"%." + N + "f\", 1)";
    case 2: return "formatlist(\"%s%s\", [" + v + ", " + v + "], [" + v + ", " + v + "])";
    case 3: return "replace(" + v + ", \"e\", " + v + ")";
    case 4: return "replace(" + v + ", \"/(.)/\", \"$1$1\")";
    case 5: return "join(" + v + ", [" + v + ", " + v + "])";
    case 6: return "substr(" + v + ", 0, " + N + ")";
    case 7: return "jsonencode([" + v + ", " + v + "])";
    case 8: return "distinct(concat([" + v + "], [" + v + "]))";
    default: return "\"${" + v + "}${" + v + "}\"";
  }
}

std::string bicepCall(unsigned next, unsigned how, const char* n) {
  std::string v = "v" + std::to_string(next), N = n;
  switch (how % 9) {
    case 0: return "padLeft(string(" + v + "), " + N + ", 'x')";
    case 1: return "replace(string(" + v + "), 'e', string(" + v + "))";
    case 2: return "format('{0}{0}{1}', " + v + ", " + v + ")";
    case 3: return "concat(string(" + v + "), string(" + v + "))";
    case 4: return "string([" + v + ", " + v + "])";
    case 5: return "range(0, " + N + ")";
    case 6: return "take(string(" + v + "), " + N + ")";
    case 7: return "json(string([" + v + "]))";
    default: return "format('{" + N + "}', " + v + ")";
  }
}

std::string armCall(unsigned next, unsigned how, const char* n) {
  std::string v = "variables('v" + std::to_string(next) + "')", N = n;
  switch (how % 8) {
    case 0: return "[padLeft(string(" + v + "), " + N + ", 'x')]";
    case 1: return "[replace(string(" + v + "), 'e', string(" + v + "))]";
    case 2: return "[format('{0:D" + N + "}', 1)]";
    case 3: return "[concat(string(" + v + "), string(" + v + "))]";
    case 4: return "[string(createArray(" + v + ", " + v + "))]";
    case 5: return "[range(0, " + N + ")]";
    case 6: return "[json(string(createArray(" + v + ")))]";
    default: return "[take(string(" + v + "), " + N + ")]";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  Shape shape;
  shape.format = data[0] % 7;
  shape.length = 1 + ((static_cast<unsigned>(data[1]) << 8 | data[2]) % 30000);
  if (shape.format >= 4) shape.length = std::min(shape.length, 200u);  // the calls amplify; depth is not the point
  shape.fanout = 1 + data[3] % 4;
  shape.links = egfuzz::bytes(data + 4, size - 4);
  const unsigned n = shape.length;
  // The engine's defaults are 10 s and 1 GiB per unit; a seventh and a sixteenth keep a run that
  // ends at the budget (a fan-out of 3^40 values) inside libFuzzer's own limits (10 s, 2 GB)
  // with the sanitizers' overhead, including the unwinding that frees what was built.
  eg::ParseBudget budget(1.5, uint64_t{64} << 20);
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
  } else if (shape.format >= 4) {  // chains of size-amplifying built-in calls
    const char* size = kSizes[data[3] % (sizeof kSizes / sizeof *kSizes)];
    if (shape.format == 4) {
      for (unsigned i = 0; i < n; ++i) text += "locals { v" + std::to_string(i) + " = " + terraformCall(i + 1, shape.link(i), size) + " }\n";
      text += "locals { v" + std::to_string(n) + " = \"seed-e\" }\n";
      text += "resource \"azurerm_iothub\" \"hub\" {\n  name = \"hub\"\n  tags = { chain = jsonencode(local.v0) }\n"
              "  min_tls_version = \"1.0\"\n}\n";
      eg::terraform::TerraformFrontEnd fe;
      egfuzz::loadAndEvaluate(fe, {{"main.tf", text}}, &budget);
    } else if (shape.format == 5) {
      for (unsigned i = 0; i < n; ++i) text += "var v" + std::to_string(i) + " = " + bicepCall(i + 1, shape.link(i), size) + "\n";
      text += "var v" + std::to_string(n) + " = 'seed-e'\n";
      text += "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'hub'\n  tags: { chain: string(v0) }\n"
              "  properties: { minTlsVersion: '1.0' }\n}\n";
      eg::bicep::BicepFrontEnd fe;
      egfuzz::loadAndEvaluate(fe, {{"main.bicep", text}}, &budget);
    } else {
      text = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", "
             "\"contentVersion\": \"1.0.0.0\", \"variables\": {";
      for (unsigned i = 0; i < n; ++i) text += "\"v" + std::to_string(i) + "\": \"" + armCall(i + 1, shape.link(i), size) + "\", ";
      text += "\"v" + std::to_string(n) + "\": \"seed-e\"}, \"resources\": [{\"type\": \"Microsoft.Devices/IotHubs\", "
              "\"apiVersion\": \"2023-06-30\", \"name\": \"hub\", \"tags\": {\"chain\": \"[string(variables('v0'))]\"}, "
              "\"properties\": {\"minTlsVersion\": \"1.0\"}}]}";
      eg::arm::ArmFrontEnd fe;
      egfuzz::loadAndEvaluate(fe, {{"azuredeploy.json", text}}, &budget);
    }
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
