#include "linter/engine/Baseline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "linter/engine/Session.h"

namespace eg {

namespace fs = std::filesystem;

namespace {

Error baselineError(const fs::path& file, uint32_t line, uint32_t column, std::string message) {
  Error e;
  e.path = file.generic_string();
  e.line = line;
  e.column = column;
  e.message = std::move(message);
  e.code = kBaselineErrorCode;
  return e;
}

// The directory baseline paths are relative to: the baseline file's, absolute.
fs::path baseDirectory(const fs::path& baselineFile) {
  std::error_code ec;
  return fs::absolute(baselineFile, ec).lexically_normal().parent_path();
}

std::string relativeTo(const std::string& path, const fs::path& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec).lexically_normal();
  if (ec) return fs::path(path).generic_string();
  std::string rel = abs.lexically_relative(dir).generic_string();
  return rel.empty() ? abs.generic_string() : rel;
}

// The entry a finding has in a baseline whose paths are relative to `dir`.
BaselineEntry entryOf(const Finding& f, const SourceStore& sources, const fs::path& dir) {
  BaselineEntry e;
  e.rule = f.rule;
  const SourceFile* file = sources.get(f.location.file);
  e.path = file ? relativeTo(file->path(), dir) : std::string();
  e.resource = f.resource;
  e.detail = fingerprint(f.detailKey);
  e.message = f.message;
  return e;
}

using Key = std::tuple<std::string, std::string, std::string, std::string>;
Key keyOf(const BaselineEntry& e) { return {e.rule, e.path, e.resource, e.detail}; }

}  // namespace

std::string writeBaseline(const std::vector<Finding>& findings, const SourceStore& sources, const fs::path& baselineFile,
                          std::string_view toolVersion) {
  std::vector<BaselineEntry> entries;
  fs::path dir = baseDirectory(baselineFile);
  for (const Finding& f : findings) {
    if (!f.suppressed) entries.push_back(entryOf(f, sources, dir));
  }
  std::sort(entries.begin(), entries.end(), [](const BaselineEntry& a, const BaselineEntry& b) {
    return std::tie(a.path, a.resource, a.rule, a.detail, a.message) < std::tie(b.path, b.resource, b.rule, b.detail, b.message);
  });
  nlohmann::ordered_json doc;
  doc["version"] = 1;
  doc["tool"] = "edgeguard " + std::string(toolVersion);
  doc["findings"] = nlohmann::ordered_json::array();
  for (const BaselineEntry& e : entries) {
    nlohmann::ordered_json j;
    j["rule"] = e.rule;
    j["path"] = e.path;
    j["resource"] = e.resource;
    j["detail"] = e.detail;
    j["message"] = e.message;
    doc["findings"].push_back(std::move(j));
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool loadBaselineText(std::string_view text, const fs::path& file, Baseline& baseline, std::vector<Error>& errors) {
  baseline.file = file;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    LineCol at = SourceFile(kNoFile, file.generic_string(), std::string(text)).position(
        static_cast<uint32_t>(std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size())));
    uint32_t line = at.line, column = at.column;
    // "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error ..."
    std::string what = e.what();
    size_t colon = what.find(": ", what.find("column"));
    errors.push_back(baselineError(file, line, column,
                                   "not a baseline file (invalid JSON: " +
                                       (colon == std::string::npos ? what : what.substr(colon + 2)) + ")"));
    return false;
  }
  auto fail = [&](std::string message) {
    errors.push_back(baselineError(file, 0, 0, "not a baseline file written by --write-baseline: " + message));
    return false;
  };
  if (!doc.is_object()) return fail("expected a JSON object");
  if (!doc.contains("version") || doc["version"] != 1) return fail("\"version\" must be 1");
  if (!doc.contains("findings") || !doc["findings"].is_array()) return fail("\"findings\" must be an array");
  size_t i = 0;
  for (const auto& j : doc["findings"]) {
    std::string where = "findings[" + std::to_string(i++) + "]";
    if (!j.is_object()) return fail(where + " must be an object");
    BaselineEntry e;
    for (auto [field, target] : {std::pair{"rule", &e.rule}, std::pair{"path", &e.path},
                                 std::pair{"resource", &e.resource}, std::pair{"detail", &e.detail}}) {
      if (!j.contains(field) || !j[field].is_string()) return fail(where + "." + field + " must be a string");
      *target = j[field].get<std::string>();
    }
    if (j.contains("message") && j["message"].is_string()) e.message = j["message"].get<std::string>();
    baseline.entries.push_back(std::move(e));
  }
  return true;
}

bool loadBaseline(const fs::path& file, Baseline& baseline, std::vector<Error>& errors) {
  // Baselines list one line per accepted finding: 256 MiB is far above any real one.
  constexpr size_t kMaxBaselineBytes = 256u << 20;
  std::string text;
  ReadResult r = readSmallFile(file, kMaxBaselineBytes, text);
  if (r != ReadResult::Ok) {
    errors.push_back(baselineError(file, 0, 0, r == ReadResult::Missing ? "no such baseline file"
                                             : r == ReadResult::Unreadable ? "cannot read the baseline file"
                                                                             : describe(r, kMaxBaselineBytes)));
    return false;
  }
  return loadBaselineText(text, file, baseline, errors);
}

BaselineOutcome applyBaseline(const Baseline& baseline, std::vector<Finding>& findings, const SourceStore& sources) {
  std::map<Key, std::vector<size_t>> remaining;  // key -> entry indexes not yet used
  for (size_t i = 0; i < baseline.entries.size(); ++i) remaining[keyOf(baseline.entries[i])].push_back(i);
  std::vector<bool> used(baseline.entries.size(), false);
  fs::path dir = baseDirectory(baseline.file);
  BaselineOutcome out;
  std::erase_if(findings, [&](const Finding& f) {
    if (f.suppressed) return false;
    auto it = remaining.find(keyOf(entryOf(f, sources, dir)));
    if (it == remaining.end() || it->second.empty()) return false;
    used[it->second.back()] = true;
    it->second.pop_back();
    ++out.hidden;
    return true;
  });
  for (size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) out.stale.push_back(baseline.entries[i]);
  }
  return out;
}

}  // namespace eg
