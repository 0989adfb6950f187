// PolicyCatalog: the set of loaded policies (built-in pack + user directories), with
// catalog-wide checks (unique ids and names) and parameter overrides.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "linter/core/Embedded.h"
#include "linter/policy/Policy.h"
#include "linter/policy/PolicyLoader.h"

namespace eg::policy {

PolicyCatalog::PolicyCatalog() = default;
PolicyCatalog::~PolicyCatalog() = default;

bool PolicyCatalog::loadBuiltins(std::vector<Error>& errors, bool documentation) {
  // Every scan compiles the whole built-in pack, so it is compiled on two threads (policies
  // are independent; loadPolicy shares no mutable state) and registered in pack order.
  // A scan compiles the trees the build parsed (without the documentation it never reads)
  // rather than the YAML texts; a file whose tree is missing is parsed as before.
  std::span<const EmbeddedFile> files = embeddedPolicies();
  std::span<const EmbeddedFile> trees = embeddedPolicyTrees();
  std::vector<std::shared_ptr<Policy>> compiled(files.size());
  std::vector<std::vector<Error>> compileErrors(files.size());
  auto compile = [&](size_t i) {
    std::string path = "policies/" + std::string(files[i].path);
    std::optional<YamlNode> tree;
    if (!documentation && i < trees.size() && trees[i].path == files[i].path) tree = decodeTree(trees[i].text);
    compiled[i] = tree ? loadPolicy(*tree, path, true, compileErrors[i], false)
                       : loadPolicy(files[i].text, path, true, compileErrors[i], documentation);
    if (!compiled[i] && !documentation) {  // report the error as the whole file shows it
      compileErrors[i].clear();
      compiled[i] = loadPolicy(files[i].text, path, true, compileErrors[i], true);
    }
  };
  size_t half = files.size() / 2;
  std::thread helper;
  if (half > 0 && std::thread::hardware_concurrency() > 1) {
    helper = std::thread([&] { for (size_t i = half; i < files.size(); ++i) compile(i); });
  } else {
    half = files.size();
  }
  for (size_t i = 0; i < half; ++i) compile(i);
  if (helper.joinable()) helper.join();
  bool ok = true;
  for (size_t i = 0; i < files.size(); ++i) {
    for (Error& e : compileErrors[i]) errors.push_back(std::move(e));
    ok &= compiled[i] && add(std::move(compiled[i]), "policies/" + std::string(files[i].path), errors);
  }
  return ok;
}

bool PolicyCatalog::loadDirectory(const std::filesystem::path& dir, std::vector<Error>& errors) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  if (ec) {
    Error e;
    e.path = displayPath(dir);
    e.message = "cannot read policy directory: " + ec.message();
    e.code = kPolicyErrorCode;
    errors.push_back(std::move(e));
    return false;
  }
  std::sort(files.begin(), files.end());  // deterministic order regardless of the file system
  bool ok = true;
  for (const auto& file : files) {
    // A policy directory may come from the scanned repository's .edgeguard.yaml: a policy is
    // read only when it is a regular file of at most 16 MiB (the default input size limit).
    constexpr size_t kMaxPolicyBytes = 16u << 20;
    std::string text;
    if (ReadResult r = readSmallFile(file, kMaxPolicyBytes, text); r != ReadResult::Ok) {
      Error e;
      e.path = displayPath(file);
      e.message = "cannot read policy file: " + describe(r, kMaxPolicyBytes);
      e.code = kPolicyErrorCode;
      errors.push_back(std::move(e));
      ok = false;
      continue;
    }
    ok &= loadText(text, displayPath(file), false, errors);
  }
  return ok;
}

bool PolicyCatalog::loadText(std::string_view text, const std::string& path, bool builtin, std::vector<Error>& errors) {
  std::shared_ptr<Policy> p = loadPolicy(text, path, builtin, errors);
  if (!p) return false;
  return add(std::move(p), path, errors);
}

bool PolicyCatalog::add(std::shared_ptr<Policy> p, const std::string& path, std::vector<Error>& errors) {
  for (const auto& other : policies_) {
    const char* clash = equalsIgnoreCase(other->id, p->id) ? "id" : other->name == p->name ? "name" : nullptr;
    if (!clash) continue;
    PolicyOrigin at = originOf(*p);
    Error e;
    e.path = path;
    e.line = at.line;
    e.column = at.column;
    e.message = std::string("policy ") + clash + " '" + (clash[0] == 'i' ? p->id : p->name) +
                "' is already used by " + other->sourcePath;
    e.code = kPolicyErrorCode;
    errors.push_back(std::move(e));
    return false;
  }
  policies_.push_back(std::move(p));
  return true;
}

bool PolicyCatalog::setParameter(std::string_view policy, std::string_view name, Value value, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  const Policy* found = find(policy);
  if (!found) {
    *error = "no rule '" + std::string(policy) + "'";
    return false;
  }
  if (!found->parameters.get(name)) {
    std::string known;
    for (const Member& m : found->parameters.asObject()) known += (known.empty() ? "" : ", ") + m.key;
    *error = found->id + " has no parameter '" + std::string(name) + "'" +
             (known.empty() ? std::string(" (it takes none)") : "; it takes: " + known);
    return false;
  }
  for (auto& p : policies_) {
    if (p.get() != found) continue;
    Value params = p->parameters;
    std::string shown = value.toJson();
    params.set(name, std::move(value));
    if (recompilePolicy(*p, params, error)) return true;
    *error = found->id + " parameter '" + std::string(name) + "' = " + shown + ": " + *error;
    return false;
  }
  return false;
}

bool PolicyCatalog::setSeverity(std::string_view policy, Severity severity) {
  for (auto& p : policies_) {
    if (equalsIgnoreCase(p->id, policy) || equalsIgnoreCase(p->name, policy)) {
      p->severity = severity;
      return true;
    }
  }
  return false;
}

const Policy* PolicyCatalog::find(std::string_view idOrName) const {
  for (const auto& p : policies_) {
    if (equalsIgnoreCase(p->id, idOrName) || equalsIgnoreCase(p->name, idOrName)) return p.get();
  }
  return nullptr;
}

}  // namespace eg::policy
