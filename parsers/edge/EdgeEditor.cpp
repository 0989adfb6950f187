// The IoT Edge editors. Manifests: a module's attributes map back onto its manifest entry, which
// is read again with provenance (the resource's attributes are normalized: env is
// {KEY: value}, createOptions an object even when the manifest holds a JSON string):
// - env.<KEY>                  the variable's {"value": ...} (or its bare value); a variable
//                              written AmqpSettings:Enabled is the same as AmqpSettings__Enabled
// - settings.createOptions.... inside createOptions, an object or a JSON string (edited in its
//                              decoded text, written back escaped); chunked createOptions01..
//                              are not edited
// - settings.image, type, status, restartPolicy, version, imagePullPolicy, startupOrder
// Missing objects on the way are created (env, createOptions, HostConfig): none of them has
// members that must be set together. Device configurations (aziot) have no editor.
#include "parsers/edge/EdgeCommon.h"
#include "parsers/edge/EdgeFrontEnd.h"
#include "parsers/json/JsonEditor.h"
#include "parsers/json/JsonReader.h"

namespace eg::edge {

namespace {

bool moduleKind(std::string_view kind) { return iequals(kind, "IoTEdge/module") || iequals(kind, "IoTEdge/edgeHub"); }

constexpr std::string_view kModuleMembers[] = {"type", "status", "restartPolicy", "version", "imagePullPolicy",
                                                "startupOrder"};

enum class Target { None, Env, CreateOptions, Member };

Target targetOf(const AttributePath& path) {
  if (path.size() == 2 && iequals(path[0], "env")) return Target::Env;
  if (path.size() >= 2 && iequals(path[0], "settings") && iequals(path[1], "createOptions")) return Target::CreateOptions;
  if (path.size() == 2 && iequals(path[0], "settings") && iequals(path[1], "image")) return Target::Member;
  if (path.size() == 1) {
    for (std::string_view m : kModuleMembers) {
      if (iequals(path[0], m)) return Target::Member;
    }
  }
  return Target::None;
}

// The module's manifest entry, parsed again with provenance in the file's coordinates.
std::optional<Value> moduleEntry(const SourceFile& file, ByteRange body) {
  if (body.end > file.text().size() || body.empty()) return std::nullopt;
  Value out;
  json::JsonError err;
  if (!json::parseJsonText(file.slice(body), file.id(), body.begin, out, err)) return std::nullopt;
  if (!out.isObject()) return std::nullopt;
  return out;
}

std::optional<TextEdit> setEnv(std::string_view text, FileId file, const Value& mod, const std::string& key,
                               const Value& value) {
  auto entry = [&] {
    Value v = Value::object();
    v.set("value", value);
    return v;
  };
  const Value* env = mod.get("env");
  if (!env) {
    Value vars = Value::object();
    vars.set(key, entry());
    return json::insertMember(text, file, mod, "env", json::render(vars, json::Style::Spaced));
  }
  if (!env->isObject()) return std::nullopt;
  const Value* var = nullptr;
  for (const Member& m : env->asObject()) {
    if (iequals(normalizeEnvKey(m.key), normalizeEnvKey(key))) var = &m.value;
  }
  if (!var) return json::insertMember(text, file, *env, key, json::render(entry(), json::Style::Spaced));
  const Value* current = var->isObject() ? var->get("value") : var;
  if (!current) return std::nullopt;
  // Variables are strings to the container, but the agent also takes a JSON true/false:
  // "false" goes over a bool as the bool.
  Value target = value;
  if (current->isBool() && value.isString() && (value.asString() == "true" || value.asString() == "false")) {
    target = Value(value.asString() == "true");
  }
  return json::replaceValue(text, file, *current, target, json::Style::Spaced);
}

std::optional<TextEdit> setCreateOptions(std::string_view text, FileId file, const Value& mod, const AttributePath& path,
                                         const Value& value) {
  const Value* settings = mod.get("settings");
  if (!settings || !settings->isObject()) return std::nullopt;
  for (const Member& m : settings->asObject()) {
    if (m.key.size() > 13 && istartsWith(m.key, "createOptions")) return std::nullopt;  // chunks
  }
  const Value* co = settings->get("createOptions");
  Value whole = json::nest(path, 2, value);
  if (!co) {
    std::string literal = std::string("\"").append(json::escapeContent(json::render(whole, json::Style::Compact))).append("\"");
    return json::insertMember(text, file, *settings, "createOptions", literal);
  }
  if (co->isObject()) return json::setPath(text, file, *co, path, 2, value, json::Style::Spaced, true);
  if (!co->isString()) return std::nullopt;
  // JSON inside a JSON string: edit the decoded text, then map the edit back onto the literal.
  ByteRange lit = co->prov.value;
  if (lit.size() < 2 || lit.end > text.size() || text[lit.begin] != '"' || text[lit.end - 1] != '"') return std::nullopt;
  std::string_view raw = text.substr(lit.begin + 1, lit.size() - 2);
  std::string decoded;
  std::vector<uint32_t> map;
  if (!decodeJsonString(raw, 0, decoded, map)) return std::nullopt;
  if (decoded.find_first_not_of(" \t\r\n") == std::string::npos) {
    return TextEdit{file, {lit.begin + 1, lit.end - 1}, json::escapeContent(json::render(whole, json::Style::Compact))};
  }
  Value inner;
  json::JsonError err;
  if (!json::parseJsonText(decoded, kNoFile, 0, inner, err, json::JsonOptions{false, false, 512})) return std::nullopt;
  std::optional<TextEdit> e = json::setPath(decoded, kNoFile, inner, path, 2, value, json::Style::Compact, true);
  if (!e || e->range.end >= map.size()) return std::nullopt;
  uint32_t b = lit.begin + 1 + map[e->range.begin], en = lit.begin + 1 + map[e->range.end];
  return TextEdit{file, {b, en}, json::escapeContent(e->newText)};
}

class ManifestEditor : public SourceEditor {
 public:
  Support supports(std::string_view kind, const AttributePath& path) const override {
    if (!istartsWith(kind, "IoTEdge/") || iequals(kind, "IoTEdge/deviceConfig")) return Support::NotMine;
    return moduleKind(kind) && targetOf(path) != Target::None ? Support::Yes : Support::No;
  }

  std::optional<TextEdit> set(const Resource& r, const AttributePath& path, const Value& value,
                              const SourceStore& store) const override {
    if (!moduleKind(r.kind)) return std::nullopt;
    Target target = targetOf(path);
    const SourceFile* file = target == Target::None ? nullptr : store.get(r.file);
    if (!file) return std::nullopt;
    std::optional<Value> mod = moduleEntry(*file, r.body);
    if (!mod) return std::nullopt;
    std::string_view text = file->text();
    switch (target) {
      case Target::Env: return setEnv(text, file->id(), *mod, path[1], value);
      case Target::CreateOptions: return setCreateOptions(text, file->id(), *mod, path, value);
      case Target::Member: return json::setPath(text, file->id(), *mod, path, 0, value, json::Style::Spaced, true);
      case Target::None: break;
    }
    return std::nullopt;
  }
};

}  // namespace

const SourceEditor* EdgeFrontEnd::editor() const {
  static const ManifestEditor editor;
  return &editor;
}

}  // namespace eg::edge
