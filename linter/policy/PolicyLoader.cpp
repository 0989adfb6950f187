// YAML -> Policy: validates every key, type and operand of a policy file and compiles its
// logic into a CheckNode (paths parsed, regexes compiled, CIDRs parsed, parameters
// substituted into operands). The language is documented in policies/README.md; keep the
// two, and policies/schema.json, in sync.
#include "linter/policy/PolicyLoader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "linter/policy/CheckNode.h"
#include "linter/policy/YamlReader.h"

namespace eg::policy {

namespace {

constexpr std::string_view kFormats[] = {"terraform", "bicep", "arm", "edge", "aziot"};
constexpr std::string_view kTopKeys[] = {"id", "name", "severity", "preset", "preset_reason", "title", "defender", "description",
                                         "rationale", "remediation", "references", "peers", "examples", "applies_to",
                                         "parameters", "where", "for_each", "violation", "aggregate", "message", "fix"};
constexpr std::string_view kPeerScanners[] = {"checkov", "kics", "trivy", "psrule", "azure_policy", "tflint"};
constexpr std::string_view kCountKeys[] = {"count_gt", "count_ge", "count_lt", "count_le", "count_eq"};
constexpr size_t kMaxRegexLength = 4096;

// State kept with a loaded policy so setParameter can recompile it.
struct LoaderState {
  YamlNode root;
  PolicyOrigin origin;
};

class Compiler : public YamlReader {
 public:
  explicit Compiler(Value params) : YamlReader("policy", kMaxYamlDepth, kMaxYamlNodes), params_(std::move(params)) {}

  // "{{params.x}}" -> the parameter's typed value; "a-{{params.x}}" -> the rendered string.
  Value substituted(const YamlNode& n) override {
    TemplateScope scope;
    scope.params = &params_;
    scope.paramsOnly = true;
    std::string err;
    auto t = parseTemplate(n.Scalar(), scope, &err);
    if (!t) fail(n, err);
    RenderContext ctx;
    ctx.params = &params_;
    auto v = resolveSingle(*t, ctx);
    return v ? *v : Value(nullptr);
  }

  Template messageTemplate(const YamlNode& n, int depth) {
    std::string text = nonEmpty(n, depth, "message");
    TemplateScope scope;
    scope.params = &params_;
    scope.allowItem = hasForEach_;
    scope.allowGroup = hasAggregate_;
    scope.allowOutlier = hasOutlier_;
    std::string err;
    auto t = parseTemplate(text, scope, &err);
    if (!t) fail(n, err);
    return std::move(*t);
  }

  PathExpr path(const YamlNode& n, int depth, std::string_view what, bool needWildcard) {
    std::string text = string(n, depth, what);
    std::string err;
    auto p = parsePath(text, &err);
    if (!p) fail(n, err);
    if (p->root == PathRoot::Item && !allowItem_) fail(n, "$item. is only available under for_each (in violation: and message:)");
    if (needWildcard && !p->hasWildcard()) fail(n, std::string(what) + " '" + text + "' must contain [*]");
    return std::move(*p);
  }

  size_t count(const YamlNode& n, int depth, std::string_view what) {
    visit(n, depth);
    Value v = n.IsScalar() ? toValue(n, depth, true) : Value(nullptr);
    auto d = numberOf(v);
    if (!v.isNumber() || !d || *d < 0 || *d != std::floor(*d) || *d > 1e9) {
      fail(n, std::string(what) + " must be a non-negative integer");
    }
    return static_cast<size_t>(*d);
  }

  std::optional<CountTest> countTest(const Fields& f, int depth) {
    std::optional<CountTest> out;
    static constexpr CountTest::Cmp cmps[] = {CountTest::Cmp::Gt, CountTest::Cmp::Ge, CountTest::Cmp::Lt,
                                              CountTest::Cmp::Le, CountTest::Cmp::Eq};
    for (size_t i = 0; i < std::size(kCountKeys); ++i) {
      const YamlNode* n = f.find(kCountKeys[i]);
      if (!n) continue;
      if (out) fail(*n, "use one count_* comparison");
      out = CountTest{cmps[i], count(*n, depth + 1, kCountKeys[i])};
    }
    return out;
  }

  Quantifier quantifier(const YamlNode& n, int depth) {
    std::string q = string(n, depth, "quantifier");
    if (q == "any") return Quantifier::Any;
    if (q == "all") return Quantifier::All;
    if (q == "none") return Quantifier::None;
    fail(n, "quantifier must be any, all or none");
  }

  Condition condition(const YamlNode& n, int depth) {
    visit(n, depth);
    if (!n.IsMap()) fail(n, "a condition must be a mapping (all:, any:, not:, attribute:, related: or first:), not " + std::string(typeOf(n)));
    static constexpr std::string_view kinds[] = {"all", "any", "not", "attribute", "related", "first", "kind"};
    if (n.size() == 0) fail(n, "empty condition");
    std::string_view kind;
    for (const auto& [key, value] : n.entries()) {
      if (!key.IsScalar()) fail(key, "keys must be strings");
      const std::string& k = key.Scalar();
      for (std::string_view known : kinds) {
        if (k != known) continue;
        if (!kind.empty()) {
          fail(key, "a condition has exactly one of all/any/not/attribute/related/first/kind; found '" +
                              std::string(kind) + "' and '" + k + "'");
        }
        kind = known;
      }
    }
    if (kind.empty()) {
      // Name the likely mistake: an operator without attribute:, or a typo.
      for (const auto& [key, value] : n.entries()) {
        if (parseOp(key.Scalar())) fail(n, "operator '" + key.Scalar() + "' needs 'attribute:'");
      }
      YamlNode firstKey = n.entries().front().first;
      fail(firstKey, "unknown condition '" + firstKey.Scalar() + "'; expected one of: " + joined(kinds));
    }
    if (kind == "all" || kind == "any") return junction(n, depth, kind);
    if (kind == "not") {
      static constexpr std::string_view allowed[] = {"not"};
      Fields f = fields(n, depth, "not", allowed);
      Condition c;
      c.kind = Condition::Kind::Not;
      c.children.push_back(condition(f.entries[0].second, depth + 1));
      return c;
    }
    if (kind == "attribute") return leaf(n, depth);
    if (kind == "related") return related(n, depth);
    if (kind == "kind") return kindIs(n, depth);
    return first(n, depth);
  }

  // kind: X or kind: [X, Y] — the resource under evaluation is of one of these kinds, for
  // policies whose semantics differ between the kinds they apply to.
  Condition kindIs(const YamlNode& n, int depth) {
    static constexpr std::string_view allowed[] = {"kind"};
    Fields f = fields(n, depth, "kind", allowed);
    const YamlNode& v = f.entries[0].second;
    visit(v, depth + 1);
    Condition c;
    c.kind = Condition::Kind::KindIs;
    if (v.IsScalar()) {
      c.kinds.push_back(nonEmpty(v, depth + 1, "kind"));
    } else if (v.IsSequence() && v.size() > 0) {
      for (const YamlNode& e : v.elements()) c.kinds.push_back(nonEmpty(e, depth + 2, "kind"));
    } else {
      fail(v, "kind: needs a resource kind or a non-empty list of kinds");
    }
    return c;
  }

  Condition junction(const YamlNode& n, int depth, std::string_view kind) {
    std::string_view allowed[] = {kind};
    Fields f = fields(n, depth, kind, allowed);
    const YamlNode& list = f.entries[0].second;
    visit(list, depth + 1);
    if (!list.IsSequence() || list.size() == 0) fail(list, std::string(kind) + ": needs a non-empty list of conditions");
    Condition c;
    c.kind = kind == "all" ? Condition::Kind::All : Condition::Kind::Any;
    for (const YamlNode& e : list.elements()) c.children.push_back(condition(e, depth + 2));
    return c;
  }

  Condition leaf(const YamlNode& n, int depth) {
    std::vector<std::string_view> allowed = {"attribute", "quantifier", "case_sensitive"};
    for (std::string_view op : opNames()) allowed.push_back(op);
    Fields f = fields(n, depth, "condition", allowed);
    Condition c;
    c.kind = Condition::Kind::Leaf;
    c.path = path(require(f, "attribute", "condition"), depth + 1, "attribute", false);
    if (const YamlNode* q = f.find("quantifier")) {
      c.quantifier = quantifier(*q, depth + 1);
      if (!c.path.hasWildcard()) fail(*q, "quantifier needs a path with [*]");
    }
    if (const YamlNode* cs = f.find("case_sensitive")) c.operand.caseSensitive = boolean(*cs, depth + 1, "case_sensitive");
    const YamlNode* opNode = nullptr;
    for (size_t i = 0; i < f.entries.size(); ++i) {
      auto op = parseOp(f.entries[i].first);
      if (!op) continue;
      if (opNode) fail(f.keys[i], "one operator per condition; combine several with all:");
      opNode = &f.entries[i].second;
      c.op = *op;
    }
    if (!opNode) fail(n, "condition on '" + c.path.text + "' needs an operator; expected one of: " + joined(opNames()));
    operand(c.op, *opNode, depth + 1, c.operand);
    return c;
  }

  void operand(Op op, const YamlNode& n, int depth, Operand& o) {
    std::string name(opName(op));
    Value v = toValue(n, depth, true);
    switch (op) {
      case Op::Equals: case Op::NotEquals:
        if (v.isArray() || v.isObject()) fail(n, name + " needs a scalar; use in: for a list");
        o.value = std::move(v);
        return;
      case Op::In: case Op::NotIn: case Op::ContainsAny:
        if (!v.isArray()) fail(n, name + " needs a list, not " + std::string(Value::typeName(v.type())));
        for (const Value& e : v.asArray()) {
          if (e.isArray() || e.isObject()) fail(n, name + " needs a list of scalars");
        }
        o.list = v.asArray();
        return;
      case Op::Exists: case Op::Absent: case Op::IsTrue: case Op::IsFalse:
        if (!v.isBool()) fail(n, name + " must be true or false");
        o.flag = v.asBool();
        return;
      case Op::Matches: case Op::NotMatches: case Op::ExpressionMatches: {
        if (!v.isString()) fail(n, name + " needs a regular expression string");
        if (v.asString().size() > kMaxRegexLength) fail(n, "regular expression longer than " + std::to_string(kMaxRegexLength) + " characters");
        // RE2: matching takes time linear in the input whatever the pattern (`^(a|a)*$` from a
        // repository's configuration took seconds per character with a backtracking engine).
        // Its syntax is Go's and Terraform's: no back-references or look-arounds.
        re2::RE2::Options options;
        options.set_case_sensitive(o.caseSensitive);
        options.set_log_errors(false);
        options.set_max_mem(int64_t{8} << 20);
        auto re = std::make_shared<re2::RE2>(v.asString(), options);
        if (!re->ok()) fail(n, "invalid regular expression '" + v.asString() + "': " + re->error() + " (RE2 syntax)");
        o.regex = std::move(re);
        return;
      }
      case Op::Gt: case Op::Ge: case Op::Lt: case Op::Le: {
        auto d = numberOf(v);
        if (!d || v.isBool()) fail(n, name + " needs a number");
        o.number = *d;
        return;
      }
      case Op::LengthGt: case Op::LengthLt: case Op::LengthEq:
        o.number = static_cast<double>(count(n, depth, name));
        return;
      case Op::VersionLt: case Op::VersionLe: case Op::VersionGt: case Op::VersionGe: {
        // Use the scalar as written: a plain 1.10 must not become the number 1.1.
        std::string text = (n.IsScalar() && n.Scalar().find("{{") == std::string::npos) ? n.Scalar() : v.toDisplay();
        auto ver = (v.isString() || v.isNumber()) ? parseVersion(text) : std::nullopt;
        if (!ver) fail(n, name + " needs a version such as \"1.2\"");
        o.version = std::move(*ver);
        return;
      }
      case Op::CidrPrefixBelow: {
        if (!v.isObject()) fail(n, "cidr_prefix_below needs {ipv4: N, ipv6: M}");
        for (const Member& m : v.asObject()) {
          bool v4 = m.key == "ipv4";
          if (!v4 && m.key != "ipv6") fail(n, "unknown key '" + m.key + "' in cidr_prefix_below; expected ipv4, ipv6");
          auto d = numberOf(m.value);
          int max = v4 ? 32 : 128;
          if (!d || m.value.isBool() || *d < 0 || *d > max || *d != std::floor(*d)) {
            fail(n, "cidr_prefix_below." + m.key + " must be an integer from 0 to " + std::to_string(max));
          }
          (v4 ? o.ipv4Below : o.ipv6Below) = static_cast<int>(*d);
        }
        if (o.ipv4Below < 0 && o.ipv6Below < 0) fail(n, "cidr_prefix_below needs ipv4:, ipv6: or both");
        return;
      }
      case Op::CidrContains: case Op::CidrWithin: {
        Array list = v.isArray() ? v.asArray() : Array{v};
        if (list.empty()) fail(n, name + " needs a CIDR range or a list of them");
        for (const Value& e : list) {
          auto c = e.isString() ? parseCidr(e.asString()) : std::nullopt;
          if (!c) fail(n, "invalid CIDR range '" + e.toDisplay() + "' for " + name);
          o.cidrs.push_back(*c);
        }
        return;
      }
    }
  }

  Condition related(const YamlNode& n, int depth) {
    static constexpr std::string_view outer[] = {"related"};
    Fields top = fields(n, depth, "related condition", outer);
    static constexpr std::string_view allowed[] = {"kind", "via", "direction", "scope", "where", "quantifier",
                                                   "count_gt", "count_ge", "count_lt", "count_le", "count_eq"};
    Fields f = fields(top.entries[0].second, depth + 1, "related", allowed);
    Condition c;
    c.kind = Condition::Kind::Related;
    const YamlNode& kinds = require(f, "kind", "related");
    visit(kinds, depth + 2);
    if (kinds.IsSequence() && kinds.size() > 0) {
      for (const YamlNode& k : kinds.elements()) c.relatedKinds.push_back(nonEmpty(k, depth + 3, "related.kind"));
    } else if (kinds.IsSequence()) {
      fail(kinds, "related.kind needs a resource kind or a non-empty list of kinds");
    } else {
      c.relatedKinds.push_back(nonEmpty(kinds, depth + 2, "related.kind"));
    }
    if (const YamlNode* via = f.find("via")) c.via = nonEmpty(*via, depth + 2, "related.via");
    if (const YamlNode* d = f.find("direction")) {
      std::string s = string(*d, depth + 2, "direction");
      if (s == "out") c.direction = Direction::Out;
      else if (s == "in") c.direction = Direction::In;
      else if (s == "any") c.direction = Direction::Any;
      else fail(*d, "direction must be out, in or any");
    }
    if (const YamlNode* sc = f.find("scope")) {
      std::string s = string(*sc, depth + 2, "scope");
      if (s == "edges") c.relatedScope = RelatedScope::Edges;
      else if (s == "unit") c.relatedScope = RelatedScope::Unit;
      else if (s == "scan") c.relatedScope = RelatedScope::Scan;
      else fail(*sc, "scope must be edges, unit or scan");
      if (c.relatedScope != RelatedScope::Edges && (f.find("via") || f.find("direction")))
        fail(*sc, "scope: " + s + " takes no via: or direction: (it does not follow edges)");
    }
    if (const YamlNode* q = f.find("quantifier")) c.quantifier = quantifier(*q, depth + 2);
    c.count = countTest(f, depth + 2);
    if (c.count && f.find("quantifier")) fail(*f.find("quantifier"), "use either quantifier: or a count_* comparison");
    if (const YamlNode* w = f.find("where")) c.children.push_back(condition(*w, depth + 2));
    return c;
  }

  Condition first(const YamlNode& n, int depth) {
    static constexpr std::string_view outer[] = {"first"};
    Fields top = fields(n, depth, "first condition", outer);
    static constexpr std::string_view allowed[] = {"of", "where", "satisfies"};
    Fields f = fields(top.entries[0].second, depth + 1, "first", allowed);
    Condition c;
    c.kind = Condition::Kind::First;
    c.path = path(require(f, "of", "first"), depth + 2, "first.of", true);
    c.children.push_back(condition(require(f, "where", "first"), depth + 2));
    c.children.push_back(condition(require(f, "satisfies", "first"), depth + 2));
    return c;
  }

  void compile(const Fields& top, Policy& p, CheckNode& check) {
    hasForEach_ = top.find("for_each") != nullptr;
    hasAggregate_ = top.find("aggregate") != nullptr;
    hasOutlier_ = hasAggregate_ && top.find("aggregate")->IsMap() && (*top.find("aggregate"))["compare"];
    const YamlNode* violation = top.find("violation");
    if (!violation && !hasAggregate_) fail(top.self, "a policy needs 'violation:' or 'aggregate:'");
    if (violation && hasAggregate_) fail(*top.find("aggregate"), "use either 'violation:' or 'aggregate:', not both");
    if (hasForEach_ && hasAggregate_) fail(*top.find("for_each"), "for_each cannot be combined with aggregate:");

    if (const YamlNode* w = top.find("where")) check.where = condition(*w, 1);
    if (const YamlNode* fe = top.find("for_each")) {
      visit(*fe, 1);
      std::vector<YamlNode> items;
      if (fe->IsSequence()) {
        for (const YamlNode& e : fe->elements()) items.push_back(e);
        if (items.empty()) fail(*fe, "for_each needs a path or a non-empty list of paths");
      } else {
        items.push_back(*fe);
      }
      for (const YamlNode& e : items) check.forEach.push_back(path(e, 2, "for_each", true));
    }
    allowItem_ = hasForEach_;
    if (violation) check.violation = condition(*violation, 1);
    if (const YamlNode* a = top.find("aggregate")) check.aggregate = aggregate(*a);

    const YamlNode& msg = require(top, "message", "a policy");
    visit(msg, 1);
    if (msg.IsSequence()) {
      static constexpr std::string_view allowed[] = {"when", "text", "at"};
      for (const YamlNode& e : msg.elements()) {
        if (!check.messages.empty() && !check.messages.back().when) fail(e, "unreachable message case after one without 'when'");
        Fields f = fields(e, 2, "message case", allowed);
        MessageCase mc;
        if (const YamlNode* w = f.find("when")) mc.when = condition(*w, 3);
        mc.text = messageTemplate(require(f, "text", "a message case"), 3);
        if (const YamlNode* at = f.find("at")) mc.at = path(*at, 3, "at", false);
        check.messages.push_back(std::move(mc));
      }
      if (check.messages.empty() || check.messages.back().when) {
        fail(msg, "the last message case must have no 'when' (it is the fallback)");
      }
    } else {
      check.messages.push_back(MessageCase{std::nullopt, messageTemplate(msg, 1), std::nullopt});
    }
    // Policy::message is the (fallback) text as written, for `edgeguard explain`.
    p.message = msg.IsScalar() ? msg.Scalar() : msg[msg.size() - 1]["text"].Scalar();

    p.fixes.clear();
    if (const YamlNode* fx = top.find("fix")) fixes(*fx, p, check);
  }

  // fix: one fix or a list of them (policies/README.md "Fixes").
  void fixes(const YamlNode& n, Policy& p, CheckNode& check) {
    visit(n, 1);
    std::vector<YamlNode> items;
    if (n.IsSequence()) {
      for (const YamlNode& e : n.elements()) items.push_back(e);
      if (items.empty()) fail(n, "fix: needs a fix or a non-empty list of fixes");
    } else {
      items.push_back(n);
    }
    int depth = n.IsSequence() ? 2 : 1;
    for (const YamlNode& e : items) {
      static constexpr std::string_view allowed[] = {"title", "set", "value", "when", "preferred", "formats"};
      Fields f = fields(e, depth, "fix", allowed);
      PolicyFix fix;
      if (const YamlNode* fm = f.find("formats")) {
        fix.formats = strings(*fm, depth + 1, "fix.formats", false);
        if (fix.formats.empty()) fail(*fm, "fix.formats must not be empty (leave it out for every format of the policy)");
        size_t i = 0;
        for (const YamlNode& x : fm->elements()) {
          const std::string& format = fix.formats[i++];
          if (!oneOf(format, kFormats)) fail(x, "unknown format; expected one of: " + joined(kFormats));
          if (!p.formats.empty() && std::find(p.formats.begin(), p.formats.end(), format) == p.formats.end())
            fail(x, "fix.formats: '" + format + "' is not one of the policy's formats (applies_to.formats)");
        }
      }
      const std::vector<std::string>& formats = fix.formats.empty() ? p.formats : fix.formats;
      const YamlNode& title = require(f, "title", "a fix");
      visit(title, depth + 1);
      if (title.IsMap()) {
        std::vector<std::string_view> keys(std::begin(kFormats), std::end(kFormats));
        keys.push_back("default");
        Fields tf = fields(title, depth + 1, "fix.title", keys);
        if (tf.entries.empty()) fail(title, "fix.title needs a title");
        for (const auto& [k, v] : tf.entries) fix.titles[k] = oneLine(v, depth + 2, "fix.title." + k);
        if (!tf.find("default")) {
          if (formats.empty()) fail(title, "fix.title needs a 'default' title: the fix is offered in every format");
          for (const std::string& format : formats) {
            if (!tf.find(format)) fail(title, "fix.title has no title for " + format + "; add one or a 'default'");
          }
        }
      } else {
        fix.titles["default"] = oneLine(title, depth + 1, "fix.title");
      }
      const YamlNode& set = require(f, "set", "a fix");
      fix.path = nonEmpty(set, depth + 1, "fix.set");
      std::string err;
      auto path = parsePath(fix.path, &err);
      if (!path) fail(set, err);
      bool names = path->root == PathRoot::Current && !path->steps.empty();
      for (const PathStep& step : path->steps) names = names && step.kind == PathStep::Kind::Key;
      if (!names) {
        fail(set, "fix.set must name one attribute by its member names, like properties.minTlsVersion "
                  "(no [*], [n], $resource. or $item.)");
      }
      for (const PathStep& step : path->steps) fix.steps.push_back(step.key);
      const YamlNode& value = require(f, "value", "a fix");
      fix.value = toValue(value, depth + 1, true);
      if (fix.value.isNull()) fail(value, "fix.value must be a value (a string, number, bool, list or mapping), not null");
      if (const YamlNode* pr = f.find("preferred")) fix.preferred = boolean(*pr, depth + 1, "fix.preferred");
      std::optional<Condition> when;
      if (const YamlNode* w = f.find("when")) {
        // Evaluated on the finding's resource: no for_each element.
        bool item = allowItem_;
        allowItem_ = false;
        when = condition(*w, depth + 1);
        allowItem_ = item;
      }
      p.fixes.push_back(std::move(fix));
      check.fixWhen.push_back(std::move(when));
    }
  }

  std::string oneLine(const YamlNode& n, int depth, const std::string& what) {
    std::string s = nonEmpty(n, depth, what);
    if (s.find_first_of("\r\n") != std::string::npos) fail(n, what + " must be one line");
    return s;
  }

  Aggregate aggregate(const YamlNode& n) {
    static constexpr std::string_view allowed[] = {"group_by", "having", "compare", "outlier"};
    Fields f = fields(n, 1, "aggregate", allowed);
    Aggregate a;
    const YamlNode& g = require(f, "group_by", "aggregate");
    std::string gtext = nonEmpty(g, 2, "group_by");
    if (hasTemplate(gtext)) {
      TemplateScope scope;
      scope.params = &params_;
      std::string err;
      auto t = parseTemplate(gtext, scope, &err);
      if (!t) fail(g, err);
      a.groupTemplate = std::move(*t);
    } else {
      a.groupPath = path(g, 2, "group_by", false);
      if (a.groupPath.hasWildcard()) fail(g, "group_by must name one value (no [*])");
    }
    const YamlNode* having = f.find("having");
    const YamlNode* compare = f.find("compare");
    if (having && compare) fail(*compare, "use either having: (count) or compare:/outlier:, not both");
    if (having) {
      static constexpr std::string_view hk[] = {"count_gt", "count_ge", "count_lt", "count_le", "count_eq"};
      Fields hf = fields(*having, 2, "having", hk);
      auto t = countTest(hf, 3);
      if (!t) fail(*having, "having needs a count_* comparison");
      a.mode = Aggregate::Mode::Count;
      a.having = *t;
    } else if (compare) {
      a.mode = Aggregate::Mode::Outlier;
      if (compare->IsMap()) {
        visit(*compare, 2);
        if (compare->size() == 0) fail(*compare, "compare: needs at least one setting");
        for (const auto& kv : compare->entries()) {
          CompareField cf;
          cf.name = string(kv.first, 3, "compare setting name");
          if (cf.name.empty()) fail(kv.first, "compare setting names must not be empty");
          for (const CompareField& other : a.compareFields) {
            if (equalsIgnoreCase(other.name, cf.name)) fail(kv.first, "duplicate compare setting '" + cf.name + "'");
          }
          std::string text = nonEmpty(kv.second, 3, "compare setting");
          if (hasTemplate(text)) {
            TemplateScope scope;
            scope.params = &params_;
            std::string err;
            auto t = parseTemplate(text, scope, &err);
            if (!t) fail(kv.second, err);
            cf.tmpl = std::move(*t);
          } else {
            cf.path = path(kv.second, 3, "compare setting", false);
            if (cf.path.hasWildcard()) fail(kv.second, "a compare setting must name one value (no [*]); use a template with [*] for lists");
          }
          if (!a.compareText.empty()) a.compareText += ", ";
          a.compareText += cf.name;
          a.compareFields.push_back(std::move(cf));
        }
      } else {
        a.compare = path(*compare, 2, "compare", false);
        if (a.compare.hasWildcard()) fail(*compare, "compare must name one value (no [*])");
        a.compareText = a.compare.text;
      }
      const YamlNode& o = require(f, "outlier", "aggregate with compare:");
      if (string(o, 2, "outlier") != "majority") fail(o, "outlier must be 'majority'");
    } else {
      fail(n, "aggregate needs having: {count_gt: N} or compare: + outlier: majority");
    }
    if (!compare && f.find("outlier")) fail(*f.find("outlier"), "outlier: needs compare:");
    return a;
  }

  const Value& params() const { return params_; }

 private:
  Value params_;
  bool allowItem_ = false;
  bool hasForEach_ = false;
  bool hasAggregate_ = false;
  bool hasOutlier_ = false;
};

// Hand-written matchers for the metadata shapes: compiling a std::regex per policy was a
// visible share of start-up (every scan loads the built-in pack).
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
// EG[0-9]{3}
bool isBuiltinId(std::string_view s) {
  return s.size() == 5 && s[0] == 'E' && s[1] == 'G' && isDigit(s[2]) && isDigit(s[3]) && isDigit(s[4]);
}
// [A-Z][A-Z0-9_-]*[0-9]+
bool isUserId(std::string_view s) {
  if (s.size() < 2 || !isUpper(s[0]) || !isDigit(s.back())) return false;
  for (char c : s) if (!isUpper(c) && !isDigit(c) && c != '_' && c != '-') return false;
  return true;
}
// [a-z][a-z0-9]*(-[a-z0-9]+)*
bool isKebab(std::string_view s) {
  if (s.empty() || !isLower(s[0]) || s.back() == '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '-') { if (s[i - 1] == '-') return false; }
    else if (!isLower(c) && !isDigit(c)) return false;
  }
  return true;
}
// [a-z_][a-z0-9_]*
bool isSnake(std::string_view s) {
  if (s.empty() || isDigit(s[0])) return false;
  for (char c : s) if (!isLower(c) && !isDigit(c) && c != '_') return false;
  return true;
}

std::string basename(const std::string& path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Reads the metadata fields into `p` and returns the parameters' defaults.
void readDocumentation(Compiler& c, const Compiler::Fields& top, Policy& p);

void readMetadata(Compiler& c, const Compiler::Fields& top, Policy& p, bool builtin, PolicyOrigin& origin) {
  const YamlNode& idNode = c.require(top, "id", "a policy");
  origin = PolicyOrigin{static_cast<uint32_t>(idNode.Mark().line + 1), static_cast<uint32_t>(idNode.Mark().column + 1)};
  p.id = c.string(idNode, 1, "id");
  if (builtin ? !isBuiltinId(p.id) : !isUserId(p.id)) {
    c.fail(idNode, builtin ? "built-in policy ids look like EG005" : "policy ids are upper case and end in digits, like ACME-TLS-001");
  }
  const YamlNode& nameNode = c.require(top, "name", "a policy");
  p.name = c.string(nameNode, 1, "name");
  if (!isKebab(p.name)) c.fail(nameNode, "name must be kebab-case, like ip-filter-default-allow");
  if (builtin && basename(p.sourcePath) != p.id + "-" + p.name + ".yaml") {
    c.fail(idNode, "built-in policy file must be named " + p.id + "-" + p.name + ".yaml");
  }
  const YamlNode& sev = c.require(top, "severity", "a policy");
  auto s = parseSeverity(c.string(sev, 1, "severity"));
  if (!s) c.fail(sev, "severity must be high, medium or low");
  p.severity = *s;
  const YamlNode& title = c.require(top, "title", "a policy");
  p.title = c.nonEmpty(title, 1, "title");
  if (p.title.find('\n') != std::string::npos) c.fail(title, "title must be one line");
  if (const YamlNode* d = top.find("defender")) p.defender = c.nonEmpty(*d, 1, "defender");
  if (const YamlNode* pr = top.find("preset")) {
    p.preset = c.string(*pr, 1, "preset");
    if (!oneOf(p.preset, kPolicyPresets)) c.fail(*pr, "preset must be one of: " + joined(kPolicyPresets));
  } else if (builtin) {
    c.fail(idNode, "a built-in policy needs a preset (recommended or strict) and a preset_reason");
  }
  if (const YamlNode* why = top.find("preset_reason")) {
    p.presetReason = c.nonEmpty(*why, 1, "preset_reason");
    if (p.presetReason.find('\n') != std::string::npos) c.fail(*why, "preset_reason must be one line");
  } else if (builtin) {
    c.fail(idNode, "a built-in policy needs a preset_reason: one line saying why it is in its preset");
  }
  if (p.documented) readDocumentation(c, top, p);

  static constexpr std::string_view appliesKeys[] = {"kinds", "formats"};
  const YamlNode& applies = c.require(top, "applies_to", "a policy");
  Compiler::Fields af = c.fields(applies, 1, "applies_to", appliesKeys);
  const YamlNode& kinds = c.require(af, "kinds", "applies_to");
  p.kinds = c.strings(kinds, 2, "applies_to.kinds", true);
  if (p.kinds.empty()) c.fail(kinds, "applies_to.kinds must not be empty");
  if (const YamlNode* formats = af.find("formats")) {
    p.formats = c.strings(*formats, 2, "applies_to.formats", false);
    size_t i = 0;
    for (const YamlNode& f : formats->elements()) {
      if (!oneOf(p.formats[i++], kFormats)) c.fail(f, "unknown format; expected one of: " + joined(kFormats));
    }
  }
}

void readDocumentation(Compiler& c, const Compiler::Fields& top, Policy& p) {
  p.description = c.nonEmpty(c.require(top, "description", "a policy"), 1, "description");
  p.rationale = c.nonEmpty(c.require(top, "rationale", "a policy"), 1, "rationale");

  const YamlNode& rem = c.require(top, "remediation", "a policy");
  Compiler::Fields rf = c.fields(rem, 1, "remediation", kFormats);
  if (rf.entries.empty()) c.fail(rem, "remediation needs at least one of: " + joined(kFormats));
  for (const auto& [k, v] : rf.entries) p.remediation[k] = c.nonEmpty(v, 2, "remediation." + k);

  if (const YamlNode* refs = top.find("references")) {
    p.references = c.strings(*refs, 1, "references", false);
    size_t i = 0;
    for (const YamlNode& r : refs->elements()) {
      if (!p.references[i++].starts_with("https://")) c.fail(r, "references must be https:// URLs");
    }
  }

  if (const YamlNode* peers = top.find("peers")) {
    Compiler::Fields pf = c.fields(*peers, 1, "peers", kPeerScanners);
    for (const auto& [k, v] : pf.entries) {
      p.peers[k] = c.strings(v, 2, "peers." + k, true);
      if (p.peers[k].empty()) c.fail(v, "peers." + k + " must not be empty (leave the scanner out instead)");
    }
  }
  if (const YamlNode* examples = top.find("examples")) {
    static constexpr std::string_view exampleKeys[] = {"bad", "good"};
    Compiler::Fields ef = c.fields(*examples, 1, "examples", kFormats);
    for (const auto& [format, v] : ef.entries) {
      Compiler::Fields bg = c.fields(v, 2, "examples." + format, exampleKeys);
      Policy::Example& ex = p.examples[format];
      ex.bad = c.nonEmpty(c.require(bg, "bad", "examples." + format), 3, "examples." + format + ".bad");
      ex.good = c.nonEmpty(c.require(bg, "good", "examples." + format), 3, "examples." + format + ".good");
    }
  }
}

Value readParameters(Compiler& c, const Compiler::Fields& top) {
  const YamlNode* n = top.find("parameters");
  if (!n) return Value::object();
  c.visit(*n, 1);
  if (!n->IsMap()) c.fail(*n, "parameters must be a mapping of name: default");
  for (const auto& [key, value] : n->entries()) {
    if (!key.IsScalar() || !isSnake(key.Scalar())) c.fail(key, "parameter names are snake_case identifiers");
  }
  Value v = c.toValue(*n, 1, false);
  if (v.asObject().size() != n->size()) c.fail(*n, "duplicate parameter name");
  return v;
}

Compiler::Fields topFields(Compiler& c, const YamlNode& root) {
  if (!root.IsMap()) c.fail(root, "a policy file must be a YAML mapping, not " + std::string(typeOf(root)));
  return c.fields(root, 0, "a policy", kTopKeys);
}

Error loadError(const std::string& path, const YAML::Mark& mark, std::string message) {
  Error e;
  e.path = path;
  e.line = mark.line >= 0 ? static_cast<uint32_t>(mark.line + 1) : 0;
  e.column = mark.line >= 0 ? static_cast<uint32_t>(mark.column + 1) : 0;
  e.message = std::move(message);
  e.code = kPolicyErrorCode;
  return e;
}

}  // namespace

std::string withoutDocumentation(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool dropping = false;
  for (size_t at = 0; at < text.size();) {
    size_t eol = text.find('\n', at);
    size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view line = text.substr(at, next - at);
    char first = line.empty() ? '\n' : line.front();
    // A top-level key starts at column 0; its block goes on over indented, empty and comment
    // lines and over a sequence written at column 0 ("- item"), but not over "---" / "...".
    bool topLevel = first != ' ' && first != '\t' && first != '\n' && first != '\r' && first != '#' &&
                    !(first == '-' && !line.starts_with("---"));
    if (topLevel) {
      dropping = false;
      for (std::string_view k : kPolicyDocumentationKeys) {
        if (line.starts_with(k) && line.size() > k.size() && line[k.size()] == ':') dropping = true;
      }
    }
    if (dropping) {
      if (eol != std::string_view::npos) out += '\n';
    } else {
      out.append(line);
    }
    at = next;
  }
  return out;
}

std::shared_ptr<Policy> loadPolicy(std::string_view text, const std::string& path, bool builtin,
                                   std::vector<Error>& errors, bool documentation) {
  try {
    SingleDocument doc = loadSingleDocument(documentation ? std::string(text) : withoutDocumentation(text));
    if (doc.empty || !doc.second.is_null()) {
      errors.push_back(loadError(path, doc.empty ? YAML::Mark() : doc.second,
                                 doc.empty ? "empty policy file" : "a policy file holds one YAML document"));
      return nullptr;
    }
    return loadPolicy(doc.root, path, builtin, errors, documentation);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for it is "bad file".
    errors.push_back(loadError(path, e.mark, "invalid YAML: nested deeper than " + std::to_string(e.depth() - 1) + " levels"));
  } catch (const YAML::Exception& e) {
    // ParserException and DeepRecursion carry the position; e.msg is the bare message.
    errors.push_back(loadError(path, e.mark, "invalid YAML: " + e.msg));
  }
  return nullptr;
}

std::shared_ptr<Policy> loadPolicy(const YamlNode& root, const std::string& path, bool builtin,
                                   std::vector<Error>& errors, bool documentation) {
  auto p = std::make_shared<Policy>();
  p->sourcePath = path;
  p->builtin = builtin;
  p->documented = documentation;
  try {
    // Metadata first with an empty parameter set; then the logic with the real defaults.
    Compiler meta{Value::object()};
    Compiler::Fields top = topFields(meta, root);
    auto state = std::make_shared<LoaderState>();
    state->root = root;
    readMetadata(meta, top, *p, builtin, state->origin);
    p->parameters = readParameters(meta, top);
    Compiler logic{p->parameters};
    auto check = std::make_shared<CheckNode>();
    logic.compile(topFields(logic, root), *p, *check);
    p->check = std::move(check);
    p->compiled = std::move(state);
    return p;
  } catch (const LoadFailure& f) {
    errors.push_back(loadError(path, f.mark, f.message));
  }
  return nullptr;
}

bool recompilePolicy(Policy& policy, const Value& parameters, std::string* error) {
  auto state = std::static_pointer_cast<const LoaderState>(policy.compiled);
  if (!state) {
    *error = "policy was not loaded from YAML";
    return false;
  }
  try {
    Compiler logic{parameters};
    auto check = std::make_shared<CheckNode>();
    Policy scratch = policy;
    logic.compile(topFields(logic, state->root), scratch, *check);
    policy.parameters = parameters;
    policy.check = std::move(check);
    policy.fixes = std::move(scratch.fixes);
    return true;
  } catch (const LoadFailure& f) {
    *error = f.message;
  } catch (const YAML::Exception& e) {
    *error = e.msg;
  }
  return false;
}

PolicyOrigin originOf(const Policy& policy) {
  auto state = std::static_pointer_cast<const LoaderState>(policy.compiled);
  return state ? state->origin : PolicyOrigin{};
}

bool CountTest::holds(size_t count) const {
  switch (cmp) {
    case Cmp::Gt: return count > n;
    case Cmp::Ge: return count >= n;
    case Cmp::Lt: return count < n;
    case Cmp::Le: return count <= n;
    case Cmp::Eq: return count == n;
  }
  return false;
}

}  // namespace eg::policy
