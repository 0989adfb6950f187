// IoT Edge front-ends: manifest forms, createOptions, env, placeholders, device configs,
// secrets, cross-file edges and the corpus.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "linter/engine/Session.h"
#include "parsers/edge/EdgeCommon.h"
#include "parsers/edge/EdgeFrontEnd.h"
#include "parsers/edge/Toml.h"

using namespace eg;
namespace fs = std::filesystem;

namespace {

struct Loaded {
  SourceStore store;
  FrontEndOptions options;
  std::vector<Resource> resources;
  std::vector<Error> errors;
  const Resource* find(std::string_view kind, std::string_view name) const {
    for (const Resource& r : resources) {
      const Value* n = r.attributes.get("name");
      if (equalsIgnoreCase(r.kind, kind) && n && n->isString() && n->asString() == name) return &r;
    }
    return nullptr;
  }
  std::string text(const Provenance& p) const { return std::string(store.get(p.file)->slice(p.value)); }
  std::string lineOf(const Provenance& p) const {
    const SourceFile* f = store.get(p.file);
    return std::string(f->lineText(f->lines().lineOf(p.value.begin)));
  }
};

void load(Loaded& out, const std::string& path, const std::string& text) {
  const SourceFile* f = out.store.add(path, text);
  LoadContext ctx{out.store, out.options};
  if (path.ends_with(".toml")) edge::loadTomlConfig(*f, ctx);
  else if (path.ends_with(".yaml")) edge::loadLegacyYamlConfig(*f, ctx);
  else edge::loadManifest(*f, ctx);
  out.resources = std::move(ctx.resources);
  out.errors = std::move(ctx.errors);
}

std::string manifestWith(const std::string& moduleSettings, const std::string& env = "{}") {
  return R"({"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
  "runtime": {"type": "docker", "settings": {}},
  "systemModules": {"edgeHub": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}, "env": )" +
         env + R"(}},
  "modules": {"m": {"type": "docker", "restartPolicy": "always", "settings": )" + moduleSettings + R"(}}}}}})";
}

const Value* at(const Resource* r, std::string_view path) { return r ? r->attributes.at(path) : nullptr; }

fs::path tempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("eg-edge-test-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void writeFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("createOptions as a string maps positions back into the manifest") {
  Loaded l;
  load(l, "deployment.json",
       manifestWith(R"({"image": "contoso.azurecr.io/m:1.0", "createOptions": "{\"HostConfig\":{\"Privileged\":\"true\",\"CapAdd\":[\"SYS_ADMIN\"]}}"})"));
  REQUIRE(l.errors.empty());
  const Resource* m = l.find("IoTEdge/module", "m");
  REQUIRE(m);
  const Value* priv = at(m, "settings.createOptions.HostConfig.Privileged");
  REQUIRE(priv);
  CHECK(priv->asString() == "true");
  CHECK(l.text(priv->prov) == "\\\"true\\\"");
  const Value* cap = at(m, "settings.createOptions.HostConfig.CapAdd[0]");
  REQUIRE(cap);
  CHECK(l.text(cap->prov) == "\\\"SYS_ADMIN\\\"");
  CHECK(at(m, "imageHost")->asString() == "contoso.azurecr.io");
  CHECK(at(m, "imageRepository")->asString() == "m");
  CHECK(at(m, "imageTag")->asString() == "1.0");
}

TEST_CASE("createOptions as an object, empty string, braces and chunks") {
  {
    Loaded l;
    load(l, "deployment.json", manifestWith(R"({"image": "a:1", "createOptions": {"HostConfig": {"NetworkMode": "host"}}})"));
    CHECK(at(l.find("IoTEdge/module", "m"), "settings.createOptions.HostConfig.NetworkMode")->asString() == "host");
  }
  for (const char* co : {R"("")", R"("{}")", R"("  ")"}) {
    Loaded l;
    load(l, "deployment.json", manifestWith(std::string(R"({"image": "a:1", "createOptions": )") + co + "}"));
    CAPTURE(co);
    CHECK(l.errors.empty());
    const Value* v = at(l.find("IoTEdge/module", "m"), "settings.createOptions");
    REQUIRE(v);
    CHECK(v->isObject());
  }
  Loaded l;
  load(l, "deployment.json",
       manifestWith(R"({"image": "a:1", "createOptions02": "e}}", "createOptions": "{\"HostConfig\":{\"Pr", "createOptions01": "ivileged\":tru"})"));
  REQUIRE(l.errors.empty());
  const Value* priv = at(l.find("IoTEdge/module", "m"), "settings.createOptions.HostConfig.Privileged");
  REQUIRE(priv);
  CHECK(priv->asBool());
}

TEST_CASE("invalid JSON inside createOptions is EG901 at that place") {
  Loaded l;
  load(l, "deployment.json", manifestWith(R"({"image": "a:1", "createOptions": "{\"HostConfig\":{\"Binds\":[\"/a:/b\" \"/c:/d\"]}}"})"));
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].code == "EG901");
  CHECK(l.errors[0].message.find("createOptions of module 'm'") != std::string::npos);
  const SourceFile* f = l.store.get(l.errors[0].file);
  std::string_view rest = std::string_view(f->text()).substr(l.errors[0].range.begin);
  CHECK(rest.substr(0, 8) == "\\\"/c:/d\\");
  const Value* co = at(l.find("IoTEdge/module", "m"), "settings.createOptions");
  REQUIRE(co);
  CHECK(co->isUnknown());
}

TEST_CASE("env keys are normalized and protocol heads derived") {
  Loaded l;
  load(l, "deployment.json",
       manifestWith(R"({"image": "a:1"})", R"({"AmqpSettings:Enabled": {"value": "false"}, "MQTTSETTINGS__ENABLED": {"value": "False"}, "SslProtocols": {"value": "Tls11, tls1.2"}})"));
  const Resource* hub = nullptr;
  for (const Resource& r : l.resources) if (r.kind == "IoTEdge/edgeHub") hub = &r;
  REQUIRE(hub);
  CHECK(at(hub, "env.amqpSettings__enabled")->asString() == "false");
  CHECK_FALSE(at(hub, "protocolHeads.amqp")->asBool());
  CHECK_FALSE(at(hub, "protocolHeads.mqtt")->asBool());
  CHECK(at(hub, "protocolHeads.https")->asBool());
  CHECK(at(hub, "sslProtocols[0]")->asString() == "1.1");
  CHECK(at(hub, "sslProtocols[1]")->asString() == "1.2");
}

TEST_CASE("layered deployments and the envelope") {
  Loaded l;
  load(l, "layered.json", R"({"id": "opc-layer", "priority": 5, "targetCondition": "tags.securityGroup='line1' and tags.x='y'",
    "content": {"modulesContent": {"$edgeAgent": {"properties.desired.modules.opc": {"type": "docker", "settings": {"image": "a.azurecr.io/opc:1"}},
      "properties.desired.runtime.settings.registryCredentials.acr": {"address": "a.azurecr.io", "username": "a", "password": "$PW"}},
    "$edgeHub": {"properties.desired.routes.r": "FROM /messages/* INTO $upstream"}}}})");
  REQUIRE(l.errors.empty());
  const Resource* dep = l.find("IoTEdge/deployment", "opc-layer");
  REQUIRE(dep);
  CHECK(at(dep, "layered")->asBool());
  CHECK(at(dep, "securityGroup")->asString() == "line1");
  const Resource* opc = l.find("IoTEdge/module", "opc");
  REQUIRE(opc);
  CHECK(opc->address == "opc-layer:modules.opc");
  CHECK(at(opc, "securityGroup")->asString() == "line1");
  const Resource* cred = l.find("IoTEdge/registryCredential", "acr");
  REQUIRE(cred);
  CHECK(at(cred, "usernameMatchesRegistry")->asBool());
  CHECK(at(cred, "registryName")->asString() == "a");
}

TEST_CASE("template placeholders are unknown without .env and resolved with it") {
  fs::path d = tempDir("placeholders");
  std::string tmpl = R"({"$schema-template": "4.0.0", "modulesContent": {"$edgeAgent": {"properties.desired": {
    "runtime": {"settings": {"registryCredentials": {"acr": {"address": "${ACR}", "username": "$ACR_USER", "password": "$ACR_PW"}}}},
    "modules": {"m": {"type": "docker", "startupOrder": ${ORDER}, "settings": {"image": "${MODULES.m}", "createOptions": {"HostConfig": {"Privileged": false}}}},
                "n": {"type": "docker", "settings": {"image": "${ACR}/n:1"}}}}}}})";
  writeFile(d / "deployment.template.json", tmpl);
  {
    SourceStore store;
    FrontEndOptions opts;
    LoadContext ctx{store, opts};
    edge::loadManifest(*store.load(d / "deployment.template.json", nullptr), ctx);
    REQUIRE(ctx.errors.empty());
    const Resource* n = nullptr;
    const Resource* m = nullptr;
    for (const Resource& r : ctx.resources) {
      if (r.address.ends_with("modules.n")) n = &r;
      if (r.address.ends_with("modules.m")) m = &r;
    }
    REQUIRE(n);
    REQUIRE(m);
    CHECK(at(n, "image")->isUnknown());
    CHECK(at(n, "imageHost")->isUnknown());
    CHECK(at(m, "image")->isUnknown());
    CHECK(at(m, "startupOrder")->isUnknown());
  }
  writeFile(d / ".env", "ACR=contoso.azurecr.io\nACR_USER=contoso\nACR_PW=x\nORDER=2\n");
  writeFile(d / "modules/m/module.json",
            R"({"image": {"repository": "${ACR}/M", "tag": {"version": "0.1.0", "platforms": {"amd64": "./Dockerfile"}}}})");
  SourceStore store;
  FrontEndOptions opts;
  LoadContext ctx{store, opts};
  edge::loadManifest(*store.load(d / "deployment.template.json", nullptr), ctx);
  REQUIRE(ctx.errors.empty());
  for (const Resource& r : ctx.resources) {
    if (r.address.ends_with("modules.n")) CHECK(at(&r, "imageHost")->asString() == "contoso.azurecr.io");
    if (r.address.ends_with("modules.m")) {
      CHECK(at(&r, "image")->asString() == "contoso.azurecr.io/m:0.1.0-amd64");
      CHECK(at(&r, "startupOrder")->asString() == "2");
    }
    if (r.kind == "IoTEdge/registryCredential") {
      CHECK(at(&r, "usernameMatchesRegistry")->asBool());
      CHECK(at(&r, "passwordIsPlaceholder")->asBool());
    }
  }
  fs::remove_all(d);
}

TEST_CASE("aziot config.toml provisioning methods") {
  struct Case {
    const char* text;
    const char* method;
    const char* credType;
    bool keyHash;
  };
  const Case cases[] = {
      {"[provisioning]\nsource = \"manual\"\nconnection_string = \"HostName=h;DeviceId=d;SharedAccessKey=abc\"\n", "connectionString",
       "sharedAccessKey", true},
      {"[provisioning]\nsource = \"manual\"\niothub_hostname = \"h\"\ndevice_id = \"d\"\n[provisioning.authentication]\nmethod = \"sas\"\ndevice_id_pk = { value = \"abc\" }\n",
       "sas", "symmetricKey", true},
      {"[provisioning]\nsource = \"manual\"\niothub_hostname = \"h\"\ndevice_id = \"d\"\n[provisioning.authentication]\nmethod = \"x509\"\nidentity_cert = \"file:///c.pem\"\nidentity_pk = \"file:///k.pem\"\n",
       "x509", "x509", false},
      {"[provisioning]\nsource = \"dps\"\nglobal_endpoint = \"https://global.azure-devices-provisioning.net\"\nid_scope = \"0ne\"\n[provisioning.attestation]\nmethod = \"symmetric_key\"\nregistration_id = \"r\"\nsymmetric_key = { uri = \"file:///k\" }\n",
       "dps-symmetricKey", "symmetricKey", false},
      {"[provisioning]\nsource = \"dps\"\nid_scope = \"0ne\"\n[provisioning.attestation]\nmethod = \"x509\"\nregistration_id = \"r\"\nidentity_cert = \"file:///c\"\n",
       "dps-x509", "x509", false},
      {"[provisioning]\nsource = \"dps\"\nid_scope = \"0ne\"\n[provisioning.attestation]\nmethod = \"tpm\"\nregistration_id = \"r\"\n", "dps-tpm", "tpm",
       false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.method);
    Loaded l;
    load(l, "config.toml", c.text);
    REQUIRE(l.errors.empty());
    REQUIRE(l.resources.size() == 1);
    const Resource& r = l.resources[0];
    CHECK(r.format == "aziot");
    CHECK(at(&r, "provisioning.method")->asString() == c.method);
    CHECK(at(&r, "credential.type")->asString() == c.credType);
    CHECK((at(&r, "credential.keyHash") != nullptr) == c.keyHash);
  }
}

TEST_CASE("an incomplete config.toml is a clear error with a position") {
  Loaded l;
  load(l, "config.toml", "hostname = \"gw\"\n\n[provisioning]\nsource = \"manual\"\nconnection_string = \n");
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].code == "EG901");
  CHECK(l.errors[0].message.find("invalid TOML") == 0);
  LineCol lc = l.store.get(l.errors[0].file)->position(l.errors[0].range.begin);
  CHECK(lc.line >= 5);
  Loaded e;
  load(e, "config.toml", "[provisioning]\nsource = \"manual\"\nconnection_string = \"\"\n");
  REQUIRE(e.errors.size() == 1);
  CHECK(e.errors[0].message.find("empty") != std::string::npos);
}

// Found by fuzz_toml: toml++ 3.3.0 reaches __builtin_unreachable when it tests some non-ASCII
// characters for whitespace (parsers/edge/Toml.h replaces that test). Under the sanitizers
// (make test-sanitize) these are undefined behaviour without the replacement.
TEST_CASE("toml++'s whitespace test is defined for every code point") {
  auto expected = [](char32_t c) {
    return c == U'\t' || c == U' ' || c == U'\u00A0' || c == U'\u1680' || c == U'\u180E' ||
           (c >= U'\u2000' && c <= U'\u200B') || c == U'\u202F' || c == U'\u205F' || c == U'\u2060' ||
           c == U'\u3000' || c == U'\uFEFF';
  };
  size_t wrong = 0;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) wrong += toml::impl::is_horizontal_whitespace(c) != expected(c);
  CHECK(wrong == 0);
}

TEST_CASE("a non-ASCII character outside TOML strings and comments is an error at its position") {
  // One character of each block the generated table got wrong (U+00A1-U+0499, U+2C7E-U+3077,
  // U+FC26-U+FEFE), after a value, as a key, in an array, after a backslash, in a date.
  for (const char* text :
       {"[provisioning]\na = 1\u00e9\n", "[provisioning]\n\u00e9 = 1\n", "[provisioning]\na = [1,\u3001]\n",
        "[provisioning]\na = \"\"\"x\\  \u00e9\"\"\"\n", "[provisioning]\na = 1979-05-27T07:32:00\u00e9\n",
        "[provisioning]\na = true\u00a1\n", "[provisioning]\na = 5\u2c80\n", "[provisioning]\na = 'x'\u3041\n",
        "[provisioning]\na = 1.5\ufc30\n", "[provisioning]\na = 5c\"a\u018b\"\n", "[provisioning]\na = {b = 1\u0400}\n"}) {
    CAPTURE(text);
    Loaded l;
    load(l, "config.toml", text);
    REQUIRE(l.errors.size() == 1);
    CHECK(l.errors[0].message.rfind("invalid TOML: ", 0) == 0);
    LineCol lc = l.store.get(l.errors[0].file)->position(l.errors[0].range.begin);
    CHECK(lc.line == 2);
  }
  // The error marks the whole character toml++ stopped at.
  Loaded c;
  load(c, "config.toml", "[provisioning]\na = 1\u00e9\n");
  REQUIRE(c.errors.size() == 1);
  CHECK(c.store.get(c.errors[0].file)->slice(c.errors[0].range) == "\u00e9");
  CHECK(c.errors[0].message == "invalid TOML: Error while parsing decimal integer: expected digit, saw '\u00e9'");
  // In strings (of every kind), after a line-ending backslash and in comments they are fine.
  Loaded ok;
  load(ok, "config.toml",
       "# \u00e9\nhostname = \"h\u00e9\" # \u3001\n[provisioning]\nsource = \"manual\"\n"
       "connection_string = \"HostName=h;DeviceId=d;SharedAccessKey=a2V5\"\n[agent]\nname = '\u00e9'\n"
       "x = \"\"\"\u00e9\"\"\"\"\ny = '\'\'\u00e9\'\'\'\nz = \"\\\"\u00e9\"\nw = \"\"\"\\\n  \u00a7\u3041\ufc30\"\"\"\n");
  CHECK(ok.errors.empty());
}

TEST_CASE("legacy config.yaml") {
  Loaded l;
  load(l, "config.yaml", "provisioning:\n  source: \"dps\"\n  global_endpoint: \"https://g\"\n  scope_id: \"0ne\"\n  attestation:\n    method: \"symmetric_key\"\n    registration_id: \"r\"\n    symmetric_key: \"abc\"\n");
  REQUIRE(l.errors.empty());
  REQUIRE(l.resources.size() == 1);
  CHECK(at(&l.resources[0], "legacy")->asBool());
  CHECK(at(&l.resources[0], "credential.keyHash")->asString() == edge::secretHash("abc"));
}

TEST_CASE("secrets never reach the graph, findings or errors") {
  const std::string key = "UExBTlRFRC1TRUNSRVQta2V5LWRvLW5vdC1wcmludA==";
  const std::string password = "PLANTED-password-do-not-print";
  fs::path d = tempDir("secrets");
  writeFile(d / "gw1/config.toml", "[provisioning]\nsource = \"manual\"\nconnection_string = \"HostName=h;DeviceId=gw1;SharedAccessKey=" + key + "\"\n");
  writeFile(d / "gw2/config.toml", "[provisioning]\nsource = \"manual\"\nconnection_string = \"HostName=h;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key + "\"\n");
  writeFile(d / "deployment.json", manifestWith(R"({"image": "contoso.azurecr.io/m"})",
                                                R"({"DEVICE_CONNECTION_STRING": {"value": "HostName=h;DeviceId=m;SharedAccessKey=)" + key + R"("}})") );
  std::string dep = manifestWith(R"({"image": "contoso.azurecr.io/m"})");
  dep.replace(dep.find(R"("settings": {})"), 14, R"("settings": {"registryCredentials": {"c": {"address": "contoso.azurecr.io", "username": "contoso", "password": ")" + password + R"("}}})");
  writeFile(d / "other/deployment.json", dep);
  ScanOptions options;
  options.paths = {d};
  options.jobs = 1;
  options.showUnknown = true;
  Session session(options);
  std::vector<Error> errors;
  REQUIRE(session.loadPolicies(errors));
  ScanResult result = session.scan();
  CHECK(result.errors.empty());
  std::set<std::string> rules;
  for (const Finding& f : result.findings) {
    rules.insert(f.rule);
    CHECK(f.message.find(key) == std::string::npos);
    CHECK(f.message.find(password) == std::string::npos);
    for (const RelatedLocation& r : f.related) CHECK(r.message.find(key) == std::string::npos);
  }
  CHECK(rules.count("EG001"));
  CHECK(rules.count("EG305"));
  CHECK(rules.count("EG302"));
  for (const Resource& r : session.graph().resources()) {
    std::string json = r.attributes.toJson();
    CHECK(json.find(key) == std::string::npos);
    CHECK(json.find(password) == std::string::npos);
  }
  fs::remove_all(d);
}

TEST_CASE("cross-file edges: module to credential to registry, deployment to modules and security group") {
  fs::path d = tempDir("edges");
  writeFile(d / "main.tf", "resource \"azurerm_container_registry\" \"acr\" {\n  name = \"contosoacr\"\n  resource_group_name = \"rg\"\n  location = \"westeurope\"\n  sku = \"Premium\"\n  admin_enabled = true\n}\n");
  std::string dep = R"({"id": "a", "targetCondition": "tags.SecurityGroup='g'", "content": )" + manifestWith(R"({"image": "contosoacr.azurecr.io/m:1"})") + "}";
  dep.replace(dep.find(R"("settings": {})"), 14, R"("settings": {"registryCredentials": {"c": {"address": "contosoacr.azurecr.io", "username": "u", "password": "$P"}}})");
  writeFile(d / "a/deployment.json", dep);
  std::string dep2 = dep;
  dep2.replace(dep2.find(R"("id": "a")"), 9, R"("id": "b")");
  writeFile(d / "b/deployment.json", dep2);
  ScanOptions options;
  options.paths = {d};
  options.jobs = 1;
  Session session(options);
  std::vector<Error> errors;
  REQUIRE(session.loadPolicies(errors));
  ScanResult result = session.scan();
  CHECK(result.errors.empty());
  const ResourceGraph& g = session.graph();
  auto id = [&](std::string_view address) -> ResourceId {
    for (const Resource& r : g.resources()) if (r.address == address) return r.id;
    FAIL("no resource " << address);
    return 0;
  };
  auto linked = [&](ResourceId from, ResourceId to, std::string_view kind) {
    for (const Edge* e : g.outgoing(from, kind)) if (e->to == to) return true;
    return false;
  };
  ResourceId acr = id("azurerm_container_registry.acr");
  CHECK(linked(id("a:modules.m"), id("a:registryCredentials.c"), "credential"));
  CHECK_FALSE(linked(id("a:modules.m"), id("b:registryCredentials.c"), "credential"));
  CHECK(linked(id("a:registryCredentials.c"), acr, "registry"));
  CHECK(linked(id("a"), id("a:modules.m"), "module"));
  CHECK(linked(id("a"), id("a:$edgeHub"), "module"));
  CHECK(linked(id("a"), id("b"), "securityGroup"));
  CHECK(linked(id("b"), id("a"), "securityGroup"));
  bool eg003 = false;
  // "u" is not the admin user (whose name is the registry's): the admin-enabled registry alone is EG201.
  for (const Finding& f : result.findings) eg003 = eg003 || f.rule == "EG003";
  CHECK_FALSE(eg003);
  fs::remove_all(d);
}

TEST_CASE("every manifest and device config of the corpus loads") {
  fs::path corpus = fs::path(EG_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::is_directory(corpus)) {
    MESSAGE("skipped: " << corpus.string() << " is absent");
    return;
  }
  auto frontEnds = edge::makeEdgeFrontEnds();
  size_t manifests = 0, configs = 0, withErrors = 0, resources = 0;
  std::string errorFiles;
  for (auto it = fs::recursive_directory_iterator(corpus); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string head(512, '\0');
    in.read(head.data(), 512);
    head.resize(static_cast<size_t>(in.gcount()));
    for (auto& fe : frontEnds) {
      if (!fe->accepts(it->path(), head)) continue;
      SourceStore store;
      FrontEndOptions opts;
      LoadContext ctx{store, opts};
      const SourceFile* f = store.load(it->path(), nullptr);
      if (!f) break;
      fe->loadUnit({f}, ctx);  // must not throw or crash
      (fe->format() == "edge" ? manifests : configs)++;
      resources += ctx.resources.size();
      std::string name = it->path().filename().string();
      // Test assets that are invalid on purpose, and a VM template whose config.toml ends in
      // `connection_string = ` for a script to fill: errors expected, with a position.
      bool meantInvalid = name.find("invalid") != std::string::npos || name.find("bad") != std::string::npos ||
                          it->path().generic_string().ends_with("iotedge-vm-deploy/config.toml");
      if (!ctx.errors.empty()) {
        ++withErrors;
        errorFiles += it->path().string() + ": " + ctx.errors[0].message + "\n";
        CHECK(ctx.errors[0].file == f->id());
        if (!meantInvalid) FAIL_CHECK(it->path().string() << ": " << ctx.errors[0].message);
      }
      break;
    }
  }
  MESSAGE("corpus: " << manifests << " manifests, " << configs << " device configs, " << resources << " resources, "
                     << withErrors << " files with errors\n"
                     << errorFiles);
  CHECK(manifests > 0);
  CHECK(configs > 0);
}

// Regression (issue 9): the SecurityGroup tag was read with std::regex, whose backtracking
// matcher recursed per character and overflowed the stack on a long targetCondition.
TEST_CASE("security group of a hostile target condition") {
  auto group = [](const std::string& condition) {
    Loaded l;
    load(l, "layered.json", R"({"id": "d", "targetCondition": ")" + condition +
                                R"(", "content": {"modulesContent": {"$edgeAgent": {"properties.desired.modules.m": {"type": "docker", "settings": {"image": "a.azurecr.io/m:1"}}}}}})");
    const Resource* dep = l.find("IoTEdge/deployment", "d");
    REQUIRE(dep);
    const Value* g = at(dep, "securityGroup");
    return g && g->isString() ? g->asString() : std::string("<none>");
  };
  CHECK(group("tags.SecurityGroup = \\\"a b\\\" and x") == "a b");
  CHECK(group("tags.x='1' AND TAGS.SECURITYGROUP='g2'") == "g2");
  CHECK(group("tags.securityGroup=" + std::string(1 << 20, ' ')) == "<none>");
  CHECK(group("tags.securityGroup='" + std::string(1 << 20, 'a')) == "<none>");
  CHECK(group(std::string(1 << 20, ' ') + "tags.securityGroup = 'late'") == "late");
}
