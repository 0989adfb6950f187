// ArmTemplate: template scopes (parameters, variables, user functions), the evaluation of
// template JSON with embedded expressions, and resource emission. See ArmTemplate.h.
#include "parsers/arm/ArmTemplate.h"

#include <algorithm>
#include <cmath>

#include "linter/core/Budget.h"
#include "linter/graph/ResourceKinds.h"

namespace eg::arm {

namespace {

constexpr int kMaxNesting = 16;           // nested deployments / child resources
constexpr double kMaxCopyCount = 1000;    // variable and property copy loops expanded exactly up to this
constexpr int kMaxFunctionDepth = 16;

// Sets the provenance of every value below `v` that has none (values built by functions).
void stampMissing(Value& v, const Provenance& p) {
  if (!v.prov.valid()) {
    v.prov.file = p.file;
    v.prov.value = p.value;
  }
  if (v.isArray()) {
    for (Value& e : v.asArray()) stampMissing(e, p);
  } else if (v.isObject()) {
    for (Member& m : v.asObject()) stampMissing(m.value, p);
  }
}

bool isSecureType(const Value* type) {
  return type && type->isString() &&
         (equalsIgnoreCase(type->asString(), "securestring") || equalsIgnoreCase(type->asString(), "secureobject"));
}

size_t segments(std::string_view s) {
  if (s.empty()) return 0;
  return static_cast<size_t>(std::count(s.begin(), s.end(), '/')) + 1;
}

// "Type/name" resource-id strings compare case-insensitively: references and aliases of that
// form are lower-cased. A full id ("/subscriptions/.../providers/Type/name") is cut to "Type/name".
std::string normalizeRef(std::string_view target) {
  if (target.find('/') == std::string_view::npos) return std::string(target);
  std::string lower = toLowerAscii(target);
  size_t p = lower.rfind("/providers/");
  if (p != std::string::npos) lower.erase(0, p + 11);
  while (!lower.empty() && lower.front() == '/') lower.erase(0, 1);
  return lower;
}

}  // namespace

// One template's evaluation scope: its parameters, variables and functions. Resources of an
// outer-scope nested deployment are evaluated in their parent's Scope.
class Scope : public ExpressionHost {
 public:
  // `suppliedRefs`: the references behind each supplied value (a nested deployment's
  // parameters), replayed wherever the inner template reads that parameter.
  Scope(TemplateLoader& loader, const Value& templ, const std::unordered_map<std::string, Value>* supplied,
        const std::unordered_map<std::string, std::vector<std::string>>* suppliedRefs = nullptr)
      : loader_(loader), templ_(templ) {
    if (const Value* ps = templ.get("parameters"); ps && ps->isObject()) {
      for (const Member& m : ps->asObject()) params_.emplace(toLowerAscii(m.key), makeSlot(m.key, &m.value));
    }
    if (supplied) {
      for (const auto& [k, v] : *supplied) {
        auto it = params_.find(k);
        if (it == params_.end()) continue;
        it->second.supplied = true;
        it->second.value = v;
        if (suppliedRefs) {
          if (auto r = suppliedRefs->find(k); r != suppliedRefs->end()) it->second.refs = r->second;
        }
      }
    }
    if (const Value* vs = templ.get("variables"); vs && vs->isObject()) {
      for (const Member& m : vs->asObject()) {
        if (equalsIgnoreCase(m.key, "copy") && m.value.isArray()) {
          for (const Value& loop : m.value.asArray()) {
            const Value* name = loop.get("name");
            if (name && name->isString()) {
              Slot s = makeSlot(name->asString(), &loop);
              s.copyLoop = true;
              vars_.emplace(toLowerAscii(name->asString()), std::move(s));
            }
          }
          continue;
        }
        vars_.emplace(toLowerAscii(m.key), makeSlot(m.key, &m.value));
      }
    }
    if (const Value* fs = templ.get("functions"); fs && fs->isArray()) {
      for (const Value& ns : fs->asArray()) {
        const Value* nsName = ns.get("namespace");
        const Value* members = ns.get("members");
        if (!nsName || !nsName->isString() || !members || !members->isObject()) continue;
        for (const Member& m : members->asObject())
          functions_.emplace(toLowerAscii(nsName->asString() + "." + m.key), &m.value);
      }
    }
  }

  std::vector<std::string>* refs = nullptr;  // where references found now are recorded

  // --- ExpressionHost -----------------------------------------------------------------------
  Value parameter(std::string_view name) override {
    if (inFunction_) {  // inside a user function, parameters() names the function's parameters
      auto fa = functionArgs_.find(toLowerAscii(name));
      if (fa != functionArgs_.end()) return fa->second;
    }
    auto it = params_.find(toLowerAscii(name));
    if (it == params_.end()) return Value::unknown("parameter '" + std::string(name) + "' is not declared");
    Slot& s = it->second;
    return resolve(s, [&](Slot& slot) -> Value {
      const Value* type = slot.raw->get("type");
      if (isSecureType(type)) return Value::unknown("secure parameter '" + slot.name + "' is not read");
      if (slot.supplied) return slot.value;
      if (const Value* def = slot.raw->get("defaultValue")) return evalTree(*def);
      if (const Value* nullable = slot.raw->get("nullable"); nullable && nullable->isBool() && nullable->asBool())
        return Value(nullptr);
      return Value::unknown("parameter '" + slot.name + "' has no value (no default and no parameter file value)");
    });
  }

  Value variable(std::string_view name) override {
    auto it = vars_.find(toLowerAscii(name));
    if (it == vars_.end()) return Value::unknown("variable '" + std::string(name) + "' is not declared");
    return resolve(it->second, [&](Slot& slot) -> Value {
      if (slot.copyLoop) return copyArray(*slot.raw);
      return evalTree(*slot.raw);
    });
  }

  Value copyIndex(std::string_view loop) override {
    for (auto it = loops_.rbegin(); it != loops_.rend(); ++it) {
      if (loop.empty() || equalsIgnoreCase(it->first, loop)) return it->second;
    }
    return Value::unknown("copyIndex() outside a copy loop");
  }

  Value userFunction(std::string_view qualifiedName, std::vector<Value>& args) override {
    auto it = functions_.find(std::string(qualifiedName));
    if (it == functions_.end() || functionDepth_ >= kMaxFunctionDepth)
      return Value::unknown("user function " + std::string(qualifiedName) + " is not known");
    const Value& def = *it->second;
    const Value* output = def.get("output");
    const Value* body = output ? output->get("value") : nullptr;
    if (!body) return Value::unknown("user function " + std::string(qualifiedName) + " has no output");
    // Function bodies see only their own parameters.
    std::unordered_map<std::string, Value> bound;
    if (const Value* ps = def.get("parameters"); ps && ps->isArray()) {
      size_t i = 0;
      for (const Value& p : ps->asArray()) {
        const Value* n = p.get("name");
        if (n && n->isString() && i < args.size()) bound.emplace(toLowerAscii(n->asString()), std::move(args[i]));
        ++i;
      }
    }
    std::swap(bound, functionArgs_);
    bool saved = inFunction_;
    inFunction_ = true;
    ++functionDepth_;
    Value v = evalTree(*body);
    --functionDepth_;
    inFunction_ = saved;
    std::swap(bound, functionArgs_);
    return v;
  }

  void referenced(std::string_view target) override {
    if (refs && !target.empty()) refs->push_back(normalizeRef(target));
  }

  // --- template JSON -------------------------------------------------------------------------
  // Evaluates a template value: expressions in strings, property copy loops in objects.
  Value evalTree(const Value& raw) {
    // Variables, parameters, copy loops and functions resolve through here: the thread's depth
    // bounds a chain of variables as long as the template.
    EvalDepth depth;
    if (depth.tooDeep()) {
      noteTooDeep(raw.prov.file, raw.prov.value);
      Value v = Value::unknown("nested or chained deeper than " + std::to_string(kMaxEvalDepth) + " levels");
      v.prov = raw.prov;
      return v;
    }
    switch (raw.type()) {
      case Value::Type::String: return evalString(raw);
      case Value::Type::Array: {
        Value out = Value::array();
        out.prov = raw.prov;
        Array& a = out.asArray();
        a.reserve(raw.asArray().size());
        for (const Value& e : raw.asArray()) a.push_back(evalTree(e));
        return out;
      }
      case Value::Type::Object: {
        Value out = Value::object();
        out.prov = raw.prov;
        Object& o = out.asObject();
        o.reserve(raw.asObject().size());
        for (const Member& m : raw.asObject()) {
          if (m.value.isArray() && equalsIgnoreCase(m.key, "copy") && isPropertyCopy(m.value)) {
            for (const Value& loop : m.value.asArray()) {
              const Value* n = loop.get("name");
              Value arr = copyArray(loop);
              arr.prov.key = n ? n->prov.value : m.value.prov.key;
              o.push_back(Member{n->asString(), std::move(arr)});
            }
            continue;
          }
          o.push_back(Member{m.key, evalTree(m.value)});
        }
        return out;
      }
      default: return raw;
    }
  }

  Value evalString(const Value& raw) {
    const std::string& s = raw.asString();
    switch (classifyString(s)) {
      case StringForm::Literal:
      case StringForm::Unclosed: return raw;
      case StringForm::EscapedLiteral: {
        Value v(std::string_view(s).substr(1));
        v.prov = raw.prov;
        return v;
      }
      case StringForm::Expression: break;
    }
    const ExprNode* e = loader_.expressionAt(raw);
    Value v = e ? evaluate(*e, *this) : Value::unknown("the expression does not parse");
    stampMissing(v, raw.prov);
    v.prov = raw.prov;
    return v;
  }

  void pushLoop(std::string name, Value index) { loops_.emplace_back(std::move(name), std::move(index)); }
  void popLoop() { loops_.pop_back(); }

  const Value& templ() const { return templ_; }

 private:
  struct Slot {
    std::string name;
    const Value* raw = nullptr;  // parameter definition / variable value / copy loop
    bool copyLoop = false;
    bool supplied = false;
    int state = 0;  // 0 not resolved, 1 resolving, 2 resolved
    Value value;
    std::vector<std::string> refs;  // references found while resolving, replayed on each use
  };
  static Slot makeSlot(std::string name, const Value* raw) {
    Slot s;
    s.name = std::move(name);
    s.raw = raw;
    return s;
  }

  // Memoized, cycle-safe resolution; loop bindings do not leak into declarations.
  template <typename F>
  Value resolve(Slot& s, F compute) {
    if (s.state == 1) return Value::unknown("'" + s.name + "' refers to itself");
    if (s.state == 0) {
      s.state = 1;
      std::vector<std::pair<std::string, Value>> loops;
      std::swap(loops, loops_);
      std::vector<std::string>* outer = refs;
      refs = &s.refs;
      bool fn = inFunction_;
      inFunction_ = false;
      Value v = compute(s);
      if (v.hasMoreNodesThan(kMaxReferencedValueNodes)) v = Value::unknown(tooManyNodesReason());
      inFunction_ = fn;
      refs = outer;
      std::swap(loops, loops_);
      s.value = std::move(v);
      s.state = 2;
    }
    if (refs) refs->insert(refs->end(), s.refs.begin(), s.refs.end());
    return s.value;
  }

  static bool isPropertyCopy(const Value& arr) {
    for (const Value& e : arr.asArray()) {
      const Value* n = e.get("name");
      if (!e.isObject() || !n || !n->isString() || !e.get("input")) return false;
    }
    return !arr.asArray().empty();
  }

  // {"name": n, "count": c, "input": x} -> [x with copyIndex(n) = 0, 1, ...]
  Value copyArray(const Value& loop) {
    const Value* name = loop.get("name");
    const Value* countRaw = loop.get("count");
    const Value* input = loop.get("input");
    std::string loopName = name && name->isString() ? name->asString() : std::string();
    if (!countRaw || !input) return Value::unknown("copy loop '" + loopName + "' has no count or input");
    Value count = evalTree(*countRaw);
    if (count.isUnknown()) return Value::unknown("copy loop '" + loopName + "': " + count.unknownReason());
    if (!count.isNumber() || count.asNumber() < 0 || count.asNumber() > kMaxCopyCount)
      return Value::unknown("copy loop '" + loopName + "' has a count that is not evaluated");
    Value out = Value::array();
    out.prov = loop.prov;
    int n = static_cast<int>(count.asNumber());
    for (int i = 0; i < n; ++i) {
      pushLoop(loopName, Value(i));
      out.asArray().push_back(evalTree(*input));
      popLoop();
    }
    return out;
  }

  TemplateLoader& loader_;
  const Value& templ_;
  std::unordered_map<std::string, Slot> params_, vars_;
  std::unordered_map<std::string, const Value*> functions_;
  std::unordered_map<std::string, Value> functionArgs_;
  bool inFunction_ = false;
  int functionDepth_ = 0;
  std::vector<std::pair<std::string, Value>> loops_;
};

// ---------------------------------------------------------------------------------------------

void TemplateLoader::error(ByteRange range, std::string message) {
  Error e;
  e.path = file_.path();
  e.file = file_.id();
  e.range = range;
  e.message = std::move(message);
  e.code = kInputErrorCode;
  ctx_.errors.push_back(std::move(e));
}

const ExprNode* TemplateLoader::expressionAt(const Value& str) {
  if (!str.isString() || str.prov.file != file_.id()) {
    // Not text of this template (a parameter file value, a json() result): parse, do not cache.
    return nullptr;
  }
  auto [it, inserted] = parsed_.try_emplace(str.prov.value.begin);
  if (!inserted) return it->second.expr.get();
  ExprError err;
  it->second.expr = parseExpression(str.asString(), err);
  if (!it->second.expr) {
    // Point at the offending character when the literal has no escapes (offsets then agree).
    ByteRange lit = str.prov.value;
    std::string_view raw = file_.slice(lit);
    ByteRange at = lit;
    if (raw.size() >= 2 && raw.substr(1, raw.size() - 2) == str.asString()) {
      at.begin = lit.begin + 1 + std::min<uint32_t>(err.offset, static_cast<uint32_t>(str.asString().size()));
      at.end = std::max(at.begin, lit.end - 1);
      if (at.end == at.begin) at.end = at.begin + 1;
    }
    error(at, "invalid template expression: " + err.message);
  }
  return it->second.expr.get();
}

// Parses every expression of the template once, so syntax errors are reported even where
// nothing is evaluated (outputs, unused variables). `metadata` is free text and skipped.
void TemplateLoader::checkExpressions(const Value& v, bool structural) {
  switch (v.type()) {
    case Value::Type::String:
      switch (classifyString(v.asString())) {
        case StringForm::Expression: expressionAt(v); break;
        case StringForm::Unclosed: {
          auto [it, inserted] = parsed_.try_emplace(v.prov.value.begin);
          if (inserted) error(v.prov.value, "invalid template expression: it starts with '[' but does not end with ']'");
          break;
        }
        default: break;
      }
      break;
    case Value::Type::Array:
      for (const Value& e : v.asArray()) checkExpressions(e, false);
      break;
    case Value::Type::Object:
      for (const Member& m : v.asObject()) {
        if (structural && equalsIgnoreCase(m.key, "metadata")) continue;
        // Parameter and output definitions, function members: their own metadata is skipped too.
        bool defs = structural && (equalsIgnoreCase(m.key, "parameters") || equalsIgnoreCase(m.key, "outputs") ||
                                   equalsIgnoreCase(m.key, "definitions"));
        if (defs && m.value.isObject()) {
          for (const Member& d : m.value.asObject()) {
            if (!d.value.isObject()) { checkExpressions(d.value, false); continue; }
            for (const Member& f : d.value.asObject()) {
              if (!equalsIgnoreCase(f.key, "metadata")) checkExpressions(f.value, false);
            }
          }
          continue;
        }
        checkExpressions(m.value, false);
      }
      break;
    default: break;
  }
}

void TemplateLoader::load(const Value& root, const Value* parameterValues) {
  if (!root.isObject()) {
    error(ByteRange{root.prov.value.begin, root.prov.value.begin + 1}, "an ARM template must be a JSON object");
    return;
  }
  checkExpressions(root, true);
  std::unordered_map<std::string, Value> supplied;
  if (parameterValues && parameterValues->isObject()) {
    for (const Member& m : parameterValues->asObject()) {
      Value v;
      if (const Value* val = m.value.get("value")) v = *val;
      else if (m.value.get("reference")) v = Value::unknown("parameter '" + m.key + "' comes from Key Vault");
      else continue;
      supplied.emplace(toLowerAscii(m.key), std::move(v));
    }
  }
  Scope scope(*this, root, &supplied);
  if (const Value* rs = root.get("resources")) emitResources(scope, *rs, nullptr, "", 0);
  if (const Value* outs = root.get("outputs"); outs && outs->isObject()) {
    for (const Member& m : outs->asObject()) emitOutput(scope, m);
  }
  if (const Value* params = root.get("parameters"); params && params->isObject()) {
    for (const Member& m : params->asObject()) emitParameter(m);
  }
}

// An entry of `parameters` -> a `Deployment/parameter` resource (name, type, secure = type
// secureString / secureObject): other parameters are kept in the deployment history.
void TemplateLoader::emitParameter(const Member& m) {
  if (!m.value.isObject()) return;
  Value attrs = Value::object();
  attrs.prov = m.value.prov;
  Value name(m.key);
  name.prov = Provenance{file_.id(), m.value.prov.key, {}};
  attrs.set("name", std::move(name));
  bool secure = false;
  if (const Value* t = m.value.get("type")) {
    attrs.set("type", *t);
    secure = t->isString() && (equalsIgnoreCase(t->asString(), "securestring") || equalsIgnoreCase(t->asString(), "secureobject"));
  }
  Value sec(secure);
  if (const Value* t = m.value.get("type")) sec.prov = t->prov;
  attrs.set("secure", std::move(sec));
  Resource r;
  r.kind = kinds::kParameter;
  r.sourceType = "parameter";
  r.format = "arm";
  r.file = file_.id();
  r.address = "parameters." + m.key;
  r.header = m.value.prov.key.empty() ? ByteRange{m.value.prov.value.begin, m.value.prov.value.begin + 1}
                                      : ByteRange{m.value.prov.key.begin, m.value.prov.key.end};
  r.body = m.value.prov.value;
  r.attributes = std::move(attrs);
  ctx_.resources.push_back(std::move(r));
}

// An entry of `outputs` -> a `Deployment/output` resource: outputs are kept in the
// deployment history, readable by anyone with read access to the resource group. Attributes:
// name, type, value (provenance: the value's JSON text, so `expression_matches` sees the
// `listKeys(...)` call), secure (type secureString / secureObject).
void TemplateLoader::emitOutput(Scope& scope, const Member& m) {
  if (!m.value.isObject()) return;
  const Value* raw = m.value.get("value");
  if (!raw) raw = m.value.get("copy");  // output copy loops: the whole copy object
  if (!raw) return;
  std::vector<std::string> refs;
  std::vector<std::string>* outer = scope.refs;
  scope.refs = &refs;
  Value v = m.value.get("value") ? scope.evalTree(*raw) : Value::unknown("an output copy loop is evaluated at deployment");
  scope.refs = outer;
  // The value's text is the output's value, unless it came from elsewhere (a variable).
  const ByteRange span = raw->prov.value;
  bool inside = v.prov.file == raw->prov.file && v.prov.value.begin >= span.begin && v.prov.value.end <= span.end;
  if (inside || !v.prov.valid() || v.prov.value.empty()) v.prov = raw->prov;
  Value attrs = Value::object();
  attrs.prov = m.value.prov;
  Value name(m.key);
  name.prov = Provenance{file_.id(), m.value.prov.key, {}};
  attrs.set("name", std::move(name));
  bool secure = false;
  if (const Value* t = m.value.get("type")) {
    attrs.set("type", *t);
    secure = t->isString() && (equalsIgnoreCase(t->asString(), "securestring") || equalsIgnoreCase(t->asString(), "secureobject"));
  }
  attrs.set("value", std::move(v));
  Value sec(secure);
  if (const Value* t = m.value.get("type")) sec.prov = t->prov;
  attrs.set("secure", std::move(sec));
  Resource r;
  r.kind = kinds::kOutput;
  r.sourceType = "output";
  r.format = "arm";
  r.file = file_.id();
  r.address = "outputs." + m.key;
  r.header = m.value.prov.key.empty() ? ByteRange{m.value.prov.value.begin, m.value.prov.value.begin + 1}
                                      : ByteRange{m.value.prov.key.begin, m.value.prov.key.end};
  r.body = m.value.prov.value;
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  r.references = std::move(refs);
  r.attributes = std::move(attrs);
  ctx_.resources.push_back(std::move(r));
}

void TemplateLoader::emitResources(Scope& scope, const Value& list, const Parent* parent, const std::string& path,
                                   int depth) {
  if (depth > kMaxNesting) return;
  if (list.isArray()) {
    size_t i = 0;
    for (const Value& r : list.asArray()) {
      emitResource(scope, r, {}, {}, path + "resources[" + std::to_string(i) + "]", parent, depth);
      ++i;
    }
  } else if (list.isObject()) {  // languageVersion 2.0: symbolic name -> resource
    for (const Member& m : list.asObject()) {
      emitResource(scope, m.value, m.key, m.value.prov.key, path + "resources." + m.key, parent, depth);
    }
  }
}

void TemplateLoader::emitResource(Scope& scope, const Value& raw, const std::string& symbol, ByteRange symbolRange,
                                  const std::string& path, const Parent* parent, int depth) {
  if (!raw.isObject()) return;
  if (const Value* ex = raw.get("existing"); ex && ex->isBool() && ex->asBool()) return;  // not deployed here

  std::vector<std::string> refs;
  std::vector<std::string>* outerRefs = scope.refs;
  scope.refs = &refs;
  struct Restore {
    Scope& s;
    std::vector<std::string>* r;
    bool loop = false;
    ~Restore() {
      s.refs = r;
      if (loop) s.popLoop();
    }
  } restore{scope, outerRefs};

  // copy: one representative instance, copyIndex() unknown; count 0 deploys nothing.
  if (const Value* copy = raw.get("copy"); copy && copy->isObject()) {
    const Value* n = copy->get("name");
    std::string loop = n && n->isString() ? n->asString() : std::string();
    if (const Value* c = copy->get("count")) {
      Value count = scope.evalTree(*c);
      if (count.isNumber() && count.asNumber() <= 0) return;
    }
    scope.pushLoop(loop, Value::unknown("copyIndex() varies per copy of '" + loop + "'"));
    restore.loop = true;
  }
  if (const Value* cond = raw.get("condition")) {
    Value c = scope.evalTree(*cond);
    if (c.isBool() && !c.asBool()) return;
  }

  const Value* typeRaw = raw.get("type");
  Value typeV = typeRaw ? scope.evalTree(*typeRaw) : Value::unknown("no type");
  if (!typeV.isString() || typeV.asString().empty()) return;  // nothing a policy could match
  std::string type = typeV.asString();
  // A nested child names only its own type segment ("certificates").
  if (parent && !parent->type.empty() && type.find('.') == std::string::npos) type = parent->type + "/" + type;

  const Value* nameRaw = raw.get("name");
  Value name = nameRaw ? scope.evalTree(*nameRaw) : Value::unknown("no name");
  if (parent && name.isString() && segments(name.asString()) + 1 < segments(type)) {
    if (parent->name.isString()) {
      Provenance p = name.prov;
      name = Value(parent->name.asString() + "/" + name.asString());
      name.prov = p;
    } else {
      Provenance p = name.prov;
      name = Value::unknown("the parent resource's name is not known");
      name.prov = p;
    }
  }

  bool isDeployment = equalsIgnoreCase(type, kinds::kArmDeployment);
  Value attrs = Value::object();
  attrs.prov = raw.prov;
  for (const Member& m : raw.asObject()) {
    if (equalsIgnoreCase(m.key, "resources") || equalsIgnoreCase(m.key, "copy") ||
        equalsIgnoreCase(m.key, "condition"))
      continue;
    if (equalsIgnoreCase(m.key, "name")) {
      attrs.asObject().push_back(Member{m.key, name});
      continue;
    }
    if (equalsIgnoreCase(m.key, "type")) {
      Value t(type);
      t.prov = typeV.prov;
      attrs.asObject().push_back(Member{m.key, std::move(t)});
      continue;
    }
    if (isDeployment && equalsIgnoreCase(m.key, "properties") && m.value.isObject()) {
      // The inner template is evaluated on its own below, not as part of this body.
      Value props = Value::object();
      props.prov = m.value.prov;
      for (const Member& pm : m.value.asObject()) {
        if (equalsIgnoreCase(pm.key, "template")) continue;
        props.asObject().push_back(Member{pm.key, scope.evalTree(pm.value)});
      }
      if (const Value* link = m.value.get("templateLink"); link && !m.value.get("template")) {
        // A linked template is not fetched: what it deploys is not known.
        Value t = Value::unknown("the linked template is not loaded: what it deploys is not known");
        t.prov = link->prov;
        props.set("template", std::move(t));
      }
      attrs.asObject().push_back(Member{m.key, std::move(props)});
      continue;
    }
    attrs.asObject().push_back(Member{m.key, scope.evalTree(m.value)});
  }

  if (const Value* deps = attrs.get("dependsOn"); deps && deps->isArray()) {
    for (const Value& d : deps->asArray()) {
      if (d.isString()) refs.push_back(normalizeRef(d.asString()));
    }
  }
  if (parent && parent->name.isString()) refs.push_back(toLowerAscii(parent->type + "/" + parent->name.asString()));
  // An extension resource (diagnostic settings, locks, role assignments) names its target in
  // `scope`: a resource id, "Type/name", or a symbolic name (languageVersion 2.0).
  if (const Value* sc = attrs.get("scope"); sc && sc->isString()) refs.push_back(normalizeRef(sc->asString()));

  Resource r;
  r.kind = type;
  std::string apiVersion;
  if (const Value* av = attrs.get("apiVersion"); av && av->isString()) apiVersion = av->asString();
  r.sourceType = apiVersion.empty() ? type : type + "@" + apiVersion;
  r.format = "arm";
  r.file = file_.id();
  r.body = raw.prov.value;
  if (!symbol.empty()) r.address = symbol;
  else if (name.isString()) r.address = type + "/" + name.asString();
  else r.address = path;
  if (!symbol.empty() && !symbolRange.empty()) {
    r.header = symbolRange;
  } else if (typeRaw && !typeRaw->prov.key.empty() && typeRaw->prov.value.end > raw.prov.value.begin) {
    // From the resource's opening brace (its first line: where a comment above it suppresses)
    // through its "type", so the range names the resource.
    r.header = ByteRange{raw.prov.value.begin, typeRaw->prov.value.end};
  } else {
    r.header = ByteRange{raw.prov.value.begin, raw.prov.value.begin + 1};
  }
  if (name.isString()) {
    r.aliases.push_back(name.asString());
    r.aliases.push_back(toLowerAscii(type + "/" + name.asString()));
  }
  if (!symbol.empty()) r.aliases.push_back(symbol);
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  std::erase_if(refs, [&](const std::string& s) {
    return std::find(r.aliases.begin(), r.aliases.end(), s) != r.aliases.end();
  });
  r.references = std::move(refs);
  r.attributes = std::move(attrs);
  ctx_.resources.push_back(std::move(r));

  Parent self{type, name};
  if (const Value* children = raw.get("resources")) emitResources(scope, *children, &self, path + ".", depth + 1);

  if (isDeployment && depth < kMaxNesting) {
    const Value* props = raw.get("properties");
    const Value* inner = props ? props->get("template") : nullptr;
    if (inner && inner->isObject()) {
      const Value* opts = props->get("expressionEvaluationOptions");
      const Value* sc = opts ? opts->get("scope") : nullptr;
      Value scopeV = sc ? scope.evalTree(*sc) : Value();
      std::string innerPath = path + ".properties.template.";
      const Value* innerResources = inner->get("resources");
      if (scopeV.isString() && equalsIgnoreCase(scopeV.asString(), "inner")) {
        std::unordered_map<std::string, Value> supplied;
        std::unordered_map<std::string, std::vector<std::string>> suppliedRefs;
        if (const Value* ps = props->get("parameters"); ps && ps->isObject()) {
          for (const Member& m : ps->asObject()) {
            Value v;
            std::vector<std::string> valueRefs;
            std::vector<std::string>* outer = scope.refs;
            scope.refs = &valueRefs;
            if (const Value* val = m.value.get("value")) v = scope.evalTree(*val);
            else if (m.value.get("reference")) v = Value::unknown("parameter '" + m.key + "' comes from Key Vault");
            scope.refs = outer;
            if (!m.value.get("value") && !m.value.get("reference")) continue;
            for (std::string& r : valueRefs) suppliedRefs[toLowerAscii(m.key)].push_back(std::move(r));
            supplied.emplace(toLowerAscii(m.key), std::move(v));
          }
        }
        Scope innerScope(*this, *inner, &supplied, &suppliedRefs);
        if (innerResources) emitResources(innerScope, *innerResources, nullptr, innerPath, depth + 1);
      } else if (innerResources) {
        // Outer scope (the default): the nested template's expressions see this template.
        emitResources(scope, *innerResources, nullptr, innerPath, depth + 1);
      }
    }
  }
}

}  // namespace eg::arm
