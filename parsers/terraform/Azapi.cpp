#include "parsers/terraform/Azapi.h"

#include "parsers/json/JsonReader.h"

namespace eg::terraform {

std::string azapiKind(const std::string& type) {
  size_t at = type.find('@');
  return at == std::string::npos ? type : type.substr(0, at);
}

Value azapiAttributes(const Value& raw) {
  Value attrs = Value::object();
  attrs.prov = raw.prov;
  for (const char* k : {"name", "location", "parent_id", "tags"}) {
    if (const Value* v = raw.get(k)) attrs.set(std::string(k) == "parent_id" ? "parentId" : k, *v);
  }
  if (const Value* idn = raw.get("identity")) {
    const Value* first = idn->isArray() && !idn->asArray().empty() ? &idn->asArray().front() : idn;
    if (first->isObject()) {
      Value identity = Value::object();
      identity.prov = first->prov;
      if (const Value* ty = first->get("type")) identity.set("type", *ty);
      if (const Value* ids = first->get("identity_ids")) {
        Value obj = Value::object();
        obj.prov = ids->prov;
        if (ids->isArray()) {
          for (const Value& e : ids->asArray()) {
            if (e.isString()) obj.set(e.asString(), Value::object());
          }
        }
        identity.set("userAssignedIdentities", std::move(obj));
      }
      attrs.set("identity", std::move(identity));
    }
  }
  return attrs;
}

void mergeAzapiBody(Value& attrs, const Value& body, FileId file) {
  if (body.isString()) {
    Value parsed;
    json::JsonError err;
    if (!json::parseJsonText(body.asString(), file, body.prov.value.begin, parsed, err)) return;
    setProvenanceDeep(parsed, body.prov);
    mergeAzapiBody(attrs, parsed, file);
    return;
  }
  if (body.isObject()) {
    for (const Member& mem : body.asObject()) attrs.set(mem.key, mem.value);
  } else if (body.isUnknown()) {
    attrs.set("properties", body);
  }
}

}  // namespace eg::terraform
