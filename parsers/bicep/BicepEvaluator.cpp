// Bicep template evaluation: symbols, expressions, resource emission, modules, param files.
#include "parsers/bicep/BicepEvaluator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_set>

#include "linter/graph/ResourceKinds.h"
#include "parsers/arm/ArmTemplate.h"
#include "parsers/bicep/BicepFunctions.h"
#include "parsers/json/JsonReader.h"
#include "linter/core/Budget.h"

namespace eg::bicep {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxModuleDepth = 32;
constexpr size_t kMaxModuleInstances = 1000;  // local module instances per folder
constexpr size_t kMaxLoopItems = 1000;

// The local Bicep module cache (written by `bicep restore`, `bicep build`, `az bicep`):
// $EDGEGUARD_BICEP_CACHE, else ~/.bicep (Bicep's default cacheRootDirectory).
fs::path bicepCacheRoot() {
  if (const char* env = std::getenv("EDGEGUARD_BICEP_CACHE"); env && *env) return fs::path(env);
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".bicep";
  return {};
}

bool safeSegment(std::string_view s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Where Bicep restores a registry module: br/<registry>/<repository, '/' as '$'>/<tag>$/main.json
// (br/public: is mcr.microsoft.com with the bicep/ prefix), ts/<subscription>/<group>/<name>/<version>/main.json
// for template specs. Empty with `why` when the reference cannot be mapped (an alias from
// bicepconfig.json, a digest, a malformed reference).
fs::path restoredModulePath(std::string_view ref, std::string& why) {
  std::string registry, repository, tag;
  fs::path root = bicepCacheRoot();
  if (root.empty()) { why = "no home directory for the Bicep module cache"; return {}; }
  auto splitTag = [&](std::string_view rest) -> bool {
    size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || rest.find('@') != std::string_view::npos) return false;
    repository = std::string(rest.substr(0, colon));
    tag = std::string(rest.substr(colon + 1));
    return true;
  };
  if (ref.starts_with("br/public:")) {
    registry = "mcr.microsoft.com";
    if (!splitTag(ref.substr(10))) { why = "a reference without a tag"; return {}; }
    repository = "bicep/" + repository;
  } else if (ref.starts_with("br:")) {
    std::string_view rest = ref.substr(3);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) { why = "a malformed registry reference"; return {}; }
    registry = std::string(rest.substr(0, slash));
    if (!splitTag(rest.substr(slash + 1))) { why = "a reference without a tag (digests are not looked up)"; return {}; }
  } else if (ref.starts_with("ts:")) {
    std::string_view rest = ref.substr(3);
    std::vector<std::string> parts;
    size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) { why = "a template spec reference without a version"; return {}; }
    std::string_view head = rest.substr(0, colon);
    for (size_t pos = 0; pos <= head.size();) {
      size_t sl = head.find('/', pos);
      parts.emplace_back(head.substr(pos, sl == std::string_view::npos ? std::string_view::npos : sl - pos));
      if (sl == std::string_view::npos) break;
      pos = sl + 1;
    }
    std::string version(rest.substr(colon + 1));
    if (parts.size() != 3 || !safeSegment(parts[0]) || !safeSegment(parts[1]) || !safeSegment(parts[2]) ||
        !safeSegment(version)) {
      why = "a malformed template spec reference";
      return {};
    }
    for (std::string& x : parts) x = toLowerAscii(x);
    return root / "ts" / parts[0] / parts[1] / parts[2] / toLowerAscii(version) / "main.json";
  } else {
    why = "a module alias from bicepconfig.json, which edgeguard does not read";
    return {};
  }
  // Registry host (a port's ':' is '$' on disk), repository segments, tag: no '..', no separators.
  std::string host = registry;
  std::replace(host.begin(), host.end(), ':', '$');
  std::string repoDir;
  for (size_t pos = 0; pos <= repository.size();) {
    size_t sl = repository.find('/', pos);
    std::string seg = repository.substr(pos, sl == std::string::npos ? std::string::npos : sl - pos);
    if (!safeSegment(seg)) { why = "a malformed registry reference"; return {}; }
    repoDir += (repoDir.empty() ? "" : "$") + toLowerAscii(seg);
    if (sl == std::string::npos) break;
    pos = sl + 1;
  }
  std::string hostCheck = registry;
  std::replace(hostCheck.begin(), hostCheck.end(), ':', '-');
  if (!safeSegment(hostCheck) || !safeSegment(tag)) { why = "a malformed registry reference"; return {}; }
  return root / "br" / toLowerAscii(host) / repoDir / (tag + "$") / "main.json";
}

// Reads a restored module from the cache. The cache is outside the project root: it is read
// as an exception (the user's own `bicep restore` wrote it, not the pull request), and only
// when the file, with every link resolved, is a regular file inside the resolved cache root
// (a link planted in the cache cannot point elsewhere).
const SourceFile* loadRestoredModule(LoadContext& ctx, const fs::path& file, std::string& why) {
  std::error_code ec;
  fs::path root = fs::canonical(bicepCacheRoot(), ec);
  if (ec || !fs::is_regular_file(file, ec)) { why = "not restored"; return nullptr; }
  if (!isInsideRoot(root, file)) { why = "the cached file resolves outside the Bicep module cache; not read"; return nullptr; }
  LoadError le;
  const SourceFile* sf = ctx.store.load(file, &le);
  if (!sf) { why = le.message; return nullptr; }
  ctx.read.push_back(sf);
  return sf;
}

Value unknownAt(std::string reason, FileId f, ByteRange r) {
  Value v = Value::unknown(std::move(reason));
  v.prov = Provenance{f, r, {}};
  return v;
}

bool isRegistryPath(std::string_view p) {
  return p.starts_with("br:") || p.starts_with("br/") || p.starts_with("ts:") || p.starts_with("ts/");
}

struct ResourceSym {
  const Node* decl = nullptr;
  const Node* parentDecl = nullptr;  // lexical parent (nested declaration)
  std::string address;
};

class Template;

// Evaluation context for one template instance.
class Template : public FunctionHost {
 public:
  Template(UnitFiles& files, const ParsedFile& pf, const ParamValues& values, std::string prefix,
           std::vector<std::string> stack)
      : files_(files), pf_(pf), fid_(pf.file->id()), values_(values), prefix_(std::move(prefix)),
        stack_(std::move(stack)) {
    index();
  }

  // ---- symbols ------------------------------------------------------------------------------
  void index() {
    for (const Node* d : pf_.tree.root->list) {
      std::string n(d->name);
      switch (d->kind) {
        case NodeKind::Param: params_[n] = d; break;
        case NodeKind::Var: vars_[n] = d; break;
        case NodeKind::Func: funcs_[n] = d; break;
        case NodeKind::Module: modules_[n] = d; break;
        case NodeKind::Resource: indexResource(d, nullptr, prefix_ + n); break;
        default: break;
      }
    }
  }
  static const Node* bodyObject(const Node* body) {
    while (body && (body->is(NodeKind::If) || body->is(NodeKind::For))) body = body->b;
    return body && body->is(NodeKind::Object) ? body : nullptr;
  }
  void indexResource(const Node* d, const Node* parent, const std::string& address) {
    std::string n(d->name);
    ResourceSym sym{d, parent, address};
    if (!parent) resources_[n] = sym;
    else {
      resources_.try_emplace(n, sym);
      std::string path;
      for (const Node* p = d; p; p = parentOf(p)) path = path.empty() ? std::string(p->name) : std::string(p->name) + "::" + path;
      resources_[path] = sym;
    }
    if (const Node* obj = bodyObject(d->b)) {
      for (const Node* item : obj->list) {
        if (item->is(NodeKind::Resource)) {
          parents_[item] = d;
          indexResource(item, d, address + "::" + std::string(item->name));
        }
      }
    }
  }
  const Node* parentOf(const Node* d) const {
    auto it = parents_.find(d);
    return it == parents_.end() ? nullptr : it->second;
  }

  // Resource addresses behind the values a module call passed in (`hubId: hub.id`), so a
  // reference through a module parameter still becomes an edge to the resource.
  void setParamRefs(std::unordered_map<std::string, std::vector<std::string>> refs) { paramRefs_ = std::move(refs); }

  Value param(const std::string& n, ByteRange at) {
    if (refs_) {
      if (auto r = paramRefs_.find(n); r != paramRefs_.end()) refs_->insert(refs_->end(), r->second.begin(), r->second.end());
    }
    auto it = params_.find(n);
    if (it == params_.end()) return unknownAt("no parameter " + n, fid_, at);
    if (auto v = values_.find(n); v != values_.end()) return v->second;
    if (auto m = paramMemo_.find(n); m != paramMemo_.end()) return m->second;
    const Node* d = it->second;
    if (!d->b) return unknownAt("parameter '" + n + "' has no value", fid_, d->nameRange);
    if (!inProgress_.insert(d).second) return unknownAt("parameter '" + n + "' refers to itself", fid_, at);
    Value v = eval(d->b);
    if (v.hasMoreNodesThan(kMaxReferencedValueNodes)) v = unknownAt(tooManyNodesReason(), fid_, d->nameRange);
    inProgress_.erase(d);
    return paramMemo_[n] = v;
  }
  Value variable(const std::string& n, ByteRange at) {
    if (auto m = varMemo_.find(n); m != varMemo_.end()) return m->second;
    const Node* d = vars_.at(n);
    if (!inProgress_.insert(d).second) return unknownAt("variable '" + n + "' refers to itself", fid_, at);
    Value v = eval(d->b);
    if (v.hasMoreNodesThan(kMaxReferencedValueNodes)) v = unknownAt(tooManyNodesReason(), fid_, d->nameRange);
    inProgress_.erase(d);
    return varMemo_[n] = v;
  }

  // ---- expressions ----------------------------------------------------------------------------
  Value eval(const Node* n) {
    checkBudget();
    EvalDepth depth;  // the thread's depth: also counts module calls and the evaluators above
    if (depth.tooDeep()) {
      noteTooDeep(fid_, n->range);
      return unknownAt("nested or chained deeper than " + std::to_string(kMaxEvalDepth) + " levels", fid_, n->range);
    }
    Value v = evalInner(n);
    if (v.isString() && oversizedString(v.asString().size())) v = Value::unknown(oversizedReason(v.asString().size()));
    if (!v.prov.valid()) v.prov = Provenance{fid_, n->range, {}};
    return v;
  }

  Value evalInner(const Node* n) {
    switch (n->kind) {
      case NodeKind::String: {
        if (n->parts.empty()) return Value(n->text);
        // Known text and unknown values in order: a string with holes stays partially known
        // (SharedAccessKeyName=iothubowner;SharedAccessKey=${hub.listKeys()...} says which key).
        std::string out = n->parts[0];
        std::vector<eg::StringPart> pieces;
        std::string firstReason;
        for (size_t i = 0; i < n->list.size(); ++i) {
          Value v = eval(n->list[i]);
          if (v.isUnknown()) {
            if (firstReason.empty()) firstReason = v.unknownReason();
            pieces.push_back(eg::StringPart{true, std::move(out)});
            out.clear();
            eg::appendUnknownPart(pieces, v);
          } else {
            out += stringOf(v);
          }
          out += n->parts[i + 1];
          if (oversizedString(out.size() + eg::knownPartsSize(pieces)))
            return unknownAt(oversizedReason(out.size() + eg::knownPartsSize(pieces)), fid_, n->range);
        }
        if (!firstReason.empty()) {
          pieces.push_back(eg::StringPart{true, std::move(out)});
          Value u = Value::partialString(std::move(pieces), firstReason);
          u.prov = Provenance{fid_, n->range, {}};
          return u;
        }
        return Value(std::move(out));
      }
      case NodeKind::Number: return Value(std::strtod(n->text.c_str(), nullptr));
      case NodeKind::Bool: return Value(n->name == "true");
      case NodeKind::Null: { Value v; v.prov = Provenance{fid_, n->range, {}}; return v; }
      case NodeKind::Paren: case NodeKind::NonNull: {
        Value v = eval(n->a);
        v.prov = Provenance{fid_, n->range, {}};
        return v;
      }
      case NodeKind::Ident: return ident(n);
      case NodeKind::Object: return object(n);
      case NodeKind::Array: {
        Value arr = Value::array();
        for (const Node* item : n->list) {
          if (item->is(NodeKind::Spread)) {
            Value s = eval(item->a);
            if (s.isArray()) for (Value& x : s.asArray()) arr.asArray().push_back(std::move(x));
            else if (!s.isNull()) return unknownAt("spread of a value that is not known", fid_, item->range);
          } else {
            arr.asArray().push_back(eval(item));
          }
        }
        return arr;
      }
      case NodeKind::For: return forLoop(n);
      case NodeKind::Member: return member(n);
      case NodeKind::Index: return index(n);
      case NodeKind::ChildAccess: {
        std::string path = chainName(n);
        if (auto it = resources_.find(path); it != resources_.end()) return resourceRef(it->second, n, "");
        return unknownAt("nested resource " + path, fid_, n->range);
      }
      case NodeKind::Call: return call(n);
      case NodeKind::Unary: {
        Value v = eval(n->a);
        if (v.isUnknown()) return v;
        if (n->name == "!" && v.isBool()) return Value(!v.asBool());
        if (n->name == "-" && v.isNumber()) return Value(-v.asNumber());
        if (n->name == "+" && v.isNumber()) return v;
        return unknownAt("operator " + std::string(n->name) + " on " + std::string(Value::typeName(v.type())), fid_,
                         n->range);
      }
      case NodeKind::Binary: return binary(n);
      case NodeKind::Ternary: {
        Value c = eval(n->a);
        if (c.isBool()) return eval(c.asBool() ? n->b : n->c);
        return unknownAt(c.isUnknown() ? c.unknownReason() : "condition is not a bool", fid_, n->range);
      }
      case NodeKind::Lambda: return unknownAt("a lambda is not a value", fid_, n->range);
      default: return unknownAt("not an expression", fid_, n->range);
    }
  }

  std::string chainName(const Node* n) {
    if (n->is(NodeKind::ChildAccess)) return chainName(n->a) + "::" + std::string(n->name);
    return std::string(n->name);
  }

  Value ident(const Node* n) {
    std::string name(n->name);
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->first == n->name) {
        Value v = it->second;
        return v;
      }
    }
    if (params_.count(name)) return param(name, n->range);
    if (vars_.count(name)) return variable(name, n->range);
    if (auto it = resources_.find(name); it != resources_.end()) return resourceRef(it->second, n, "");
    if (modules_.count(name)) return unknownAt("module '" + name + "' (its outputs are known at deployment)", fid_, n->range);
    return unknownAt("'" + name + "' is not evaluated", fid_, n->range);
  }

  // A reference to a resource symbol; `member` is the property read ("" = the resource itself).
  Value resourceRef(const ResourceSym& sym, const Node* at, std::string_view memberName) {
    if (refs_) {
      refs_->push_back(sym.address);
      // An `existing` resource is declared elsewhere (a parent module, another template):
      // refer to it also by the `type/name` alias its declaration carries, so the reference
      // joins that declaration (e.g. a child whose `parent:` is an existing registry).
      if (sym.decl->flags & kExisting) {
        std::vector<std::string>* refs = refs_;
        Value n = resourceName(sym);
        refs_ = refs;
        if (n.isString()) refs_->push_back(toLowerAscii(fullType(sym.decl).first + "/" + n.asString()));
      }
    }
    if (memberName.empty()) return unknownAt("resource '" + sym.address + "' is known at deployment", fid_, at->range);
    if (equalsIgnoreCase(memberName, "name")) {
      Value v = resourceName(sym);
      v.prov = Provenance{fid_, at->range, {}};
      return v;
    }
    if (equalsIgnoreCase(memberName, "type")) return Value(fullType(sym.decl).first);
    if (equalsIgnoreCase(memberName, "apiVersion")) return Value(fullType(sym.decl).second);
    return unknownAt(std::string(memberName).append(" of resource '").append(sym.address).append("' is known at deployment"),
                     fid_, at->range);
  }

  // ("Microsoft.X/y/z", "2023-01-01") with nested child types joined to their parent's.
  std::pair<std::string, std::string> fullType(const Node* d) {
    if (auto it = typeMemo_.find(d); it != typeMemo_.end()) return it->second;
    std::string raw = d->a ? d->a->text : std::string();
    std::string type = raw, api;
    if (size_t at = raw.find('@'); at != std::string::npos) {
      type = raw.substr(0, at);
      api = raw.substr(at + 1);
    }
    const Node* parent = parentOf(d);
    if (parent && type.find('.') == std::string::npos) {
      auto p = fullType(parent);
      type = p.first + "/" + type;
      if (api.empty()) api = p.second;
    }
    return typeMemo_[d] = {type, api};
  }

  // Explicit `parent:` symbol of a resource body, if any.
  const ResourceSym* explicitParent(const Node* d) {
    const Node* obj = bodyObject(d->b);
    if (!obj) return nullptr;
    for (const Node* p : obj->list) {
      if (p->is(NodeKind::Property) && p->name == "parent") {
        const Node* e = p->a;
        if (e->is(NodeKind::Ident) || e->is(NodeKind::ChildAccess)) {
          auto it = resources_.find(chainName(e));
          if (it != resources_.end() && it->second.decl != d) return &it->second;
        }
      }
    }
    return nullptr;
  }

  Value resourceName(const ResourceSym& sym) {
    const Node* d = sym.decl;
    if (auto it = nameMemo_.find(d); it != nameMemo_.end()) return it->second;
    if (!inProgress_.insert(d).second) return Value::unknown("resource name refers to itself");
    Value name = Value::unknown("resource has no name");
    if (const Node* obj = bodyObject(d->b)) {
      for (const Node* p : obj->list) {
        if (p->is(NodeKind::Property) && p->name == "name") {
          LoopScope loop(*this, d->b);
          name = eval(p->a);
        }
      }
    }
    const ResourceSym* parent = nullptr;
    const Node* lexical = parentOf(d);
    if (lexical) {
      for (auto& [k, s] : resources_) if (s.decl == lexical) { parent = &s; break; }
    } else {
      parent = explicitParent(d);
    }
    if (parent) {
      Value pn = resourceName(*parent);
      Provenance p = name.prov;
      if (pn.isString() && name.isString()) name = Value(pn.asString() + "/" + name.asString());
      else if (!name.isUnknown()) name = Value::unknown("the parent resource's name is not known");
      name.prov = p;
    }
    inProgress_.erase(d);
    return nameMemo_[d] = name;
  }

  // Binds a representative loop instance (item and index unknown) while evaluating a body.
  struct LoopScope {
    Template& t;
    size_t n = 0;
    LoopScope(Template& tt, const Node* body) : t(tt) {
      if (body && body->is(NodeKind::For)) {
        for (const Node* v : body->list) {
          t.locals_.emplace_back(v->name, unknownAt("the loop variable '" + std::string(v->name) + "' varies per instance",
                                                    t.fid_, v->range));
          ++n;
        }
      }
    }
    ~LoopScope() { t.locals_.resize(t.locals_.size() - n); }
  };

  Value object(const Node* n) {
    Value obj = Value::object();
    obj.asObject().reserve(n->list.size());  // exact unless it has spreads or nested resources
    for (const Node* p : n->list) {
      if (p->is(NodeKind::Spread)) {
        Value s = eval(p->a);
        if (s.isObject()) for (Member& m : s.asObject()) obj.set(m.key, std::move(m.value));
        else if (!s.isNull()) return unknownAt("spread of a value that is not known", fid_, p->range);
        continue;
      }
      if (!p->is(NodeKind::Property)) continue;  // nested resources
      std::string key = p->text;
      if (p->b) {  // interpolated key
        Value k = eval(p->b);
        if (!k.isString()) continue;
        key = k.asString();
      }
      Value v = eval(p->a);
      v.prov.file = fid_;
      v.prov.value = p->a->range;
      v.prov.key = p->nameRange;
      obj.set(key, std::move(v));
    }
    return obj;
  }

  Value forLoop(const Node* n) {
    Value src = eval(n->a);
    if (src.isUnknown()) return unknownAt("the loop's array is not known: " + src.unknownReason(), fid_, n->range);
    Array items;
    if (src.isArray()) items = src.asArray();
    else if (src.isObject()) {
      for (const Member& m : src.asObject()) items.push_back(Value(Object{Member{"key", Value(m.key)}, Member{"value", m.value}}));
    } else {
      return unknownAt("the loop's source is not an array", fid_, n->range);
    }
    if (items.size() > kMaxLoopItems) return unknownAt("the loop has too many items", fid_, n->range);
    Value out = Value::array();
    for (size_t i = 0; i < items.size(); ++i) {
      size_t base = locals_.size();
      if (!n->list.empty()) locals_.emplace_back(n->list[0]->name, items[i]);
      if (n->list.size() > 1) locals_.emplace_back(n->list[1]->name, Value(static_cast<double>(i)));
      const Node* body = n->b;
      bool keep = true;
      if (body->is(NodeKind::If)) {
        Value c = eval(body->a);
        if (c.isBool() && !c.asBool()) keep = false;
        body = body->b;
      }
      if (keep) out.asArray().push_back(eval(body));
      locals_.resize(base);
    }
    return out;
  }

  Value member(const Node* n) {
    // resource.name / resource.properties.x / module.outputs.x
    const Node* base = n->a;
    if (base->is(NodeKind::Ident) || base->is(NodeKind::ChildAccess)) {
      bool local = false;
      for (auto& l : locals_) if (l.first == base->name) local = true;
      std::string name = chainName(base);
      if (!local && !params_.count(name) && !vars_.count(name)) {
        if (auto it = resources_.find(name); it != resources_.end()) return resourceRef(it->second, n, n->name);
      }
    }
    Value v = eval(base);
    if (v.isUnknown()) return unknownAt(v.unknownReason(), fid_, n->range);
    if (v.isNull() && (n->flags & kSafe)) return Value();
    if (v.isObject()) {
      if (const Value* m = v.get(n->name)) return *m;
      if (n->flags & kSafe) return Value();
      return unknownAt("no property '" + std::string(n->name) + "'", fid_, n->range);
    }
    return unknownAt("property '" + std::string(n->name) + "' of a " + std::string(Value::typeName(v.type())), fid_, n->range);
  }

  Value index(const Node* n) {
    Value v = eval(n->a);
    Value k = eval(n->b);
    if (v.isUnknown()) return unknownAt(v.unknownReason(), fid_, n->range);
    if (k.isUnknown()) return unknownAt(k.unknownReason(), fid_, n->range);
    if (v.isNull() && (n->flags & kSafe)) return Value();
    if (v.isArray() && k.isNumber()) {
      const Array& a = v.asArray();
      double i = k.asNumber();
      if (n->flags & kFromEnd) i = static_cast<double>(a.size()) - i;
      if (i >= 0 && i < static_cast<double>(a.size())) return a[static_cast<size_t>(i)];
      if (n->flags & kSafe) return Value();
      return unknownAt("index out of range", fid_, n->range);
    }
    if (v.isObject() && k.isString()) {
      if (const Value* m = v.get(k.asString())) return *m;
      if (n->flags & kSafe) return Value();
      return unknownAt("no property '" + k.asString() + "'", fid_, n->range);
    }
    return unknownAt("index of a " + std::string(Value::typeName(v.type())), fid_, n->range);
  }

  Value binary(const Node* n) {
    std::string_view op = n->name;
    Value a = eval(n->a);
    if (op == "&&" && a.isBool() && !a.asBool()) return Value(false);
    if (op == "||" && a.isBool() && a.asBool()) return Value(true);
    if (op == "??") {
      if (a.isNull()) return eval(n->b);
      return a;
    }
    Value b = eval(n->b);
    if (op == "&&" || op == "||") {
      if (b.isBool() && a.isBool()) return Value(op == "&&" ? (a.asBool() && b.asBool()) : (a.asBool() || b.asBool()));
      if (op == "&&" && b.isBool() && !b.asBool()) return Value(false);
      if (op == "||" && b.isBool() && b.asBool()) return Value(true);
      return unknownAt("operands of " + std::string(op) + " are not known", fid_, n->range);
    }
    if (a.containsUnknown() || b.containsUnknown())
      return unknownAt(a.isUnknown() ? a.unknownReason() : b.isUnknown() ? b.unknownReason() : "operand not known",
                       fid_, n->range);
    if (op == "==") return Value(a == b);
    if (op == "!=") return Value(!(a == b));
    if (op == "=~" || op == "!~") {
      if (!a.isString() || !b.isString()) return unknownAt("=~ needs strings", fid_, n->range);
      bool eq = equalsIgnoreCase(a.asString(), b.asString());
      return Value(op == "=~" ? eq : !eq);
    }
    if (a.isNumber() && b.isNumber()) {
      double x = a.asNumber(), y = b.asNumber();
      if (op == "+") return Value(x + y);
      if (op == "-") return Value(x - y);
      if (op == "*") return Value(x * y);
      if (op == "/") return y == 0 ? unknownAt("division by zero", fid_, n->range) : Value(std::trunc(x / y));
      if (op == "%") return y == 0 ? unknownAt("division by zero", fid_, n->range) : Value(std::fmod(x, y));
      if (op == "<") return Value(x < y);
      if (op == "<=") return Value(x <= y);
      if (op == ">") return Value(x > y);
      if (op == ">=") return Value(x >= y);
    }
    if (a.isString() && b.isString()) {
      int c = a.asString().compare(b.asString());
      if (op == "<") return Value(c < 0);
      if (op == "<=") return Value(c <= 0);
      if (op == ">") return Value(c > 0);
      if (op == ">=") return Value(c >= 0);
    }
    return unknownAt("operator " + std::string(op) + " on these operands", fid_, n->range);
  }

  Value call(const Node* n) {
    const Node* callee = n->a;
    std::string fname;
    if (callee->is(NodeKind::Ident)) {
      fname = std::string(callee->name);
    } else if (callee->is(NodeKind::Member) && callee->a->is(NodeKind::Ident) &&
               (callee->a->name == "sys" || callee->a->name == "az")) {
      fname = std::string(callee->name);
    } else {
      // resource methods (listKeys(), getSecret()), imported namespaces: known at deployment.
      if (callee->is(NodeKind::Member)) {
        const Node* b = callee->a;
        if ((b->is(NodeKind::Ident) || b->is(NodeKind::ChildAccess))) {
          if (auto it = resources_.find(chainName(b)); it != resources_.end() && refs_) refs_->push_back(it->second.address);
        }
      }
      return unknownAt(std::string(callee->is(NodeKind::Member) ? callee->name : std::string_view("function")) +
                           "() is evaluated at deployment",
                       fid_, n->range);
    }
    if (auto it = funcs_.find(fname); it != funcs_.end() && callee->is(NodeKind::Ident)) return userFunc(it->second, n);
    std::vector<const Node*> args(n->list.begin(), n->list.end());
    return callBuiltin(fname, args, *this, n->range);
  }

  Value userFunc(const Node* f, const Node* callNode) {
    if (!inProgress_.insert(f).second) return unknownAt("recursive function", fid_, callNode->range);
    std::vector<std::pair<std::string_view, Value>> bound;
    for (size_t i = 0; i < f->list.size(); ++i) {
      bound.emplace_back(f->list[i]->name, i < callNode->list.size() ? eval(callNode->list[i]) : Value::unknown("missing argument"));
    }
    // A function body sees only its parameters (and other functions), not the caller's locals.
    auto saved = std::move(locals_);
    locals_ = std::move(bound);
    Value v = eval(f->b);
    locals_ = std::move(saved);
    inProgress_.erase(f);
    v.prov = Provenance{fid_, callNode->range, {}};
    return v;
  }

  // FunctionHost
  Value evalArg(const Node* n) override { return eval(n); }
  Value applyLambda(const Node* lambda, const std::vector<Value>& args) override {
    if (!lambda->is(NodeKind::Lambda)) return unknownAt("expected a lambda", fid_, lambda->range);
    size_t base = locals_.size();
    for (size_t i = 0; i < lambda->list.size(); ++i)
      locals_.emplace_back(lambda->list[i]->name, i < args.size() ? args[i] : Value::unknown("missing lambda argument"));
    Value v = eval(lambda->b);
    locals_.resize(base);
    return v;
  }
  FileId file() const override { return fid_; }

  // ---- emission -------------------------------------------------------------------------------
  void emitAll() {
    for (const Node* d : pf_.tree.root->list) {
      if (d->is(NodeKind::Resource)) emitResource(d);
      else if (d->is(NodeKind::Module)) emitModule(d);
      else if (d->is(NodeKind::Output)) emitOutput(d);
      else if (d->is(NodeKind::Param)) emitParameter(d);
    }
  }

  // `param x type` -> a `Deployment/parameter` resource (name, type, secure = `@secure()`):
  // parameters are stored in the deployment history in the clear unless secure.
  void emitParameter(const Node* d) {
    Value attrs = Value::object();
    attrs.prov = Provenance{fid_, d->range, {}};
    Value name{std::string(d->name)};
    name.prov = Provenance{fid_, d->nameRange, {}};
    attrs.set("name", std::move(name));
    if (d->a) {  // the type as written: `string`, `string?`, `secretsType`, `resourceInput<...>`
      Value t{std::string(pf_.tree.text.substr(d->a->range.begin, d->a->range.size()))};
      t.prov = Provenance{fid_, d->a->range, {}};
      attrs.set("type", std::move(t));
    }
    Value secure(hasDecorator(d, "secure"));
    secure.prov = Provenance{fid_, d->decorators.empty() ? d->nameRange : d->decorators.front()->range, {}};
    attrs.set("secure", std::move(secure));
    Resource r;
    r.kind = kinds::kParameter;
    r.sourceType = "param";
    r.format = "bicep";
    r.file = fid_;
    r.address = prefix_ + "param." + std::string(d->name);
    r.header = headerOf(d);
    r.body = d->range;
    r.attributes = std::move(attrs);
    files_.ctx().resources.push_back(std::move(r));
  }

  static bool hasDecorator(const Node* d, std::string_view name) {
    for (const Node* dec : d->decorators) {
      const Node* call = dec->a;
      if (!call || !call->is(NodeKind::Call) || !call->a) continue;
      const Node* callee = call->a;
      if (callee->is(NodeKind::Ident) && callee->name == name) return true;
      if (callee->is(NodeKind::Member) && callee->name == name && callee->a && callee->a->is(NodeKind::Ident) &&
          callee->a->name == "sys")
        return true;
    }
    return false;
  }

  // `output x type = value` -> a `Deployment/output` resource (nested deployments keep their
  // outputs in the deployment history too, so module outputs count). Attributes: name, type,
  // value (provenance: the value expression), secure (`@secure()`).
  void emitOutput(const Node* d) {
    if (!d->b) return;
    std::vector<std::string> refs;
    refs_ = &refs;
    Value v = eval(d->b);
    refs_ = nullptr;
    // The value's text is the output expression, unless the value came from elsewhere (a
    // variable or parameter): then it keeps that declaration's text (`output k string = v`
    // with `var v = x.listKeys()...`).
    const ByteRange span = d->b->range;
    bool inside = v.prov.file == fid_ && v.prov.value.begin >= span.begin && v.prov.value.end <= span.end;
    if (inside || !v.prov.valid() || v.prov.value.empty()) v.prov = Provenance{fid_, span, {}};
    Value attrs = Value::object();
    attrs.prov = Provenance{fid_, d->range, {}};
    Value name{std::string(d->name)};
    name.prov = Provenance{fid_, d->nameRange, {}};
    attrs.set("name", std::move(name));
    if (d->a && d->a->is(NodeKind::TypeRef)) {
      Value t{std::string(d->a->name)};
      t.prov = Provenance{fid_, d->a->range, {}};
      attrs.set("type", std::move(t));
    }
    attrs.set("value", std::move(v));
    Value secure(hasDecorator(d, "secure"));
    secure.prov = Provenance{fid_, d->decorators.empty() ? d->nameRange : d->decorators.front()->range, {}};
    attrs.set("secure", std::move(secure));
    Resource r;
    r.kind = kinds::kOutput;
    r.sourceType = "output";
    r.format = "bicep";
    r.file = fid_;
    r.address = prefix_ + "output." + std::string(d->name);
    r.header = headerOf(d);
    r.body = d->range;
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    r.references = std::move(refs);
    r.attributes = std::move(attrs);
    files_.ctx().resources.push_back(std::move(r));
  }

  // A module whose template is not read here (a registry module, a compiled .json) is what
  // Bicep makes of every module, a nested `Microsoft.Resources/deployments`, whose
  // `properties.template` is unknown: it may deploy anything. References in its params
  // become edges, so a policy looking for "a private endpoint for this hub" answers unknown
  // rather than reporting a hub whose endpoint such a module declares.
  void emitOpaqueModule(const Node* d, std::string why) {
    std::vector<std::string> refs;
    Value params = Value::object();
    {
      LoopScope loop(*this, d->b);
      refs_ = &refs;
      if (const Node* obj = bodyObject(d->b)) {
        for (const Node* p : obj->list) {
          if (p->is(NodeKind::Property) && p->name == "params") params = eval(p->a);
        }
      }
      refs_ = nullptr;
    }
    Value attrs = Value::object();
    attrs.prov = Provenance{fid_, d->range, {}};
    Value type(kinds::kArmDeployment);
    type.prov = Provenance{fid_, d->a->range, {}};
    attrs.set("type", std::move(type));
    Value props = Value::object();
    props.prov = attrs.prov;
    Value link(d->a->text);
    link.prov = Provenance{fid_, d->a->range, {}};
    props.set("templateLink", std::move(link));
    Value tmpl = Value::unknown("module '" + std::string(d->name) + "' (" + d->a->text + ") " + why);
    tmpl.prov = Provenance{fid_, d->a->range, {}};
    props.set("template", std::move(tmpl));
    props.set("parameters", std::move(params));
    attrs.set("properties", std::move(props));
    Resource r;
    r.kind = kinds::kArmDeployment;
    r.sourceType = d->a->text;
    r.format = "bicep";
    r.file = fid_;
    r.address = prefix_ + "module." + std::string(d->name);
    r.header = headerOf(d);
    r.body = d->range;
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    r.references = std::move(refs);
    r.attributes = std::move(attrs);
    files_.ctx().resources.push_back(std::move(r));
  }

  // Evaluates a body's loop/condition wrapper; false when no instance is deployed.
  bool instanceDeployed(const Node* body) {
    if (body->is(NodeKind::For)) {
      Value src = eval(body->a);
      if (src.isArray() && src.asArray().empty()) return false;
      body = body->b;
    }
    if (body->is(NodeKind::If)) {
      LoopScope loop(*this, nullptr);
      Value c = eval(body->a);
      if (c.isBool() && !c.asBool()) return false;
    }
    return true;
  }

  ByteRange headerOf(const Node* d) {
    std::string_view text = pf_.tree.text;
    // keyword start: back over spaces and the keyword before the symbol name
    uint32_t b = d->nameRange.begin;
    while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t')) --b;
    while (b > 0 && std::isalpha(static_cast<unsigned char>(text[b - 1]))) --b;
    uint32_t e = d->a ? d->a->range.end : d->nameRange.end;
    while (e < text.size() && text[e] != '\n') ++e;
    while (e > b && (text[e - 1] == '\r' || text[e - 1] == ' ')) --e;
    return ByteRange{b, e};
  }

  void emitResource(const Node* d) {
    const Node* body = d->b;
    if (!instanceDeployed(body)) return;
    auto symIt = std::find_if(resources_.begin(), resources_.end(), [&](auto& kv) { return kv.second.decl == d; });
    if (symIt == resources_.end()) {
      // Another resource with the same symbolic name took its place in the index (Bicep
      // rejects this as BCP028); that one is evaluated, this one is reported.
      Error e;
      e.path = pf_.file->path();
      e.file = fid_;
      e.range = d->nameRange;
      e.message = "the symbol '" + std::string(d->name) + "' is declared more than once; this declaration is not evaluated";
      e.code = kNotFollowedCode;
      files_.ctx().errors.push_back(std::move(e));
      return;
    }
    const ResourceSym& sym = symIt->second;
    LoopScope loop(*this, body);
    const Node* obj = bodyObject(body);
    if (!(d->flags & kExisting) && obj) {
      std::vector<std::string> refs;
      refs_ = &refs;
      auto [type, api] = fullType(d);
      Value attrs = Value::object();
      attrs.prov = Provenance{fid_, obj->range, {}};
      Value t(type);
      t.prov = Provenance{fid_, d->a->range, {}};
      attrs.set("type", std::move(t));
      if (!api.empty()) {
        Value a(api);
        a.prov = Provenance{fid_, d->a->range, {}};
        attrs.set("apiVersion", std::move(a));
      }
      Value body = object(obj);
      for (Member& m : body.asObject()) {
        if (m.key == "parent" || m.key == "scope" || m.key == "dependsOn") continue;
        if (m.key == "name") {
          Value name = resourceName(sym);
          name.prov = m.value.prov;
          attrs.set("name", std::move(name));
          continue;
        }
        attrs.set(m.key, std::move(m.value));
      }
      // dependsOn: symbol references (the evaluated values are unknown resource references)
      for (const Node* p : obj->list) {
        if (p->is(NodeKind::Property) && p->name == "dependsOn" && p->a->is(NodeKind::Array)) {
          for (const Node* dep : p->a->list) {
            if (dep->is(NodeKind::Ident) || dep->is(NodeKind::ChildAccess)) {
              if (auto it = resources_.find(chainName(dep)); it != resources_.end()) refs.push_back(it->second.address);
              else if (modules_.count(std::string(dep->name))) refs.push_back(prefix_ + "module." + std::string(dep->name));
            }
          }
        }
      }
      if (const Node* lexical = parentOf(d)) {
        for (auto& [k, s] : resources_) if (s.decl == lexical) { refs.push_back(s.address); break; }
      }
      refs_ = nullptr;
      Resource r;
      r.kind = type;
      r.sourceType = d->a->text;
      r.format = "bicep";
      r.file = fid_;
      r.address = sym.address;
      r.header = headerOf(d);
      r.body = d->range;
      Value name = resourceName(sym);
      if (name.isString()) {
        r.aliases.push_back(name.asString());
        r.aliases.push_back(toLowerAscii(type + "/" + name.asString()));
      }
      std::sort(refs.begin(), refs.end());
      refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
      std::erase_if(refs, [&](const std::string& s) { return s == r.address; });
      r.references = std::move(refs);
      r.attributes = std::move(attrs);
      files_.ctx().resources.push_back(std::move(r));
    }
    if (obj) {
      for (const Node* item : obj->list) if (item->is(NodeKind::Resource)) emitResource(item);
    }
  }

  void moduleError(const Node* d, std::string msg) {
    Error e;
    e.path = pf_.file->path();
    e.file = fid_;
    e.range = d->a ? d->a->range : d->nameRange;
    e.message = std::move(msg);
    e.code = kNotFollowedCode;
    files_.ctx().errors.push_back(std::move(e));
  }

  // The parameter values a module call passes (`params: {...}`), with the resources each refers to.
  ParamValues moduleParams(const Node* d, std::unordered_map<std::string, std::vector<std::string>>* paramRefs) {
    ParamValues values;
    LoopScope loop(*this, d->b);
    if (const Node* obj = bodyObject(d->b)) {
      for (const Node* p : obj->list) {
        if (!p->is(NodeKind::Property) || p->name != "params") continue;
        bool plain = p->a->is(NodeKind::Object) &&
                     std::all_of(p->a->list.begin(), p->a->list.end(), [](const Node* x) { return x->is(NodeKind::Property); });
        if (plain) {
          // Per parameter, to know which resources each one refers to.
          for (const Node* pp : p->a->list) {
            std::vector<std::string> refs;
            refs_ = &refs;
            values[std::string(pp->name)] = eval(pp->a);
            refs_ = nullptr;
            if (!refs.empty() && paramRefs) (*paramRefs)[std::string(pp->name)] = std::move(refs);
          }
          continue;
        }
        Value ps = eval(p->a);
        if (ps.isObject()) for (Member& m : ps.asObject()) values[m.key] = std::move(m.value);
      }
    }
    return values;
  }

  // br:, br/public: and ts: modules: the compiled ARM template `bicep restore` put in the local
  // module cache is evaluated by the ARM front-end with the call's parameter values; when it is
  // not there, one EG910 notice and an opaque deployment.
  void emitRegistryModule(const Node* d, const std::string& ref) {
    std::string why;
    fs::path cached = restoredModulePath(ref, why);
    const SourceFile* f = nullptr;
    if (!cached.empty()) f = loadRestoredModule(files_.ctx(), cached, why);
    if (!f) {
      Error e;
      e.path = pf_.file->path();
      e.file = fid_;
      e.range = d->a->range;
      e.message = "module '" + std::string(d->name) + "' (" + ref + ") is not in the local Bicep module cache" +
                  (cached.empty() ? " (" + why + ")" : why == "not restored" ? "" : " (" + why + ")") +
                  ": run bicep restore; what it deploys is not checked";
      e.code = kModuleNotOnDiskCode;
      e.notice = true;
      files_.ctx().errors.push_back(std::move(e));
      emitOpaqueModule(d, "is a registry module that is not restored: what it deploys is not known");
      return;
    }
    Value root;
    json::JsonError err;
    if (!json::parseJson(*f, root, err) || !root.isObject()) {
      emitOpaqueModule(d, "is a registry module whose restored template is not valid JSON: what it deploys is not known");
      return;
    }
    ParamValues values = moduleParams(d, nullptr);
    Value params = Value::object();
    for (auto& [name, v] : values) {
      Value wrapped = Value::object();
      wrapped.set("value", v);
      params.set(name, std::move(wrapped));
    }
    arm::TemplateLoader loader(files_.ctx(), *f);
    loader.load(root, &params);
  }

  void emitModule(const Node* d) {
    if (!d->a || !d->a->isPlainString()) return;
    const std::string& path = d->a->text;
    if (!instanceDeployed(d->b)) return;
    if (isRegistryPath(path)) {
      emitRegistryModule(d, path);
      return;
    }
    fs::path base = fs::path(pf_.file->path()).parent_path();
    fs::path target = (base / path).lexically_normal();
    std::string key = target.generic_string();
    if (std::find(stack_.begin(), stack_.end(), key) != stack_.end()) {
      std::string chain;
      for (const std::string& s : stack_) chain += s + " -> ";
      moduleError(d, "module '" + std::string(d->name) + "' creates a cycle: " + chain + key);
      return;
    }
    if (stack_.size() > kMaxModuleDepth) {
      moduleError(d, "module '" + std::string(d->name) + "' is nested more than 32 levels deep");
      return;
    }
    if (++files_.moduleInstances > kMaxModuleInstances) {
      if (files_.moduleInstances == kMaxModuleInstances + 1) {
        moduleError(d, "more than " + std::to_string(kMaxModuleInstances) +
                           " module instances in this folder (modules that call each other many times over); the rest are not followed");
      }
      emitOpaqueModule(d, "is past the limit of module instances: what it deploys is not known");
      return;
    }
    std::string why;
    const SourceFile* f = files_.load(target, &why);
    if (!f) {
      moduleError(d, "module '" + std::string(d->name) + "': cannot read '" + path + "'" + (why.empty() ? "" : ": " + why));
      return;
    }
    if (fs::path(path).extension() == ".json") {  // compiled ARM module: not followed here
      emitOpaqueModule(d, "is a compiled ARM template that is not followed: what it deploys is not known");
      return;
    }
    const ParsedFile& child = files_.get(*f);
    if (child.hasErrors()) return;  // reported by UnitFiles
    std::unordered_map<std::string, std::vector<std::string>> paramRefs;
    ParamValues values = moduleParams(d, &paramRefs);
    std::vector<std::string> stack = stack_;
    stack.push_back(key);
    Template t(files_, child, values, prefix_ + "module." + std::string(d->name) + ".", std::move(stack));
    t.setParamRefs(std::move(paramRefs));
    t.emitAll();
  }

  // Param files: the value of every `param x = …`.
  ParamValues paramFileValues() {
    ParamValues out;
    for (auto& [n, d] : params_) if (d->b) out[n] = param(n, d->nameRange);
    return out;
  }

  std::string stringOf(const Value& v) {
    if (v.isString()) return v.asString();
    return v.toDisplay();
  }

 private:
  UnitFiles& files_;
  const ParsedFile& pf_;
  FileId fid_;
  const ParamValues& values_;
  std::string prefix_;
  std::vector<std::string> stack_;
  std::unordered_map<std::string, const Node*> params_, vars_, funcs_, modules_;
  std::unordered_map<std::string, ResourceSym> resources_;
  std::unordered_map<const Node*, const Node*> parents_;
  std::unordered_map<std::string, Value> paramMemo_, varMemo_;
  std::unordered_map<const Node*, Value> nameMemo_;
  std::unordered_map<const Node*, std::pair<std::string, std::string>> typeMemo_;
  std::unordered_set<const Node*> inProgress_;
  std::vector<std::pair<std::string_view, Value>> locals_;
  std::vector<std::string>* refs_ = nullptr;
  std::unordered_map<std::string, std::vector<std::string>> paramRefs_;
};

}  // namespace

const ParsedFile& UnitFiles::get(const SourceFile& f) {
  auto& slot = parsed_[f.id()];
  if (!slot) {
    slot = std::make_unique<ParsedFile>();
    slot->file = &f;
    bool paramFile = fs::path(f.path()).extension() == ".bicepparam";
    parse(f.text(), paramFile, slot->tree);
    reportSyntaxErrors(*slot, ctx_.errors);
  }
  return *slot;
}

const SourceFile* UnitFiles::load(const fs::path& p, std::string* why) {
  if (!ctx_.isFile(p)) {
    if (why) *why = "no such file";
    return nullptr;
  }
  LoadError err;
  const SourceFile* f = ctx_.load(p, &err);
  if (!f && why) *why = err.message;
  return f;
}

void reportSyntaxErrors(const ParsedFile& pf, std::vector<Error>& out) {
  for (const SyntaxError& se : pf.tree.errors) {
    Error e;
    e.path = pf.file->path();
    e.file = pf.file->id();
    e.range = se.range;
    e.message = se.message;
    e.code = kInputErrorCode;
    out.push_back(std::move(e));
  }
}

ParamValues evaluateParamFile(UnitFiles& files, const ParsedFile& pf, int depth) {
  ParamValues base;
  for (const Node* d : pf.tree.root->list) {
    if (!d->is(NodeKind::Extends) || !d->a || !d->a->isPlainString() || depth > 8) continue;
    fs::path target = (fs::path(pf.file->path()).parent_path() / d->a->text).lexically_normal();
    std::string why;
    const SourceFile* f = files.load(target, &why);
    if (!f) {
      files.ctx().errors.push_back(Error{pf.file->path(), pf.file->id(), d->a->range, 0, 0,
                                         "the parameter file '" + d->a->text + "' named by 'extends' cannot be read: " + why,
                                         kInputErrorCode});
      continue;
    }
    const ParsedFile& parent = files.get(*f);
    if (!parent.hasErrors()) base = evaluateParamFile(files, parent, depth + 1);
  }
  Template t(files, pf, base, "", {});
  ParamValues own = t.paramFileValues();
  for (auto& [k, v] : own) base[k] = std::move(v);
  return base;
}

void emitTemplate(UnitFiles& files, const ParsedFile& pf, const ParamValues& values) {
  Template t(files, pf, values, "", {fs::path(pf.file->path()).lexically_normal().generic_string()});
  t.emitAll();
}

Value evaluateExpressionForTest(std::string_view bicepFile, std::string_view expr, const ParamValues& values) {
  SourceStore store;
  FrontEndOptions opts;
  LoadContext ctx{store, opts};
  std::string text = std::string(bicepFile) + "\nvar __test = " + std::string(expr) + "\n";
  const SourceFile* f = store.add("test.bicep", text);
  UnitFiles files(ctx);
  const ParsedFile& pf = files.get(*f);
  if (pf.hasErrors()) return Value::unknown("syntax error: " + pf.tree.errors.front().message);
  Template t(files, pf, values, "", {});
  Value v = t.variable("__test", ByteRange{});
  v.prov = Provenance{};
  return v;
}

}  // namespace eg::bicep
