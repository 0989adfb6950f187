// Loads the YAML mapping tables and applies them to evaluated Terraform bodies.
#include "parsers/terraform/Mapping.h"

#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "linter/core/Embedded.h"

namespace eg::terraform {
namespace {

FieldRule parseRule(const std::string& from, const YAML::Node& n);

// A `fields:` mapping. An argument mapped to a list of rules feeds several ARM paths
// (`retention_policy_in_days` sets both `days` and `status`).
void parseRules(const YAML::Node& fields, std::vector<FieldRule>& out) {
  for (auto it : fields) {
    std::string from = it.first.as<std::string>();
    if (it.second.IsSequence()) {
      for (const YAML::Node& one : it.second) out.push_back(parseRule(from, one));
    } else {
      out.push_back(parseRule(from, it.second));
    }
  }
}

FieldRule parseRule(const std::string& from, const YAML::Node& n) {
  FieldRule r;
  r.from = from;
  if (n.IsScalar()) {
    r.to = n.as<std::string>();
    return r;
  }
  r.to = n["to"] ? n["to"].as<std::string>() : std::string();
  if (n["block"]) {
    std::string b = n["block"].as<std::string>();
    if (b == "single") r.shape = FieldRule::Shape::Single;
    else if (b == "list") r.shape = FieldRule::Shape::List;
    else throw std::runtime_error("block must be 'single' or 'list' (" + from + ")");
  }
  if (n["transform"]) r.transform = n["transform"].as<std::string>();
  if (r.transform != "" && r.transform != "negate" && r.transform != "enabled_disabled" &&
      r.transform != "disabled_enabled" && r.transform != "keys_object" && r.transform != "positive_enabled" &&
      r.transform != "present_enabled")
    throw std::runtime_error("unknown transform '" + r.transform + "' (" + from + ")");
  if (n["values"]) for (auto it : n["values"]) r.values[it.first.as<std::string>()] = it.second.as<std::string>();
  if (n["fields"]) parseRules(n["fields"], r.fields);
  if (n["group_by"]) r.groupBy = n["group_by"].as<std::string>();
  if (n["cases"]) for (auto it : n["cases"]) r.cases[it.first.as<std::string>()] = it.second.as<std::string>();
  if (n["flags"]) for (auto it : n["flags"]) r.flags.emplace_back(it.first.as<std::string>(), it.second.as<std::string>());
  if (n["entries"]) {
    r.entryKey = n["entries"]["key"] ? n["entries"]["key"].as<std::string>() : std::string();
    r.entryValue = n["entries"]["value"] ? n["entries"]["value"].as<std::string>() : std::string();
    if (r.entryKey.empty() || r.entryValue.empty() || r.shape != FieldRule::Shape::Single)
      throw std::runtime_error("entries needs key: and value: on a 'block: single' rule (" + from + ")");
  }
  if (r.to.empty()) throw std::runtime_error("rule for '" + from + "' has no 'to'");
  return r;
}

Value yamlToValue(const YAML::Node& n) {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (n.Tag() == "!") return Value(s);  // quoted
    if (s == "true") return Value(true);
    if (s == "false") return Value(false);
    return Value(s);
  }
  return Value(n.as<std::string>());
}

TypeMapping parseTable(const std::string& path, const YAML::Node& doc) {
  TypeMapping m;
  m.sourcePath = path;
  m.type = doc["type"].as<std::string>();
  m.kind = doc["kind"].as<std::string>();
  if (doc["aliases"]) for (auto a : doc["aliases"]) m.aliasFrom.push_back(a.as<std::string>());
  if (doc["fields"]) parseRules(doc["fields"], m.fields);
  if (doc["defaults"]) {
    for (auto d : doc["defaults"]) {
      DefaultRule r;
      r.whenAbsent = d["when_absent"].as<std::string>();
      r.to = d["to"].as<std::string>();
      r.value = yamlToValue(d["value"]);
      if (d["provider"]) r.provider = d["provider"].as<std::string>();
      if (d["since"]) {
        r.since = parseVersion(d["since"].as<std::string>());
        if (!r.since) throw std::runtime_error("bad version in 'since'");
      }
      m.defaults.push_back(std::move(r));
    }
  }
  if (doc["merge_into"]) {
    auto mi = doc["merge_into"];
    MergeRule r;
    r.referenceAttribute = mi["reference"].as<std::string>();
    r.targetType = mi["target_type"].as<std::string>();
    r.path = mi["path"].as<std::string>();
    r.standaloneKind = mi["standalone_kind"] ? mi["standalone_kind"].as<std::string>() : m.kind;
    m.mergeInto = r;
  }
  return m;
}

Value transformValue(const FieldRule& r, const Value& v) {
  // Presence is known even when the value is not (a key id computed by another resource).
  if (r.transform == "present_enabled" && !v.isNull()) {
    Value out(std::string("Enabled"));
    out.prov = v.prov;
    return out;
  }
  if (v.isUnknown()) return v;
  Value out = v;
  if (!r.values.empty() && v.isString()) {
    auto it = r.values.find(v.asString());
    if (it != r.values.end()) out = Value(it->second);
  }
  if ((r.transform == "negate" || r.transform == "enabled_disabled" || r.transform == "disabled_enabled") && v.isBool()) {
    bool b = v.asBool();
    if (r.transform == "negate") out = Value(!b);
    else if (r.transform == "enabled_disabled") out = Value(std::string(b ? "Enabled" : "Disabled"));
    else out = Value(std::string(b ? "Disabled" : "Enabled"));
  } else if (r.transform == "positive_enabled" && v.isNumber()) {
    out = Value(std::string(v.asNumber() > 0 ? "Enabled" : "Disabled"));
  } else if (r.transform == "keys_object" && v.isArray()) {
    out = Value::object();
    for (const Value& e : v.asArray()) {
      if (!e.isString()) continue;
      Value empty = Value::object();
      empty.prov = e.prov;
      out.set(e.asString(), std::move(empty));
    }
  }
  out.prov = v.prov;
  return out;
}

void applyRules(const std::vector<FieldRule>& rules, const Value& src, Value& dst);

Value mapElement(const FieldRule& r, const Value& el) {
  Value obj = Value::object();
  obj.prov = el.prov;
  if (el.isUnknown()) return el;
  applyRules(r.fields, el, obj);
  return obj;
}

void applyRule(const FieldRule& r, const Value& src, Value& dst) {
  if (!r.flags.empty()) {
    std::string joined;
    const Value* first = nullptr;
    bool any = false;
    for (const auto& [attr, word] : r.flags) {
      const Value* v = src.get(attr);
      if (!v) continue;
      if (!first) first = v;
      any = true;
      if (v->isUnknown()) { Value u = *v; setPath(dst, r.to, std::move(u)); return; }
      if (v->isBool() && v->asBool()) { if (!joined.empty()) joined += ", "; joined += word; }
    }
    if (!any) return;
    Value out(joined);
    out.prov = first->prov;
    setPath(dst, r.to, std::move(out));
    return;
  }
  const Value* v = src.get(r.from);
  if (!v) return;
  switch (r.shape) {
    case FieldRule::Shape::Value:
      setPath(dst, r.to, transformValue(r, *v));
      return;
    case FieldRule::Shape::Single: {
      const Value* el = v;
      if (v->isArray()) {
        if (v->asArray().empty()) return;
        el = &v->asArray().front();
      }
      if (el->isNull()) return;
      if (!r.entryKey.empty()) {
        if (el->isUnknown()) {
          setPath(dst, r.to, *el);
          return;
        }
        Value arr = Value::array();
        arr.prov = el->prov;
        for (const FieldRule& f : r.fields) {
          const Value* fv = el->isObject() ? el->get(f.from) : nullptr;
          if (!fv) continue;
          Value entry = Value::object();
          entry.prov = fv->prov;
          Value key(f.to);
          key.prov = fv->prov;
          entry.set(r.entryKey, std::move(key));
          entry.set(r.entryValue, transformValue(f, *fv));
          arr.asArray().push_back(std::move(entry));
        }
        setPath(dst, r.to, std::move(arr));
        return;
      }
      Value mapped = mapElement(r, *el);
      // A block mapped onto an object other rules also fill (file_upload -> properties) adds
      // its members; it must not replace what was mapped before it.
      if (const Value* existing = dst.at(r.to); existing && existing->isObject() && mapped.isObject()) {
        Value merged = *existing;
        merged.mergeFrom(mapped);
        setPath(dst, r.to, std::move(merged));
        return;
      }
      setPath(dst, r.to, std::move(mapped));
      return;
    }
    case FieldRule::Shape::List: {
      if (v->isUnknown() || v->isNull()) {
        if (v->isUnknown()) setPath(dst, r.to, *v);
        return;
      }
      std::vector<const Value*> els;
      if (v->isArray()) for (const Value& e : v->asArray()) els.push_back(&e);
      else els.push_back(v);
      if (r.groupBy.empty()) {
        Value arr = Value::array();
        arr.prov = v->prov;
        for (const Value* e : els) arr.asArray().push_back(mapElement(r, *e));
        setPath(dst, r.to, std::move(arr));
        return;
      }
      for (const Value* e : els) {
        const Value* key = e->get(r.groupBy);
        std::string sub = "unknown";
        if (key && key->isString()) {
          auto it = r.cases.find(key->asString());
          if (it == r.cases.end()) continue;
          sub = it->second;
        } else {
          continue;
        }
        std::string path = r.to + "." + sub;
        appendPath(dst, path, mapElement(r, *e), v->prov);
      }
      return;
    }
  }
}

void applyRules(const std::vector<FieldRule>& rules, const Value& src, Value& dst) {
  if (!src.isObject()) return;
  for (const FieldRule& r : rules) applyRule(r, src, dst);
}

}  // namespace

Value& setPath(Value& obj, std::string_view dotted, Value v) {
  Value* cur = &obj;
  while (true) {
    size_t dot = dotted.find('.');
    if (dot == std::string_view::npos) return cur->set(dotted, std::move(v));
    std::string_view step = dotted.substr(0, dot);
    Value* next = cur->get(step);
    if (!next || !next->isObject()) {
      Value o = Value::object();
      // An intermediate object inherits the location of what created it, so a finding on
      // `properties.networkRuleSets` still has somewhere to point.
      o.prov = v.prov;
      next = &cur->set(step, std::move(o));
    }
    cur = next;
    dotted = dotted.substr(dot + 1);
  }
}

void appendPath(Value& obj, std::string_view dotted, Value item, const Provenance& listProv) {
  const Value* existing = obj.at(dotted);
  Value arr = existing && existing->isArray() ? *existing : Value::array();
  if (!arr.prov.valid()) arr.prov = listProv;
  arr.asArray().push_back(std::move(item));
  setPath(obj, dotted, std::move(arr));
}

MappingTables::MappingTables(MappingTables&& other) noexcept
    : byType_(std::move(other.byType_)), errors_(std::move(other.errors_)), pending_(std::move(other.pending_)) {}

void MappingTables::addTexts(const std::string& path, const std::string& text) const {
  // A file holds one or more tables as YAML documents.
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const std::exception& e) {
    errors_.push_back(path + ": " + e.what());
    return;
  }
  for (const YAML::Node& doc : docs) {
    if (!doc || doc.IsNull()) continue;
    try {
      TypeMapping m = parseTable(path, doc);
      std::string type = m.type;
      byType_[type] = std::move(m);
    } catch (const std::exception& e) {
      errors_.push_back(path + ": " + e.what());
    }
  }
}

MappingTables MappingTables::fromTexts(const std::vector<std::pair<std::string, std::string>>& files) {
  MappingTables t;
  for (const auto& [path, text] : files) t.addTexts(path, text);
  return t;
}

const MappingTables& MappingTables::builtin() {
  static const MappingTables tables = [] {
    MappingTables t;
    for (const EmbeddedFile& f : embeddedTerraformMappings()) {
      std::string_view stem = f.path.substr(0, f.path.rfind('.'));
      t.pending_.emplace(std::string(stem), std::pair{std::string(f.path), f.text});
    }
    return t;
  }();
  return tables;
}

void MappingTables::parsePending(std::string_view type) const {
  auto it = pending_.find(type);
  if (it == pending_.end()) return;
  auto [path, text] = std::move(it->second);
  pending_.erase(it);
  size_t before = byType_.size();
  addTexts(path, std::string(text));
  if (byType_.size() != before + 1 || !byType_.count(type)) {
    errors_.push_back(path + ": an embedded mapping file must hold exactly the table of the type it is named after");
  }
}

const TypeMapping* MappingTables::find(std::string_view type) const {
  std::lock_guard lock(mutex_);
  parsePending(type);
  auto it = byType_.find(type);
  return it == byType_.end() ? nullptr : &it->second;
}

std::vector<const TypeMapping*> MappingTables::ofKind(std::string_view kind) const {
  errors();
  std::lock_guard lock(mutex_);
  std::vector<const TypeMapping*> out;
  for (const auto& [type, m] : byType_) {
    if (!m.mergeInto && equalsIgnoreCase(m.kind, kind)) out.push_back(&m);
  }
  return out;
}

namespace {

std::vector<std::string> dottedSteps(std::string_view dotted) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= dotted.size()) {
    size_t dot = dotted.find('.', at);
    if (dot == std::string_view::npos) dot = dotted.size();
    out.emplace_back(dotted.substr(at, dot - at));
    at = dot + 1;
  }
  return out;
}

bool findArgument(const std::vector<FieldRule>& rules, const std::vector<std::string>& path, size_t at, ArgumentOf& out) {
  for (const FieldRule& r : rules) {
    if (r.from.empty() || !r.flags.empty() || r.to.empty()) continue;
    std::vector<std::string> to = dottedSteps(r.to);
    if (at + to.size() > path.size()) continue;
    bool prefix = true;
    for (size_t i = 0; i < to.size() && prefix; ++i) prefix = equalsIgnoreCase(to[i], path[at + i]);
    if (!prefix) continue;
    size_t next = at + to.size();
    if (r.shape == FieldRule::Shape::Value && next == path.size()) {
      out.rule = &r;
      return true;
    }
    if (r.shape == FieldRule::Shape::Single && r.entryKey.empty() && next < path.size()) {
      out.blocks.push_back(r.from);
      if (findArgument(r.fields, path, next, out)) return true;
      out.blocks.pop_back();
    }
  }
  return false;
}

}  // namespace

std::optional<ArgumentOf> argumentFor(const TypeMapping& m, const std::vector<std::string>& armPath) {
  ArgumentOf out;
  if (armPath.empty() || !findArgument(m.fields, armPath, 0, out)) return std::nullopt;
  return out;
}

std::optional<Value> untransform(const FieldRule& rule, const Value& armValue) {
  Value out = armValue;
  if (rule.transform == "negate") {
    if (!armValue.isBool()) return std::nullopt;
    out = Value(!armValue.asBool());
  } else if (rule.transform == "enabled_disabled" || rule.transform == "disabled_enabled") {
    if (!armValue.isString()) return std::nullopt;
    bool enabled = equalsIgnoreCase(armValue.asString(), "Enabled");
    if (!enabled && !equalsIgnoreCase(armValue.asString(), "Disabled")) return std::nullopt;
    out = Value(rule.transform == "enabled_disabled" ? enabled : !enabled);
  } else if (!rule.transform.empty()) {
    return std::nullopt;
  } else if (!rule.values.empty() && armValue.isString()) {
    const std::string* from = nullptr;
    for (const auto& [k, v] : rule.values) {
      if (v == armValue.asString()) from = &k;
    }
    if (from) out = Value(*from);
    else if (rule.values.count(armValue.asString())) return std::nullopt;  // would map to something else
  }
  out.prov = armValue.prov;
  return out;
}

const std::vector<std::string>& MappingTables::errors() const {
  std::lock_guard lock(mutex_);
  while (!pending_.empty()) parsePending(std::string(pending_.begin()->first));
  return errors_;
}

size_t MappingTables::size() const {
  errors();
  std::lock_guard lock(mutex_);
  return byType_.size();
}

Value applyMapping(const TypeMapping& m, const Value& raw, const Provenance& header,
                   const std::optional<Version>& azurermLowerBound) {
  Value out = Value::object();
  out.prov = raw.prov;
  applyRules(m.fields, raw, out);
  for (const DefaultRule& d : m.defaults) {
    if (raw.get(d.whenAbsent)) continue;
    if (d.since && !(azurermLowerBound && *azurermLowerBound >= *d.since)) continue;
    Value v = d.value;
    v.prov = Provenance{header.file, header.value, {}};
    setPath(out, d.to, std::move(v));
  }
  return out;
}

}  // namespace eg::terraform
