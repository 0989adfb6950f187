// Module loading, variable binding and resource emission for one Terraform unit.
//
// Decisions (documented in parsers/terraform/README.md):
//  - count/for_each: one representative instance per resource or module call. A known count
//    binds count.index = 0; a known for_each binds each.key/each.value to its first element
//    (lexical key order for maps, as Terraform iterates); unknown ones bind Unknown. A known
//    count of 0 or an empty for_each emits nothing.
//  - Registry/git module sources are followed where `terraform init` installed them
//    (.terraform/modules/modules.json of the root module, by the call's key); when they are
//    not there, the call gets one EG910 notice ("run terraform init"), module.x.* is Unknown
//    and the call is remembered in ModuleInstance::unresolvedChildren.
//  - A local module directory is parsed once per unit however often it is called.
#include "linter/core/Budget.h"
#include "parsers/terraform/TerraformModule.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "parsers/json/JsonReader.h"
#include "parsers/terraform/Mapping.h"

namespace eg::terraform {

namespace fs = std::filesystem;

std::optional<Version> parseVersion(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == 'v')) s.remove_prefix(1);
  Version v;
  int* parts[3] = {&v.major, &v.minor, &v.patch};
  size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    size_t b = i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') { n = n * 10 + (s[i] - '0'); ++i; }
    if (i == b) return k == 0 ? std::nullopt : std::optional<Version>(v);
    *parts[k] = n;
    if (i >= s.size() || s[i] != '.') break;
    ++i;
  }
  return v;
}

std::optional<Version> constraintLowerBound(std::string_view c) {
  std::optional<Version> best;
  size_t i = 0;
  while (i <= c.size()) {
    size_t comma = c.find(',', i);
    std::string_view part = c.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    std::string_view op;
    for (std::string_view o : {"~>", ">=", "<=", "!=", ">", "<", "="}) {
      if (part.substr(0, o.size()) == o) { op = o; break; }
    }
    part.remove_prefix(op.size());
    if (op != "<" && op != "<=" && op != "!=") {
      if (auto v = parseVersion(part); v && (!best || *v > *best)) best = v;
    }
    if (comma == std::string_view::npos) break;
    i = comma + 1;
  }
  return best;
}

void ModuleDef::index(const ParsedFile& pf, std::vector<Error>& errors) {
  files.push_back(&pf);
  auto duplicate = [&](const Block& b, const Block& first, const std::string& what) {
    Error e;
    e.path = pf.file->path();
    e.file = b.file;
    e.range = b.header;
    e.code = kDuplicateDeclarationCode;  // the files parse; the configuration is invalid
    std::string where;
    for (const ParsedFile* other : files) {
      if (other->file && other->file->id() == first.file) {
        where = other->file->path() + ":" + std::to_string(other->file->position(first.header.begin).line);
      }
    }
    e.message = "duplicate " + what + "; the first is declared at " + where + " (Terraform rejects this)";
    errors.push_back(std::move(e));
  };
  auto add = [&](std::unordered_map<std::string, const Block*>& map, const std::string& key, const Block& b,
                 const std::string& what) {
    auto [it, inserted] = map.emplace(key, &b);
    if (!inserted) duplicate(b, *it->second, what);
    return inserted;
  };
  for (const Block& b : pf.body.blocks) {
    if (b.type == "resource" && b.labels.size() == 2) {
      std::string key = b.labels[0] + "." + b.labels[1];
      // A duplicate is still evaluated and checked (a directory of independent snippets is a
      // common layout for examples); references by name resolve to the first declaration.
      add(resources, key, b, "resource \"" + b.labels[0] + "\" \"" + b.labels[1] + "\"");
      resourceOrder.push_back(&b);
    } else if (b.type == "variable" && b.labels.size() == 1) {
      add(variables, b.labels[0], b, "variable \"" + b.labels[0] + "\"");
    } else if (b.type == "output" && b.labels.size() == 1) {
      add(outputs, b.labels[0], b, "output \"" + b.labels[0] + "\"");
    } else if (b.type == "module" && b.labels.size() == 1) {
      if (add(moduleCalls, b.labels[0], b, "module \"" + b.labels[0] + "\"")) moduleOrder.push_back(&b);
    } else if (b.type == "locals") {
      for (const Attribute& a : b.attributes) locals[a.name] = &a;
    }
  }
}

namespace {

bool isConfigFile(std::string_view name) { return name.ends_with(".tf") || name.ends_with(".tf.json"); }
bool isAutoVarFile(std::string_view name) {
  return name == "terraform.tfvars" || name == "terraform.tfvars.json" || name.ends_with(".auto.tfvars") ||
         name.ends_with(".auto.tfvars.json");
}
// Terraform's load order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) lexically.
int varFileRank(std::string_view name) {
  if (name == "terraform.tfvars") return 0;
  if (name == "terraform.tfvars.json") return 1;
  return 2;
}

std::vector<Binding> representative(Evaluator& ev, const Block& b, bool& skip) {
  std::vector<Binding> out;
  skip = false;
  if (const Attribute* c = b.attr("count")) {
    Value n = ev.eval(c->expr);
    Value idx = Value::unknown("count.index of " + (b.labels.empty() ? b.type : b.labels.back()) + " is unknown");
    if (n.isNumber()) {
      if (n.asNumber() <= 0) skip = true;
      idx = Value(0);
    }
    Value count = Value::object();
    count.set("index", std::move(idx));
    out.push_back({"count", std::move(count)});
  }
  if (const Attribute* fe = b.attr("for_each")) {
    Value coll = ev.eval(fe->expr);
    Value key = Value::unknown("each.key: for_each is not known statically"), val = key;
    if (coll.isUnknown() || coll.containsUnknown()) {
      std::string why = coll.isUnknown() ? coll.unknownReason() : std::string("for_each contains unknown values");
      key = Value::unknown("each.key: " + why);
      val = Value::unknown("each.value: " + why);
    } else if (coll.isObject()) {
      if (coll.asObject().empty()) skip = true;
      else {
        const Member* first = &coll.asObject().front();
        for (const Member& m : coll.asObject()) if (m.key < first->key) first = &m;
        key = Value(first->key);
        val = first->value;
      }
    } else if (coll.isArray()) {
      if (coll.asArray().empty()) skip = true;
      else { key = coll.asArray().front(); val = key; }
    }
    Value each = Value::object();
    each.set("key", std::move(key));
    each.set("value", std::move(val));
    out.push_back({"each", std::move(each)});
  }
  return out;
}

}  // namespace

std::vector<Binding> representativeBindings(Evaluator& ev, const Block& b, bool& skip) {
  return representative(ev, b, skip);
}

const ParsedFile* TerraformUnit::parse(const SourceFile& f) {
  auto it = parsedByPath_.find(f.path() + '\0' + std::to_string(f.id()));
  if (it != parsedByPath_.end()) return it->second;
  parsed_.push_back(ParsedFile::parseKept(f, ctx_.errors));
  const ParsedFile* pf = parsed_.back().get();
  parsedByPath_.emplace(f.path() + '\0' + std::to_string(f.id()), pf);
  return pf;
}

Expr TerraformUnit::parseScratch(std::string text) { return scratch_->parseExpression(std::move(text), kNoFile, 0); }

const Expr* TerraformUnit::jsonTemplate(const Value& v, const ExprSource& s) {
  auto it = jsonTemplates_.find(&v);
  if (it != jsonTemplates_.end()) return it->second.valid() ? &it->second : nullptr;
  // Re-parse the JSON string token (quotes included) as an HCL template; JSON escapes are
  // HCL escapes, so offsets map back to the .tf.json file linearly.
  Expr e;
  ByteRange r = v.prov.value;
  if (r.end > r.begin && r.end <= s.text.size())
    e = scratch_->parseExpression(std::string(s.text.substr(r.begin, r.size())), s.file, r.begin);
  auto [pos, _] = jsonTemplates_.emplace(&v, e);
  return pos->second.valid() ? &pos->second : nullptr;
}

Value TerraformUnit::local(ModuleInstance& m, const std::string& name, ByteRange at) {
  auto it = m.localCache.find(name);
  if (it != m.localCache.end()) return it->second;
  auto def = m.def->locals.find(name);
  if (def == m.def->locals.end()) return Value::unknown("local." + name + " is not declared");
  std::string busyKey = "local." + name;
  if (!m.busy.insert(busyKey).second) {
    orderDependent_ = true;
    return Value::unknown("local." + name + " refers to itself");
  }
  Evaluator ev(*this, m);
  std::vector<std::string> refs;
  ev.references = &refs;
  Value v = ev.eval(def->second->expr);
  if (v.hasMoreNodesThan(kMaxReferencedValueNodes)) v = Value::unknown(tooManyNodesReason());
  m.busy.erase(busyKey);
  m.localCache.emplace(name, v);
  if (!refs.empty()) m.localRefs[name] = std::move(refs);
  return v;
}

Value TerraformUnit::output(ModuleInstance& m, std::string_view name, ByteRange at) {
  std::string key = "output." + std::string(name);
  auto cached = m.localCache.find(key);
  if (cached != m.localCache.end()) return cached->second;
  auto it = m.def->outputs.find(std::string(name));
  if (it == m.def->outputs.end()) return Value::unknown(m.prefix + "output " + std::string(name) + " is not declared");
  const Attribute* a = it->second->attr("value");
  if (!a) return Value::unknown("output " + std::string(name) + " has no value");
  if (!m.busy.insert(key).second) {
    orderDependent_ = true;
    return Value::unknown("output " + std::string(name) + " refers to itself");
  }
  Evaluator ev(*this, m);
  Value v = ev.eval(a->expr);
  if (v.hasMoreNodesThan(kMaxReferencedValueNodes)) v = Value::unknown(tooManyNodesReason());
  m.busy.erase(key);
  m.localCache.emplace(key, v);
  return v;
}

Value TerraformUnit::resourceAttribute(ModuleInstance& m, const Block& res, std::string_view attr, ByteRange at) {
  std::string addr = res.labels[0] + "." + res.labels[1];
  std::string key = "res." + addr + "." + std::string(attr);
  auto cached = m.localCache.find(key);
  if (cached != m.localCache.end()) return cached->second;
  if (!m.busy.insert(key).second) {
    orderDependent_ = true;
    return Value::unknown(addr + "." + std::string(attr) + " refers to itself");
  }
  Evaluator ev(*this, m);
  bool skip = false;
  ev.bindings = representative(ev, res, skip);
  Value v;
  if (const Attribute* a = res.attr(attr)) {
    v = ev.eval(a->expr);
  } else if (res.block(attr)) {
    Value all = Value::array();
    for (const Block& nb : res.blocks) if (nb.type == attr) all.asArray().push_back(ev.evalBody(nb));
    v = std::move(all);
  } else {
    v = Value::unknown(m.prefix + addr + "." + std::string(attr) + " is known only after apply");
  }
  m.busy.erase(key);
  m.localCache.emplace(key, v);
  return v;
}

ModuleDef* TerraformUnit::loadModuleDir(const std::string& dir, const Block& call, const SourceFile* callerFile) {
  auto found = defsByDir_.find(dir);
  if (found != defsByDir_.end()) return found->second;
  const Attribute* src = call.attr("source");
  auto report = [&](std::string msg) {
    Error e;
    e.path = callerFile ? callerFile->path() : std::string();
    e.file = call.file;
    e.range = src ? src->expr.range() : call.header;
    e.message = std::move(msg);
    e.code = kNotFollowedCode;
    ctx_.errors.push_back(std::move(e));
  };
  if (!ctx_.options.insideRoots(dir)) {  // not even its file names are read
    report("module \"" + call.labels[0] + "\": " + dir + " is " + kOutsideRoot);
    defsByDir_.emplace(dir, nullptr);
    return nullptr;
  }
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (isConfigFile(name) && it->is_regular_file(ec)) paths.push_back(it->path());
  }
  if (ec || paths.empty()) {
    report("module \"" + call.labels[0] + "\": no Terraform files found in " + dir);
    defsByDir_.emplace(dir, nullptr);
    return nullptr;
  }
  std::sort(paths.begin(), paths.end());
  auto def = std::make_unique<ModuleDef>();
  def->dir = dir;
  for (const fs::path& p : paths) {
    LoadError le;
    const SourceFile* f = ctx_.load(p, &le);
    if (!f) {
      Error e;
      e.path = le.path.empty() ? displayPath(p) : le.path;
      e.message = le.message;
      ctx_.errors.push_back(std::move(e));
      continue;
    }
    def->index(*parse(*f), ctx_.errors);
  }
  ModuleDef* raw = def.get();
  defs_.push_back(std::move(def));
  defsByDir_.emplace(dir, raw);
  return raw;
}

void TerraformUnit::bindVariableDefaults(ModuleInstance& m) {
  for (const auto& [name, block] : m.def->variables) {
    if (const Attribute* d = block->attr("default")) {
      Evaluator ev(*this, m);
      Value v = ev.eval(d->expr);
      v.prov.key = d->nameRange;
      m.vars[name] = std::move(v);
    } else {
      Value u = Value::unknown("var." + name + " has no value");
      u.prov = Provenance{block->file, block->header, {}};
      m.vars[name] = std::move(u);
    }
  }
}

void TerraformUnit::applyVarFile(ModuleInstance& m, const ParsedFile& pf) {
  Evaluator ev(*this, m);
  for (const Attribute& a : pf.body.attributes) {
    Value v = ev.eval(a.expr);
    v.prov.key = a.nameRange;
    m.vars[a.name] = std::move(v);
  }
}

void TerraformUnit::bindRootVariables(ModuleInstance& root, const std::vector<const SourceFile*>& files,
                                      const std::string& dir) {
  bindVariableDefaults(root);
  // Auto-loaded variable files: those in the unit, plus those on disk next to the unit's
  // files (a unit may be a subset of the directory, e.g. files named on the command line).
  std::vector<std::pair<std::string, const SourceFile*>> varFiles;
  for (const SourceFile* f : files) {
    std::string name = fs::path(f->path()).filename().string();
    if (isAutoVarFile(name)) varFiles.emplace_back(name, f);
  }
  if (!dir.empty()) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!isAutoVarFile(name)) continue;
      if (std::any_of(varFiles.begin(), varFiles.end(), [&](const auto& p) { return p.first == name; })) continue;
      LoadError le;
      if (const SourceFile* f = ctx_.load(it->path(), &le)) varFiles.emplace_back(name, f);
      else ctx_.errors.push_back(Error{le.path, kNoFile, {}, 0, 0, le.message, kInputErrorCode});
    }
  }
  std::sort(varFiles.begin(), varFiles.end(), [](const auto& a, const auto& b) {
    int ra = varFileRank(a.first), rb = varFileRank(b.first);
    return ra != rb ? ra < rb : a.first < b.first;
  });
  for (const auto& [name, f] : varFiles) applyVarFile(root, *parse(*f));
  for (const fs::path& p : ctx_.options.terraformVarFiles) {
    LoadError le;
    const SourceFile* f = ctx_.load(p, &le);
    if (!f) { ctx_.errors.push_back(Error{le.path.empty() ? displayPath(p) : le.path, kNoFile, {}, 0, 0, le.message, kInputErrorCode}); continue; }
    applyVarFile(root, *parse(*f));
  }
  for (const auto& [k, text] : ctx_.options.terraformVars) {
    // --var k=v: v is an HCL expression when it parses to a known value, else a plain string.
    Expr e = parseScratch(text);
    Value v(text);
    if (e.valid()) {
      Evaluator ev(*this, root);
      Value parsed = ev.eval(e);
      if (!parsed.containsUnknown()) v = std::move(parsed);
    }
    v.prov = Provenance{};
    root.vars[k] = std::move(v);
  }
}

const std::map<std::string, std::string>& TerraformUnit::installedModules() {
  if (installed_) return *installed_;
  installed_.emplace();
  if (!root_ || root_->def->dir.empty()) return *installed_;
  fs::path manifest = fs::path(root_->def->dir) / ".terraform" / "modules" / "modules.json";
  if (!ctx_.isFile(manifest)) return *installed_;
  LoadError le;
  const SourceFile* f = ctx_.load(manifest, &le);  // inside the project root, or not read
  if (!f) {
    ctx_.errors.push_back(Error{le.path.empty() ? displayPath(manifest) : le.path, kNoFile, {}, 0, 0, le.message, kNotFollowedCode});
    return *installed_;
  }
  Value doc;
  json::JsonError err;
  if (!json::parseJson(*f, doc, err)) {
    ctx_.errors.push_back(Error{f->path(), f->id(), ByteRange{err.offset, err.offset}, 0, 0,
                                "invalid JSON: " + err.message, kInputErrorCode});
    return *installed_;
  }
  const Value* mods = doc.isObject() ? doc.get("Modules") : nullptr;
  if (!mods || !mods->isArray()) return *installed_;
  for (const Value& e : mods->asArray()) {
    const Value* key = e.isObject() ? e.get("Key") : nullptr;
    const Value* dir = e.isObject() ? e.get("Dir") : nullptr;
    if (!key || !dir || !key->isString() || !dir->isString() || key->asString().empty()) continue;
    // Dir is relative to the root module; an absolute one or one that climbs out is still
    // bounded by the project root check in loadModuleDir.
    installed_->emplace(key->asString(), dir->asString());
  }
  return *installed_;
}

ModuleInstance* TerraformUnit::child(ModuleInstance& m, const std::string& name) {
  auto have = m.children.find(name);
  if (have != m.children.end()) return have->second.get();
  if (m.unresolvedChildren.count(name)) return nullptr;
  auto callIt = m.def->moduleCalls.find(name);
  auto unresolved = [&]() -> ModuleInstance* { m.unresolvedChildren.insert(name); return nullptr; };
  if (callIt == m.def->moduleCalls.end()) return unresolved();
  const Block& call = *callIt->second;
  const Attribute* src = call.attr("source");
  if (!src) return unresolved();
  Evaluator pev(*this, m);
  Value sv = pev.eval(src->expr);
  if (!sv.isString()) return unresolved();
  const std::string& source = sv.asString();
  const SourceFile* callerFile = ctx_.store.get(call.file);
  std::string dir;
  if (source.rfind("./", 0) == 0 || source.rfind("../", 0) == 0) {
    fs::path base = m.def->dir.empty() ? fs::path(".") : fs::path(m.def->dir);
    dir = (base / source).lexically_normal().generic_string();
  } else {
    // Registry, git and other remote sources: where `terraform init` installed them, as listed
    // in .terraform/modules/modules.json under the call's key ("hub", "parent.child").
    std::string key = name;
    for (const ModuleInstance* a = &m; a && a->parent; a = a->parent) key = a->callName + "." + key;
    const auto& installed = installedModules();
    auto it = installed.find(key);
    if (it == installed.end() || !root_ || root_->def->dir.empty()) {
      Error e;
      e.path = callerFile ? callerFile->path() : std::string();
      e.file = call.file;
      e.range = src->expr.range();
      e.message = "module \"" + name + "\" (source \"" + source +
                  "\") is not on disk: run terraform init; its resources are not checked";
      e.code = kModuleNotOnDiskCode;
      e.notice = true;
      ctx_.errors.push_back(std::move(e));
      return unresolved();
    }
    dir = (fs::path(root_->def->dir) / it->second).lexically_normal().generic_string();
  }
  if (!dir.empty() && dir.back() == '/') dir.pop_back();
  // Cycle: the target directory is already on this instance's ancestry.
  for (ModuleInstance* a = &m; a; a = a->parent) {
    if (a->def->dir == dir) {
      std::string chain = dir;
      for (ModuleInstance* b = &m; b; b = b->parent) { chain = b->def->dir + " -> " + chain; if (b == a) break; }
      ctx_.errors.push_back(Error{callerFile ? callerFile->path() : std::string(), call.file, src->expr.range(), 0, 0,
                                  "module \"" + name + "\" creates a cycle: " + chain, kNotFollowedCode});
      return unresolved();
    }
  }
  if (m.depth >= 32) {
    ctx_.errors.push_back(Error{callerFile ? callerFile->path() : std::string(), call.file, src->expr.range(), 0, 0,
                                "module \"" + name + "\" is nested more than 32 levels deep", kNotFollowedCode});
    return unresolved();
  }
  ModuleDef* def = loadModuleDir(dir, call, callerFile);
  if (!def) return unresolved();
  auto inst = std::make_unique<ModuleInstance>();
  inst->def = def;
  inst->parent = &m;
  inst->prefix = m.prefix + "module." + name + ".";
  inst->callName = name;
  inst->depth = m.depth + 1;
  ModuleInstance* ptr = inst.get();
  m.children.emplace(name, std::move(inst));
  // The pinned provider lower bound: the strictest of this module's and its ancestors'.
  ptr->azurermLowerBound = m.azurermLowerBound;
  computePin(*ptr);
  bindVariableDefaults(*ptr);
  Evaluator cev(*this, m);
  bool skip = false;
  cev.bindings = representative(cev, call, skip);
  for (const Attribute& a : call.attributes) {
    if (a.name == "source" || a.name == "version" || a.name == "count" || a.name == "for_each" ||
        a.name == "providers" || a.name == "depends_on")
      continue;
    std::vector<std::string> refs;
    cev.references = &refs;
    Value v = cev.eval(a.expr);
    cev.references = nullptr;
    v.prov.key = a.nameRange;
    ptr->vars[a.name] = std::move(v);
    if (!refs.empty()) ptr->varRefs[a.name] = std::move(refs);
  }
  return ptr;
}

}  // namespace eg::terraform
