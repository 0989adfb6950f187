// IoT Edge device configurations -> IoTEdge/deviceConfig resources (format "aziot"):
// aziot config.toml (toml++, compiled header-only here) and legacy 1.1 config.yaml (yaml-cpp).
// Both are first converted to a Value with provenance, then normalized by one function.
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "linter/graph/ResourceKinds.h"
#include "parsers/edge/EdgeCommon.h"
#include "parsers/edge/EdgeFrontEnd.h"
#include "parsers/edge/Toml.h"

namespace eg::edge {

namespace {

uint32_t offsetOf(const SourceFile& f, const toml::source_position& p) {
  if (!p) return 0;
  return f.lines().offsetOf(LineCol{p.line, p.column}, f.text());
}

ByteRange rangeOf(const SourceFile& f, const toml::source_region& r) {
  uint32_t b = offsetOf(f, r.begin), e = offsetOf(f, r.end);
  return ByteRange{b, std::max(b, e)};
}

Value tomlToValue(const SourceFile& f, const toml::node& n) {
  Value out;
  if (const toml::table* t = n.as_table()) {
    out = Value::object();
    for (auto&& [k, v] : *t) {
      Value child = tomlToValue(f, v);
      child.prov.key = rangeOf(f, k.source());
      out.asObject().push_back(Member{std::string(k.str()), std::move(child)});
    }
  } else if (const toml::array* a = n.as_array()) {
    out = Value::array();
    for (const toml::node& e : *a) out.asArray().push_back(tomlToValue(f, e));
  } else if (auto s = n.value<std::string>(); s && n.is_string()) {
    out = Value(*s);
  } else if (n.is_boolean()) {
    out = Value(*n.value<bool>());
  } else if (n.is_integer()) {
    out = Value(static_cast<double>(*n.value<int64_t>()));
  } else if (n.is_floating_point()) {
    out = Value(*n.value<double>());
  } else {
    out = Value(std::string(f.slice(rangeOf(f, n.source()))));  // dates and times: their text
  }
  out.prov.file = f.id();
  out.prov.value = rangeOf(f, n.source());
  return out;
}

uint32_t yamlOffset(const SourceFile& f, const YAML::Mark& m) {
  if (m.pos >= 0) return std::min<uint32_t>(static_cast<uint32_t>(m.pos), static_cast<uint32_t>(f.text().size()));
  return 0;
}

// yaml-cpp shares aliased nodes: nine levels of nine aliases (664 bytes) expand into 6 GB.
// The walk stops after as many nodes as a real config.yaml could hold, as every YAML reader
// of edgeguard does (policies and configuration: linter/policy/YamlReader.h).
constexpr size_t kMaxYamlNodes = 100000;
struct YamlTooLarge {
  YAML::Mark mark;
};

Value yamlToValue(const SourceFile& f, const YAML::Node& n, size_t& nodes, int depth = 0) {
  Value out;
  if (depth > 128) return Value::unknown("nesting too deep");
  if (++nodes > kMaxYamlNodes) throw YamlTooLarge{n.Mark()};
  switch (n.Type()) {
    case YAML::NodeType::Map:
      out = Value::object();
      for (auto it = n.begin(); it != n.end(); ++it) {
        Value child = yamlToValue(f, it->second, nodes, depth + 1);
        uint32_t kb = yamlOffset(f, it->first.Mark());
        std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
        child.prov.key = ByteRange{kb, kb + static_cast<uint32_t>(key.size())};
        out.asObject().push_back(Member{key, std::move(child)});
      }
      break;
    case YAML::NodeType::Sequence:
      out = Value::array();
      for (const YAML::Node& e : n) out.asArray().push_back(yamlToValue(f, e, nodes, depth + 1));
      break;
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "?" && (s == "true" || s == "false")) out = Value(s == "true");
      else out = Value(s);
      break;
    }
    default: out = Value(); break;
  }
  uint32_t b = yamlOffset(f, n.Mark());
  uint32_t len = n.IsScalar() ? static_cast<uint32_t>(n.Scalar().size()) : 0;
  if (n.IsScalar() && b < f.text().size() && (f.text()[b] == '"' || f.text()[b] == '\'')) len += 2;
  out.prov.file = f.id();
  out.prov.value = ByteRange{b, std::min<uint32_t>(b + len, static_cast<uint32_t>(f.text().size()))};
  return out;
}

std::string str(const Value* v) { return v && v->isString() ? v->asString() : std::string(); }

Value derivedAt(Value v, const Provenance& p) {
  setProvenanceDeep(v, p);
  return v;
}

// A key given inline ({ value = "..." } or a plain string) or by reference ({ uri = "file://..." }).
struct KeyRef {
  const Value* inlineValue = nullptr;
  const Value* uri = nullptr;
};
KeyRef keyRef(const Value* v) {
  KeyRef k;
  if (!v) return k;
  if (v->isString()) {
    if (istartsWith(v->asString(), "file://") || istartsWith(v->asString(), "pkcs11:")) k.uri = v;
    else k.inlineValue = v;
  } else if (v->isObject()) {
    k.inlineValue = v->get("value");
    k.uri = v->get("uri");
  }
  return k;
}

// Builds the deviceConfig resource from the configuration as a Value (TOML or legacy YAML shape).
void normalize(const SourceFile& f, const Value& root, bool legacy, LoadContext& ctx) {
  Resource r;
  r.kind = kinds::kEdgeDeviceConfig;
  r.format = "aziot";
  r.sourceType = legacy ? "config.yaml" : "config.toml";
  r.file = f.id();
  const Value* prov = root.get("provisioning");
  uint32_t firstLineEnd = f.lines().lineEnd(0, f.text());
  r.header = prov && !prov->prov.key.empty() ? prov->prov.key : ByteRange{0, firstLineEnd};
  r.body = ByteRange{0, static_cast<uint32_t>(f.text().size())};
  std::filesystem::path p(f.path());
  std::string parent = p.parent_path().filename().string();
  r.address = parent.empty() || parent == "." ? p.filename().string() : parent + "/" + p.filename().string();
  Provenance hdr{f.id(), r.header, r.header};
  Value& a = r.attributes;
  a.prov = Provenance{f.id(), r.body, {}};
  const Value* hostname = root.get("hostname");
  if (hostname) a.set("hostname", *hostname);
  a.set("legacy", derivedAt(Value(legacy), hdr));

  Value pv = Value::object();
  Value cred;
  auto setCred = [&](const char* type, const Value& at) {
    cred = Value::object();
    cred.set("type", Value(type));
    setProvenanceDeep(cred, at.prov);
  };
  auto inlineKey = [&](const Value* key) {
    if (!key || !key->isString() || key->asString().empty()) return;
    if (key->prov.file == f.id()) markSecret(ctx.store, f, key->prov.value, true);
    cred.set("keyHash", derivedAt(Value(secretHash(key->asString())), key->prov));
    cred.set("inline", derivedAt(Value(true), key->prov));
  };
  if (prov && prov->isObject()) {
    pv.prov = prov->prov;
    std::string source = toLowerAscii(str(prov->get("source")));
    if (const Value* s = prov->get("source")) pv.set("source", *s);
    const Value* cs = prov->get(legacy ? "device_connection_string" : "connection_string");
    if (source == "manual" && cs) {
      pv.set("method", derivedAt(Value("connectionString"), cs->prov));
      if (cs->isString()) {
        if (cs->prov.file == f.id()) markSecret(ctx.store, f, cs->prov.value, false);
        auto parts = parseConnectionString(cs->asString());
        if (parts.count("hostname")) pv.set("iothubHostname", derivedAt(Value(parts["hostname"]), cs->prov));
        if (parts.count("deviceid")) pv.set("deviceId", derivedAt(Value(parts["deviceid"]), cs->prov));
        setCred("sharedAccessKey", *cs);
        cred.set("hubPolicyKey", derivedAt(Value(parts.count("sharedaccesskeyname") > 0), cs->prov));
        if (parts.count("sharedaccesskeyname")) cred.set("keyName", derivedAt(Value(parts["sharedaccesskeyname"]), cs->prov));
        if (parts.count("sharedaccesskey") && !parts["sharedaccesskey"].empty()) {
          cred.set("keyHash", derivedAt(Value(secretHash(parts["sharedaccesskey"])), cs->prov));
          cred.set("inline", derivedAt(Value(true), cs->prov));
        }
        pv.set("connectionString", derivedAt(Value(redactConnectionString(cs->asString())), cs->prov));
      }
    } else if (source == "manual") {
      for (auto [from, to] : {std::pair{"iothub_hostname", "iothubHostname"}, std::pair{"device_id", "deviceId"}}) {
        if (const Value* v = prov->get(from)) pv.set(to, *v);
      }
      const Value* auth = prov->get("authentication");
      std::string method = toLowerAscii(str(auth ? auth->get("method") : nullptr));
      if (auth && method == "sas") {
        pv.set("method", derivedAt(Value("sas"), auth->prov));
        setCred("symmetricKey", *auth);
        cred.set("hubPolicyKey", derivedAt(Value(false), auth->prov));
        KeyRef k = keyRef(auth->get("device_id_pk"));
        inlineKey(k.inlineValue);
        if (k.uri) cred.set("keyUri", *k.uri);
      } else if (auth && method == "x509") {
        pv.set("method", derivedAt(Value("x509"), auth->prov));
        setCred("x509", *auth);
        if (const Value* c = auth->get("identity_cert")) cred.set("certUri", *c);
        if (const Value* c = auth->get("identity_pk")) cred.set("keyUri", *c);
      } else if (auth) {
        pv.set("method", auth->get("method") ? *auth->get("method") : Value());
      }
    } else if (source == "dps") {
      for (auto [from, to] : {std::pair{"global_endpoint", "globalEndpoint"}, std::pair{"id_scope", "idScope"},
                              std::pair{"scope_id", "idScope"}}) {
        if (const Value* v = prov->get(from)) pv.set(to, *v);
      }
      const Value* att = prov->get("attestation");
      std::string method = toLowerAscii(str(att ? att->get("method") : nullptr));
      if (att) {
        if (const Value* id = att->get("registration_id")) pv.set("registrationId", *id);
        if (method == "symmetric_key") {
          pv.set("method", derivedAt(Value("dps-symmetricKey"), att->prov));
          setCred("symmetricKey", *att);
          cred.set("hubPolicyKey", derivedAt(Value(false), att->prov));
          KeyRef k = keyRef(att->get("symmetric_key"));
          inlineKey(k.inlineValue);
          if (k.uri) cred.set("keyUri", *k.uri);
        } else if (method == "x509") {
          pv.set("method", derivedAt(Value("dps-x509"), att->prov));
          setCred("x509", *att);
          if (const Value* c = att->get("identity_cert")) cred.set("certUri", *c);
          if (const Value* c = att->get("identity_pk")) cred.set("keyUri", *c);
        } else if (method == "tpm") {
          pv.set("method", derivedAt(Value("dps-tpm"), att->prov));
          setCred("tpm", *att);
        } else if (const Value* m = att->get("method")) {
          pv.set("method", *m);
        }
      }
    }
  }
  a.set("provisioning", pv);
  if (!cred.isNull()) a.set("credential", cred);
  std::string name = str(pv.get("deviceId"));
  if (name.empty()) name = str(pv.get("registrationId"));
  if (name.empty()) name = str(hostname);
  if (name.empty()) name = r.address;
  a.set("name", derivedAt(Value(name), hdr));
  const Value* image = root.at("agent.config.image");
  if (image) a.set("agentImage", *image);
  ctx.resources.push_back(std::move(r));
}

bool parseToml(const SourceFile& f, Value& out, std::vector<Error>& errors) {
  try {
    toml::table t = toml::parse(std::string_view(f.text()), std::string_view(f.path()));
    out = tomlToValue(f, t);
    return true;
  } catch (const toml::parse_error& e) {
    uint32_t b = offsetOf(f, e.source().begin);
    uint32_t size = static_cast<uint32_t>(f.text().size());
    if (b > size) b = size;
    uint32_t end = std::min(b + 1, size);  // the whole character toml++ stopped at
    while (end < size && (static_cast<unsigned char>(f.text()[end]) & 0xC0) == 0x80) ++end;
    errors.push_back(Error{f.path(), f.id(), ByteRange{b, end}, 0, 0,
                           std::string("invalid TOML: ").append(e.description()), kInputErrorCode});
    return false;
  }
}

bool parseYaml(const SourceFile& f, Value& out, std::vector<Error>& errors) {
  try {
    YAML::Node n = YAML::Load(f.text());
    size_t nodes = 0;
    out = yamlToValue(f, n, nodes);
    return true;
  } catch (const YamlTooLarge& e) {
    uint32_t b = yamlOffset(f, e.mark);
    uint32_t size = static_cast<uint32_t>(f.text().size());
    errors.push_back(Error{f.path(), f.id(), ByteRange{b, std::min(b + 1, size)}, 0, 0,
                           "config.yaml too large: more than " + std::to_string(kMaxYamlNodes) +
                               " YAML nodes (are aliases expanding it?); not scanned",
                           kInputErrorCode});
    return false;
  } catch (const YAML::Exception& e) {
    uint32_t b = yamlOffset(f, e.mark);
    uint32_t size = static_cast<uint32_t>(f.text().size());
    errors.push_back(Error{f.path(), f.id(), ByteRange{b, std::min(b + 1, size)}, 0, 0,
                           std::string("invalid YAML: ").append(e.msg), kInputErrorCode});
    return false;
  }
}

// `connection_string = ""` is valid TOML but no device can connect with it: say so.
void checkRequired(const SourceFile& f, const Value& root, bool legacy, LoadContext& ctx) {
  const Value* prov = root.get("provisioning");
  if (!prov || !prov->isObject()) return;
  const Value* cs = prov->get(legacy ? "device_connection_string" : "connection_string");
  if (cs && cs->isString() && cs->asString().empty() && iequals(str(prov->get("source")), "manual")) {
    ctx.errors.push_back(Error{f.path(), f.id(), cs->prov.value, 0, 0,
                               "provisioning.connection_string is empty: set the device's connection string", kInputErrorCode});
  }
}

}  // namespace

void loadTomlConfig(const SourceFile& file, LoadContext& ctx) {
  Value root;
  if (!parseToml(file, root, ctx.errors)) return;
  checkRequired(file, root, false, ctx);
  normalize(file, root, false, ctx);
}

void loadLegacyYamlConfig(const SourceFile& file, LoadContext& ctx) {
  Value root;
  if (!parseYaml(file, root, ctx.errors)) return;
  if (!root.isObject()) return;
  checkRequired(file, root, true, ctx);
  normalize(file, root, true, ctx);
}

bool parseTomlOnly(const SourceFile& file, std::vector<Error>& errors) {
  Value root;
  return parseToml(file, root, errors);
}

bool parseYamlOnly(const SourceFile& file, std::vector<Error>& errors) {
  Value root;
  return parseYaml(file, root, errors);
}

}  // namespace eg::edge
