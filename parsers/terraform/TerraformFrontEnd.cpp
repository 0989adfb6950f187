// TerraformFrontEnd: file selection and unit keys, plus the emission half of TerraformUnit
// (evaluated bodies -> Resources through the mapping tables, azapi bodies, merges).
#include "parsers/terraform/TerraformFrontEnd.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "linter/core/Budget.h"
#include "linter/graph/ResourceKinds.h"
#include "parsers/json/JsonReader.h"
#include "parsers/terraform/HclSyntax.h"
#include "parsers/terraform/Azapi.h"
#include "parsers/terraform/Mapping.h"
#include "parsers/terraform/SyntaxTrees.h"
#include "parsers/terraform/TerraformModule.h"

namespace eg::terraform {

namespace fs = std::filesystem;

namespace {

bool isVarFile(std::string_view name) { return name.ends_with(".tfvars") || name.ends_with(".tfvars.json"); }

}  // namespace

bool TerraformFrontEnd::accepts(const fs::path& path, std::string_view) const {
  std::string name = path.filename().string();
  return name.ends_with(".tf") || name.ends_with(".tf.json") || isVarFile(name);
}

std::string TerraformFrontEnd::unitKey(const fs::path& path) const {
  return "terraform:" + path.parent_path().generic_string();
}

std::vector<fs::path> TerraformFrontEnd::companions(const fs::path& path) const {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sec;
    if (!it->is_regular_file(sec) || it->path() == path) continue;
    if (accepts(it->path(), {})) out.push_back(it->path().lexically_normal());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool TerraformFrontEnd::parseOnly(const SourceFile& file, std::vector<Error>& errors) const {
  size_t before = errors.size();
  auto parsed = ParsedFile::parse(file, errors);
  return parsed && errors.size() == before;
}

std::unique_ptr<KeptState> TerraformFrontEnd::makeKeptState() const { return makeSyntaxTreeCache(); }

void TerraformFrontEnd::loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) {
  SyntaxTreeScope trees(ctx.kept);
  TerraformUnit u(ctx);
  u.run(unit);
}

void TerraformUnit::computePin(ModuleInstance& m) {
  for (const ParsedFile* pf : m.def->files) {
    for (const Block& t : pf->body.blocks) {
      if (t.type != "terraform") continue;
      for (const Block& rp : t.blocks) {
        if (rp.type != "required_providers") continue;
        const Attribute* az = rp.attr("azurerm");
        if (!az) continue;
        Evaluator ev(*this, m);
        Value v = ev.eval(az->expr);
        const Value* ver = v.isObject() ? v.get("version") : (v.isString() ? &v : nullptr);  // 0.12-style string
        if (!ver || !ver->isString()) continue;
        auto lb = constraintLowerBound(ver->asString());
        if (lb && (!m.azurermLowerBound || *lb > *m.azurermLowerBound)) m.azurermLowerBound = lb;
      }
    }
  }
}

void TerraformUnit::run(const std::vector<const SourceFile*>& unitFiles) {
  firstResource_ = ctx_.resources.size();
  std::vector<const SourceFile*> files(unitFiles);
  std::sort(files.begin(), files.end(), [](const SourceFile* a, const SourceFile* b) { return a->path() < b->path(); });
  auto def = std::make_unique<ModuleDef>();
  std::string dir;
  if (!files.empty()) dir = fs::path(files.front()->path()).parent_path().generic_string();
  def->dir = dir;
  for (const SourceFile* f : files) {
    std::string name = fs::path(f->path()).filename().string();
    if (isVarFile(name)) {
      parse(*f);  // syntax errors are reported even for var files Terraform would not auto-load
      continue;
    }
    def->index(*parse(*f), ctx().errors);
  }
  ModuleDef* d = def.get();
  defs_.push_back(std::move(def));
  if (!dir.empty()) defsByDir_.emplace(dir, d);
  root_ = std::make_unique<ModuleInstance>();
  root_->def = d;
  computePin(*root_);
  bindRootVariables(*root_, files, dir);
  emit(*root_);
  emitDeclarations(*root_, "output");
  emitDeclarations(*root_, "variable");
  applyMerges();
}

// Root-module outputs and variables become `Deployment/output` and `Deployment/parameter`
// resources: Terraform prints outputs and keeps them in plain text in the state (a child
// module's outputs reach neither unless the root passes them on), and a variable that is not
// sensitive is shown in plans and CI logs. Attributes: name, secure (= `sensitive`); outputs
// add value (its provenance is the value expression, so `expression_matches` sees how it was
// written), variables the `type` as written. `blockType` is "output" or "variable".
void TerraformUnit::emitDeclarations(ModuleInstance& m, std::string_view blockType) {
  bool output = blockType == "output";
  const auto& declarations = output ? m.def->outputs : m.def->variables;
  for (const ParsedFile* pf : m.def->files) {
    for (const Block& b : pf->body.blocks) {
      if (b.type != blockType || b.labels.size() != 1) continue;
      auto declared = declarations.find(b.labels[0]);
      if (declared == declarations.end() || declared->second != &b) continue;  // a duplicate (EG907)
      Resource r;
      r.kind = output ? kinds::kOutput : kinds::kParameter;
      r.address = m.prefix + (output ? "output." : "var.") + b.labels[0];
      r.sourceType = std::string(blockType);
      r.format = "terraform";
      r.file = b.file;
      r.header = b.header;
      r.body = b.range;
      std::vector<std::string> refs;
      Value attrs = Value::object();
      attrs.prov = Provenance{b.file, b.range, {}};
      Value name(b.labels[0]);
      name.prov = Provenance{b.file, b.header, {}};
      attrs.set("name", std::move(name));
      if (const Attribute* a = output ? b.attr("value") : nullptr) {
        Evaluator ev(*this, m);
        ev.references = &refs;
        Value v = ev.eval(a->expr);
        // The value's text is the value expression, unless the value came from elsewhere (a
        // local or variable): then it keeps that declaration's text.
        const ByteRange span = a->expr.range();
        bool inside = v.prov.file == b.file && v.prov.value.begin >= span.begin && v.prov.value.end <= span.end;
        if (inside || !v.prov.valid() || v.prov.value.empty()) v.prov = Provenance{b.file, span, a->nameRange};
        attrs.set("value", std::move(v));
      }
      const SourceFile* f = ctx_.store.get(b.file);
      if (const Attribute* a = output ? nullptr : b.attr("type"); a && f) {
        Value t{std::string(f->slice(a->expr.range()))};
        t.prov = Provenance{b.file, a->expr.range(), a->nameRange};
        attrs.set("type", std::move(t));
      }
      if (const Attribute* a = b.attr("sensitive")) {
        Evaluator ev(*this, m);
        Value v = ev.eval(a->expr);
        v.prov = Provenance{b.file, a->expr.range(), a->nameRange};
        attrs.set("secure", std::move(v));
      }
      std::sort(refs.begin(), refs.end());
      refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
      r.references = std::move(refs);
      r.attributes = std::move(attrs);
      ctx_.resources.push_back(std::move(r));
    }
  }
}

void TerraformUnit::emit(ModuleInstance& m) {
  if (!emitSplit(m)) {
    for (const Block* b : m.def->resourceOrder) emitResource(m, *b);
  }
  for (const Block* call : m.def->moduleOrder) {
    Evaluator ev(*this, m);
    bool skip = false;
    if (call->attr("count") || call->attr("for_each")) {
      // Evaluate the meta-arguments once to honour count = 0 / empty for_each.
      for (const char* meta : {"count", "for_each"}) {
        const Attribute* a = call->attr(meta);
        if (!a) continue;
        Value v = ev.eval(a->expr);
        if ((v.isNumber() && v.asNumber() <= 0) || (v.isArray() && v.asArray().empty()) ||
            (v.isObject() && v.asObject().empty()))
          skip = true;
      }
    }
    if (skip) continue;
    if (ModuleInstance* c = child(m, call->labels[0])) emit(*c);
    else emitUnresolvedModule(m, *call);
  }
}

// A root module of many resources, while the engine has a thread to spare (an editor's edit):
// its resources in two halves, the second on the spare thread with caches of its own (locals
// and referenced attributes are evaluated again there: pure, and cheap next to the resources).
// The halves' resources and merges, in order, are what one pass gives, unless the order of
// evaluation could matter: a child module would be loaded twice (not split), or a cycle guard
// or the depth limit answered in either half (a value the first half cached would have been
// read, not computed, by the second). Then everything the halves did is dropped and false is
// returned, as when the module is not split, and the caller emits in one pass.
bool TerraformUnit::emitSplit(ModuleInstance& m) {
  const std::vector<const Block*>& order = m.def->resourceOrder;
  if (!ctx_.spareThread || &m != root_.get() || !m.def->moduleCalls.empty() ||
      order.size() < std::max<size_t>(2, ctx_.spareThreadMinimum)) {
    return false;
  }
  const size_t half = order.size() / 2;
  // The state the halves change, to start again from.
  auto localCache = m.localCache;
  auto localRefs = m.localRefs;
  const size_t emitted = ctx_.resources.size();
  const size_t merges = merges_.size();
  const bool orderDependent = std::exchange(orderDependent_, false);
  std::optional<DepthHit> before = takeTooDeep();

  // The second half: another unit over a copy of the instance, into its own list.
  std::vector<Resource> second;
  TerraformUnit other(ctx_);
  other.sink_ = &second;
  ModuleInstance copy = m.evaluationCopy();
  std::optional<ParseBudget::Share> share;
  if (ParseBudget* budget = currentBudget()) share = budget->share();
  std::optional<DepthHit> besideHit;
  runBeside(
      [&] {
        std::optional<ParseBudget> own;
        std::optional<BudgetScope> scope;
        if (share) scope.emplace(own.emplace(*share));
        for (size_t i = half; i < order.size(); ++i) other.emitResource(copy, *order[i]);
        besideHit = takeTooDeep();
      },
      [&] {
        for (size_t i = 0; i < half; ++i) emitResource(m, *order[i]);
      });
  std::optional<DepthHit> hereHit = takeTooDeep();
  if (before) noteTooDeep(before->file, before->at);
  const bool differs = hereHit || besideHit || orderDependent_ || other.orderDependent_;
  orderDependent_ = orderDependent;
  if (differs) {
    m.localCache = std::move(localCache);
    m.localRefs = std::move(localRefs);
    m.busy.clear();
    ctx_.resources.erase(ctx_.resources.begin() + static_cast<std::ptrdiff_t>(emitted), ctx_.resources.end());
    merges_.resize(merges);
    return false;
  }
  for (Resource& r : second) ctx_.resources.push_back(std::move(r));
  for (PendingMerge& pm : other.merges_) merges_.push_back(std::move(pm));
  ++ctx_.handedOver;
  return true;
}

// A module call whose source is not loaded (registry, git, or a directory that failed to
// load) is a `Terraform/module` resource: `source`, the evaluated `inputs`, and `contents`,
// which is unknown — it may deploy anything. References in its inputs become edges, so a
// policy looking for "a private endpoint for this hub" can answer unknown instead of
// reporting a hub whose endpoint is declared in a module nobody can see.
void TerraformUnit::emitUnresolvedModule(ModuleInstance& m, const Block& call) {
  Evaluator ev(*this, m);
  bool skip = false;
  ev.bindings = representativeBindings(ev, call, skip);
  std::vector<std::string> refs;
  ev.references = &refs;
  Resource r;
  r.kind = kinds::kTerraformModule;
  r.address = m.prefix + "module." + call.labels[0];
  r.sourceType = "module";
  r.format = "terraform";
  r.file = call.file;
  r.header = call.header;
  r.body = call.range;
  Value attrs = Value::object();
  attrs.prov = Provenance{call.file, call.range, {}};
  Value inputs = Value::object();
  inputs.prov = attrs.prov;
  for (const Attribute& a : call.attributes) {
    if (a.name == "count" || a.name == "for_each" || a.name == "providers" || a.name == "depends_on") continue;
    Value v = ev.eval(a.expr);
    v.prov.key = a.nameRange;
    if (a.name == "source" || a.name == "version") attrs.set(a.name, std::move(v));
    else inputs.set(a.name, std::move(v));
  }
  attrs.set("inputs", std::move(inputs));
  std::string source;
  if (const Value* sv = attrs.get("source"); sv && sv->isString()) source = " (" + sv->asString() + ")";
  Value contents = Value::unknown("module." + call.labels[0] + source + " is not loaded: what it deploys is not known");
  contents.prov = Provenance{call.file, call.header, {}};
  attrs.set("contents", std::move(contents));
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  r.references = std::move(refs);
  r.attributes = std::move(attrs);
  ctx_.resources.push_back(std::move(r));
}

void TerraformUnit::emitResource(ModuleInstance& m, const Block& b) {
  const std::string& type = b.labels[0];
  Evaluator ev(*this, m);
  bool skip = false;
  // Representative instance (see TerraformUnit.cpp).
  ev.bindings = representativeBindings(ev, b, skip);
  if (skip) return;
  std::vector<std::string> refs;
  ev.references = &refs;
  Value raw = ev.evalBody(b);

  Resource r;
  r.address = m.prefix + type + "." + b.labels[1];
  r.sourceType = type;
  r.format = "terraform";
  r.file = b.file;
  r.header = b.header;
  r.body = b.range;
  Provenance header{b.file, b.header, {}};

  if (type == "azapi_resource" || type == "azapi_update_resource") {
    const Value* t = raw.get("type");
    std::string kind = t && t->isString() ? azapiKind(t->asString()) : std::string();
    Value attrs = azapiAttributes(raw);
    if (const Attribute* bodyAttr = b.attr("body")) {
      Evaluator bev(*this, m);
      bev.bindings = ev.bindings;
      bev.references = &refs;
      Value body = bev.evalUnwrappingJsonencode(bodyAttr->expr);
      if (body.isString()) {
        // A heredoc or string of JSON: parse it; exact offsets when the text appears verbatim.
        const SourceFile* f = ctx_.store.get(b.file);
        uint32_t base = body.prov.value.begin;
        if (f) {
          std::string_view region = f->slice(body.prov.value);
          size_t at = region.find(body.asString());
          if (at != std::string_view::npos) base += static_cast<uint32_t>(at);
        }
        Value parsed;
        json::JsonError err;
        if (json::parseJsonText(body.asString(), b.file, base, parsed, err)) body = std::move(parsed);
      }
      mergeAzapiBody(attrs, body, b.file);
    }
    attrs.set("_terraform", raw);
    if (type == "azapi_update_resource") {
      // Merge into the resource named by resource_id (first resource reference in it).
      std::vector<std::string> idRefs;
      if (const Attribute* rid = b.attr("resource_id")) {
        Evaluator rev(*this, m);
        rev.references = &idRefs;
        rev.eval(rid->expr);
      }
      if (!idRefs.empty()) {
        Value patch = attrs;
        patch.erase("_terraform");
        patch.erase("name");
        merges_.push_back(PendingMerge{idRefs.front(), "", std::move(patch), std::nullopt});
      }
      // Without a target in this unit the partial body cannot be judged on its own; dropped.
      return;
    }
    r.kind = kind.empty() ? type : kind;
    if (const Value* n = attrs.get("name"); n && n->isString()) r.aliases.push_back(n->asString());
    r.attributes = std::move(attrs);
    r.references = std::move(refs);
    sink().push_back(std::move(r));
    return;
  }

  const TypeMapping* tm = MappingTables::builtin().find(type);
  if (!tm) {
    // Unmapped types keep their Terraform type as kind and only the raw body, so user
    // policies and edges can still see them.
    r.kind = type;
    r.attributes = Value::object();
    r.attributes.prov = raw.prov;
    if (const Value* n = raw.get("name")) {
      r.attributes.set("name", *n);
      if (n->isString()) r.aliases.push_back(n->asString());
    }
    r.attributes.set("_terraform", std::move(raw));
    r.references = std::move(refs);
    sink().push_back(std::move(r));
    return;
  }
  r.kind = tm->kind;
  Value attrs = applyMapping(*tm, raw, header, m.azurermLowerBound);
  // Literal names become aliases so later passes can join by name (e.g. an edge module's
  // image host `<name>.azurecr.io` to the registry).
  for (const std::string& a : tm->aliasFrom)
    if (const Value* v = raw.get(a); v && v->isString()) r.aliases.push_back(v->asString());
  attrs.set("_terraform", std::move(raw));
  r.attributes = std::move(attrs);
  r.references = refs;
  if (tm->mergeInto) {
    std::string target;
    std::string prefix = m.prefix + tm->mergeInto->targetType + ".";
    std::vector<std::string> attrRefs;
    if (const Attribute* ra = b.attr(tm->mergeInto->referenceAttribute)) {
      Evaluator rev(*this, m);
      rev.bindings = ev.bindings;
      rev.references = &attrRefs;
      rev.eval(ra->expr);
    }
    for (const std::string& ref : attrRefs) if (ref.rfind(prefix, 0) == 0) { target = ref; break; }
    r.kind = tm->mergeInto->standaloneKind;
    if (!target.empty()) {
      Value item = r.attributes;
      item.erase("_terraform");
      merges_.push_back(PendingMerge{target, tm->mergeInto->path, std::move(item), std::move(r)});
      return;
    }
  }
  sink().push_back(std::move(r));
}

void TerraformUnit::applyMerges() {
  std::unordered_map<std::string, size_t> byAddress;
  for (size_t i = firstResource_; i < ctx_.resources.size(); ++i) byAddress.emplace(ctx_.resources[i].address, i);
  std::vector<Resource> standalone;
  for (PendingMerge& pm : merges_) {
    auto it = byAddress.find(pm.target);
    if (it == byAddress.end()) {
      if (pm.standalone) standalone.push_back(std::move(*pm.standalone));
      continue;
    }
    Resource& target = ctx_.resources[it->second];
    if (pm.path.empty()) {
      target.attributes.mergeFrom(pm.value);
    } else {
      Provenance prov = pm.value.prov;
      appendPath(target.attributes, pm.path, std::move(pm.value), prov);
    }
    if (pm.standalone) target.references.push_back(pm.standalone->address);
  }
  for (Resource& r : standalone) ctx_.resources.push_back(std::move(r));
}

}  // namespace eg::terraform
