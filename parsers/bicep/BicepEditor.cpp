// The Bicep editor: literals replaced in place, a missing property inserted as the first line
// of an object literal of the file (objects are not created: a new one may need properties the
// fix does not know).
#include "parsers/bicep/BicepFrontEnd.h"

#include <cctype>

namespace eg::bicep {

namespace {

bool armKind(std::string_view kind) {
  return kind.find('/') != std::string_view::npos && !kind.starts_with("IoTEdge/") && !kind.starts_with("Terraform/");
}

// The content of a Bicep '...' string for `s`.
std::string quoteContent(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') out += "\\\\";
    else if (c == '\'') out += "\\'";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') out += "\\$";
    else out += c;
  }
  return out;
}

bool identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// A scalar as a Bicep literal; empty for anything else.
std::string literal(const Value& v) {
  if (v.isString()) return std::string("'").append(quoteContent(v.asString())).append("'");
  return editing::scalarToken(v);
}

class BicepEditor : public SourceEditor {
 public:
  Support supports(std::string_view kind, const AttributePath& path) const override {
    if (!armKind(kind)) return Support::NotMine;
    return path.empty() ? Support::No : Support::Yes;
  }

  std::optional<TextEdit> set(const Resource& r, const AttributePath& path, const Value& value,
                              const SourceStore& store) const override {
    if (path.empty()) return std::nullopt;
    if (const Value* current = editing::lookup(r.attributes, path)) {
      return editing::replaceScalar(store, *current, value, quoteContent);
    }
    const SourceFile* file = store.get(r.file);
    const Value* parent = editing::lookup(r.attributes, path, path.size() - 1);
    std::string text = literal(value);
    if (!file || text.empty() || !parent || !parent->isObject() || parent->prov.file != r.file) return std::nullopt;
    const std::string& key = path.back();
    std::string name = identifier(key) ? key : std::string("'").append(quoteContent(key)).append("'");
    return editing::insertLineInBlock(*file, parent->prov.value.begin, name + ": " + text);
  }
};

}  // namespace

const SourceEditor* BicepFrontEnd::editor() const {
  static const BicepEditor editor;
  return &editor;
}

}  // namespace eg::bicep
