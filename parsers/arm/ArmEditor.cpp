// The ARM template editor: values replaced where the evaluated attribute's literal is, members
// inserted into an object literal of the template (never creating objects: a new one may need
// members the fix does not know, such as networkRuleSets.applyToBuiltInEventHubEndpoint).
#include "parsers/arm/ArmFrontEnd.h"
#include "parsers/json/JsonEditor.h"

namespace eg::arm {

namespace {

// An ARM resource type ("Microsoft.Devices/IotHubs"), or a template's outputs and parameters.
bool armKind(std::string_view kind) {
  return kind.find('/') != std::string_view::npos && !kind.starts_with("IoTEdge/") && !kind.starts_with("Terraform/");
}

class ArmEditor : public SourceEditor {
 public:
  Support supports(std::string_view kind, const AttributePath& path) const override {
    if (!armKind(kind)) return Support::NotMine;
    return path.empty() ? Support::No : Support::Yes;
  }

  std::optional<TextEdit> set(const Resource& r, const AttributePath& path, const Value& value,
                              const SourceStore& store) const override {
    if (path.empty()) return std::nullopt;
    if (const Value* current = editing::lookup(r.attributes, path)) {
      // Where the value's text is: the template, or the parameter file that set it.
      const SourceFile* at = current->prov.valid() ? store.get(current->prov.file) : nullptr;
      if (!at) return std::nullopt;
      return json::replaceValue(at->text(), at->id(), *current, value, json::Style::Spaced);
    }
    const SourceFile* file = store.get(r.file);
    const Value* parent = editing::lookup(r.attributes, path, path.size() - 1);
    if (!file || !parent || !parent->isObject() || parent->prov.file != r.file) return std::nullopt;
    return json::insertMember(file->text(), file->id(), *parent, path.back(), json::render(value, json::Style::Spaced));
  }
};

}  // namespace

const SourceEditor* ArmFrontEnd::editor() const {
  static const ArmEditor editor;
  return &editor;
}

}  // namespace eg::arm
