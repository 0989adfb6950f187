// IoT Edge deployment manifests -> IoTEdge/deployment, IoTEdge/module, IoTEdge/edgeHub and
// IoTEdge/registryCredential resources. See parsers/edge/README.md for the attribute model.
#include <algorithm>
#include <cctype>

#include "linter/graph/ResourceKinds.h"
#include "parsers/edge/EdgeCommon.h"
#include "parsers/edge/EdgeFrontEnd.h"
#include "parsers/json/JsonReader.h"

namespace eg::edge {

namespace fs = std::filesystem;

namespace {

// Templates may hold placeholders where JSON expects a value (`"startupOrder": ${ORDER}`).
// Rewrites each `${NAME}` outside strings into the same-length string `"$NAME"` so the file
// parses and every offset is kept; the string is then a placeholder like any other.
std::string quoteBarePlaceholders(std::string_view text) {
  std::string out(text);
  bool inString = false;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (inString) {
      if (c == '\\') ++i;
      else if (c == '"') inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '$' && i + 1 < out.size() && out[i + 1] == '{') {
      size_t close = out.find('}', i + 2);
      if (close == std::string::npos || out.find_first_of("\"\n", i) < close) continue;
      std::string name = out.substr(i + 2, close - i - 2);
      std::string repl = std::string("\"$").append(name).append("\"");
      out.replace(i, repl.size(), repl);
      i = close;
    }
  }
  return out;
}

bool isChunkKey(std::string_view key, int& order) {
  if (!istartsWith(key, "createOptions")) return false;
  std::string_view rest = key.substr(13);
  if (rest.empty()) {
    order = 0;
    return true;
  }
  if (rest.size() != 2 || !std::isdigit(static_cast<unsigned char>(rest[0])) || !std::isdigit(static_cast<unsigned char>(rest[1]))) {
    return false;
  }
  order = (rest[0] - '0') * 10 + (rest[1] - '0');
  return order >= 1;
}

// Splits a flattened layered-deployment key: "properties.desired.modules.my.mod" ->
// [properties, desired, modules, my.mod] (names after a collection key stay whole).
std::vector<std::string> splitFlattened(std::string_view key) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= key.size()) {
    if (!out.empty()) {
      const std::string& prev = out.back();
      if (iequals(prev, "modules") || iequals(prev, "systemModules") || iequals(prev, "routes") ||
          iequals(prev, "registryCredentials")) {
        out.emplace_back(key.substr(pos));
        break;
      }
    }
    size_t dot = key.find('.', pos);
    out.emplace_back(key.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos));
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return out;
}

void expandFlattened(Value& twin) {
  if (!twin.isObject()) return;
  bool any = false;
  for (const Member& m : twin.asObject()) any = any || m.key.find('.') != std::string::npos;
  if (!any) return;
  Provenance prov = twin.prov;
  Object old = std::move(twin.asObject());
  twin = Value::object();
  twin.prov = prov;
  for (Member& m : old) {
    std::vector<std::string> segs = splitFlattened(m.key);
    Value* cur = &twin;
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
      Value* next = cur->get(segs[i]);
      if (!next || !next->isObject()) {
        Value obj = Value::object();
        obj.prov = m.value.prov;
        next = &cur->set(segs[i], std::move(obj));
      }
      cur = next;
    }
    Value* existing = cur->get(segs.back());
    if (existing && existing->isObject() && m.value.isObject()) existing->mergeFrom(m.value);
    else cur->set(segs.back(), std::move(m.value));
  }
}

std::string str(const Value* v) { return v && v->isString() ? v->asString() : std::string(); }

Value copyOr(const Value* v) { return v ? *v : Value(); }

Value derived(Value v, const Provenance& p) {
  setProvenanceDeep(v, p);
  return v;
}

// Marks strings that still hold placeholders as unknown.
void unknownPlaceholders(Value& v, bool dollarNames, const std::string& why) {
  if (v.isString()) {
    std::vector<std::string> names = placeholdersIn(v.asString(), dollarNames);
    if (!names.empty()) {
      Provenance p = v.prov;
      v = Value::unknown(placeholderText(names.front()) + " " + why);
      v.prov = p;
    }
  } else if (v.isArray()) {
    for (Value& e : v.asArray()) unknownPlaceholders(e, dollarNames, why);
  } else if (v.isObject()) {
    for (Member& m : v.asObject()) unknownPlaceholders(m.value, dollarNames, why);
  }
}

class ManifestLoader {
 public:
  ManifestLoader(const SourceFile& file, LoadContext& ctx) : file_(file), ctx_(ctx) {}

  void load() {
    std::string name = fs::path(file_.path()).filename().string();
    template_ = iendsWith(name, ".template.json") || file_.text().find("\"$schema-template\"") != std::string::npos;
    dir_ = fs::path(file_.path()).parent_path();
    std::string text = template_ ? quoteBarePlaceholders(file_.text()) : file_.text();
    Value root;
    json::JsonError err;
    if (!json::parseJsonText(text, file_.id(), 0, root, err)) {
      error(err.offset, "invalid JSON: " + err.message);
      return;
    }
    if (!root.isObject()) return;
    Value* mc = nullptr;
    Value* content = root.get("content");
    if (content && content->isObject()) mc = content->get("modulesContent");
    if (!mc) mc = root.get("modulesContent");
    if (!mc) mc = root.get("moduleContent");
    if (!mc && root.get("$edgeAgent")) mc = &root;
    if (!mc || !mc->isObject()) return;  // mentions modulesContent but is not a manifest (e.g. a JSON schema)

    loadDotEnv();
    bool layered = false;
    for (Member& m : mc->asObject()) {
      if (!m.value.isObject()) continue;
      for (const Member& k : m.value.asObject()) layered = layered || istartsWith(k.key, "properties.desired.");
      expandFlattened(m.value);
    }
    resolvePlaceholders(*mc);

    const Value* agent = mc->at("$edgeAgent.properties.desired");
    const Value* hubTwin = mc->at("$edgeHub.properties.desired");

    // --- deployment ---
    Resource dep = newResource(kinds::kEdgeDeployment);
    const Value* id = root.get("id");
    depAddress_ = id && id->isString() && !id->asString().empty() ? id->asString() : fallbackAddress();
    dep.address = depAddress_;
    dep.header = headerOf(mc->prov.key.empty() ? ByteRange{0, 0} : mc->prov.key);
    dep.body = mc->prov.value;
    Value& a = dep.attributes;
    a.set("name", Value(depAddress_));
    if (id) a.set("id", *id);
    if (const Value* p = root.get("priority")) a.set("priority", *p);
    if (const Value* t = root.get("targetCondition")) {
      a.set("targetCondition", *t);
      securityGroup_ = securityGroupOf(*t);
      if (!securityGroup_.isNull()) a.set("securityGroup", securityGroup_);
    }
    if (const Value* l = root.get("labels")) a.set("labels", *l);
    a.set("layered", derived(Value(layered), dep.attributes.prov));
    a.set("template", Value(template_));
    if (agent) {
      if (const Value* sv = agent->get("schemaVersion")) a.set("schemaVersion", *sv);
      if (const Value* md = agent->at("runtime.settings.minDockerVersion")) a.set("minDockerVersion", *md);
      const Value* lo = agent->at("runtime.settings.loggingOptions");
      if (lo && !(lo->isString() && lo->asString().empty())) runtimeLogging_ = *lo;
    }
    if (hubTwin) {
      if (const Value* routes = hubTwin->get("routes")) a.set("routes", *routes);
    }

    Value moduleNames = Value::array();
    if (agent) {
      for (const char* section : {"systemModules", "modules"}) {
        const Value* mods = agent->get(section);
        if (!mods || !mods->isObject()) continue;
        for (const Member& m : mods->asObject()) {
          Value n(m.key);
          n.prov = Provenance{file_.id(), m.value.prov.key, m.value.prov.key};
          moduleNames.asArray().push_back(n);
        }
      }
    }
    a.set("modules", std::move(moduleNames));
    Value credNames = Value::array();
    const Value* creds = agent ? agent->at("runtime.settings.registryCredentials") : nullptr;
    if (creds && creds->isObject()) {
      for (const Member& m : creds->asObject()) credNames.asArray().push_back(Value(m.key));
    }
    a.set("registryCredentials", std::move(credNames));
    ctx_.resources.push_back(std::move(dep));

    if (!agent) return;
    for (const char* section : {"systemModules", "modules"}) {
      const Value* mods = agent->get(section);
      if (!mods || !mods->isObject()) continue;
      for (const Member& m : mods->asObject()) {
        if (!m.value.isObject()) continue;
        loadModule(m.key, m.value, std::string_view(section) == "systemModules", hubTwin);
      }
    }
    if (creds && creds->isObject()) {
      for (const Member& m : creds->asObject()) loadCredential(m.key, m.value);
    }
  }

 private:
  void error(uint32_t offset, std::string message) {
    uint32_t size = static_cast<uint32_t>(file_.text().size());
    offset = std::min(offset, size);
    ctx_.errors.push_back(Error{file_.path(), file_.id(), ByteRange{offset, std::min(offset + 1, size)}, 0, 0,
                                std::move(message), kInputErrorCode});
  }

  Resource newResource(std::string kind) {
    Resource r;
    r.kind = std::move(kind);
    r.format = "edge";
    r.sourceType = r.kind;
    r.file = file_.id();
    r.attributes.prov = Provenance{file_.id(), {}, {}};
    return r;
  }

  ByteRange headerOf(ByteRange key) const {
    if (!key.empty()) return key;
    uint32_t end = file_.lines().lineEnd(0, file_.text());
    return ByteRange{0, end};
  }

  std::string fallbackAddress() const {
    fs::path p(file_.path());
    std::string parent = p.parent_path().filename().string();
    return parent.empty() || parent == "." ? p.filename().string() : parent + "/" + p.filename().string();
  }

  void loadDotEnv() {
    fs::path envPath = dir_ / ".env";
    std::error_code ec;
    if (!fs::is_regular_file(envPath, ec)) return;
    LoadError le;
    if (const SourceFile* f = ctx_.load(envPath, &le)) {
      vars_ = parseDotEnv(f->text());
      haveEnv_ = true;
    }
  }

  // ${MODULES.<name>[.<platform>]} as iotedgedev (modules.py, _update_module_maps) and the VS Code
  // IoT Edge extension resolve it, from <MODULES_PATH, default modules>/<name>/module.json beside
  // the template, whose text has the .env values substituted first:
  //   <image.repository, lower case>:<image.tag.version, default 0.0.0>[-<CONTAINER_TAG>]-<platform>
  // for a platform listed in image.tag.platforms. Without a platform: DEFAULT_PLATFORM from the
  // .env, else amd64; `.debug` is <default>.debug. A platform that is not listed is not replaced
  // by those tools (the manifest keeps the placeholder), so it stays unknown here too.
  bool resolveModuleImage(const std::string& var, std::string& out) {
    std::string rest = var.substr(8);
    std::string platform;
    size_t dot = rest.find('.');
    if (dot != std::string::npos) {
      platform = rest.substr(dot + 1);
      rest = rest.substr(0, dot);
    }
    auto fail = [&](std::string why) {
      moduleWhy_[var] = std::move(why);
      return false;
    };
    // The module name is a folder name: it must not leave modules/.
    if (rest.empty() || rest == "." || rest.find_first_of("/\\") != std::string::npos || rest.find("..") != std::string::npos) {
      return fail("names no module folder ('" + rest + "' is not a folder name)");
    }
    auto env = [&](const char* k, std::string dflt) {
      auto it = vars_.find(k);
      return it != vars_.end() && !it->second.empty() ? it->second : dflt;
    };
    std::string defaultPlatform = env("DEFAULT_PLATFORM", "amd64");
    if (platform.empty()) platform = defaultPlatform;
    else if (platform == "debug") platform = defaultPlatform + ".debug";
    std::string modulesPath = env("MODULES_PATH", "modules");
    fs::path rel = fs::path(modulesPath) / rest / "module.json";
    fs::path mj = dir_ / rel;
    std::string shown = rel.generic_string();
    if (!ctx_.isFile(mj)) return fail("is built from " + shown + ", which is not there");
    LoadError le;
    const SourceFile* f = ctx_.load(mj, &le);
    if (!f) return fail("is built from " + shown + ", which is " + le.message);
    Value root;
    json::JsonError err;
    if (!json::parseJson(*f, root, err)) return fail("is built from " + shown + ", which is not valid JSON");
    // module.json is read with the .env values substituted (os.path.expandvars: an unset
    // variable is left as written, which no registry accepts: unknown here).
    auto expand = [&](const Value* v, std::string dflt, std::string& to) -> bool {
      std::string text = v && v->isString() ? v->asString() : dflt;
      std::string missing;
      if (!substitutePlaceholders(text, vars_, true, to, missing)) {
        fail("is built from " + shown + ", which uses " + placeholderText(missing) + ", " + unresolvedWhy(missing).substr(3));
        return false;
      }
      return true;
    };
    std::string repo, version;
    if (!root.at("image.repository") || !root.at("image.repository")->isString()) {
      return fail("is built from " + shown + ", which has no image.repository");
    }
    if (!expand(root.at("image.repository"), "", repo)) return false;
    if (!expand(root.at("image.tag.version"), "0.0.0", version)) return false;
    const Value* platforms = root.at("image.tag.platforms");
    if (!platforms || !platforms->isObject() || !platforms->get(platform)) {
      return fail("is built from " + shown + ", which lists no platform '" + platform + "' in image.tag.platforms");
    }
    std::string containerTag = env("CONTAINER_TAG", "");
    out = toLowerAscii(repo) + ":" + version + (containerTag.empty() ? "" : "-" + containerTag) + "-" + platform;
    return true;
  }

  std::string unresolvedWhy(const std::string& name) const {
    if (!name.empty() && name.front() == '#') return "is a pipeline token, replaced at build time";
    if (istartsWith(name, "MODULES.")) {
      auto it = moduleWhy_.find(name);
      return it != moduleWhy_.end() ? it->second : "names a module image that is built from modules/ (module.json not found)";
    }
    return haveEnv_ ? "is not set in the .env beside the template" : "is a template placeholder (no .env beside the template)";
  }

  // Substitutes placeholders in a string; unknown when one cannot be resolved.
  bool substitute(std::string_view s, std::string& out, std::string& missing) {
    for (const std::string& name : placeholdersIn(s, template_, &vars_)) {
      if (vars_.count(name) || !istartsWith(name, "MODULES.")) continue;
      std::string img;
      if (resolveModuleImage(name, img)) vars_[name] = img;
    }
    return substitutePlaceholders(s, vars_, template_, out, missing);
  }

  void resolvePlaceholders(Value& v) {
    if (v.isString()) {
      if (v.asString().find_first_of("$#") == std::string::npos) return;
      std::string out, missing;
      Provenance p = v.prov;
      if (substitute(v.asString(), out, missing)) {
        v = Value(out);
      } else {
        v = Value::unknown(placeholderText(missing) + " " + unresolvedWhy(missing));
      }
      v.prov = p;
    } else if (v.isArray()) {
      for (Value& e : v.asArray()) resolvePlaceholders(e);
    } else if (v.isObject()) {
      for (Member& m : v.asObject()) {
        int order;
        if (isChunkKey(m.key, order)) continue;  // parsed (and resolved) per module
        resolvePlaceholders(m.value);
      }
    }
  }

  // tags.SecurityGroup='x' (any case, either quote) in a target condition.
  static Value securityGroupOf(const Value& cond) {
    if (cond.isUnknown()) return cond;
    if (!cond.isString()) return Value();
    // Scanned by hand: libstdc++'s std::regex recurses per character and overflows the stack
    // on a long condition (found by fuzzing: 1 MB of spaces after the '=').
    const std::string& s = cond.asString();
    constexpr std::string_view kTag = "tags.securitygroup";
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    for (size_t at = 0; at + kTag.size() <= s.size(); ++at) {
      if (!iequals(std::string_view(s).substr(at, kTag.size()), kTag)) continue;
      size_t i = at + kTag.size();
      while (i < s.size() && isSpace(s[i])) ++i;
      if (i >= s.size() || s[i] != '=') continue;
      ++i;
      while (i < s.size() && isSpace(s[i])) ++i;
      if (i >= s.size() || (s[i] != '\'' && s[i] != '"')) continue;
      size_t begin = ++i;
      while (i < s.size() && s[i] != '\'' && s[i] != '"') ++i;
      if (i >= s.size()) continue;
      Value out(s.substr(begin, i - begin));
      out.prov = cond.prov;
      return out;
    }
    return Value();
  }

  // createOptions (object, string, or chunks createOptions01..99) as an object whose
  // provenance points into the manifest text.
  Value createOptions(const Value& settings, const std::string& moduleName) {
    std::vector<std::pair<int, const Member*>> chunks;
    for (const Member& m : settings.asObject()) {
      int order;
      if (isChunkKey(m.key, order)) chunks.emplace_back(order, &m);
    }
    if (chunks.empty()) return Value();  // absent
    std::sort(chunks.begin(), chunks.end(), [](auto& a, auto& b) { return a.first < b.first; });
    const Value& first = chunks.front().second->value;
    Provenance whole{file_.id(), first.prov.value, first.prov.key};
    whole.value.end = std::max(whole.value.end, chunks.back().second->value.prov.value.end);
    if (chunks.size() == 1 && first.isObject()) return first;
    std::string text;
    std::vector<uint32_t> map;
    for (auto& [order, m] : chunks) {
      const Value& v = m->value;
      if (!v.isString()) {
        if (v.isObject() && v.asObject().empty()) continue;
        Value u = Value::unknown("createOptions of module '" + moduleName + "' is neither a string nor an object");
        u.prov = whole;
        return u;
      }
      ByteRange r = v.prov.value;
      std::string part;
      std::vector<uint32_t> partMap;
      if (r.size() < 2 || !decodeJsonString(std::string_view(file_.text()).substr(r.begin + 1, r.size() - 2), r.begin + 1, part, partMap)) {
        // Not a plain literal in this file: use the decoded value, located at the string.
        part = v.asString();
        partMap.assign(part.size() + 1, r.begin);
      }
      partMap.pop_back();
      text += part;
      map.insert(map.end(), partMap.begin(), partMap.end());
    }
    map.push_back(whole.value.end > 0 ? whole.value.end - 1 : 0);
    // Placeholders inside the JSON text: substitute when possible (positions of the
    // substituted text collapse onto the placeholder), else strings holding them become unknown.
    std::vector<std::string> names = placeholdersIn(text, template_, &vars_);
    std::string unresolved;
    if (!names.empty()) {
      std::string out, missing;
      if (substitute(text, out, missing)) {
        std::vector<uint32_t> newMap;
        std::string rebuilt;
        size_t i = 0;
        // Recompute the map by walking both strings: equal prefix, then per placeholder.
        std::string_view s = text;
        while (i < s.size()) {
          if (s[i] == '$') {
            std::vector<std::string> one = placeholdersIn(s.substr(i), template_, &vars_);
            if (!one.empty() && s.substr(i).find(one[0]) <= 2) {
              std::string name = one[0];
              bool braces = i + 1 < s.size() && s[i + 1] == '{';
              size_t len = name.size() + (braces ? 3 : 1);
              const std::string& val = vars_[name];
              for (size_t k = 0; k < val.size(); ++k) newMap.push_back(map[i]);
              rebuilt += val;
              i += len;
              continue;
            }
          }
          rebuilt += s[i];
          newMap.push_back(map[i]);
          ++i;
        }
        newMap.push_back(map.back());
        text = std::move(rebuilt);
        map = std::move(newMap);
      } else {
        unresolved = missing;
      }
    }
    size_t firstNonSpace = text.find_first_not_of(" \t\r\n");
    if (firstNonSpace == std::string::npos) {
      Value empty = Value::object();
      empty.prov = whole;
      return empty;
    }
    Value out;
    json::JsonError err;
    bool parsed = json::parseJsonText(text, file_.id(), 0, out, err);
    if (!parsed) {
      // The IoT Edge agent reads createOptions with Json.NET, which also takes unquoted member
      // names, single-quoted strings and trailing commas: such text is deployed as written, so
      // it is read the same way, with a note that it is not strict JSON. Only text the agent
      // rejects too is EG901.
      json::JsonOptions lenient;
      lenient.allowTrailingCommas = true;
      lenient.allowUnquotedNames = true;
      lenient.allowSingleQuotes = true;
      json::JsonError lerr;
      if (json::parseJsonText(text, file_.id(), 0, out, lerr, lenient)) {
        parsed = true;
        uint32_t at = map[std::min<size_t>(err.offset, map.size() - 1)];
        uint32_t size = static_cast<uint32_t>(file_.text().size());
        Error note{file_.path(), file_.id(), ByteRange{std::min(at, size), std::min(at + 1, size)}, 0, 0,
                   "createOptions of module '" + moduleName + "' is not strict JSON (" + err.message +
                       "); the IoT Edge agent accepts it, and it is checked as the agent reads it",
                   kLenientJsonCode};
        note.notice = true;
        ctx_.errors.push_back(std::move(note));
      }
    }
    if (!parsed) {
      if (!unresolved.empty()) {
        Value u = Value::unknown("createOptions of module '" + moduleName + "' uses " + placeholderText(unresolved) + ", which " +
                                 unresolvedWhy(unresolved).substr(3));
        u.prov = whole;
        return u;
      }
      uint32_t at = map[std::min<size_t>(err.offset, map.size() - 1)];
      error(at, "invalid JSON in createOptions of module '" + moduleName + "': " + err.message);
      Value u = Value::unknown("createOptions of module '" + moduleName + "' is not valid JSON");
      u.prov = whole;
      return u;
    }
    remapProvenance(out, map);
    if (!unresolved.empty()) unknownPlaceholders(out, template_, unresolvedWhy(unresolved));
    out.prov.key = whole.key;
    return out;
  }

  // env: {"Name": {"value": v}} -> {"Name": v} with ':' separators as '__'; connection
  // strings are redacted (their key is kept only as a digest in `credential`).
  Value envOf(const Value* env, Value* credential) {
    Value out = Value::object();
    if (env) out.prov = env->prov;
    if (!env || !env->isObject()) return out;
    for (const Member& m : env->asObject()) {
      Value v = m.value.isObject() && m.value.get("value") ? *m.value.get("value") : m.value;
      v.prov.key = m.value.prov.key;
      if (v.isString() && icontains(v.asString(), "SharedAccessKey=")) {
        if (v.prov.file == file_.id()) markSecret(ctx_.store, file_, v.prov.value, false);
        auto cs = parseConnectionString(v.asString());
        if (credential && cs.count("sharedaccesskey") && !cs["sharedaccesskey"].empty()) {
          Value c = Value::object();
          c.set("type", Value("sharedAccessKey"));
          c.set("keyHash", Value(secretHash(cs["sharedaccesskey"])));
          c.set("hubPolicyKey", Value(cs.count("sharedaccesskeyname") > 0));
          if (cs.count("sharedaccesskeyname")) c.set("keyName", Value(cs["sharedaccesskeyname"]));
          if (cs.count("deviceid")) c.set("deviceId", Value(cs["deviceid"]));
          if (cs.count("hostname")) c.set("iothubHostname", Value(cs["hostname"]));
          c.set("source", Value("env." + m.key));
          setProvenanceDeep(c, v.prov);
          *credential = std::move(c);
        }
        Provenance p = v.prov;
        v = Value(redactConnectionString(v.asString()));
        v.prov = p;
      }
      out.set(normalizeEnvKey(m.key), std::move(v));
    }
    return out;
  }

  static std::string listText(const Value* v, bool upperCaps) {
    if (!v || !v->isArray()) return "-";
    std::vector<std::string> items;
    for (const Value& e : v->asArray()) {
      std::string s = e.isString() ? e.asString() : e.toJson();
      if (upperCaps) {
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (s.rfind("CAP_", 0) == 0) s = s.substr(4);
      }
      items.push_back(s);
    }
    std::sort(items.begin(), items.end());
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
    return out.empty() ? "-" : out;
  }

  // The settings EG007 compares across a security group, as one canonical text.
  Value securityProfile(const Value& co, const Value& image, const Value* restart, const Provenance& at) {
    if (co.containsUnknown() || image.containsUnknown() || (restart && restart->containsUnknown())) {
      Value u = Value::unknown("the module's settings use placeholders");
      u.prov = at;
      return u;
    }
    const Value* hc = co.isObject() ? co.get("HostConfig") : nullptr;
    auto field = [&](const char* name) -> std::string {
      const Value* v = hc ? hc->get(name) : nullptr;
      if (!v || v->isNull()) return "-";
      return v->isString() ? toLowerAscii(v->asString()) : v->toJson();
    };
    const Value* priv = hc ? hc->get("Privileged") : nullptr;
    bool privileged = priv && ((priv->isBool() && priv->asBool()) || (priv->isString() && iequals(priv->asString(), "true")));
    std::string mounts = "-";
    if (const Value* ms = hc ? hc->get("Mounts") : nullptr; ms && ms->isArray()) {
      std::vector<std::string> items;
      for (const Value& m : ms->asArray()) {
        items.push_back(str(m.get("Type")) + ":" + str(m.get("Source")) + ":" + str(m.get("Target")) +
                        (m.get("ReadOnly") && m.get("ReadOnly")->isBool() && m.get("ReadOnly")->asBool() ? ":ro" : ""));
      }
      std::sort(items.begin(), items.end());
      mounts.clear();
      for (const std::string& s : items) mounts += (mounts.empty() ? "" : ",") + s;
      if (mounts.empty()) mounts = "-";
    }
    std::string devices = "-";
    if (const Value* ds = hc ? hc->get("Devices") : nullptr; ds && ds->isArray()) {
      std::vector<std::string> items;
      for (const Value& d : ds->asArray()) items.push_back(str(d.get("PathOnHost")) + ":" + str(d.get("PathInContainer")));
      std::sort(items.begin(), items.end());
      devices.clear();
      for (const std::string& s : items) devices += (devices.empty() ? "" : ",") + s;
      if (devices.empty()) devices = "-";
    }
    std::string log = "-";
    if (const Value* lc = hc ? hc->get("LogConfig") : nullptr; lc && lc->isObject()) {
      log = toLowerAscii(str(lc->get("Type")));
      if (const Value* cfg = lc->get("Config"); cfg && cfg->isObject()) {
        std::vector<std::string> kv;
        for (const Member& m : cfg->asObject()) kv.push_back(toLowerAscii(m.key) + "=" + (m.value.isString() ? m.value.asString() : m.value.toJson()));
        std::sort(kv.begin(), kv.end());
        log += "{";
        for (size_t i = 0; i < kv.size(); ++i) log += (i ? "," : "") + kv[i];
        log += "}";
      }
    }
    std::string repo = "-";
    if (image.isString()) {
      ImageRef ref = parseImage(image.asString());
      repo = ref.host + "/" + ref.repository;
    }
    std::string text = "image=" + repo + "; restartPolicy=" + (restart && restart->isString() ? restart->asString() : "-") +
                       "; privileged=" + (privileged ? "true" : "false") + "; capAdd=" + listText(hc ? hc->get("CapAdd") : nullptr, true) +
                       "; capDrop=" + listText(hc ? hc->get("CapDrop") : nullptr, true) + "; networkMode=" + field("NetworkMode") +
                       "; pidMode=" + field("PidMode") + "; ipcMode=" + field("IpcMode") + "; usernsMode=" + field("UsernsMode") +
                       "; binds=" + listText(hc ? hc->get("Binds") : nullptr, false) + "; mounts=" + mounts + "; devices=" + devices +
                       "; securityOpt=" + listText(hc ? hc->get("SecurityOpt") : nullptr, false) + "; logConfig=" + log;
    Value out(text);
    out.prov = at;
    return out;
  }

  void setImageParts(Value& a, const Value& image) {
    if (image.isUnknown()) {
      for (const char* k : {"imageHost", "imageRepository", "imageTag"}) a.set(k, image);
      return;
    }
    if (!image.isString()) return;
    ImageRef ref = parseImage(image.asString());
    auto put = [&](const char* k, const std::string& s) {
      Value v(s);
      v.prov = image.prov;
      a.set(k, std::move(v));
    };
    put("imageHost", ref.host);
    put("imageRepository", ref.repository);
    if (!ref.tag.empty()) put("imageTag", ref.tag);
    if (!ref.digest.empty()) put("imageDigest", ref.digest);
  }

  void loadModule(const std::string& name, const Value& mod, bool system, const Value* hubTwin) {
    Resource r = newResource(kinds::kEdgeModule);
    r.address = depAddress_ + ":" + (system ? "systemModules." : "modules.") + name;
    r.header = headerOf(mod.prov.key);
    r.body = mod.prov.value;
    Value& a = r.attributes;
    Provenance hdr{file_.id(), r.header, r.header};
    Value n(name);
    n.prov = hdr;
    a.set("name", n);
    a.set("system", derived(Value(system), hdr));
    for (const char* k : {"type", "status", "restartPolicy", "version", "imagePullPolicy", "startupOrder"}) {
      if (const Value* v = mod.get(k)) a.set(k, *v);
    }
    Value settings = Value::object();
    Value image;
    Value co;
    if (const Value* s = mod.get("settings"); s && s->isObject()) {
      settings.prov = s->prov;
      if (const Value* img = s->get("image")) {
        image = *img;
        settings.set("image", image);
      }
      co = createOptions(*s, name);
      if (!co.isNull()) settings.set("createOptions", co);
    }
    a.set("settings", settings);
    if (!image.isNull()) a.set("image", image);
    setImageParts(a, image);
    Value credential;
    a.set("env", envOf(mod.get("env"), &credential));
    if (!credential.isNull()) a.set("credential", std::move(credential));
    a.set("deployment", derived(Value(depAddress_), hdr));
    if (!securityGroup_.isNull()) a.set("securityGroup", securityGroup_);
    if (!runtimeLogging_.isNull()) a.set("runtimeLoggingOptions", runtimeLogging_);
    a.set("securityProfile", securityProfile(co, image, mod.get("restartPolicy"), hdr));
    std::string moduleAddress = r.address;
    ctx_.resources.push_back(std::move(r));

    if (system && iequals(name, "edgeHub")) loadEdgeHub(mod, co, image, hubTwin, hdr);
  }

  // One TLS protocol token of SslProtocols ("tls1.2", "Tls12", "tls") as a version.
  static std::string tlsVersion(std::string_view tok) {
    std::string t = toLowerAscii(tok);
    if (t.rfind("tls", 0) != 0) return t;
    t = t.substr(3);
    if (t.empty() || t == "1" || t == "1.0" || t == "10") return "1.0";
    if (t == "11" || t == "1.1") return "1.1";
    if (t == "12" || t == "1.2") return "1.2";
    if (t == "13" || t == "1.3") return "1.3";
    return t;
  }

  void loadEdgeHub(const Value& mod, const Value& co, const Value& image, const Value* hubTwin, const Provenance& hdr) {
    Resource r = newResource(kinds::kEdgeHub);
    r.address = depAddress_ + ":$edgeHub";
    r.header = hdr.value;
    r.body = mod.prov.value;
    Value& a = r.attributes;
    a.set("name", derived(Value("edgeHub"), hdr));
    if (!image.isNull()) a.set("image", image);
    setImageParts(a, image);
    Value env = envOf(mod.get("env"), nullptr);
    // Protocol heads are on unless their *Settings__Enabled variable is false.
    Value heads = Value::object();
    heads.prov = hdr;
    for (auto [head, var] : {std::pair{"amqp", "amqpSettings__enabled"}, std::pair{"mqtt", "mqttSettings__enabled"},
                             std::pair{"https", "httpSettings__enabled"}}) {
      const Value* v = env.get(var);
      Value on = derived(Value(true), hdr);
      if (v && v->isUnknown()) on = *v;
      else if (v && v->isBool()) on = *v;
      else if (v && v->isString()) {
        on = Value(!iequals(v->asString(), "false"));
        on.prov = v->prov;
      }
      heads.set(head, on);
    }
    a.set("protocolHeads", heads);
    if (const Value* ssl = env.get("SslProtocols")) {
      if (ssl->isString()) {
        Value list = Value::array();
        list.prov = ssl->prov;
        std::string s = ssl->asString();
        size_t pos = 0;
        while (pos < s.size()) {
          size_t end = s.find_first_of(", ;", pos);
          std::string tok = s.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
          if (!tok.empty()) {
            Value v(tlsVersion(tok));
            v.prov = ssl->prov;
            list.asArray().push_back(v);
          }
          if (end == std::string::npos) break;
          pos = end + 1;
        }
        a.set("sslProtocols", list);
      } else {
        a.set("sslProtocols", *ssl);
      }
    }
    a.set("env", env);
    if (!co.isNull()) a.set("createOptions", co);
    if (hubTwin) {
      if (const Value* routes = hubTwin->get("routes")) a.set("routes", *routes);
      if (const Value* sf = hubTwin->get("storeAndForwardConfiguration")) a.set("storeAndForwardConfiguration", *sf);
    }
    a.set("deployment", derived(Value(depAddress_), hdr));
    if (!securityGroup_.isNull()) a.set("securityGroup", securityGroup_);
    ctx_.resources.push_back(std::move(r));
  }

  void loadCredential(const std::string& name, const Value& cred) {
    Resource r = newResource(kinds::kEdgeRegistryCredential);
    r.address = depAddress_ + ":registryCredentials." + name;
    r.header = headerOf(cred.prov.key);
    r.body = cred.prov.value;
    Value& a = r.attributes;
    Provenance hdr{file_.id(), r.header, r.header};
    a.set("name", derived(Value(name), hdr));
    Value address = copyOr(cred.get("address"));
    Value username = copyOr(cred.get("username"));
    if (!address.isNull()) {
      if (address.isString()) {
        Provenance p = address.prov;
        std::string host = toLowerAscii(address.asString());
        for (const char* scheme : {"https://", "http://"}) {
          if (host.rfind(scheme, 0) == 0) host = host.substr(std::string_view(scheme).size());
        }
        while (!host.empty() && host.back() == '/') host.pop_back();
        address = Value(host);
        address.prov = p;
        std::string registry = iendsWith(host, ".azurecr.io") ? host.substr(0, host.size() - 11) : std::string();
        if (!registry.empty()) {
          Value rn(registry);
          rn.prov = p;
          a.set("registryName", rn);
          if (username.isString()) {
            Value m(iequals(username.asString(), registry));
            m.prov = username.prov;
            a.set("usernameMatchesRegistry", m);
          } else if (username.isUnknown()) {
            a.set("usernameMatchesRegistry", username);
          }
        }
      } else if (address.isUnknown()) {
        a.set("registryName", address);
        a.set("usernameMatchesRegistry", address);
      }
      a.set("address", address);
    }
    if (!username.isNull()) a.set("username", username);
    // The password itself is never stored: its digest, and whether the manifest holds it literally.
    if (const Value* pw = cred.get("password")) {
      std::string_view raw = file_.slice(pw->prov.value);
      bool placeholder = raw.find('$') != std::string_view::npos || !placeholdersIn(raw, true).empty();  // ${X}, $X, #{X}#
      Provenance p = pw->prov;
      a.set("passwordSet", derived(Value(!(pw->isString() && pw->asString().empty())), p));
      a.set("passwordIsPlaceholder", derived(Value(placeholder), p));
      if (pw->isString() && !pw->asString().empty()) {
        if (!placeholder && p.file == file_.id()) markSecret(ctx_.store, file_, p.value, true);
        a.set("passwordHash", derived(Value(secretHash(pw->asString())), p));
      }
    }
    a.set("deployment", derived(Value(depAddress_), hdr));
    ctx_.resources.push_back(std::move(r));
  }

  const SourceFile& file_;
  LoadContext& ctx_;
  bool template_ = false;
  bool haveEnv_ = false;
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::string> moduleWhy_;  // ${MODULES.x} -> why it is not resolved
  fs::path dir_;
  std::string depAddress_;
  Value securityGroup_;
  Value runtimeLogging_;
};

}  // namespace

void loadManifest(const SourceFile& file, LoadContext& ctx) { ManifestLoader(file, ctx).load(); }

}  // namespace eg::edge
