// Property test of the three-valued logic: an unknown value may make a check unknown only
// when the answer really depends on it.
//
// For every operator and combinator, attribute values containing unknowns are evaluated
// once as they are and once per substitution of each unknown by a concrete value (strings,
// numbers, booleans, null, arrays, objects, CIDRs, versions). Per resource:
//  - soundness: a decided verdict (finding / no finding) with unknowns equals the verdict of
//    every substitution;
//  - completeness (for in/not_in, contains_any, any/all with a deciding member, where and
//    the other combinators listed below): when every substitution agrees, the verdict with
//    unknowns is decided too.
// Enumeration is exhaustive and deterministic (no random numbers, no timing).
#include <functional>

#include "PolicyTestUtil.h"

using namespace eg;
using namespace eg::policy;
using namespace eg::policy::test;

namespace {

// Concrete stand-ins for an unknown. The first kShortSubstitutes are varied enough for the
// cases with two unknowns (all pairs are evaluated, so that set is kept smaller).
std::vector<Value> substitutes() {
  return {
      Value(nullptr), Value("a"), Value(1), Value(true), Value(Array{}), Value(Object{}),
      Value(Array{Value("a")}), Value(Object{Member{"k", Value("a")}}), Value("b"), Value(""), Value(false),
      Value("10.0.0.0/8"), Value("1.2"), Value(0),
      // kShortSubstitutes ends here
      Value(2), Value(42), Value("A"), Value("1"), Value("true"), Value("FALSE"), Value("1.10"), Value("TLS1_0"),
      Value("0.0.0.0/0"), Value("10.1.2.3"), Value("::/0"), Value("2001:db8::/32"), Value("host"),
      Value("/var/run/docker.sock:/var/run/docker.sock"), Value("ab"), Value(Array{Value(1), Value("b")}),
      Value(Array{Value(Object{Member{"k", Value("a")}})}), Value(Object{Member{"k", Value(1)}}),
      Value(Object{Member{"k", Value(Array{Value("a")})}}), Value(Array{Value(nullptr)}),
      Value(Object{Member{"k", Value(nullptr)}}), Value(Object{Member{"k", Value("b")}}),
      Value(Object{Member{"a", Value("a")}, Member{"b", Value(1)}}), Value(Object{Member{"a", Value("b")}}),
      Value(Array{Value(Object{Member{"a", Value("a")}, Member{"b", Value(1)}})}),
      Value(Array{Value(Object{Member{"a", Value("b")}}), Value(Object{Member{"k", Value(true)}})}),
      Value(Array{Value(Object{Member{"k", Value(nullptr)}})}), Value(Array{Value("b")}),
  };
}
constexpr size_t kShortSubstitutes = 14;

Value unk(const char* why) { return Value::unknown(why); }
Value arr(std::vector<Value> v) { return Value(Array(std::move(v))); }
Value obj(std::vector<std::pair<std::string, Value>> members) {
  Object o;
  for (auto& [k, v] : members) o.push_back(Member{k, std::move(v)});
  return Value(std::move(o));
}

// The unknowns inside `v`, in a fixed order.
void collectUnknowns(Value& v, std::vector<Value*>& out) {
  forEachValue(v, [&](Value& x) {
    if (x.isUnknown()) out.push_back(&x);
  });
}

// One resource per attribute value: the first (r0) is the subject kind (an IoT Hub), the
// others are too unless `otherKind` is set (for related: joins).
struct Scenario {
  std::vector<Value> attrs;
  std::string otherKind;
};

// Per resource: 'T' a (known) finding, 'U' only an unknown finding, 'F' none.
std::string verdicts(const Policy& p, const Scenario& s) {
  ResourceGraph g;
  for (size_t i = 0; i < s.attrs.size(); ++i) {
    Resource r = resource(i > 0 && !s.otherKind.empty() ? s.otherKind : kHub, "", "r" + std::to_string(i));
    r.attributes = s.attrs[i];
    g.add(std::move(r));
  }
  std::string out(s.attrs.size(), 'F');
  for (const Finding& f : run(p, g)) {
    size_t i = std::stoul(f.resource.substr(1));
    if (!f.unknown) out[i] = 'T';
    else if (out[i] == 'F') out[i] = 'U';
  }
  return out;
}

std::string show(const Scenario& s) {
  std::string out;
  for (const Value& v : s.attrs) out += v.toJson() + " ";
  return out;
}

struct Checker {
  size_t cases = 0, evaluations = 0;
  std::vector<std::string> unsound, incomplete;

  // Checks `policyLogic` (where/for_each/violation/aggregate YAML) on `s`.
  void check(const std::string& policyLogic, const Scenario& s, bool wantComplete) {
    auto l = loadOk(policyText(policyLogic + "\nmessage: m\n"));
    ++cases;
    std::string withUnknowns = verdicts(*l->policy, s);

    Scenario concrete = s;
    std::vector<Value*> holes;
    for (Value& v : concrete.attrs) collectUnknowns(v, holes);
    REQUIRE(holes.size() <= 2);
    const std::vector<Value> subs = substitutes();
    const size_t n = holes.size() >= 2 ? kShortSubstitutes : subs.size();
    std::vector<size_t> pick(holes.size(), 0);
    std::string agreed;  // per resource: the common concrete verdict, '?' when they differ
    while (true) {
      for (size_t i = 0; i < holes.size(); ++i) *holes[i] = subs[pick[i]];
      std::string got = verdicts(*l->policy, concrete);
      ++evaluations;
      if (agreed.empty()) agreed = got;
      for (size_t r = 0; r < got.size(); ++r) {
        if (got[r] == 'U') {
          unsound.push_back("an unknown without unknowns: " + policyLogic + " on " + show(concrete));
        }
        if (agreed[r] != got[r]) agreed[r] = '?';
        if (withUnknowns[r] != 'U' && withUnknowns[r] != got[r] && unsound.size() < 1000) {
          unsound.push_back(std::string("r") + std::to_string(r) + " is " + withUnknowns[r] + " with unknowns but " + got[r] +
                            " with " + show(concrete) + "| " + policyLogic + " | on " + show(s));
        }
      }
      // Next substitution (odometer).
      size_t i = 0;
      while (i < pick.size() && ++pick[i] == n) pick[i++] = 0;
      if (i == pick.size()) break;
    }
    if (!wantComplete) return;
    for (size_t r = 0; r < agreed.size(); ++r) {
      if (agreed[r] != '?' && withUnknowns[r] == 'U') {
        incomplete.push_back(std::string("r") + std::to_string(r) + " is U with unknowns but always " + agreed[r] + "| " +
                             policyLogic + " | on " + show(s));
      }
    }
  }

  void report() {
    MESSAGE(cases << " cases, " << evaluations << " concrete evaluations");
    std::string u, c;
    for (size_t i = 0; i < unsound.size() && i < 25; ++i) u += unsound[i] + "\n";
    for (size_t i = 0; i < incomplete.size() && i < 25; ++i) c += incomplete[i] + "\n";
    INFO("unsound (first 25 of " << unsound.size() << "):\n" << u);
    CHECK(unsound.empty());
    INFO("incomplete (first 25 of " << incomplete.size() << "):\n" << c);
    CHECK(incomplete.empty());
  }
};

struct OpCase {
  std::string op;  // "in: [a]"
  bool complete;   // completeness is required for this operator
};

// Every leaf operator with typical operands, including the empty lists that decide alone.
const std::vector<OpCase> kOps = {
    {"equals: a", false}, {"equals: 1", false}, {"equals: true", false}, {"equals: null", false},
    {"not_equals: a", false}, {"not_equals: null", false},
    {"in: []", true}, {"in: [a]", true}, {"in: [a, 1]", true}, {"in: [null]", true}, {"in: [true, b]", true},
    {"not_in: []", true}, {"not_in: [a]", true}, {"not_in: [a, 1, null]", true},
    {"exists: true", false}, {"exists: false", false}, {"absent: true", false}, {"absent: false", false},
    {"matches: '^a$'", false}, {"matches: '.*'", false}, {"matches: 'zzz'", false}, {"not_matches: '^a'", false},
    {"gt: 1", false}, {"ge: 1", false}, {"lt: 1", false}, {"le: 1", false},
    {"version_lt: '1.2'", false}, {"version_ge: '1.2'", false},
    {"is_true: true", false}, {"is_true: false", false}, {"is_false: true", false},
    {"cidr_prefix_below: {ipv4: 16}", false}, {"cidr_prefix_below: {ipv6: 64}", false},
    {"cidr_contains: 0.0.0.0/0", false}, {"cidr_within: [10.0.0.0/8, '::/0']", false},
    {"contains_any: []", true}, {"contains_any: [a]", false}, {"contains_any: [1, b]", false},
    {"length_gt: 0", false}, {"length_lt: 1", false}, {"length_eq: 0", false}, {"length_lt: 0", true},
    {"expression_matches: 'a'", false},
};

}  // namespace

TEST_CASE("three-valued soundness: every leaf operator on values with unknowns") {
  Checker c;
  // Single paths: the value itself, unknowns inside it, and an unknown container on the way.
  const std::vector<Value> direct = {
      unk("u"), arr({unk("u")}), arr({Value("a"), unk("u")}), obj({{"k", unk("u")}}), arr({unk("u"), unk("v")}),
  };
  for (const OpCase& op : kOps) {
    for (const Value& x : direct) {
      c.check("violation: {attribute: x, " + op.op + "}", Scenario{{obj({{"x", x}})}, {}}, op.complete);
    }
    c.check("violation: {attribute: x.k, " + op.op + "}", Scenario{{obj({{"x", unk("u")}})}, {}}, op.complete);
    c.check("violation: {attribute: 'x[0]', " + op.op + "}", Scenario{{obj({{"x", unk("u")}})}, {}}, op.complete);
    // Wildcards: unknown elements, an unknown collection (any number of elements).
    const std::vector<Value> lists = {
        unk("u"), arr({unk("u")}), arr({Value("a"), unk("u")}), arr({Value("b"), unk("u")}), arr({unk("u"), unk("v")}),
        obj({{"m", unk("u")}, {"n", Value(1)}}),
    };
    const std::vector<Value> nested = {
        unk("u"), arr({obj({{"k", unk("u")}})}), arr({obj({{"k", Value("a")}}), unk("u")}),
        arr({obj({{"k", Value("b")}}), obj({{"j", unk("u")}})}),
    };
    for (const char* q : {"any", "all", "none"}) {
      for (const Value& x : lists) {
        c.check("violation: {attribute: 'x[*]', " + op.op + ", quantifier: " + q + "}", Scenario{{obj({{"x", x}})}, {}},
                op.complete);
      }
      for (const Value& x : nested) {
        c.check("violation: {attribute: 'x[*].k', " + op.op + ", quantifier: " + q + "}", Scenario{{obj({{"x", x}})}, {}},
                op.complete);
      }
    }
  }
  c.report();
}

namespace {
// Leaves over {t: 1, f: 0, u: <unknown>, w: <unknown>}: always true, always false, depending
// on an unknown, and deciding whatever the unknown is.
const std::vector<std::string> kLeaves = {
    "{attribute: t, equals: 1}",   "{attribute: f, equals: 1}",  "{attribute: u, equals: a}",
    "{attribute: u, in: []}",      "{attribute: u, not_in: []}", "{attribute: w, gt: 1}",
    "{attribute: u, length_lt: 0}",
};
Scenario flat() { return Scenario{{obj({{"t", Value(1)}, {"f", Value(0)}, {"u", unk("u")}, {"w", unk("w")}})}, {}}; }
}  // namespace

TEST_CASE("three-valued soundness and completeness: all/any/not and where") {
  Checker c;
  std::vector<std::string> conditions = kLeaves;
  for (const std::string& a : kLeaves) {
    conditions.push_back("{not: " + a + "}");
    for (const std::string& b : kLeaves) {
      conditions.push_back("{all: [" + a + ", " + b + "]}");
      conditions.push_back("{any: [" + a + ", " + b + "]}");
    }
  }
  for (const std::string& cond : conditions) c.check("violation: " + cond, flat(), true);
  // Nested, with the same unknown twice: sound, but a leaf-by-leaf (Kleene) evaluation cannot
  // see that `u equals a` and `u equals b` never hold together, so no completeness here.
  for (const std::string& a : kLeaves) {
    for (const std::string& b : kLeaves) {
      c.check("violation: {not: {any: [" + a + ", {all: [" + b + ", {attribute: u, equals: b}]}]}}", flat(), false);
    }
  }
  // where x violation: a finding needs both.
  for (const std::string& w : kLeaves) {
    for (const std::string& v : kLeaves) c.check("where: " + w + "\nviolation: " + v, flat(), true);
  }
  c.report();
}

TEST_CASE("three-valued soundness: for_each, first, related and aggregates") {
  Checker c;
  const std::vector<Value> rules = {
      unk("u"),
      arr({unk("u")}),
      arr({obj({{"a", unk("u")}}), obj({{"a", Value("b")}})}),
      arr({obj({{"a", Value("b")}}), obj({{"a", unk("u")}})}),
      arr({obj({{"a", Value("a")}, {"b", unk("u")}}), obj({{"a", unk("v")}, {"b", Value(1)}})}),
      arr({unk("u"), obj({{"a", Value("a")}, {"b", Value(1)}})}),
  };
  const std::vector<std::string> leaves = {
      "{attribute: a, equals: a}", "{attribute: a, in: []}", "{attribute: a, not_in: []}", "{attribute: b, equals: 1}",
  };
  for (const Value& r : rules) {
    Scenario s{{obj({{"r", r}})}, {}};
    for (const std::string& v : leaves) {
      c.check("for_each: 'r[*]'\nviolation: " + v, s, true);
      for (const std::string& w : leaves) {
        // Soundness only: `where` and `satisfies` read the same unknown element, and that
        // correlation is not tracked (see the nested case above).
        c.check("violation: {first: {of: 'r[*]', where: " + w + ", satisfies: " + v + "}}", s, false);
      }
    }
  }
  // related: joins over the scan, with unknowns in the related resources.
  const std::vector<Scenario> joined = {
      Scenario{{obj({}), obj({{"a", unk("u")}})}, kDps},
      Scenario{{obj({}), obj({{"a", unk("u")}}), obj({{"a", Value("a")}})}, kDps},
      Scenario{{obj({}), obj({{"a", unk("u")}}), obj({{"a", unk("v")}})}, kDps},
  };
  for (const Scenario& s : joined) {
    for (const std::string& w : leaves) {
      for (const char* q : {"quantifier: any", "quantifier: all", "quantifier: none", "count_gt: 0", "count_eq: 1",
                            "count_lt: 2"}) {
        c.check(std::string("violation: {related: {kind: '") + kDps + "', scope: scan, where: " + w + ", " + q + "}}", s,
                true);
      }
    }
  }
  // Aggregates: members with unknown group keys.
  const std::vector<Scenario> groups = {
      Scenario{{obj({{"key", unk("u")}})}, {}},
      Scenario{{obj({{"key", unk("u")}}), obj({{"key", Value("a")}})}, {}},
      Scenario{{obj({{"key", Value("a")}}), obj({{"key", Value("a")}}), obj({{"key", unk("u")}})}, {}},
      Scenario{{obj({{"key", Value("a")}}), obj({{"key", Value("b")}}), obj({{"key", unk("u")}})}, {}},
  };
  for (const Scenario& s : groups) {
    for (const char* having : {"count_gt: 1", "count_eq: 1", "count_lt: 3", "count_ge: 1"}) {
      c.check(std::string("aggregate: {group_by: key, having: {") + having + "}}", s, false);
    }
  }
  c.report();
}
