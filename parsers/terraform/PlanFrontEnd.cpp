#include "parsers/terraform/PlanFrontEnd.h"

#include <map>

#include "parsers/json/JsonReader.h"
#include "parsers/terraform/Azapi.h"
#include "parsers/terraform/Mapping.h"
#include "parsers/terraform/ProviderVersion.h"

namespace eg::terraform {

namespace fs = std::filesystem;

namespace {

const std::string* stringAt(const Value& v, std::string_view key) {
  const Value* m = v.get(key);
  return m && m->isString() ? &m->asString() : nullptr;
}

// Replaces the parts of `v` that `unknown` (after_unknown: true, or a structure of them) marks.
void applyUnknown(Value& v, const Value& unknown) {
  if (unknown.isBool()) {
    if (unknown.asBool()) {
      Provenance p = v.prov;
      v = Value::unknown("known after apply");
      v.prov = p;
    }
    return;
  }
  if (unknown.isObject()) {
    if (!v.isObject()) {
      if (!v.isNull()) return;
      Provenance p = v.prov;
      v = Value::object();
      v.prov = p;
    }
    for (const Member& m : unknown.asObject()) {
      Value* target = v.get(m.key);
      if (!target) {
        // Absent from the planned values because it is unknown: add it as unknown.
        if (m.value.isBool() && m.value.asBool()) {
          Value u = Value::unknown("known after apply");
          u.prov = v.prov;
          v.set(m.key, std::move(u));
        }
        continue;
      }
      applyUnknown(*target, m.value);
    }
    return;
  }
  if (unknown.isArray() && v.isArray()) {
    const Array& marks = unknown.asArray();
    Array& items = v.asArray();
    for (size_t i = 0; i < marks.size() && i < items.size(); ++i) applyUnknown(items[i], marks[i]);
  }
}

// Masks every value `sensitive` (sensitive_values / after_sensitive) marks, in every output.
void markSensitive(SourceStore& store, const Value& v, const Value& sensitive) {
  if (sensitive.isBool()) {
    if (sensitive.asBool() && v.prov.valid()) store.markSecret(v.prov.file, v.prov.value);
    return;
  }
  if (sensitive.isObject() && v.isObject()) {
    for (const Member& m : sensitive.asObject()) {
      if (const Value* target = v.get(m.key)) markSensitive(store, *target, m.value);
    }
  } else if (sensitive.isArray() && v.isArray()) {
    const Array& marks = sensitive.asArray();
    for (size_t i = 0; i < marks.size() && i < v.asArray().size(); ++i) markSensitive(store, v.asArray()[i], marks[i]);
  }
}

class PlanLoader {
 public:
  PlanLoader(const SourceFile& file, LoadContext& ctx) : file_(file), ctx_(ctx) {}

  void load() {
    Value root;
    json::JsonError err;
    if (!json::parseJson(file_, root, err)) {
      error({err.offset, err.offset}, "invalid JSON: " + err.message);
      return;
    }
    const std::string* version = root.isObject() ? stringAt(root, "format_version") : nullptr;
    if (!version) {
      error({0, 0}, "not a Terraform plan or state in JSON: no \"format_version\"");
      return;
    }
    if (version->substr(0, version->find('.')) != "1") {
      error(root.get("format_version")->prov.value,
            "unsupported Terraform JSON format_version " + *version + " (edgeguard reads 1.x)");
      return;
    }
    if (const Value* pc = root.at("configuration.provider_config.azurerm")) {
      if (const std::string* c = stringAt(*pc, "version_constraint")) lowerBound_ = constraintLowerBound(*c);
    }
    if (const Value* changes = root.get("resource_changes"); changes && changes->isArray()) {
      for (const Value& c : changes->asArray()) {
        const std::string* address = stringAt(c, "address");
        const Value* change = c.get("change");
        if (!address || !change) continue;
        if (const Value* u = change->get("after_unknown")) afterUnknown_[*address] = u;
        if (const Value* s = change->get("after_sensitive")) afterSensitive_[*address] = s;
      }
    }
    // A plan's planned values, or a state's values.
    const Value* top = root.get("planned_values");
    if (!top) top = root.get("values");
    if (const Value* module = top ? top->get("root_module") : nullptr) loadModule(*module, 0);
    applyMerges();
  }

 private:
  void error(ByteRange at, std::string message) {
    ctx_.errors.push_back(Error{file_.path(), file_.id(), at, 0, 0, std::move(message), kInputErrorCode});
  }

  void loadModule(const Value& module, int depth) {
    if (depth > 64) return;
    if (const Value* resources = module.get("resources"); resources && resources->isArray()) {
      for (const Value& r : resources->asArray()) loadResource(r);
    }
    if (const Value* children = module.get("child_modules"); children && children->isArray()) {
      for (const Value& c : children->asArray()) loadModule(c, depth + 1);
    }
  }

  void loadResource(const Value& entry) {
    const std::string* mode = stringAt(entry, "mode");
    const std::string* address = stringAt(entry, "address");
    const std::string* type = stringAt(entry, "type");
    if (!address || !type || (mode && *mode != "managed")) return;
    Value raw = entry.get("values") ? *entry.get("values") : Value::object();
    if (!raw.isObject()) return;
    if (auto it = afterUnknown_.find(*address); it != afterUnknown_.end()) applyUnknown(raw, *it->second);
    if (const Value* s = entry.get("sensitive_values")) markSensitive(ctx_.store, raw, *s);
    if (auto it = afterSensitive_.find(*address); it != afterSensitive_.end()) markSensitive(ctx_.store, raw, *it->second);

    Resource r;
    r.address = *address;
    r.sourceType = *type;
    r.format = "terraform";
    r.file = file_.id();
    const Value* addressValue = entry.get("address");
    r.header = ByteRange{addressValue->prov.key.begin ? addressValue->prov.key.begin : addressValue->prov.value.begin,
                         addressValue->prov.value.end};
    r.body = entry.prov.value;
    Provenance header{file_.id(), r.header, {}};
    Value attrs = Value::object();
    attrs.prov = entry.prov;

    if (*type == "azapi_resource") {
      const std::string* t = stringAt(raw, "type");
      r.kind = t ? azapiKind(*t) : *type;
      attrs = azapiAttributes(raw);
      if (const Value* body = raw.get("body")) mergeAzapiBody(attrs, *body, file_.id());
    } else if (const TypeMapping* tm = MappingTables::builtin().find(*type)) {
      r.kind = tm->kind;
      attrs = applyMapping(*tm, raw, header, lowerBound_);
      for (const std::string& a : tm->aliasFrom) {
        if (const std::string* v = stringAt(raw, a)) r.aliases.push_back(*v);
      }
      if (tm->mergeInto) {
        r.kind = tm->mergeInto->standaloneKind;
        pending_.push_back(Pending{ctx_.resources.size(), tm});
      }
    } else {
      r.kind = *type;
      if (const Value* n = raw.get("name")) {
        attrs.set("name", *n);
        if (n->isString()) r.aliases.push_back(n->asString());
      }
    }
    attrs.set("_plan_address", Value(*address));
    attrs.set("_source_address", Value(withoutInstanceKeys(*address)));
    attrs.set("_terraform", std::move(raw));
    r.attributes = std::move(attrs);
    ctx_.resources.push_back(std::move(r));
  }

  // Child resources merged into their parent (e.g. IoT Hub shared access policies): the plan
  // holds no references, so the parent is the resource of the target type in the same module
  // whose name (or id) the child's reference attribute holds.
  void applyMerges() {
    std::vector<bool> merged(ctx_.resources.size(), false);
    for (const Pending& p : pending_) {
      Resource& child = ctx_.resources[p.index];
      const Value* raw = child.attributes.get("_terraform");
      const std::string* ref = raw ? stringAt(*raw, p.mapping->mergeInto->referenceAttribute) : nullptr;
      if (!ref) continue;
      std::string prefix = modulePrefix(child.address);
      for (Resource& target : ctx_.resources) {
        if (target.sourceType != p.mapping->mergeInto->targetType || modulePrefix(target.address) != prefix) continue;
        const Value* traw = target.attributes.get("_terraform");
        const std::string* name = traw ? stringAt(*traw, "name") : nullptr;
        const std::string* id = traw ? stringAt(*traw, "id") : nullptr;
        if (!(name && *name == *ref) && !(id && *id == *ref)) continue;
        Value item = child.attributes;
        item.erase("_terraform");
        item.erase("_plan_address");
        item.erase("_source_address");
        Provenance prov = item.prov;
        appendPath(target.attributes, p.mapping->mergeInto->path, std::move(item), prov);
        target.references.push_back(child.address);
        merged[p.index] = true;
        break;
      }
    }
    size_t i = 0;
    std::erase_if(ctx_.resources, [&](const Resource&) { return i < merged.size() && merged[i++]; });
  }

  static std::string modulePrefix(const std::string& address) {
    std::string plain = withoutInstanceKeys(address);
    size_t dot = plain.rfind('.');
    dot = dot == std::string::npos ? 0 : plain.rfind('.', dot - 1);
    return dot == std::string::npos ? std::string() : plain.substr(0, dot);
  }

  struct Pending {
    size_t index;
    const TypeMapping* mapping;
  };

  const SourceFile& file_;
  LoadContext& ctx_;
  std::optional<Version> lowerBound_;
  std::map<std::string, const Value*> afterUnknown_, afterSensitive_;
  std::vector<Pending> pending_;
};

}  // namespace

std::string withoutInstanceKeys(std::string_view address) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < address.size(); ++i) {
    char c = address[i];
    if (depth > 0) {
      if (c == '"' && address[i - 1] != '\\') quoted = !quoted;
      else if (!quoted && c == '[') ++depth;
      else if (!quoted && c == ']') --depth;
      continue;
    }
    if (c == '[') {
      depth = 1;
      continue;
    }
    out += c;
  }
  return out;
}

bool PlanFrontEnd::accepts(const fs::path& path, std::string_view head) const {
  std::string name = path.filename().string();
  if (!name.ends_with(".json") || name.ends_with(".tf.json") || name.ends_with(".tfvars.json")) return false;
  return head.find("\"format_version\"") != std::string_view::npos && head.find("\"$schema\"") == std::string_view::npos;
}

void PlanFrontEnd::loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) {
  for (const SourceFile* f : unit) PlanLoader(*f, ctx).load();
}

bool PlanFrontEnd::parseOnly(const SourceFile& file, std::vector<Error>& errors) const {
  Value root;
  json::JsonError err;
  if (json::parseJson(file, root, err)) return true;
  errors.push_back(Error{file.path(), file.id(), {err.offset, err.offset}, 0, 0, "invalid JSON: " + err.message, kInputErrorCode});
  return false;
}

}  // namespace eg::terraform
