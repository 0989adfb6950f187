// The Terraform editor. An ARM path maps back to an azurerm argument through the mapping
// tables (Mapping.h argumentFor): `properties.minTlsVersion` of an azurerm_iothub is
// `min_tls_version`, `properties.networkRuleSets.defaultAction` is `default_action` in its
// `network_rule_set` block, and a value goes back through the argument's transform
// (`properties.publicNetworkAccess: Disabled` is `public_network_access_enabled = false`).
// - a value that is there: its literal is replaced (any resource type, azapi bodies included:
//   the value's provenance is its literal), when the literal reads exactly as the current
//   value does in Terraform;
// - a missing argument: inserted as the first line of the resource's block or of its nested
//   block when that block is written (blocks are not created: a new one may need arguments
//   the fix does not know); .tf files only (not .tf.json).
// Plans (generated JSON) are never edited.
#include "parsers/json/JsonEditor.h"
#include "parsers/terraform/Mapping.h"
#include "parsers/terraform/TerraformFrontEnd.h"

namespace eg::terraform {

namespace {

using editing::endsWith;

// The content of an HCL "..." string for `s` (templates escaped).
std::string hclContent(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool opens = i + 1 < s.size() && s[i + 1] == '{';
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if ((c == '$' || c == '%') && opens) out.append(1, c).append(1, c);
    else out += c;
  }
  return out;
}

std::string jsonContent(std::string_view s) { return json::escapeContent(s); }

// A scalar as an HCL literal; empty for anything else.
std::string literal(const Value& v) {
  if (v.isString()) return std::string("\"").append(hclContent(v.asString())).append("\"");
  return editing::scalarToken(v);
}

bool reversible(const FieldRule& rule) {
  return rule.transform.empty() || rule.transform == "negate" || rule.transform == "enabled_disabled" ||
         rule.transform == "disabled_enabled";
}

// The `{` of the block whose provenance is `block` (a nested block: value = the block, key =
// its type keyword), when it is a block written as `name {` (not a dynamic block or an
// object-valued argument).
std::optional<uint32_t> braceOf(std::string_view text, const Value& block, std::string_view name) {
  ByteRange r = block.prov.value, k = block.prov.key;
  if (r.end > text.size() || k.empty() || k.end > r.end || text.substr(k.begin, k.size()) != name) return std::nullopt;
  size_t brace = text.find('{', k.end);
  if (brace == std::string_view::npos || brace >= r.end) return std::nullopt;
  return static_cast<uint32_t>(brace);
}

class TerraformEditor : public SourceEditor {
 public:
  Support supports(std::string_view kind, const AttributePath& path) const override {
    std::vector<const TypeMapping*> tables = MappingTables::builtin().ofKind(kind);
    if (tables.empty()) return Support::NotMine;
    for (const TypeMapping* m : tables) {
      std::optional<ArgumentOf> arg = argumentFor(*m, path);
      if (arg && reversible(*arg->rule)) return Support::Yes;
    }
    return Support::No;
  }

  std::optional<TextEdit> set(const Resource& r, const AttributePath& path, const Value& value,
                              const SourceStore& store) const override {
    const SourceFile* file = store.get(r.file);
    if (!file || path.empty()) return std::nullopt;
    bool hcl = endsWith(file->path(), ".tf");
    if (!hcl && !endsWith(file->path(), ".tf.json")) return std::nullopt;
    const TypeMapping* m = MappingTables::builtin().find(r.sourceType);
    std::optional<ArgumentOf> arg = m ? argumentFor(*m, path) : std::nullopt;
    if (const Value* current = editing::lookup(r.attributes, path)) {
      // Compared and written as Terraform has them (through the argument's transform).
      std::optional<Value> was = arg ? untransform(*arg->rule, *current) : *current;
      std::optional<Value> next = arg ? untransform(*arg->rule, value) : value;
      const SourceFile* at = was && next && was->prov.valid() ? store.get(was->prov.file) : nullptr;
      if (!at) return std::nullopt;
      bool json = endsWith(at->path(), ".json");
      if (!json && !endsWith(at->path(), ".tf")) return std::nullopt;
      return editing::replaceScalar(store, *was, *next, json ? jsonContent : hclContent);
    }
    if (!hcl || !arg) return std::nullopt;
    std::optional<Value> next = untransform(*arg->rule, value);
    std::string text = next ? literal(*next) : std::string();
    if (text.empty()) return std::nullopt;
    // The resource's block, then each nested block on the way.
    std::string_view source = file->text();
    size_t top = source.find('{', r.header.begin);
    if (top == std::string_view::npos || top >= r.body.end) return std::nullopt;
    uint32_t brace = static_cast<uint32_t>(top);
    const Value* body = r.attributes.get("_terraform");
    for (const std::string& name : arg->blocks) {
      const Value* blocks = body ? body->get(name) : nullptr;
      if (!blocks || !blocks->isArray() || blocks->asArray().empty() || !blocks->asArray().front().isObject()) {
        return std::nullopt;
      }
      body = &blocks->asArray().front();
      std::optional<uint32_t> b = body->prov.file == r.file ? braceOf(source, *body, name) : std::nullopt;
      if (!b) return std::nullopt;
      brace = *b;
    }
    // Written but not mapped (an unknown value, a null): not a missing argument.
    if (!body || body->get(arg->rule->from)) return std::nullopt;
    return editing::insertLineInBlock(*file, brace, arg->rule->from + " = " + text);
  }
};

}  // namespace

const SourceEditor* TerraformFrontEnd::editor() const {
  static const TerraformEditor editor;
  return &editor;
}

}  // namespace eg::terraform
