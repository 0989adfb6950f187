// Declarative azurerm -> ARM mapping tables (parsers/terraform/mappings/*.yaml, embedded in
// the binary, parsed once and cached process-wide; the cache is immutable after first use, so
// it is safe to read from worker threads). See mappings/README.md for the table format.
#pragma once

#include <map>
#include <mutex>
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
  // a broken table is skipped (and listed in errors()). Each embedded file holds the table of
  // the type it is named after and is parsed when that type is first looked up: a scan of a
  // few files needs a few of the tables (parsing all of them was a third of its start-up).
  static const MappingTables& builtin();
  // For tests: tables from YAML texts.
  static MappingTables fromTexts(const std::vector<std::pair<std::string, std::string>>& files);
  const TypeMapping* find(std::string_view type) const;
  // The tables of resources of `kind` (ASCII case-insensitive) that are not merged into
  // another resource; parses every table not parsed yet.
  std::vector<const TypeMapping*> ofKind(std::string_view kind) const;
  // Both parse every table not parsed yet.
  const std::vector<std::string>& errors() const;
  size_t size() const;

  MappingTables() = default;
  MappingTables(MappingTables&& other) noexcept;

 private:
  void addTexts(const std::string& path, const std::string& text) const;
  void parsePending(std::string_view type) const;  // with mutex_ held

  mutable std::map<std::string, TypeMapping, std::less<>> byType_;
  mutable std::vector<std::string> errors_;
  // Not parsed yet: type (the file's name without .yaml) -> (path, text).
  mutable std::map<std::string, std::pair<std::string, std::string_view>, std::less<>> pending_;
  mutable std::mutex mutex_;
};

// Maps a raw evaluated azurerm body to ARM attributes following `m`. `header` provenance is
// used for defaults. `azurermLowerBound` is the module's pinned provider lower bound.
Value applyMapping(const TypeMapping& m, const Value& raw, const Provenance& header,
                   const std::optional<Version>& azurermLowerBound);
// The way back from ARM to Terraform (the source editor, TerraformEditor.cpp): the argument an
// ARM path (relative to the resource) comes from, behind the single nested blocks `blocks`
// (outermost first). Nothing when no value rule maps exactly there (lists are not followed).
struct ArgumentOf {
  std::vector<std::string> blocks;
  const FieldRule* rule = nullptr;
};
std::optional<ArgumentOf> argumentFor(const TypeMapping& m, const std::vector<std::string>& armPath);
// The Terraform value `rule` maps to `armValue` (its `values` and transform undone); nothing
// when the transform cannot be undone (keys_object, positive_enabled, present_enabled) or
// `armValue` is not one it produces.
std::optional<Value> untransform(const FieldRule& rule, const Value& armValue);

// Sets a dotted path in an object, creating intermediate objects.
Value& setPath(Value& obj, std::string_view dotted, Value v);
// Appends `item` to the array at a dotted path, creating the array (with `listProv`) when
// there is none.
void appendPath(Value& obj, std::string_view dotted, Value item, const Provenance& listProv);

}  // namespace eg::terraform
