#include "linter/engine/Config.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "linter/core/Glob.h"
#include "linter/policy/YamlReader.h"

namespace eg {

namespace fs = std::filesystem;
using policy::LoadFailure;
using policy::YamlNode;
using policy::YamlReader;

namespace {

constexpr int kMaxConfigDepth = 16;
constexpr size_t kMaxConfigNodes = 20000;

constexpr std::string_view kTopKeys[] = {"version", "extends", "fail-on", "exclude", "policy-dirs", "rules", "security-groups"};
constexpr std::string_view kRuleKeys[] = {"disable", "enable", "severity", "parameters"};
constexpr std::string_view kFailOn[] = {"high", "medium", "low", "none"};

ConfigPosition positionOf(const YAML::Mark& m) {
  if (m.line < 0) return {};
  return {static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
}
ConfigPosition positionOf(const YamlNode& n) { return positionOf(n.Mark()); }

Error configError(const fs::path& path, ConfigPosition at, std::string message) {
  Error e;
  e.path = path.generic_string();
  e.line = at.line;
  e.column = at.column;
  e.message = std::move(message);
  e.code = kConfigErrorCode;
  return e;
}

class ConfigReader : public YamlReader {
 public:
  ConfigReader() : YamlReader("configuration", kMaxConfigDepth, kMaxConfigNodes) {}

  // A string or a list of strings, each with its position; `check` returns an error or "".
  template <typename Check>
  std::vector<Positioned<std::string>> stringList(const YamlNode& n, int depth, std::string_view what, Check check) {
    visit(n, depth);
    std::vector<Positioned<std::string>> out;
    auto add = [&](const YamlNode& e, int d) {
      std::string s = nonEmpty(e, d, std::string(what) + (n.IsScalar() ? "" : " entries"));
      std::string err = check(s);
      if (!err.empty()) fail(e, std::string(what) + ": " + err);
      out.push_back({std::move(s), positionOf(e)});
    };
    if (n.IsScalar()) {
      add(n, depth);
      return out;
    }
    if (!n.IsSequence()) fail(n, std::string(what) + " must be a list of strings, not " + std::string(policy::typeOf(n)));
    for (const YamlNode& e : n.elements()) add(e, depth + 1);
    return out;
  }
  std::vector<Positioned<std::string>> stringList(const YamlNode& n, int depth, std::string_view what) {
    return stringList(n, depth, what, [](const std::string&) { return std::string(); });
  }
  std::vector<Positioned<std::string>> globs(const YamlNode& n, int depth, std::string_view what) {
    return stringList(n, depth, what, [](const std::string& s) { return globError(s); });
  }

  void read(const YamlNode& root, Config& c) {
    if (root.IsNull()) return;  // an empty file is a valid, empty configuration
    Fields top = fields(root, 0, "the configuration", kTopKeys);
    if (const YamlNode* v = top.find("version")) {
      Value version = toValue(*v, 1);
      if (!version.isNumber() || version.asNumber() != 1) fail(*v, "version must be 1");
    }
    if (const YamlNode* x = top.find("extends")) {
      std::string s = string(*x, 1, "extends");
      if (!policy::oneOf(s, policy::kPresetNames)) fail(*x, "extends must be one of: " + policy::joined(policy::kPresetNames));
      c.extends = Positioned<std::string>{s, positionOf(*x)};
    }
    if (const YamlNode* f = top.find("fail-on")) {
      std::string s = string(*f, 1, "fail-on");
      if (!policy::oneOf(s, kFailOn)) fail(*f, "fail-on must be one of: " + policy::joined(kFailOn));
      c.failOn = Positioned<std::string>{s, positionOf(*f)};
    }
    if (const YamlNode* e = top.find("exclude")) c.exclude = globs(*e, 1, "exclude");
    if (const YamlNode* d = top.find("policy-dirs")) {
      for (auto& [dir, at] : stringList(*d, 1, "policy-dirs")) {
        fs::path p(dir);
        c.policyDirs.push_back({p.is_absolute() ? p : (c.dir / p).lexically_normal(), at});
      }
    }
    if (const YamlNode* r = top.find("rules")) readRules(*r, c);
    if (const YamlNode* g = top.find("security-groups")) {
      Fields groups = anyFields(*g, 1, "security-groups");
      for (size_t i = 0; i < groups.entries.size(); ++i) {
        const auto& [name, patterns] = groups.entries[i];
        if (name.empty()) fail(groups.keys[i], "a security group needs a name");
        c.securityGroups.push_back({name, globs(patterns, 2, "security group '" + name + "'"), positionOf(groups.keys[i])});
      }
    }
  }

 private:
  void readRules(const YamlNode& n, Config& c) {
    Fields rules = fields(n, 1, "rules", kRuleKeys);
    if (const YamlNode* d = rules.find("disable")) c.disable = stringList(*d, 2, "rules.disable");
    if (const YamlNode* e = rules.find("enable")) c.enable = stringList(*e, 2, "rules.enable");
    if (const YamlNode* s = rules.find("severity")) {
      Fields sev = anyFields(*s, 2, "rules.severity");
      for (size_t i = 0; i < sev.entries.size(); ++i) {
        const auto& [rule, value] = sev.entries[i];
        std::string text = string(value, 3, "rules.severity." + rule);
        auto parsed = parseSeverity(text);
        if (!parsed) fail(value, "severity must be high, medium or low");
        c.severities.push_back({rule, *parsed, positionOf(sev.keys[i])});
      }
    }
    if (const YamlNode* p = rules.find("parameters")) {
      Fields perRule = anyFields(*p, 2, "rules.parameters");
      for (size_t i = 0; i < perRule.entries.size(); ++i) {
        const auto& [rule, params] = perRule.entries[i];
        Fields values = anyFields(params, 3, "rules.parameters." + rule);
        for (size_t j = 0; j < values.entries.size(); ++j) {
          const auto& [name, value] = values.entries[j];
          c.parameters.push_back({rule, name, toValue(value, 4), positionOf(values.keys[j])});
        }
      }
    }
  }
};

// "EG300-EG399": same letters, numbers in range.
bool inRange(std::string_view selector, std::string_view id) {
  size_t dash = selector.find('-');
  if (dash == std::string_view::npos) return false;
  auto split = [](std::string_view s, std::string& prefix, long& number) {
    size_t i = s.size();
    while (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))) --i;
    if (i == s.size() || s.size() - i > 9) return false;
    prefix = toUpperAscii(s.substr(0, i));
    number = std::stol(std::string(s.substr(i)));
    return true;
  };
  std::string lo, hi, idPrefix;
  long a = 0, b = 0, n = 0;
  if (!split(selector.substr(0, dash), lo, a) || !split(selector.substr(dash + 1), hi, b) || !split(id, idPrefix, n)) {
    return false;
  }
  return lo == hi && lo == idPrefix && a <= n && n <= b;
}

bool isPattern(std::string_view selector) {
  return selector.find_first_of("*?[") != std::string_view::npos ||
         (selector.find('-') != std::string_view::npos && std::isdigit(static_cast<unsigned char>(selector.back())) &&
          std::isupper(static_cast<unsigned char>(selector.front())));
}

}  // namespace

bool ruleSelected(std::string_view selector, const policy::Policy& p) {
  if (equalsIgnoreCase(selector, p.id) || equalsIgnoreCase(selector, p.name)) return true;
  if (selector.find_first_of("*?[") != std::string_view::npos) {
    return globMatch(toUpperAscii(selector), toUpperAscii(p.id)) || globMatch(selector, p.name);
  }
  return inRange(selector, p.id);
}

std::string Config::relativePath(const fs::path& file) const {
  std::error_code ec;
  fs::path abs = fs::absolute(file, ec).lexically_normal();
  if (ec) return "";
  fs::path rel = abs.lexically_relative(dir);
  std::string s = rel.generic_string();
  if (s.empty() || s == "." || s.rfind("..", 0) == 0) return "";
  return s;
}

bool Config::excludes(const fs::path& file) const {
  if (exclude.empty()) return false;
  std::string rel = relativePath(file);
  if (rel.empty()) return false;
  for (const auto& [pattern, at] : exclude) {
    if (globMatchesPathOrParent(pattern, rel)) return true;
  }
  return false;
}

std::string Config::securityGroupOf(const fs::path& file) const {
  if (securityGroups.empty()) return "";
  std::string rel = relativePath(file);
  if (rel.empty()) return "";
  for (const SecurityGroup& g : securityGroups) {
    for (const auto& [pattern, at] : g.patterns) {
      if (globMatchesPathOrParent(pattern, rel)) return g.name;
    }
  }
  return "";
}

std::optional<fs::path> findConfig(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  while (true) {
    for (const char* name : kConfigFileNames) {
      fs::path candidate = dir / name;
      if (!fs::is_regular_file(candidate, ec)) continue;
      // Shown in messages: relative to the working directory when it is below it.
      fs::path rel = candidate.lexically_relative(fs::current_path(ec));
      return !ec && !rel.empty() && rel.generic_string().rfind("..", 0) != 0 ? rel : candidate;
    }
    fs::path parent = dir.parent_path();
    if (parent == dir || parent.empty()) return std::nullopt;
    dir = parent;
  }
}

bool loadConfigText(std::string_view text, const fs::path& path, Config& config, std::vector<Error>& errors) {
  config.path = path;
  std::error_code ec;
  config.dir = fs::absolute(path, ec).lexically_normal().parent_path();
  try {
    policy::SingleDocument doc = policy::loadSingleDocument(text);
    if (!doc.second.is_null()) {
      errors.push_back(configError(path, positionOf(doc.second), "a configuration file holds one YAML document"));
      return false;
    }
    ConfigReader reader;
    if (!doc.empty) reader.read(doc.root, config);
    return true;
  } catch (const LoadFailure& f) {
    ConfigPosition at;
    if (f.mark.line >= 0) at = {static_cast<uint32_t>(f.mark.line + 1), static_cast<uint32_t>(f.mark.column + 1)};
    errors.push_back(configError(path, at, f.message));
  } catch (const YAML::Exception& e) {
    ConfigPosition at;
    if (e.mark.line >= 0) at = {static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)};
    errors.push_back(configError(path, at, "invalid YAML: " + e.msg));
  }
  return false;
}

bool loadConfig(const fs::path& path, Config& config, std::vector<Error>& errors) {
  std::string text;
  ReadResult r = readSmallFile(path, kMaxConfigBytes, text);
  if (r != ReadResult::Ok) {
    errors.push_back(configError(path, {}, r == ReadResult::TooLarge ? "configuration file larger than 1 MiB"
                                                                       : describe(r, kMaxConfigBytes)));
    return false;
  }
  return loadConfigText(text, path, config, errors);
}

bool applyConfig(const Config& config, policy::PolicyCatalog& catalog, std::vector<Error>& errors,
                 std::string_view defaultPreset, const RuleSelection* selection) {
  size_t before = errors.size();
  for (const auto& s : config.severities) {
    if (!catalog.setSeverity(s.rule, s.severity)) {
      errors.push_back(configError(config.path, s.at, "rules.severity: no rule '" + s.rule + "' (see `edgeguard rules`)"));
    }
  }
  for (const auto& p : config.parameters) {
    std::string error;
    if (!catalog.setParameter(p.rule, p.name, p.value, &error)) {
      errors.push_back(configError(config.path, p.at, "rules.parameters: " + error));
    }
  }
  std::string_view preset = selection && !selection->preset.empty() ? std::string_view(selection->preset)
                            : config.extends                           ? std::string_view(config.extends->value)
                                                                       : defaultPreset;
  bool selected = selectRules(&config, selection ? *selection : RuleSelection{}, preset, catalog, errors);
  return selected && errors.size() == before;
}

bool selectRules(const Config* config, const RuleSelection& selection, std::string_view preset,
                 policy::PolicyCatalog& catalog, std::vector<Error>& errors) {
  size_t before = errors.size();
  // A selector that is an exact id or name must name a rule (a typo would silently disable
  // nothing); globs and ranges may match none.
  auto names = [&](std::string_view selector) {
    if (isPattern(selector)) return true;
    for (const auto& p : catalog.policies()) {
      if (ruleSelected(selector, *p)) return true;
    }
    return false;
  };
  if (config) {
    auto check = [&](const std::vector<Positioned<std::string>>& selectors, std::string_view what) {
      for (const auto& [selector, at] : selectors) {
        if (names(selector)) continue;
        errors.push_back(configError(config->path, at,
                                     std::string(what) + ": no rule '" + selector + "' (see `edgeguard rules`)"));
      }
    };
    check(config->disable, "rules.disable");
    check(config->enable, "rules.enable");
  }
  auto checkCommandLine = [&](const std::vector<std::string>& selectors, std::string_view what) {
    for (const std::string& selector : selectors) {
      if (names(selector)) continue;
      errors.push_back(configError("command line", {}, std::string(what) + ": no rule '" + selector + "' (see `edgeguard rules`)"));
    }
  };
  checkCommandLine(selection.select, "--select");
  checkCommandLine(selection.ignore, "--ignore");
  auto matchesAny = [](const auto& selectors, const policy::Policy& p) {
    for (const auto& s : selectors) {
      if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::string>) {
        if (ruleSelected(s, p)) return true;
      } else {
        if (ruleSelected(s.value, p)) return true;
      }
    }
    return false;
  };
  auto on = [&](const policy::Policy& p) {
    if (matchesAny(selection.ignore, p)) return false;
    if (!selection.select.empty()) return matchesAny(selection.select, p);  // the command line wins
    bool enabled = config && matchesAny(config->enable, p);
    bool disabled = config && matchesAny(config->disable, p);
    return enabled || (policy::inPreset(p.preset, preset) && !disabled);
  };
  catalog.removeIf([&](const policy::Policy& p) { return !on(p); });
  return errors.size() == before;
}

std::string_view starterConfig() {
  return R"(# edgeguard configuration (https://github.com/edgeguard/edgeguard/blob/main/docs/configuration.md).
# edgeguard finds this file by walking up from the scanned path; `--config FILE` names another.
# Paths and globs are relative to this file's directory. Every key is optional.
# yaml-language-server: $schema=https://raw.githubusercontent.com/edgeguard/edgeguard/main/docs/config.schema.json
version: 1

# The rule set to start from: recommended (the default: the Defender for IoT recommendations
# and cheap, high-confidence hardening), strict (the rest: private endpoints, customer-managed
# keys, geo-replication, retention, ...) or all. `edgeguard rules` shows each rule's preset.
extends: recommended

# Lowest severity that makes `edgeguard scan` exit 1: high, medium, low or none.
# The command line's --fail-on wins over this.
fail-on: low

# Files and directories not to scan, as globs (`*` within a name, `**` across directories).
# A pattern without a slash matches a name at any depth, as in .gitignore.
exclude:
  - .terraform/
  # - examples/**
  # - "*.tfvars"

# Directories of your own policy files (see policies/README.md), in addition to the built-in pack.
# policy-dirs:
#   - policies

rules:
  # Rules to turn off: ids (EG009), names (edge-module-logging-not-configured),
  # globs (EG3*) or ranges (EG300-EG399).
  disable: []
  # Rules to keep although a `disable` entry matches them, or to add from outside the preset.
  enable: []
  # Severity changes: high, medium or low.
  severity: {}
  #   EG008: medium
  # Policy parameters (`edgeguard explain ID` lists each rule's parameters and defaults).
  parameters: {}
  #   EG006:
  #     ipv4_min_prefix: 20

# IoT Edge security groups for EG007 (modules that should be configured alike), as globs on
# deployment manifest paths. Deployments whose targetCondition names a SecurityGroup tag are
# grouped by it already; a group declared here takes precedence for the files it matches.
security-groups: {}
#   line-1:
#     - plants/line-1/**/deployment*.json
)";
}

}  // namespace eg
