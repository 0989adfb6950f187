// A module's createOptions string: the input is the decoded createOptions text, embedded as a
// JSON string (escaped) in an otherwise valid manifest, so the parse of the embedded JSON and
// the map from its members back to the manifest bytes get the fuzzer's attention. The input
// is also split into createOptions01.. chunks as the manifest format allows.
#include "fuzz/FuzzUtil.h"
#include "parsers/edge/EdgeFrontEnd.h"

namespace {
std::string jsonEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string manifest(const std::string& settings) {
  return R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
  "runtime": {"type": "docker", "settings": {"registryCredentials": {"acr": {"address": "a.azurecr.io", "username": "u", "password": "$PW"}}}},
  "systemModules": {"edgeHub": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
  "modules": {"m": {"type": "docker", "restartPolicy": "always", "settings": )" + settings + "}}}}}}";
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = egfuzz::bytes(data, size);
  auto fe = std::move(eg::edge::makeEdgeFrontEnds().front());
  std::string settings = R"({"image": "a.azurecr.io/m:1.0", "createOptions": ")" + jsonEscape(text) + "\"}";
  egfuzz::loadAndEvaluate(*fe, {{"deployment.json", manifest(settings)}});
  // The same text in chunks of 7 bytes (createOptions, createOptions01, ...).
  std::string chunks = R"({"image": "a.azurecr.io/m:1.0")";
  size_t n = 0;
  for (size_t at = 0; at < text.size() && n < 99; at += 7, ++n) {
    char key[32];
    std::snprintf(key, sizeof key, n ? "createOptions%02zu" : "createOptions", n);
    chunks += ", \"" + std::string(key) + "\": \"" + jsonEscape(text.substr(at, 7)) + "\"";
  }
  chunks += "}";
  egfuzz::loadAndEvaluate(*fe, {{"deployment.json", manifest(chunks)}});
  return 0;
}
