// BicepFrontEnd: file selection, units (one folder), parameter binding. See BicepFrontEnd.h.
#include "parsers/bicep/BicepFrontEnd.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "parsers/bicep/BicepEvaluator.h"
#include "parsers/json/JsonReader.h"

namespace eg::bicep {

namespace fs = std::filesystem;

namespace {

bool endsWith(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && equalsIgnoreCase(s.substr(s.size() - suf.size()), suf);
}
bool isBicep(const fs::path& p) { return endsWith(p.filename().string(), ".bicep"); }
bool isBicepParam(const fs::path& p) { return endsWith(p.filename().string(), ".bicepparam"); }

// "main.parameters.json" -> "main" (only when main.bicep exists beside it), else "".
std::string jsonParamsStem(const fs::path& p) {
  std::string name = p.filename().string();
  if (!endsWith(name, ".parameters.json")) return {};
  std::string stem = name.substr(0, name.size() - std::string_view(".parameters.json").size());
  std::error_code ec;
  if (!fs::is_regular_file(p.parent_path() / (stem + ".bicep"), ec)) return {};
  return stem;
}

std::string readHead(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

bool isParametersHead(std::string_view head) {
  return head.find("\"$schema\"") != std::string_view::npos &&
         head.find("eploymentParameters.json") != std::string_view::npos;
}

// ARM parameter file -> values ({"value": …}; Key Vault references stay unknown).
ParamValues jsonParameterValues(const SourceFile& f, LoadContext& ctx) {
  ParamValues out;
  Value root;
  json::JsonError err;
  if (!json::parseJson(f, root, err)) {
    uint32_t end = std::min<uint32_t>(err.offset + 1, static_cast<uint32_t>(f.text().size()));
    ctx.errors.push_back(Error{f.path(), f.id(), ByteRange{err.offset, std::max(end, err.offset)}, 0, 0,
                               "invalid JSON: " + err.message, kInputErrorCode});
    return out;
  }
  const Value* params = root.get("parameters");
  if (!params || !params->isObject()) return out;
  for (const Member& m : params->asObject()) {
    if (const Value* v = m.value.get("value")) out[m.key] = *v;
    else {
      Value u = Value::unknown("parameter '" + m.key + "' is a Key Vault reference");
      u.prov = m.value.prov;
      out[m.key] = u;
    }
  }
  return out;
}

}  // namespace

bool BicepFrontEnd::accepts(const fs::path& path, std::string_view head) const {
  if (isBicep(path) || isBicepParam(path)) return true;
  if (jsonParamsStem(path).empty()) return false;
  return isParametersHead(head.empty() ? std::string_view(readHead(path)) : head);
}

std::string BicepFrontEnd::unitKey(const fs::path& path) const {
  return "bicep:" + path.parent_path().lexically_normal().generic_string();
}

std::vector<fs::path> BicepFrontEnd::companions(const fs::path& path) const {
  std::vector<fs::path> out;
  fs::path dir = path.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::path p = dir.empty() ? it->path().filename() : it->path();
    if (p.filename() == path.filename()) continue;
    if (isBicep(p) || isBicepParam(p) || (!jsonParamsStem(p).empty() && isParametersHead(readHead(p))))
      out.push_back(p.lexically_normal());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool BicepFrontEnd::parseOnly(const SourceFile& file, std::vector<Error>& errors) const {
  if (endsWith(file.path(), ".json")) {
    Value root;
    json::JsonError err;
    if (json::parseJson(file, root, err)) return true;
    errors.push_back(Error{file.path(), file.id(), ByteRange{err.offset, err.offset}, 0, 0, "invalid JSON: " + err.message,
                           kInputErrorCode});
    return false;
  }
  ParsedFile pf;
  pf.file = &file;
  parse(file.text(), isBicepParam(file.path()), pf.tree);
  reportSyntaxErrors(pf, errors);
  return pf.tree.errors.empty();
}

void BicepFrontEnd::loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) {
  UnitFiles files(ctx);
  std::vector<const SourceFile*> templates, paramFiles, jsonParams;
  for (const SourceFile* f : unit) {
    if (isBicepParam(f->path())) paramFiles.push_back(f);
    else if (isBicep(f->path())) templates.push_back(f);
    else jsonParams.push_back(f);
  }
  for (const SourceFile* f : templates) files.get(*f);  // syntax errors first, in file order

  auto key = [](const fs::path& p) { return p.lexically_normal().generic_string(); };
  std::map<std::string, std::vector<ParamValues>> bindings;
  for (const SourceFile* pfFile : paramFiles) {
    const ParsedFile& pf = files.get(*pfFile);
    if (pf.hasErrors()) continue;
    const Node* usingDecl = nullptr;
    for (const Node* d : pf.tree.root->list) if (d->is(NodeKind::Using)) usingDecl = d;
    if (!usingDecl) {
      ctx.errors.push_back(Error{pfFile->path(), pfFile->id(), ByteRange{0, 0}, 0, 0,
                                 "a .bicepparam file needs a 'using' declaration naming its template", kInputErrorCode});
      continue;
    }
    if (!usingDecl->a || !usingDecl->a->isPlainString()) continue;  // using none
    const std::string& target = usingDecl->a->text;
    if (target.starts_with("br:") || target.starts_with("br/") || target.starts_with("ts:") || target.starts_with("ts/"))
      continue;
    fs::path targetPath = (fs::path(pfFile->path()).parent_path() / target).lexically_normal();
    std::string why;
    const SourceFile* t = nullptr;
    for (const SourceFile* x : templates) if (key(x->path()) == key(targetPath)) t = x;
    if (!t) t = files.load(targetPath, &why);
    if (!t) {
      ctx.errors.push_back(Error{pfFile->path(), pfFile->id(), usingDecl->a->range, 0, 0,
                                 "the template '" + target + "' named by 'using' cannot be read: " + why, kInputErrorCode});
      continue;
    }
    ParamValues values = evaluateParamFile(files, pf);
    bool inUnit = std::any_of(templates.begin(), templates.end(), [&](const SourceFile* x) { return x == t; });
    if (inUnit) {
      bindings[key(t->path())].push_back(std::move(values));
    } else if (isBicep(t->path())) {
      const ParsedFile& tp = files.get(*t);
      if (!tp.hasErrors()) emitTemplate(files, tp, values);
    }
  }
  // Templates of the folder that another template uses as a module are evaluated through that
  // module call (with its params), not on their own.
  std::set<std::string> moduleTargets;
  std::map<std::string, std::vector<std::string>> calls;  // template -> templates it calls
  for (const SourceFile* f : templates) {
    const ParsedFile& pf = files.get(*f);
    for (const Node* d : pf.tree.root->list) {
      if (!d->is(NodeKind::Module) || !d->a || !d->a->isPlainString()) continue;
      fs::path target = (fs::path(f->path()).parent_path() / d->a->text).lexically_normal();
      if (key(target) != key(f->path())) {
        moduleTargets.insert(key(target));
        calls[key(f->path())].push_back(key(target));
      }
    }
  }
  // A template is left to its callers only when a template evaluated on its own reaches it;
  // templates that only call each other (a module cycle) would otherwise vanish silently, so
  // they are evaluated on their own, and the evaluator reports the cycle (EG902).
  {
    std::set<std::string> reached;
    std::vector<std::string> pending;
    for (const SourceFile* f : templates) {
      if (!moduleTargets.count(key(f->path())) || bindings.count(key(f->path()))) pending.push_back(key(f->path()));
    }
    while (!pending.empty()) {
      std::string k = std::move(pending.back());
      pending.pop_back();
      if (!reached.insert(k).second) continue;
      for (const std::string& t : calls[k]) pending.push_back(t);
    }
    std::erase_if(moduleTargets, [&](const std::string& k) { return !reached.count(k); });
  }
  for (const SourceFile* f : templates) {
    const ParsedFile& pf = files.get(*f);
    if (pf.hasErrors()) continue;
    auto b = bindings.find(key(f->path()));
    if (b == bindings.end() && moduleTargets.count(key(f->path()))) continue;
    if (b != bindings.end()) {
      for (const ParamValues& v : b->second) emitTemplate(files, pf, v);
      continue;
    }
    ParamValues values;
    std::string stem = fs::path(f->path()).stem().string();
    for (const SourceFile* j : jsonParams) {
      if (fs::path(j->path()).filename().string() == stem + ".parameters.json") values = jsonParameterValues(*j, ctx);
    }
    emitTemplate(files, pf, values);
  }
}

}  // namespace eg::bicep
