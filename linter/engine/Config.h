// Project configuration: `.edgeguard.yaml`, found by walking up from the scanned path or named
// with --config. It selects rules (disable/enable by id, name, glob or range), overrides
// severities and policy parameters, excludes paths, declares IoT Edge security groups for
// EG007, sets fail-on and adds policy directories. Every unknown key, wrong type or unknown
// rule is an error with file:line:column (code EG905). The format is documented in
// docs/configuration.md and described by docs/config.schema.json; `edgeguard init` writes a
// commented starter file (starterConfig()).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/graph/Value.h"
#include "linter/policy/Policy.h"

namespace eg {

inline constexpr const char* kConfigFileNames[] = {".edgeguard.yaml", ".edgeguard.yml"};

struct ConfigPosition {
  uint32_t line = 0, column = 0;  // 1-based; 0 = none
};

template <typename T>
struct Positioned {
  T value;
  ConfigPosition at;
};

struct Config {
  std::filesystem::path path;  // the file, as found or given
  std::filesystem::path dir;   // its directory, absolute; relative paths and globs start here

  std::optional<Positioned<std::string>> failOn;  // high | medium | low | none
  std::optional<Positioned<std::string>> extends;  // the preset: recommended | strict | all
  std::vector<Positioned<std::string>> exclude;   // globs (see linter/core/Glob.h)
  std::vector<Positioned<std::filesystem::path>> policyDirs;  // absolute
  std::vector<Positioned<std::string>> disable;   // rule selectors
  std::vector<Positioned<std::string>> enable;    // re-enable rules a `disable` selector caught
  struct SeverityOverride {
    std::string rule;
    Severity severity;
    ConfigPosition at;
  };
  std::vector<SeverityOverride> severities;
  struct ParameterOverride {
    std::string rule, name;
    Value value;
    ConfigPosition at;
  };
  std::vector<ParameterOverride> parameters;
  struct SecurityGroup {
    std::string name;
    std::vector<Positioned<std::string>> patterns;  // globs on file paths
    ConfigPosition at;
  };
  std::vector<SecurityGroup> securityGroups;

  // True when `file` (any path; made absolute) is under an `exclude` glob.
  bool excludes(const std::filesystem::path& file) const;
  // The security group the configuration puts `file` in, or "".
  std::string securityGroupOf(const std::filesystem::path& file) const;
  // The path of `file` relative to dir, '/'-separated, or "" when it is outside dir.
  std::string relativePath(const std::filesystem::path& file) const;
};

// The nearest configuration file in `start` (a file's directory, or a directory) or one of its
// parents, or nullopt.
std::optional<std::filesystem::path> findConfig(const std::filesystem::path& start);

// Reads and validates a configuration file (a regular file of at most kMaxConfigBytes). False
// with errors (EG905) when it is unusable.
inline constexpr size_t kMaxConfigBytes = 1u << 20;
bool loadConfig(const std::filesystem::path& path, Config& config, std::vector<Error>& errors);
bool loadConfigText(std::string_view text, const std::filesystem::path& path, Config& config,
                    std::vector<Error>& errors);

// Applies rule selection, severities and parameters to a loaded catalog. False with errors
// for selectors or parameters that name nothing or do not fit. Rule selection starts from the
// configuration's `extends` preset (`defaultPreset` when it has none); `selection` (the
// command line) wins over the configuration.
struct RuleSelection;
bool applyConfig(const Config& config, policy::PolicyCatalog& catalog, std::vector<Error>& errors,
                 std::string_view defaultPreset = "all", const RuleSelection* selection = nullptr);

// Rule selection from the command line, which wins over the configuration: `preset`
// (recommended | strict | all; "" = the configuration's `extends`, else the session's
// default), `select` (when not empty: exactly the rules it matches, whatever the preset and
// the configuration's disable/enable) and `ignore` (rules turned off in any case). Selectors
// are those of rules.disable (ids, names, globs, ranges).
struct RuleSelection {
  std::string preset;
  std::vector<std::string> select, ignore;
};

// Turns off the rules outside `preset` (recommended | strict | all), then applies the
// configuration's disable/enable (an `enable` entry also turns on a rule outside the preset)
// and the command line's selection. `config` may be null. False with errors (code EG905 for
// the configuration, EG900 for the command line) when an exact selector names no rule.
bool selectRules(const Config* config, const RuleSelection& selection, std::string_view preset,
                 policy::PolicyCatalog& catalog, std::vector<Error>& errors);

// True when `selector` (id, name, glob such as EG3*, or range such as EG300-EG399) selects `policy`.
bool ruleSelected(std::string_view selector, const policy::Policy& policy);

// The commented starter file `edgeguard init` writes.
std::string_view starterConfig();

}  // namespace eg
