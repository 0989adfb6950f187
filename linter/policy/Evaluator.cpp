// evaluate(): runs one compiled policy over a ResourceGraph with three-valued (Kleene)
// logic. Besides a truth value, every condition returns a *witness* — the value that
// decided it — which becomes the finding's location, its `{{value}}` and its detailKey.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "linter/policy/CheckNode.h"
#include "linter/policy/Policy.h"

namespace eg::policy {

namespace {

struct Witness {
  const Value* value = nullptr;  // the deciding value; nullptr when missing or not a value
  Provenance prov;               // used when value is nullptr (template group keys)
  std::string path;              // concrete attribute path, e.g. "properties.ipFilterRules[2].action"
  bool foreign = false;          // belongs to a related resource: never the subject's location
};

struct Outcome {
  Truth truth = Truth::False;
  Witness witness;
};

// What a condition is evaluated against.
struct Scope {
  const Resource* subject = nullptr;   // $resource
  const Value* item = nullptr;         // $item (for_each element)
  std::string_view itemPath;
  const Value* current = nullptr;      // unprefixed paths
  std::string_view currentPath;
  const Resource* currentResource = nullptr;  // whose attributes `current` is in (joins start here)
  bool foreign = false;
};

Truth notTruth(Truth t) {
  if (t == Truth::Unknown) return t;
  return t == Truth::True ? Truth::False : Truth::True;
}

// A path as written, anchored at `basePath` ("properties.ipRules[*].ipMask").
std::string describe(const PathExpr& p, std::string_view basePath) {
  std::string out(basePath);
  for (const PathStep& s : p.steps) {
    if (s.kind == PathStep::Kind::Wildcard) out += "[*]";
    else out = joinPath(out, s);
  }
  return out;
}

const Value* firstUnknown(const Value& v) {
  if (v.isUnknown()) return &v;
  if (v.isArray()) {
    for (const Value& e : v.asArray()) {
      if (const Value* u = firstUnknown(e)) return u;
    }
  } else if (v.isObject()) {
    for (const Member& m : v.asObject()) {
      if (const Value* u = firstUnknown(m.value)) return u;
    }
  }
  return nullptr;
}

// Canonical text of a value for grouping: object members sorted, strings optionally folded.
void canonical(const Value& v, bool foldCase, std::string& out) {
  switch (v.type()) {
    case Value::Type::String: out += Value(foldCase ? toLowerAscii(v.asString()) : v.asString()).toJson(); break;
    case Value::Type::Array:
      out += '[';
      for (const Value& e : v.asArray()) {
        canonical(e, foldCase, out);
        out += ',';
      }
      out += ']';
      break;
    case Value::Type::Object: {
      std::vector<const Member*> members;
      for (const Member& m : v.asObject()) members.push_back(&m);
      std::sort(members.begin(), members.end(), [](const Member* a, const Member* b) {
        return toLowerAscii(a->key) < toLowerAscii(b->key);
      });
      out += '{';
      for (const Member* m : members) {
        out += Value(toLowerAscii(m->key)).toJson();
        out += ':';
        canonical(m->value, foldCase, out);
        out += ',';
      }
      out += '}';
      break;
    }
    default: out += v.toJson();
  }
}

class Evaluator {
 public:
  Evaluator(const Policy& p, const CheckNode& c, const ResourceGraph& g, const EvalOptions& o)
      : policy_(p), check_(c), graph_(g), options_(o) {}

  std::vector<Finding> run() {
    std::vector<const Resource*> members;
    std::vector<const Resource*> all;
    if (!options_.subjects) {
      all.reserve(graph_.size());
      for (const Resource& r : graph_.resources()) all.push_back(&r);
    }
    for (const Resource* subject : options_.subjects ? *options_.subjects : all) {
      const Resource& r = *subject;
      if (!applies(r)) continue;
      Scope root = rootScope(r);
      std::optional<Outcome> whereUnknown;
      if (check_.where) {
        Outcome w = eval(*check_.where, root);
        if (w.truth == Truth::False) continue;
        if (w.truth == Truth::Unknown) whereUnknown = std::move(w);
      }
      if (whereUnknown) {
        // In scope or not, depending on an unknown: a finding needs both `where` and a
        // violation, so a violation that is false whatever the unknowns are decides (no
        // finding); anything else is unknown.
        bool possible = check_.aggregate || (check_.forEach.empty() ? eval(*check_.violation, root).truth != Truth::False
                                                                     : anyElementMayViolate(root));
        if (possible) emitUnknown(r, whereUnknown->witness, whereUnknown->witness.path);
        continue;
      }
      if (check_.aggregate) {
        members.push_back(&r);
      } else if (check_.forEach.empty()) {
        decide(r, root, eval(*check_.violation, root), std::nullopt);
      } else {
        forEachElement(r, root);
      }
    }
    if (check_.aggregate) aggregate(members);
    return std::move(findings_);
  }

  // Whether `c` holds for `r` itself (the root scope, as `where:` is evaluated).
  Truth holds(const Condition& c, const Resource& r) { return eval(c, rootScope(r)).truth; }

 private:
  struct KindIndex {
    std::vector<ResourceId> all;
    std::unordered_map<uint32_t, std::vector<ResourceId>> byUnit;
  };
  // related: conditions over the unit or the scan -> the resources of their kinds.
  std::unordered_map<const Condition*, KindIndex> relatedIndex_;

  bool applies(const Resource& r) const {
    bool kind = std::any_of(policy_.kinds.begin(), policy_.kinds.end(),
                            [&](const std::string& k) { return equalsIgnoreCase(k, r.kind); });
    bool format = policy_.formats.empty() ||
                  std::any_of(policy_.formats.begin(), policy_.formats.end(),
                              [&](const std::string& f) { return equalsIgnoreCase(f, r.format); });
    return kind && format;
  }

  static Scope rootScope(const Resource& r) {
    Scope s;
    s.subject = &r;
    s.current = &r.attributes;
    s.currentResource = &r;
    return s;
  }

  std::vector<PathMatch> elementsOf(const Scope& root) const {
    std::vector<PathMatch> elements;
    for (const PathExpr& p : check_.forEach) resolvePath(p, *base(p, root), basePath(p, root), elements);
    return elements;
  }

  // The violation on one for_each element. An unknown element is evaluated as a value that
  // may be anything; below an unknown container (which stands for any number of elements,
  // none included) only "no violation" is decided.
  Outcome elementOutcome(const Scope& root, const PathMatch& m) {
    Scope s = root;
    s.item = s.current = m.value;
    s.itemPath = s.currentPath = m.path;
    Outcome o = eval(*check_.violation, s);
    if (m.unknown && (o.truth == Truth::Unknown || (!m.complete && o.truth == Truth::True))) {
      o = Outcome{Truth::Unknown, Witness{m.value, {}, m.path, false}};
    }
    return o;
  }

  bool anyElementMayViolate(const Scope& root) {
    for (const PathMatch& m : elementsOf(root)) {
      if (m.value && elementOutcome(root, m).truth != Truth::False) return true;
    }
    return false;
  }

  void forEachElement(const Resource& r, const Scope& root) {
    for (const PathMatch& m : elementsOf(root)) {
      if (!m.value) continue;  // `x[*].y` where an element has no y: nothing to check
      Scope s = root;
      s.item = s.current = m.value;
      s.itemPath = s.currentPath = m.path;
      Outcome o = elementOutcome(root, m);
      if (m.unknown && o.truth == Truth::Unknown) {
        emitUnknown(r, o.witness, m.path);
        continue;
      }
      decide(r, s, o, m.path);
    }
  }

  // ---- conditions -------------------------------------------------------------------------

  static const Value* base(const PathExpr& p, const Scope& s) {
    switch (p.root) {
      case PathRoot::Resource: return &s.subject->attributes;
      case PathRoot::Item: return s.item;
      case PathRoot::Current: break;
    }
    return s.current;
  }

  static std::string_view basePath(const PathExpr& p, const Scope& s) {
    switch (p.root) {
      case PathRoot::Resource: return {};
      case PathRoot::Item: return s.itemPath;
      case PathRoot::Current: break;
    }
    return s.currentPath;
  }

  static bool foreign(const PathExpr& p, const Scope& s) { return p.root == PathRoot::Current && s.foreign; }

  // The witness of a wildcard path that matched nothing: the collection itself if it
  // exists (an empty list), else nothing (the resource header).
  static Witness emptyWitness(const PathExpr& p, const Scope& s) {
    Witness w;
    w.path = describe(p, basePath(p, s));
    w.foreign = foreign(p, s);
    PathExpr prefix = p;
    auto wc = std::find_if(prefix.steps.begin(), prefix.steps.end(),
                           [](const PathStep& st) { return st.kind == PathStep::Kind::Wildcard; });
    prefix.steps.erase(wc, prefix.steps.end());
    std::vector<PathMatch> m;
    resolvePath(prefix, *base(p, s), basePath(p, s), m);
    if (m.size() == 1 && m[0].value) {
      w.value = m[0].value;
      w.path = m[0].path;
    }
    return w;
  }

  Outcome eval(const Condition& c, const Scope& s) {
    switch (c.kind) {
      case Condition::Kind::All: return all(c, s);
      case Condition::Kind::Any: return any(c, s);
      case Condition::Kind::Not: {
        Outcome o = eval(c.children[0], s);
        o.truth = notTruth(o.truth);
        return o;
      }
      case Condition::Kind::Leaf: return leaf(c, s);
      case Condition::Kind::Related: return related(c, s);
      case Condition::Kind::First: return first(c, s);
      case Condition::Kind::KindIs: {
        Outcome o;
        bool match = std::any_of(c.kinds.begin(), c.kinds.end(),
                                 [&](const std::string& k) { return equalsIgnoreCase(k, s.subject->kind); });
        o.truth = match ? Truth::True : Truth::False;
        return o;
      }
    }
    return {};
  }

  Outcome all(const Condition& c, const Scope& s) {
    std::optional<Outcome> unknown;
    std::optional<Outcome> best;  // witness when true: the last child that points at a value
    for (const Condition& child : c.children) {
      Outcome o = eval(child, s);
      if (o.truth == Truth::False) return o;
      if (o.truth == Truth::Unknown) {
        if (!unknown) unknown = std::move(o);
        continue;
      }
      if (!best || (o.witness.value && !o.witness.foreign) || !(best->witness.value && !best->witness.foreign)) best = std::move(o);
    }
    if (unknown) return *unknown;
    return *best;
  }

  Outcome any(const Condition& c, const Scope& s) {
    std::optional<Outcome> unknown;
    Outcome last;
    for (const Condition& child : c.children) {
      Outcome o = eval(child, s);
      if (o.truth == Truth::True) return o;
      if (o.truth == Truth::Unknown) {
        if (!unknown) unknown = std::move(o);
        continue;
      }
      last = std::move(o);
    }
    if (unknown) return *unknown;
    return last;
  }

  // expression_matches: the regex over the text that produced the value, as written in its
  // file. That text is known even when the value is not (`hub.listKeys().primaryKey`), which
  // is the point. Without source text (no SourceStore, or a value that front-ends built
  // without provenance) a known scalar is matched as itself; an unknown one stays unknown.
  Truth expressionMatches(const Condition& c, const PathMatch& m) const {
    if (!m.value) return Truth::False;
    if (!m.complete) return Truth::Unknown;  // stopped at an unknown container on the way
    const Value& v = *m.value;
    if (v.isNull()) return Truth::False;
    const SourceFile* f = options_.sources && v.prov.valid() ? options_.sources->get(v.prov.file) : nullptr;
    if (f && !v.prov.value.empty() && v.prov.value.end <= f->text().size()) {
      std::string_view text = f->slice(v.prov.value);
      // Long expressions (a whole object) are not what this operator is for: unknown.
      if (text.size() > kMaxRegexInput) return Truth::Unknown;
      return searchRegex(c.operand, std::string(text));
    }
    if (v.isUnknown()) return Truth::Unknown;
    return applyOp(Op::Matches, c.operand, &v);
  }

  // A leaf operator on one match. An unknown value goes to the operator, which decides when
  // no value could change its answer (`in: []`); below an unknown container the attribute
  // may also be missing, so both must agree.
  static Truth truthOfMatch(Op op, const Operand& operand, const PathMatch& m) {
    Truth t = applyOp(op, operand, m.value);
    if (!m.unknown || m.complete || t == Truth::Unknown) return t;
    return applyOp(op, operand, nullptr) == t ? t : Truth::Unknown;
  }

  Outcome leaf(const Condition& c, const Scope& s) {
    const Value* b = base(c.path, s);
    if (!b) return Outcome{Truth::False, Witness{nullptr, {}, c.path.text, false}};
    std::vector<PathMatch> matches;
    resolvePath(c.path, *b, basePath(c.path, s), matches);
    bool isForeign = foreign(c.path, s);
    auto truthOf = [&](const PathMatch& m) {
      if (c.op == Op::ExpressionMatches) return expressionMatches(c, m);
      return truthOfMatch(c.op, c.operand, m);
    };
    auto witnessOf = [&](const PathMatch& m) {
      // A missing value nested in an unknown container is reported as that container.
      return Witness{m.value, {}, m.path, isForeign};
    };
    if (matches.empty()) {
      // Only wildcard paths match nothing: any -> false, all/none -> true (vacuously).
      Truth t = c.quantifier == Quantifier::Any ? Truth::False : Truth::True;
      return Outcome{t, emptyWitness(c.path, s)};
    }
    // Kleene fold: `any` looks for a true element, `all` for a false one, `none` for a true one.
    const Truth decisive = c.quantifier == Quantifier::All ? Truth::False : Truth::True;
    const PathMatch* unknown = nullptr;
    for (const PathMatch& m : matches) {
      Truth t = truthOf(m);
      // An unknown collection may have no element at all: it cannot decide on its own.
      if (m.many && t == decisive) t = Truth::Unknown;
      if (t == decisive) {
        Truth result = c.quantifier == Quantifier::None ? Truth::False : t;
        return Outcome{result, witnessOf(m)};
      }
      if (t == Truth::Unknown && !unknown) unknown = &m;
    }
    if (unknown) return Outcome{Truth::Unknown, witnessOf(*unknown)};
    Truth result = c.quantifier == Quantifier::Any ? Truth::False : Truth::True;
    return Outcome{result, witnessOf(matches.back())};
  }

  // The result is that of the first selected element, or false when none is. An element
  // whose selection is unknown (or that may not exist: an unknown collection stands for any
  // number of elements) leaves two possibilities, its own `satisfies` and whatever follows:
  // the result is decided when every possibility gives the same answer.
  Outcome first(const Condition& c, const Scope& s) {
    const Value* b = base(c.path, s);
    std::vector<PathMatch> matches;
    if (b) resolvePath(c.path, *b, basePath(c.path, s), matches);
    std::optional<Outcome> result;  // the first possibility; the others must agree with it
    std::optional<Witness> doubt;   // the first element that may or may not be the first selected
    bool agree = true;
    auto add = [&](Outcome o) {
      if (!result) result = std::move(o);
      else if (result->truth != o.truth) agree = false;
    };
    auto verdict = [&]() {
      if (agree) return *result;
      return Outcome{Truth::Unknown, *doubt};
    };
    for (const PathMatch& m : matches) {
      if (!m.value) continue;
      Scope e = s;
      e.current = m.value;
      e.currentPath = m.path;
      e.foreign = foreign(c.path, s);
      Outcome selected = eval(c.children[0], e);
      if (selected.truth == Truth::False) continue;
      Outcome satisfied = eval(c.children[1], e);
      if (satisfied.truth == Truth::Unknown) return satisfied;
      bool mayBeAbsent = m.unknown && !m.complete;
      add(std::move(satisfied));
      if (selected.truth == Truth::True && !mayBeAbsent) return verdict();
      if (!doubt) doubt = selected.truth == Truth::Unknown ? selected.witness : Witness{m.value, {}, m.path, e.foreign};
    }
    add(Outcome{Truth::False, emptyWitness(c.path, s)});  // no element selected
    return verdict();
  }

  Outcome related(const Condition& c, const Scope& s) {
    ResourceId from = s.currentResource->id;
    std::vector<ResourceId> ids;
    auto ofKind = [&](const Resource& r) {
      return std::any_of(c.relatedKinds.begin(), c.relatedKinds.end(),
                         [&](const std::string& k) { return equalsIgnoreCase(r.kind, k); });
    };
    auto add = [&](ResourceId id) {
      if (id == from || std::find(ids.begin(), ids.end(), id) != ids.end()) return;
      if (ofKind(graph_.resource(id))) ids.push_back(id);
    };
    if (c.relatedScope != RelatedScope::Edges) {
      // The resources of the related kinds, in graph order, found once per condition (a walk
      // over the whole graph for every subject made unit- and scan-wide conditions quadratic).
      auto [it, fresh] = relatedIndex_.try_emplace(&c);
      KindIndex& index = it->second;
      if (fresh) {
        for (const Resource& r : graph_.resources()) {
          if (!ofKind(r)) continue;
          index.all.push_back(r.id);
          index.byUnit[r.unit].push_back(r.id);
        }
      }
      const std::vector<ResourceId>* candidates = &index.all;
      if (c.relatedScope != RelatedScope::Scan) {
        static const std::vector<ResourceId> none;
        auto u = index.byUnit.find(s.currentResource->unit);
        candidates = u == index.byUnit.end() ? &none : &u->second;
      }
      for (ResourceId id : *candidates) {
        if (id != from) ids.push_back(id);
      }
    } else {
      if (c.direction != Direction::In) {
        for (const Edge* e : graph_.outgoing(from, c.via)) add(e->to);
      }
      if (c.direction != Direction::Out) {
        for (const Edge* e : graph_.incoming(from, c.via)) add(e->from);
      }
    }
    size_t yes = 0, no = 0, unknown = 0;
    Witness unknownWitness;
    for (ResourceId id : ids) {
      const Resource& r = graph_.resource(id);
      Truth t = Truth::True;
      if (!c.children.empty()) {
        Scope rs = s;
        rs.current = &r.attributes;
        rs.currentPath = {};
        rs.currentResource = &r;
        rs.foreign = true;
        Outcome o = eval(c.children[0], rs);
        t = o.truth;
        if (t == Truth::Unknown && unknown == 0) {
          unknownWitness = o.witness;
          unknownWitness.foreign = true;
        }
      }
      (t == Truth::True ? yes : t == Truth::False ? no : unknown)++;
    }
    Truth result;
    if (c.count) {
      // The unknown ones may or may not count: decided only if every possibility agrees.
      bool lo = c.count->holds(yes);
      result = lo ? Truth::True : Truth::False;
      for (size_t k = 1; k <= unknown; ++k) {
        if (c.count->holds(yes + k) != lo) result = Truth::Unknown;
      }
    } else if (c.quantifier == Quantifier::Any) {
      result = yes ? Truth::True : unknown ? Truth::Unknown : Truth::False;
    } else if (c.quantifier == Quantifier::All) {
      result = no ? Truth::False : unknown ? Truth::Unknown : Truth::True;
    } else {
      result = yes ? Truth::False : unknown ? Truth::Unknown : Truth::True;
    }
    if (result == Truth::Unknown) return Outcome{result, unknownWitness};
    return Outcome{result, Witness{nullptr, {}, {}, false}};
  }

  // ---- findings ---------------------------------------------------------------------------

  Finding newFinding(const Resource& r) const {
    Finding f;
    f.rule = policy_.id;
    f.name = policy_.name;
    f.severity = policy_.severity;
    f.resource = r.address;
    f.kind = r.kind;
    f.anchor = Location{r.file, r.header};
    f.location = f.anchor;
    return f;
  }

  static Location locationOf(const Witness& w, const Location& anchor) {
    if (!w.foreign && w.value && w.value->prov.valid()) return Location{w.value->prov.file, w.value->prov.value};
    if (!w.foreign && !w.value && w.prov.valid()) return Location{w.prov.file, w.prov.value};
    // A missing attribute (or no single deciding value) points at the resource's header.
    return anchor;
  }

  // The first message case whose `when` holds (the loader guarantees a fallback case).
  const MessageCase* messageCase(const Scope& s) {
    for (const MessageCase& mc : check_.messages) {
      if (mc.when && eval(*mc.when, s).truth != Truth::True) continue;
      return &mc;
    }
    return nullptr;
  }

  std::string message(const Resource& r, const Scope& s, const Witness& w, const GroupInfo* group,
                      const MessageCase* mc = nullptr) {
    RenderContext ctx;
    ctx.params = &policy_.parameters;
    ctx.resource = &r;
    ctx.item = s.item;
    ctx.itemPath = s.itemPath;
    ctx.value = w.foreign ? nullptr : w.value;
    ctx.group = group;
    if (!mc) mc = messageCase(s);
    return mc ? render(mc->text, ctx) : policy_.title;
  }

  // A message case's `at:` attribute, when it resolves to one known value with a location.
  static std::optional<Location> caseLocation(const MessageCase* mc, const Scope& s) {
    if (!mc || !mc->at) return std::nullopt;
    std::vector<PathMatch> m;
    resolvePath(*mc->at, *base(*mc->at, s), basePath(*mc->at, s), m);
    if (m.size() != 1 || !m[0].value || m[0].unknown || !m[0].value->prov.valid()) return std::nullopt;
    const Provenance& p = m[0].value->prov;
    // An object or list is named by its key (one line), not spanned whole.
    bool container = m[0].value->isObject() || m[0].value->isArray();
    return Location{p.file, container && !p.key.empty() ? p.key : p.value};
  }

  void decide(const Resource& r, const Scope& s, const Outcome& o, const std::optional<std::string>& itemPath) {
    if (o.truth == Truth::False) return;
    std::string detail = itemPath ? *itemPath : o.witness.path;
    if (o.truth == Truth::Unknown) {
      emitUnknown(r, o.witness, detail);
      return;
    }
    Finding f = newFinding(r);
    const MessageCase* mc = messageCase(s);
    f.location = caseLocation(mc, s).value_or(locationOf(o.witness, f.anchor));
    f.detailKey = std::move(detail);
    f.message = message(r, s, o.witness, nullptr, mc);
    findings_.push_back(std::move(f));
  }

  void emitUnknown(const Resource& r, const Witness& w, const std::string& detail, std::string why = {}) {
    if (!options_.includeUnknown) return;
    Finding f = newFinding(r);
    f.unknown = true;
    f.location = locationOf(w, f.anchor);
    f.detailKey = detail;
    if (why.empty()) {
      const Value* u = w.value ? firstUnknown(*w.value) : nullptr;
      std::string path = w.path.empty() ? "a value" : "'" + w.path + "'";
      why = path + " is not known before deployment" +
            (u && !u->unknownReason().empty() ? " (" + u->unknownReason() + ")" : "");
    }
    f.message = policy_.title + " — could not be decided for '" + r.address + "': " + why;
    findings_.push_back(std::move(f));
  }

  // ---- aggregates -------------------------------------------------------------------------

  // One setting of an object-valued compare (a `compare:` mapping, or a path to an object).
  struct Field {
    std::string name, key;  // as written; lower case for matching
    std::string canon;      // canonical text ("<absent>" when not set)
    std::string display;    // as messages show it
    Provenance prov;
  };

  struct Member {
    const Resource* r = nullptr;
    bool keyUnknown = false, cmpUnknown = false;
    std::string key, cmp;  // canonical texts
    Witness keyWitness, cmpWitness;
    bool cmpObject = false;     // compared per setting: `fields`
    std::vector<Field> fields;
    std::string cmpDisplay;     // a scalar compare value as messages show it
  };

  static constexpr std::string_view kAbsent = "<absent>";
  static constexpr std::string_view kNotSet = "not set";

  static Field fieldOf(const std::string& name, const Value* v) {
    Field f;
    f.name = name;
    f.key = toLowerAscii(name);
    if (v && !v->isNull()) {
      canonical(*v, false, f.canon);
      f.display = displayValue(*v);
      f.prov = v->prov;
    } else {
      f.canon = kAbsent;
      f.display = kNotSet;
    }
    return f;
  }

  // The compared value of a member: one path (scalar, or an object compared per member) or
  // a mapping of named settings.
  void compareValue(const Aggregate& a, const Resource& r, Member& m) {
    if (a.compareFields.empty()) {
      auto [pm, unknown] = single(a.compare, r);
      m.cmpUnknown = unknown;
      m.cmpWitness = Witness{pm.value, {}, pm.path, false};
      if (unknown) return;
      if (pm.value) canonical(*pm.value, false, m.cmp);
      else m.cmp = kAbsent;  // a member without the setting differs from one with it
      m.cmpDisplay = pm.value && !pm.value->isNull() ? displayValue(*pm.value) : std::string(kNotSet);
      if (pm.value && pm.value->isObject()) {
        m.cmpObject = true;
        for (const eg::Member& om : pm.value->asObject()) m.fields.push_back(fieldOf(om.key, &om.value));
      }
      return;
    }
    m.cmpObject = true;
    m.cmpWitness = Witness{nullptr, {}, a.compareText, false};
    for (const CompareField& cf : a.compareFields) {
      Field f;
      if (cf.tmpl) {
        RenderContext ctx;
        ctx.params = &policy_.parameters;
        ctx.resource = &r;
        RenderInfo info;
        std::string text = render(*cf.tmpl, ctx, &info);
        if (info.unknown || info.inputUnknown) {
          m.cmpUnknown = true;
          m.cmpWitness.prov = info.firstProvenance;
          m.cmpWitness.path = cf.name;
          return;
        }
        if (info.missing) {
          f = fieldOf(cf.name, nullptr);
        } else {
          f = fieldOf(cf.name, nullptr);
          f.canon = Value(text).toJson();
          f.display = text;
        }
        f.prov = info.firstProvenance;
      } else {
        auto [pm, unknown] = single(cf.path, r);
        if (unknown) {
          m.cmpUnknown = true;
          m.cmpWitness = Witness{pm.value, {}, pm.path, false};
          return;
        }
        f = fieldOf(cf.name, pm.value);
      }
      m.cmp += Value(f.key).toJson();
      m.cmp += '=';
      m.cmp += f.canon;
      m.cmp += ';';
      m.fields.push_back(std::move(f));
    }
  }

  // How `m` differs from `majority` (a member holding the majority value), for messages.
  static void describeDifference(const Member& m, const Member& majority, const std::string& compareText,
                                 GroupInfo& info, std::optional<Location>& at) {
    if (!m.cmpObject || !majority.cmpObject) {
      info.keys = compareText;
      info.majority = majority.cmpDisplay;
      info.differences = std::string(m.cmpDisplay).append(" (majority: ").append(majority.cmpDisplay).append(")");
      return;
    }
    auto find = [](const Member& x, const std::string& key) -> const Field* {
      for (const Field& f : x.fields) {
        if (f.key == key) return &f;
      }
      return nullptr;
    };
    auto add = [&](const std::string& name, const Field* mine, const Field* theirs) {
      std::string_view mc = mine ? std::string_view(mine->canon) : kAbsent;
      std::string_view tc = theirs ? std::string_view(theirs->canon) : kAbsent;
      if (mc == tc) return;
      std::string md = mine ? mine->display : std::string(kNotSet);
      std::string td = theirs ? theirs->display : std::string(kNotSet);
      auto sep = [](std::string& s, std::string_view with) {
        if (!s.empty()) s += with;
      };
      sep(info.keys, ", ");
      info.keys += name;
      sep(info.majority, "; ");
      info.majority += std::string(name).append(": ").append(td);
      sep(info.differences, "; ");
      info.differences += std::string(name).append(": ").append(md).append(" (majority: ").append(td).append(")");
      if (!at && mine && mine->prov.valid()) at = Location{mine->prov.file, mine->prov.value};
    };
    for (const Field& f : m.fields) add(f.name, &f, find(majority, f.key));
    for (const Field& f : majority.fields) {
      if (!find(m, f.key)) add(f.name, nullptr, &f);
    }
  }

  // Resolves a single-valued path on a resource: the match and whether it is unknown.
  static std::pair<PathMatch, bool> single(const PathExpr& p, const Resource& r) {
    std::vector<PathMatch> m;
    resolvePath(p, r.attributes, {}, m);
    PathMatch pm = m.empty() ? PathMatch{nullptr, describe(p, {}), false} : m[0];
    bool unknown = pm.unknown || (pm.value && pm.value->containsUnknown());
    return {pm, unknown};
  }

  void aggregate(const std::vector<const Resource*>& resources) {
    const Aggregate& a = *check_.aggregate;
    std::vector<Member> members;
    for (const Resource* r : resources) {
      Member m;
      m.r = r;
      if (a.groupTemplate) {
        RenderContext ctx;
        ctx.params = &policy_.parameters;
        ctx.resource = r;
        RenderInfo info;
        m.key = render(*a.groupTemplate, ctx, &info);
        if (info.missing && !info.unknown) continue;  // no key: not part of any group
        m.keyUnknown = info.unknown;
        m.keyWitness.prov = info.firstProvenance;
        m.keyWitness.path = "group_by";
      } else {
        auto [pm, unknown] = single(a.groupPath, *r);
        if (!unknown && (!pm.value || pm.value->isNull())) continue;
        m.keyUnknown = unknown;
        m.keyWitness = Witness{pm.value, {}, pm.path, false};
        if (!unknown) canonical(*pm.value, true, m.key);
      }
      if (a.mode == Aggregate::Mode::Outlier) compareValue(a, *r, m);
      members.push_back(std::move(m));
    }

    std::unordered_map<std::string, std::vector<size_t>> groups;  // key -> members, in graph order
    size_t unknownKeys = 0;
    for (size_t i = 0; i < members.size(); ++i) {
      if (!members[i].keyUnknown) groups[members[i].key].push_back(i);
      else ++unknownKeys;
    }
    // Whether `having` holds for some / every size from `lo` to `lo + extra`.
    auto holdsFor = [&](size_t lo, size_t extra, bool every) {
      for (size_t k = 0; k <= extra; ++k) {
        if (a.having.holds(lo + k) != every) return !every;
      }
      return every;
    };
    for (size_t i = 0; i < members.size(); ++i) {
      const Member& m = members[i];
      if (m.keyUnknown) {
        // It may belong to any group (or form one with other unknown members), or to none
        // (a null key): decided only when no group it could be in satisfies `having`.
        bool possible = false;
        if (a.mode == Aggregate::Mode::Count) {
          possible = holdsFor(1, unknownKeys - 1, false);
          for (const auto& [key, g] : groups) possible = possible || holdsFor(1 + g.size(), unknownKeys - 1, false);
        } else {
          possible = true;
        }
        if (possible) emitUnknown(*m.r, m.keyWitness, describeKey(a), "its group key is not known before deployment");
        continue;
      }
      const std::vector<size_t>& g = groups[m.key];
      if (a.mode == Aggregate::Mode::Count) {
        // Members with unknown keys may or may not be in this group.
        if (holdsFor(g.size(), unknownKeys, true)) {
          emitGroupFinding(members, i, g, g.size(), m.keyWitness, describeKey(a));
        } else if (holdsFor(g.size(), unknownKeys, false)) {
          emitUnknown(*m.r, m.keyWitness, describeKey(a), "members whose group key is not known before deployment may be in its group");
        }
      } else {
        outlier(members, g, i);
      }
    }
  }

  std::string describeKey(const Aggregate& a) const { return a.groupTemplate ? std::string("group_by") : a.groupPath.text; }

  // A finding on members[self]; `others` (which may include self) become related locations.
  void emitGroupFinding(const std::vector<Member>& members, size_t self, const std::vector<size_t>& others,
                        size_t groupSize, const Witness& w, const std::string& detail, GroupInfo info = {},
                        const std::optional<Location>& at = std::nullopt) {
    const Member& m = members[self];
    bool count = check_.aggregate->mode == Aggregate::Mode::Count;
    Finding f = newFinding(*m.r);
    f.location = at ? *at : locationOf(w, f.anchor);
    f.detailKey = detail;
    info.size = groupSize;
    // A group of 2,000 devices sharing one key gave each of them 1,999 related locations and
    // names (5.6 GB): each finding names the first kMaxNamedOthers and counts the rest.
    constexpr size_t kMaxNamedOthers = 10;
    size_t named = 0, more = 0;
    for (size_t j : others) {
      if (j == self) continue;
      if (named == kMaxNamedOthers) {
        ++more;
        continue;
      }
      ++named;
      const Member& o = members[j];
      if (!info.others.empty()) info.others += ", ";
      info.others += o.r->address;
      Location anchor{o.r->file, o.r->header};
      f.related.push_back(RelatedLocation{locationOf(count ? o.keyWitness : o.cmpWitness, anchor),
                                          count ? "same group: " + o.r->address : "majority: " + o.r->address});
    }
    if (more) info.others += " and " + std::to_string(more) + " more";
    f.message = message(*m.r, rootScope(*m.r), w, &info);
    findings_.push_back(std::move(f));
  }

  // Majority rule: the strictly most frequent compare value of the group wins, provided the
  // group's unknown members could not overturn it; members differing from it are findings.
  // Ties (or unknowns that could change the winner) leave the group undecided: its members
  // become unknown findings.
  void outlier(const std::vector<Member>& members, const std::vector<size_t>& group, size_t self) {
    const Member& m = members[self];
    const std::string& compare = check_.aggregate->compareText;
    std::map<std::string, size_t> tally;
    size_t unknown = 0;
    for (size_t j : group) {
      if (members[j].cmpUnknown) ++unknown;
      else ++tally[members[j].cmp];
    }
    if (m.cmpUnknown) {
      if (group.size() > 1) emitUnknown(*m.r, m.cmpWitness, compare);
      return;
    }
    if (tally.size() <= 1 && unknown == 0) return;  // a consistent group
    size_t best = 0, second = 0;
    std::string majority;
    for (const auto& [value, n] : tally) {
      if (n > best) {
        second = best;
        best = n;
        majority = value;
      } else if (n > second) {
        second = n;
      }
    }
    if (best <= second + unknown) {
      emitUnknown(*m.r, m.cmpWitness, compare, "its group has no majority value of '" + compare + "' to compare with");
      return;
    }
    if (m.cmp == majority) return;
    std::vector<size_t> same;
    for (size_t j : group) {
      if (!members[j].cmpUnknown && members[j].cmp == majority) same.push_back(j);
    }
    GroupInfo info;
    std::optional<Location> at;
    describeDifference(m, members[same.front()], compare, info, at);
    emitGroupFinding(members, self, same, group.size(), m.cmpWitness, compare, std::move(info), at);
  }

  const Policy& policy_;
  const CheckNode& check_;
  const ResourceGraph& graph_;
  const EvalOptions& options_;
  std::vector<Finding> findings_;
};

}  // namespace

std::vector<const PolicyFix*> applicableFixes(const Policy& policy, const Resource& r, const ResourceGraph& graph,
                                              const EvalOptions& options) {
  std::vector<const PolicyFix*> out;
  if (!policy.check) return out;
  Evaluator ev(policy, *policy.check, graph, options);
  for (size_t i = 0; i < policy.fixes.size(); ++i) {
    const PolicyFix& fix = policy.fixes[i];
    const std::vector<std::string>& formats = fix.formats.empty() ? policy.formats : fix.formats;
    bool format = formats.empty() || std::any_of(formats.begin(), formats.end(), [&](const std::string& f) {
                    return equalsIgnoreCase(f, r.format);
                  });
    if (!format) continue;
    const auto& whens = policy.check->fixWhen;
    if (i < whens.size() && whens[i]) {
      try {
        if (ev.holds(*whens[i], r) != Truth::True) continue;
      } catch (const std::exception&) {
        continue;  // an evaluation error offers no fix (the scan reported the policy's error)
      }
    }
    out.push_back(&fix);
  }
  return out;
}

namespace {
bool unitLocal(const Condition& c) {
  if (c.kind == Condition::Kind::Related) return false;
  return std::all_of(c.children.begin(), c.children.end(), unitLocal);
}
}  // namespace

bool isResourceLocal(const Policy& policy) {
  if (!policy.check) return false;
  const CheckNode& c = *policy.check;
  if (c.aggregate) return false;
  if (c.where && !unitLocal(*c.where)) return false;
  if (c.violation && !unitLocal(*c.violation)) return false;
  for (const MessageCase& m : c.messages) {
    if (m.when && !unitLocal(*m.when)) return false;
  }
  return true;
}

bool isAggregate(const Policy& policy) { return policy.check && policy.check->aggregate; }

std::vector<Finding> evaluate(const Policy& policy, const ResourceGraph& graph, const EvalOptions& options) {
  if (!policy.check) throw EvaluationError(policy.id + ": policy has no compiled check");
  try {
    return Evaluator(policy, *policy.check, graph, options).run();
  } catch (const EvaluationError& e) {
    throw EvaluationError(policy.id + ": " + e.what());
  } catch (const std::exception& e) {
    // Never let a library exception escape as something the engine does not expect.
    throw EvaluationError(policy.id + ": internal error: " + e.what());
  }
}

}  // namespace eg::policy
