#include "linter/engine/Fixes.h"

#include <algorithm>
#include <cctype>

#include "parsers/edge/EdgeCommon.h"
#include "linter/report/Escaping.h"
#include "parsers/json/JsonReader.h"

namespace eg {
namespace {

// --- text helpers ------------------------------------------------------------------------------

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string newlineOf(std::string_view text) { return text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n"; }

// Leading whitespace of the line containing `offset`.
std::string indentAt(std::string_view text, uint32_t offset) {
  size_t start = 0;
  if (offset > 0) {
    size_t nl = text.rfind('\n', offset - 1);
    start = nl == std::string_view::npos ? 0 : nl + 1;
  }
  size_t end = start;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  return std::string(text.substr(start, end - start));
}

// The indentation step used in the file ("  " unless the file clearly uses something else).
std::string indentUnit(std::string_view text) {
  size_t pos = 0;
  while ((pos = text.find('\n', pos)) != std::string_view::npos) {
    ++pos;
    if (pos < text.size() && text[pos] == '\t') return "\t";
    size_t n = 0;
    while (pos + n < text.size() && text[pos + n] == ' ') ++n;
    if (n > 0 && pos + n < text.size() && text[pos + n] != '\n' && text[pos + n] != '\r') return std::string(n, ' ');
  }
  return "  ";
}

// A quoted literal ("1.0" or '1.0') whose content is plain (no escapes, no interpolation):
// returns the range of its content.
std::optional<ByteRange> plainStringContent(std::string_view text, ByteRange r) {
  if (r.end > text.size() || r.size() < 2) return std::nullopt;
  char q = text[r.begin];
  if ((q != '"' && q != '\'') || text[r.end - 1] != q) return std::nullopt;
  std::string_view inner = text.substr(r.begin + 1, r.size() - 2);
  if (inner.find_first_of("\\$%{}\"'\n") != std::string_view::npos) return std::nullopt;
  return ByteRange{r.begin + 1, r.end - 1};
}

const SourceFile* fileOf(const SourceStore& store, FileId id) { return id == kNoFile ? nullptr : store.get(id); }

const Resource* findResource(const Finding& f, const ResourceGraph& graph) {
  for (const Resource& r : graph.resources()) {
    if (r.address == f.resource && (r.file == f.anchor.file || r.file == f.location.file)) return &r;
  }
  return nullptr;
}

// Replaces the content of a plain string literal value.
std::optional<TextEdit> replaceString(const SourceStore& store, const Value* v, std::string_view newContent) {
  if (!v || !v->prov.valid()) return std::nullopt;
  const SourceFile* file = fileOf(store, v->prov.file);
  if (!file) return std::nullopt;
  std::optional<ByteRange> content = plainStringContent(file->text(), v->prov.value);
  if (!content) return std::nullopt;
  return TextEdit{file->id(), *content, std::string(newContent)};
}

// Replaces a bare token (`true`) with another.
std::optional<TextEdit> replaceToken(const SourceStore& store, const Value* v, std::string_view token,
                                     std::string_view replacement) {
  if (!v || !v->prov.valid()) return std::nullopt;
  const SourceFile* file = fileOf(store, v->prov.file);
  if (!file || file->slice(v->prov.value) != token) return std::nullopt;
  return TextEdit{file->id(), v->prov.value, std::string(replacement)};
}

// Inserts `member` as the first line of the block whose `{` is at `brace` (HCL, Bicep).
TextEdit insertLineInBlock(const SourceFile& file, uint32_t brace, std::string_view member) {
  std::string_view text = file.text();
  std::string nl = newlineOf(text);
  std::string outer = indentAt(text, brace);
  std::string inner = outer + indentUnit(text);
  // Use the indentation of the block's first member when there is one on the next line.
  size_t eol = text.find('\n', brace);
  if (eol != std::string_view::npos) {
    std::string next = indentAt(text, static_cast<uint32_t>(eol + 1));
    size_t firstCode = eol + 1 + next.size();
    if (next.size() > outer.size() && firstCode < text.size() && text[firstCode] != '}') inner = next;
  }
  size_t after = brace + 1;
  while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
  std::string insert = nl + inner + std::string(member);
  if (after < text.size() && text[after] == '}') insert += nl + outer;  // `{}` on one line
  return TextEdit{file.id(), {brace + 1, brace + 1}, insert};
}

// Inserts a member first into the JSON object `obj` (whose provenance is in `text`): on its own
// line when the object spans lines, compact otherwise.
std::optional<TextEdit> insertJsonMember(std::string_view text, FileId file, const Value& obj, std::string_view key,
                                         std::string_view valueJson) {
  if (!obj.isObject() || obj.prov.value.end > text.size() || obj.prov.value.size() < 2) return std::nullopt;
  uint32_t brace = obj.prov.value.begin;
  if (text[brace] != '{') return std::nullopt;
  bool empty = obj.asObject().empty();
  std::string member = "\"" + std::string(key) + "\": " + std::string(valueJson);
  std::string_view body = text.substr(brace, obj.prov.value.size());
  bool multiline = body.find('\n') != std::string_view::npos;
  if (!multiline) {
    // Follow the object's own spacing: `{"a":1}` or `{ "a": 1 }`.
    bool spaced = body.size() > 1 && body[1] == ' ';
    bool colonSpace = body.find("\": ") != std::string_view::npos || (empty && spaced);
    std::string compact = "\"" + std::string(key) + (colonSpace ? "\": " : "\":") + std::string(valueJson);
    if (spaced) return TextEdit{file, {brace + 1, brace + 1}, " " + compact + (empty ? "" : ",")};
    return TextEdit{file, {brace + 1, brace + 1}, empty ? compact : compact + ","};
  }
  std::string nl = newlineOf(text);
  std::string outer = indentAt(text, brace);
  std::string inner = outer + indentUnit(text);
  if (!empty) {
    const Value& first = obj.asObject().front().value;
    uint32_t keyAt = first.prov.key.empty() ? first.prov.value.begin : first.prov.key.begin;
    inner = indentAt(text, keyAt);
    // A key on the brace's own line ("{ "a": 1,\n") keeps the compact form.
    if (text.substr(brace, keyAt - brace).find('\n') == std::string_view::npos) {
      return TextEdit{file, {brace + 1, brace + 1}, member + ", "};
    }
    return TextEdit{file, {brace + 1, brace + 1}, nl + inner + member + ","};
  }
  return TextEdit{file, {brace + 1, brace + 1}, nl + inner + member + nl + outer};
}

// Re-parses a JSON resource's body (an edge module object, an ARM resource) with provenance.
std::optional<Value> reparseBody(const SourceFile& file, ByteRange body) {
  if (body.end > file.text().size() || body.empty()) return std::nullopt;
  Value out;
  json::JsonError err;
  if (!json::parseJsonText(file.slice(body), file.id(), body.begin, out, err)) return std::nullopt;
  if (!out.isObject()) return std::nullopt;
  return out;
}

// The content of a JSON string literal for `s` (quotes, backslashes and control characters
// escaped; UTF-8 kept as it is).
std::string escapeJsonString(std::string_view s) {
  std::string quoted;
  report::appendJsonString(quoted, s);
  return quoted.substr(1, quoted.size() - 2);
}

// --- rules -------------------------------------------------------------------------------------

constexpr std::string_view kLogConfig = R"({"Type":"json-file","Config":{"max-size":"10m","max-file":"3"}})";
constexpr std::string_view kLogConfigSpaced = R"({"Type": "json-file", "Config": {"max-size": "10m", "max-file": "3"}})";

// Edits (in `text` coordinates) that give a createOptions object a LogConfig with rotation.
std::optional<TextEdit> logConfigEdit(std::string_view text, FileId file, const Value& co, bool compact) {
  std::string_view lc = compact ? kLogConfig : kLogConfigSpaced;
  if (!co.isObject()) return std::nullopt;
  const Value* hc = co.get("HostConfig");
  if (!hc) {
    std::string value = compact ? std::string("{\"LogConfig\":").append(lc).append("}")
                                : std::string("{\"LogConfig\": ").append(lc).append("}");
    return insertJsonMember(text, file, co, "HostConfig", value);
  }
  if (!hc->isObject()) return std::nullopt;
  const Value* existing = hc->get("LogConfig");
  if (!existing) return insertJsonMember(text, file, *hc, "LogConfig", lc);
  if (existing->prov.value.empty() || existing->prov.value.end > text.size()) return std::nullopt;
  return TextEdit{file, existing->prov.value, std::string(lc)};
}

std::optional<Fix> fixLogging(const Resource& r, const SourceStore& store) {
  if (r.kind != "IoTEdge/module") return std::nullopt;
  const SourceFile* file = fileOf(store, r.file);
  if (!file) return std::nullopt;
  std::optional<Value> mod = reparseBody(*file, r.body);
  if (!mod) return std::nullopt;
  const Value* settings = mod->get("settings");
  if (!settings || !settings->isObject()) return std::nullopt;
  for (const Member& m : settings->asObject()) {
    if (m.key.size() > 13 && equalsIgnoreCase(m.key.substr(0, 13), "createOptions")) return std::nullopt;  // chunks
  }
  Fix fix;
  fix.title = "Add a LogConfig with rotation (json-file, max-size 10m, 3 files) to createOptions";
  fix.preferred = true;
  std::string_view text = file->text();
  const Value* co = settings->get("createOptions");
  if (!co) {
    std::string value = "\"" + escapeJsonString(std::string("{\"HostConfig\":{\"LogConfig\":").append(kLogConfig).append("}}")) + "\"";
    std::optional<TextEdit> e = insertJsonMember(text, file->id(), *settings, "createOptions", value);
    if (!e) return std::nullopt;
    fix.edits.push_back(*e);
    return fix;
  }
  if (co->isObject()) {
    std::optional<TextEdit> e = logConfigEdit(text, file->id(), *co, false);
    if (!e) return std::nullopt;
    fix.edits.push_back(*e);
    return fix;
  }
  if (!co->isString()) return std::nullopt;
  // createOptions is JSON inside a JSON string: edit the decoded text, then map the edit back
  // onto the escaped literal.
  ByteRange lit = co->prov.value;
  if (lit.size() < 2 || lit.end > text.size() || text[lit.begin] != '"' || text[lit.end - 1] != '"') return std::nullopt;
  std::string_view raw = text.substr(lit.begin + 1, lit.size() - 2);
  std::string decoded;
  std::vector<uint32_t> map;
  if (!edge::decodeJsonString(raw, 0, decoded, map)) return std::nullopt;
  Value inner;
  json::JsonError err;
  if (decoded.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::string value = escapeJsonString(std::string("{\"HostConfig\":{\"LogConfig\":").append(kLogConfig).append("}}"));
    fix.edits.push_back(TextEdit{file->id(), {lit.begin + 1, lit.end - 1}, value});
    return fix;
  }
  if (!json::parseJsonText(decoded, kNoFile, 0, inner, err, json::JsonOptions{false, false, 512})) return std::nullopt;
  std::optional<TextEdit> e = logConfigEdit(decoded, kNoFile, inner, true);
  if (!e) return std::nullopt;
  uint32_t b = lit.begin + 1 + map[e->range.begin], en = lit.begin + 1 + map[e->range.end];
  fix.edits.push_back(TextEdit{file->id(), {b, en}, escapeJsonString(e->newText)});
  return fix;
}

std::vector<Fix> fixProtocolHeads(const Resource& r, const SourceStore& store) {
  std::vector<Fix> out;
  if (r.kind != "IoTEdge/edgeHub") return out;
  const SourceFile* file = fileOf(store, r.file);
  if (!file) return out;
  std::optional<Value> mod = reparseBody(*file, r.body);
  if (!mod) return out;
  const Value* heads = r.attributes.get("protocolHeads");
  struct Head {
    const char* attr;
    const char* label;
    const char* var;
  };
  for (Head h : {Head{"amqp", "AMQP (5671)", "amqpSettings__enabled"}, Head{"mqtt", "MQTT (8883)", "mqttSettings__enabled"},
                 Head{"https", "HTTPS (443)", "httpSettings__enabled"}}) {
    const Value* on = heads ? heads->get(h.attr) : nullptr;
    if (!on || !on->isBool() || !on->asBool()) continue;
    Fix fix;
    fix.title = std::string("Turn off the edgeHub ").append(h.label).append(" protocol head (").append(h.var).append(" = false)");
    std::string_view text = file->text();
    const Value* env = mod->get("env");
    std::optional<TextEdit> e;
    if (!env) {
      e = insertJsonMember(text, file->id(), *mod, "env", std::string("{\"").append(h.var).append("\": {\"value\": \"false\"}}"));
    } else if (env->isObject()) {
      const Value* var = env->get(h.var);
      if (!var) {
        e = insertJsonMember(text, file->id(), *env, h.var, "{\"value\": \"false\"}");
      } else {
        const Value* v = var->isObject() ? var->get("value") : var;
        if (v && v->isString()) e = replaceString(store, v, "false");
        else if (v && v->isBool()) e = replaceToken(store, v, "true", "false");
      }
    }
    if (!e) continue;
    fix.edits.push_back(*e);
    out.push_back(std::move(fix));
  }
  return out;
}

std::optional<Fix> fixTls(const Resource& r, const SourceStore& store) {
  if (r.kind != "Microsoft.Devices/IotHubs" && r.kind != "Microsoft.Devices/provisioningServices") return std::nullopt;
  const SourceFile* file = fileOf(store, r.file);
  if (!file) return std::nullopt;
  bool terraform = r.format == "terraform";
  Fix fix;
  fix.title = terraform ? "Set min_tls_version to \"1.2\"" : "Set minTlsVersion to 1.2";
  fix.preferred = true;
  if (const Value* v = r.attributes.at("properties.minTlsVersion")) {
    if (!v->isString()) return std::nullopt;
    std::optional<TextEdit> e = replaceString(store, v, "1.2");
    if (!e) return std::nullopt;
    std::string_view old = fileOf(store, e->file)->slice(e->range);
    if (old.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;
    fix.edits.push_back(*e);
    return fix;
  }
  if (r.kind != "Microsoft.Devices/IotHubs") return std::nullopt;
  std::string_view text = file->text();
  if (terraform) {
    if (r.sourceType != "azurerm_iothub") return std::nullopt;
    size_t brace = text.find('{', r.header.begin);
    if (brace == std::string_view::npos || brace >= r.body.end) return std::nullopt;
    fix.edits.push_back(insertLineInBlock(*file, static_cast<uint32_t>(brace), "min_tls_version = \"1.2\""));
    return fix;
  }
  const Value* props = r.attributes.get("properties");
  if (!props || !props->isObject() || props->prov.file != file->id() || props->prov.value.end > text.size() ||
      text[props->prov.value.begin] != '{') {
    return std::nullopt;
  }
  if (r.format == "bicep") {
    fix.edits.push_back(insertLineInBlock(*file, props->prov.value.begin, "minTlsVersion: '1.2'"));
    return fix;
  }
  if (r.format == "arm") {
    std::optional<TextEdit> e = insertJsonMember(text, file->id(), *props, "minTlsVersion", "\"1.2\"");
    if (!e) return std::nullopt;
    fix.edits.push_back(*e);
    return fix;
  }
  return std::nullopt;
}

std::optional<Fix> fixDefaultAction(const Resource& r, const SourceStore& store) {
  const Value* v = r.attributes.at("properties.networkRuleSets.defaultAction");
  if (!v || !v->isString() || !equalsIgnoreCase(v->asString(), "Allow")) return std::nullopt;
  std::optional<TextEdit> e = replaceString(store, v, "Deny");
  if (!e) return std::nullopt;
  Fix fix;
  fix.title = r.format == "terraform" ? "Set default_action to \"Deny\"" : "Set networkRuleSets.defaultAction to Deny";
  fix.preferred = true;
  fix.edits.push_back(*e);
  return fix;
}

std::optional<Fix> fixAdminUser(const Resource& r, const SourceStore& store) {
  const Value* v = r.attributes.at("properties.adminUserEnabled");
  if (!v || !v->isBool() || !v->asBool()) return std::nullopt;
  std::optional<TextEdit> e = replaceToken(store, v, "true", "false");
  if (!e) return std::nullopt;
  Fix fix;
  fix.title = r.format == "terraform" ? "Disable the admin user (admin_enabled = false)" : "Disable the admin user (adminUserEnabled: false)";
  fix.preferred = true;
  fix.edits.push_back(*e);
  return fix;
}

bool attributeLike(std::string_view line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos) return false;
  char c = line[i];
  if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '"' || c == '\'' || c == '[')) return false;
  size_t sep = line.find_first_of("=:{", i);
  return sep != std::string_view::npos;
}

}  // namespace

std::vector<Fix> fixesFor(const Finding& f, const ResourceGraph& graph, const SourceStore& store) {
  std::vector<Fix> out;
  if (f.suppressed || f.unknown) return out;
  const Resource* r = findResource(f, graph);
  if (!r) return out;
  std::optional<Fix> one;
  if (f.rule == "EG004") one = fixTls(*r, store);
  else if (f.rule == "EG005") one = fixDefaultAction(*r, store);
  else if (f.rule == "EG009") one = fixLogging(*r, store);
  else if (f.rule == "EG201") one = fixAdminUser(*r, store);
  else if (f.rule == "EG008") out = fixProtocolHeads(*r, store);
  if (one) out.push_back(std::move(*one));
  return out;
}

std::optional<Fix> suppressionFix(const Finding& f, const SourceStore& store, std::string_view reason) {
  if (f.suppressed || f.rule.rfind("EG9", 0) == 0) return std::nullopt;
  const SourceFile* file = fileOf(store, f.location.file);
  if (!file) return std::nullopt;
  const std::string& path = file->path();
  std::string prefix;
  bool json = endsWith(path, ".json") || endsWith(path, ".jsonc");
  if (json || endsWith(path, ".bicep") || endsWith(path, ".bicepparam")) prefix = "//";
  else if (endsWith(path, ".tf") || endsWith(path, ".tfvars") || endsWith(path, ".hcl") || endsWith(path, ".toml") ||
           endsWith(path, ".yaml") || endsWith(path, ".yml")) prefix = "#";
  else return std::nullopt;
  const LineIndex& lines = file->lines();
  uint32_t line = lines.lineOf(f.location.range.begin);
  // Outside JSON a finding may sit inside a multi-line string (a heredoc): a comment there
  // would change the string, so fall back to the resource's header line.
  if (!json && !attributeLike(file->lineText(line)) && f.anchor.file == file->id()) {
    line = lines.lineOf(f.anchor.range.begin);
  }
  uint32_t at = lines.lineStart(line);
  std::string indent = indentAt(file->text(), at);
  Fix fix;
  fix.title = "Suppress " + f.rule + " here with a reason (edgeguard:ignore comment)";
  fix.edits.push_back(TextEdit{file->id(), {at, at},
                               indent + prefix + " edgeguard:ignore " + f.rule + " " + std::string(reason) + newlineOf(file->text())});
  return fix;
}

std::string applyEdits(std::string_view text, FileId file, std::vector<TextEdit> edits, size_t* skipped) {
  std::erase_if(edits, [&](const TextEdit& e) { return e.file != file; });
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.range.begin < b.range.begin; });
  std::string out;
  uint32_t pos = 0;
  bool any = false;
  for (const TextEdit& e : edits) {
    if ((any && e.range.begin < pos) || e.range.end > text.size() || e.range.end < e.range.begin) {
      if (skipped) ++*skipped;
      continue;
    }
    out.append(text.substr(pos, e.range.begin - pos));
    out += e.newText;
    pos = e.range.end;
    any = true;
  }
  out.append(text.substr(pos));
  return out;
}

std::string unifiedDiff(const std::string& path, std::string_view before, std::string_view after) {
  if (before == after) return {};
  auto split = [](std::string_view t) {
    std::vector<std::string_view> lines;
    size_t i = 0;
    while (i < t.size()) {
      size_t e = t.find('\n', i);
      size_t end = e == std::string_view::npos ? t.size() : e + 1;
      lines.push_back(t.substr(i, end - i));
      i = end;
    }
    return lines;
  };
  std::vector<std::string_view> a = split(before), b = split(after);
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  // ' ' keep, '-' delete, '+' insert, built backwards (reversed below).
  struct Op {
    char kind;
    int ai, bi;
  };
  std::vector<Op> ops;
  // Common leading and trailing lines are kept as they are; Myers' O(ND) diff runs on the lines
  // between, storing only the diagonals each step can reach (O(D^2) memory, not O(D(N+M)): a
  // 722 KB file with thousands of fixes took 5 GB). Past kMaxSteps differences the middle is
  // shown as one replacement: still a correct diff, in bounded memory.
  constexpr int kMaxSteps = 4096;
  int pre = 0;
  while (pre < n && pre < m && a[pre] == b[pre]) ++pre;
  int suf = 0;
  while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf]) ++suf;
  for (int k = 0; k < suf; ++k) ops.push_back({' ', n - 1 - k, m - 1 - k});
  int an = n - pre - suf, bm = m - pre - suf;  // the middle: a[pre, pre + an), b[pre, pre + bm)
  int max = an + bm;
  int offset = max + 1;
  std::vector<int> v(2 * static_cast<size_t>(max) + 3, 0);
  std::vector<std::vector<int>> trace;  // trace[d][k + d + 1]: v[k] before step d, k in [-d-1, d+1]
  bool done = max == 0;
  for (int d = 0; d <= max && !done; ++d) {
    if (d > kMaxSteps) break;
    trace.emplace_back(v.begin() + (offset - d - 1), v.begin() + (offset + d + 2));
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset])) ? v[k + 1 + offset] : v[k - 1 + offset] + 1;
      int y = x - k;
      while (x < an && y < bm && a[pre + x] == b[pre + y]) ++x, ++y;
      v[k + offset] = x;
      if (x >= an && y >= bm) {
        done = true;
        break;
      }
    }
  }
  if (!done) {
    for (int k = bm - 1; k >= 0; --k) ops.push_back({'+', pre + an, pre + k});
    for (int k = an - 1; k >= 0; --k) ops.push_back({'-', pre + k, pre});
  } else if (max > 0) {
    int x = an, y = bm;
    for (int d = static_cast<int>(trace.size()) - 1; d >= 0; --d) {
      const std::vector<int>& vv = trace[static_cast<size_t>(d)];
      auto at = [&](int k) { return vv[static_cast<size_t>(k + d + 1)]; };
      int k = x - y;
      int prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
      int prevX = at(prevK), prevY = prevX - prevK;
      while (x > prevX && y > prevY) --x, --y, ops.push_back({' ', pre + x, pre + y});
      if (d > 0) {
        if (x == prevX) --y, ops.push_back({'+', pre + x, pre + y});
        else --x, ops.push_back({'-', pre + x, pre + y});
      }
    }
  }
  for (int k = pre - 1; k >= 0; --k) ops.push_back({' ', k, k});
  std::reverse(ops.begin(), ops.end());
  std::string out = "--- a/" + path + "\n+++ b/" + path + "\n";
  auto line = [&](char kind, std::string_view text) {
    out += kind;
    out.append(text);
    if (text.empty() || text.back() != '\n') out += "\n\\ No newline at end of file\n";
  };
  const int context = 3;
  size_t i = 0;
  while (i < ops.size()) {
    if (ops[i].kind == ' ') {
      ++i;
      continue;
    }
    size_t start = i >= static_cast<size_t>(context) ? i - context : 0;
    while (start < i && ops[start].kind != ' ') ++start;
    size_t end = i;
    size_t lastChange = i;
    while (end < ops.size()) {
      if (ops[end].kind != ' ') lastChange = end;
      else if (end - lastChange > static_cast<size_t>(2 * context)) break;
      ++end;
    }
    end = std::min(ops.size(), lastChange + 1 + context);
    int aStart = -1, bStart = -1, aLen = 0, bLen = 0;
    for (size_t k = start; k < end; ++k) {
      const Op& o = ops[k];
      if (o.kind != '+') {
        if (aStart < 0) aStart = o.ai;
        ++aLen;
      }
      if (o.kind != '-') {
        if (bStart < 0) bStart = o.bi;
        ++bLen;
      }
    }
    if (aStart < 0) aStart = start < ops.size() ? ops[start].ai : n;
    if (bStart < 0) bStart = start < ops.size() ? ops[start].bi : m;
    out += "@@ -" + std::to_string(aLen ? aStart + 1 : aStart) + "," + std::to_string(aLen) + " +" +
           std::to_string(bLen ? bStart + 1 : bStart) + "," + std::to_string(bLen) + " @@\n";
    for (size_t k = start; k < end; ++k) {
      const Op& o = ops[k];
      line(o.kind, o.kind == '+' ? b[o.bi] : a[o.ai]);
    }
    i = end;
  }
  return out;
}

}  // namespace eg

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "linter/core/ProjectRoot.h"

namespace eg {

namespace {

// Writes `text` over `path` through a temporary file created exclusively beside it (O_EXCL, so
// a planted `hub.tf.edgeguard-fix` link is never followed), with the file's permission bits
// (not set-id ones), then renamed over the file (a rename replaces the name, never a link's
// target). An empty string on success, else why not.
std::string replaceFile(const std::string& path, const std::string& text) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return "cannot read its status";
  if (!S_ISREG(st.st_mode)) return "not a regular file (a symbolic link or a device); not fixed";
  std::string tmp = path + ".edgeguard-fix-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return "cannot create a temporary file beside it";
  auto fail = [&](std::string why) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return why;
  };
  if (::fchmod(fd, st.st_mode & 0777) != 0) return fail("cannot set the temporary file's permissions");
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write the temporary file");
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot write the temporary file");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return "cannot write the temporary file";
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::string("cannot replace: ") + std::strerror(errno);
    ::unlink(tmp.c_str());
    return why;
  }
  return {};
}

}  // namespace

FixRun applyFixes(const std::vector<Finding>& findings, const ResourceGraph& graph, const SourceStore& store,
                  bool dryRun, const std::filesystem::path& root) {
  FixRun run;
  std::map<FileId, std::vector<TextEdit>> byFile;
  std::map<FileId, std::vector<std::string>> fixedIn;  // fingerprints of the findings fixed, per file
  for (const Finding& f : findings) {
    for (const Fix& fix : fixesFor(f, graph, store)) {
      if (!fix.preferred || fix.edits.empty()) continue;
      bool oneFile = std::all_of(fix.edits.begin(), fix.edits.end(),
                                 [&](const TextEdit& e) { return e.file == fix.edits.front().file; });
      if (!oneFile) continue;
      FileId id = fix.edits.front().file;
      std::vector<TextEdit>& edits = byFile[id];
      // Two findings may want the same edit (one literal flagged by two rules): apply it once.
      bool overlaps = false;
      for (const TextEdit& e : fix.edits) {
        for (const TextEdit& have : edits) {
          bool sameInsert = e.range.empty() && have.range.empty() && e.range.begin == have.range.begin;
          if (sameInsert || (e.range.begin < have.range.end && have.range.begin < e.range.end)) overlaps = true;
        }
      }
      if (overlaps) continue;
      edits.insert(edits.end(), fix.edits.begin(), fix.edits.end());
      fixedIn[id].push_back(f.fingerprint);
      break;  // one fix per finding
    }
  }
  // In path order, whatever order the files were read in (the diff is the same on every file system).
  std::vector<std::pair<std::string, FileId>> order;
  for (const auto& [id, edits] : byFile) {
    if (const SourceFile* file = store.get(id)) order.emplace_back(file->path(), id);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [path, id] : order) {
    const SourceFile* file = store.get(id);
    std::vector<TextEdit>& edits = byFile[id];
    // Only files of the project, reached without a link: a `../../outside` module source or a
    // committed symlink must not let a pull request's --fix rewrite someone else's file.
    struct stat lst;
    if (!root.empty() && !isInsideRoot(root, file->path())) {
      run.errors.push_back(file->path() + ": outside the project root " + root.string() + "; not fixed");
      continue;
    }
    if (::lstat(file->path().c_str(), &lst) != 0 || !S_ISREG(lst.st_mode)) {
      run.errors.push_back(file->path() + ": not a regular file (a symbolic link or a device); not fixed");
      continue;
    }
    std::string after = applyEdits(file->text(), id, edits);
    if (after == file->text()) continue;
    // The store blanks a UTF-8 BOM to spaces; put it back in what is written.
    // Larger than what was read (plus a BOM), or no longer a regular file: it changed.
    std::string disk;
    bool readBack = readSmallFile(file->path(), file->text().size() + 3, disk) == ReadResult::Ok;
    bool bom = disk.size() >= 3 && disk.compare(0, 3, "\xEF\xBB\xBF") == 0;
    if (bom) disk.replace(0, 3, "   ");
    if (!readBack || disk != file->text()) {
      run.errors.push_back(file->path() + ": changed since it was read; not fixed");
      continue;
    }
    const std::vector<std::string>& fixedHere = fixedIn[id];  // (clang 14 cannot capture a binding)
    auto succeeded = [&] {
      ++run.files;
      run.fixes += fixedHere.size();
      run.fixed.insert(run.fixed.end(), fixedHere.begin(), fixedHere.end());
    };
    if (dryRun) {
      // Secrets in the lines around a change are masked as in code frames: the same edits
      // applied to the masked text (masking keeps every offset).
      // Control characters become '?' (line ends kept) so that no line of the diff can drive
      // a terminal or a CI log.
      std::string maskedBefore = store.masked(id, 0, file->text());
      run.diff += unifiedDiff(report::escapeTerminal(file->path()), report::neutralizeControls(maskedBefore, true),
                              report::neutralizeControls(applyEdits(maskedBefore, id, edits), true));
      succeeded();
      continue;
    }
    if (bom) after.replace(0, 3, "\xEF\xBB\xBF");
    if (std::string why = replaceFile(file->path(), after); !why.empty()) {
      run.errors.push_back(file->path() + ": " + why);
      continue;
    }
    succeeded();
  }
  return run;
}

}  // namespace eg
