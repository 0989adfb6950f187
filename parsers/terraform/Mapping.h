// Declarative azurerm -> ARM mapping tables (parsers/terraform/mappings/*.yaml, embedded in
// the binary, parsed once and cached process-wide; the cache is immutable after first use, so
// it is safe to read from worker threads). See mappings/README.md for the table format.
#pragma once

#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "linter/graph/Value.h"
#include "parsers/terraform/ProviderVersion.h"

namespace eg::terraform {

struct FieldRule {
  enum class Shape { Value, Single, List };
  std::string from;   // Terraform attribute or nested block name ("" for `flags` rules)
  std::string to;     // dotted ARM path relative to the enclosing output object
  Shape shape = Shape::Value;
  std::string transform;  // "", "negate", "enabled_disabled", "disabled_enabled", "keys_object",
                          // "positive_enabled", "present_enabled"
  std::map<std::string, std::string> values; // string value mapping
  std::vector<FieldRule> fields;             // for blocks
  std::string groupBy;                       // list blocks: field whose value picks the sub-path
  std::map<std::string, std::string> cases;  // groupBy value -> sub-path under `to`
  std::vector<std::pair<std::string, std::string>> flags;  // bool attribute -> word, joined by ", "
  // `entries: {key: K, value: V}` on a single block: each present field becomes an array
  // element {K: <the field's `to`>, V: <its transformed value>} (ARM lists of settings such
  // as recommendationsConfiguration: [{recommendationType, status}]).
  std::string entryKey, entryValue;
};

struct DefaultRule {
  std::string whenAbsent;  // Terraform attribute that must be absent
  std::string to;
  Value value;
  std::string provider;    // "azurerm"
  std::optional<Version> since;  // applies when the provider's pinned lower bound is >= since
};

struct MergeRule {
  std::string referenceAttribute;  // attribute naming the target, e.g. "iothub_name"
  std::string targetType;          // "azurerm_iothub"
  std::string path;                // appended to this array path of the target
  std::string standaloneKind;      // kind when no target is found in the module
};

struct TypeMapping {
  std::string type;  // "azurerm_iothub"
  std::string kind;  // "Microsoft.Devices/IotHubs"
  std::vector<FieldRule> fields;
  std::vector<DefaultRule> defaults;
  std::vector<std::string> aliasFrom;  // attributes whose literal values become aliases
  std::optional<MergeRule> mergeInto;
  std::string sourcePath;
};

class MappingTables {
 public:
  // The embedded tables. Errors in a table are programming errors caught by the tests;
  // a broken table is skipped (and listed in errors()).
  static const MappingTables& builtin();
  // For tests: tables from YAML texts.
  static MappingTables fromTexts(const std::vector<std::pair<std::string, std::string>>& files);
  const TypeMapping* find(std::string_view type) const;
  const std::vector<std::string>& errors() const { return errors_; }
  size_t size() const { return byType_.size(); }

 private:
  std::map<std::string, TypeMapping, std::less<>> byType_;
  std::vector<std::string> errors_;
};

// Maps a raw evaluated azurerm body to ARM attributes following `m`. `header` provenance is
// used for defaults. `azurermLowerBound` is the module's pinned provider lower bound.
Value applyMapping(const TypeMapping& m, const Value& raw, const Provenance& header,
                   const std::optional<Version>& azurermLowerBound);
// Sets a dotted path in an object, creating intermediate objects.
Value& setPath(Value& obj, std::string_view dotted, Value v);
// Appends `item` to the array at a dotted path, creating the array (with `listProv`) when
// there is none.
void appendPath(Value& obj, std::string_view dotted, Value item, const Provenance& listProv);

}  // namespace eg::terraform
