#include "linter/policy/AttributeUse.h"

#include <algorithm>

#include "linter/policy/CheckNode.h"

namespace eg::policy {

bool LessIgnoringCase::operator()(std::string_view a, std::string_view b) const {
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; };
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [&](char x, char y) { return lower(x) < lower(y); });
}

AttributeUse& AttributeUse::key(std::string_view k) {
  auto it = keys.find(k);
  if (it == keys.end()) it = keys.emplace(std::string(k), AttributeUse{}).first;
  return it->second;
}

AttributeUse& AttributeUse::element() {
  if (!elements) elements = std::make_unique<AttributeUse>();
  return *elements;
}

void AttributeUse::merge(const AttributeUse& other) {
  if (&other == this) return;
  whole = whole || other.whole;
  for (const auto& [k, child] : other.keys) key(k).merge(child);
  if (other.elements) element().merge(*other.elements);
}

namespace {

using Nodes = std::vector<AttributeUse*>;

// Where the paths of a condition start (PathExpr's roots): the current object (the resource, a
// for_each or `first:` element, a related resource), the subject resource, the for_each item.
struct Scope {
  Nodes current, resource, items;
  const Nodes& of(PathRoot root) const {
    switch (root) {
      case PathRoot::Resource: return resource;
      case PathRoot::Item: return items;
      case PathRoot::Current: break;
    }
    return current;
  }
};

class Collector {
 public:
  explicit Collector(std::map<std::string, AttributeUse, LessIgnoringCase>& byKind) : byKind_(byKind) {}

  void policy(const Policy& p) {
    if (!p.check) return;
    const CheckNode& c = *p.check;
    Nodes roots = kinds(p.kinds);
    Scope top{roots, roots, {}};
    if (c.where) condition(*c.where, top);
    Scope inner = top;
    if (!c.forEach.empty()) {
      Nodes items;
      for (const PathExpr& path : c.forEach) reach(path, top.of(path.root), items);
      inner = Scope{items, roots, items};
    }
    if (c.violation) condition(*c.violation, inner);
    for (const MessageCase& m : c.messages) {
      if (m.when) condition(*m.when, inner);
      if (m.at) read(*m.at, inner);
      templ(m.text, inner);
    }
    if (c.aggregate) {
      const Aggregate& a = *c.aggregate;
      // Group and compare paths are read from the resource's attributes.
      Scope resource{roots, roots, inner.items};
      read(a.groupPath, resource);
      if (a.groupTemplate) templ(*a.groupTemplate, resource);
      read(a.compare, resource);
      for (const CompareField& f : a.compareFields) {
        read(f.path, resource);
        if (f.tmpl) templ(*f.tmpl, resource);
      }
    }
    for (const auto& when : c.fixWhen) {
      if (when) condition(*when, top);
    }
  }

 private:
  Nodes kinds(const std::vector<std::string>& names) {
    Nodes out;
    for (const std::string& k : names) out.push_back(&byKind_[k]);
    return out;
  }

  // The nodes `path` reaches from `from` (appended to `ends`), without keeping them whole.
  static void reach(const PathExpr& path, const Nodes& from, Nodes& ends) {
    for (AttributeUse* n : from) {
      AttributeUse* at = n;
      for (const PathStep& s : path.steps) at = s.kind == PathStep::Kind::Key ? &at->key(s.key) : &at->element();
      ends.push_back(at);
    }
  }

  // A value read at `path`: everything below it is kept (operators, filters and renderings
  // look at whole values).
  static void read(const PathExpr& path, const Scope& s) {
    if (path.steps.empty() && path.root == PathRoot::Current) return;  // no path (never parsed: unset)
    Nodes ends;
    reach(path, s.of(path.root), ends);
    for (AttributeUse* n : ends) n->whole = true;
  }

  static void templ(const Template& t, const Scope& s) {
    for (const TemplatePart& part : t.parts) {
      if (!part.expr) continue;
      const TemplateExpr& e = *part.expr;
      switch (e.root) {
        case TemplateRoot::Attr: {
          Nodes ends;
          reach(e.path, s.resource, ends);
          for (AttributeUse* n : ends) n->whole = true;
          break;
        }
        case TemplateRoot::Item: {
          Nodes ends;
          reach(e.path, s.items, ends);
          for (AttributeUse* n : ends) n->whole = true;
          break;
        }
        case TemplateRoot::Resource:
          // {{resource.name}} is the ARM name when there is one.
          for (AttributeUse* n : s.resource) n->key("name").whole = true;
          break;
        case TemplateRoot::Params:
        case TemplateRoot::Value:
        case TemplateRoot::Group:
        case TemplateRoot::Outlier:
          break;
      }
    }
  }

  void condition(const Condition& c, const Scope& s) {
    switch (c.kind) {
      case Condition::Kind::Leaf:
        read(c.path, s);
        return;
      case Condition::Kind::Related: {
        Scope related{kinds(c.relatedKinds), s.resource, s.items};
        for (const Condition& child : c.children) condition(child, related);
        return;
      }
      case Condition::Kind::First: {
        Scope candidates = s;
        candidates.current.clear();
        reach(c.path, s.of(c.path.root), candidates.current);
        for (const Condition& child : c.children) condition(child, candidates);
        return;
      }
      case Condition::Kind::All:
      case Condition::Kind::Any:
      case Condition::Kind::Not:
      case Condition::Kind::KindIs:
        for (const Condition& child : c.children) condition(child, s);
        return;
    }
  }

  std::map<std::string, AttributeUse, LessIgnoringCase>& byKind_;
};

// A node with `elements` applies them to its named members as well: `[*].x` and `a.y` together
// keep both x and y of member a.
void settle(AttributeUse& n) {
  if (n.whole) {
    n.keys.clear();
    n.elements.reset();
    return;
  }
  if (n.elements) {
    settle(*n.elements);
    for (auto& [k, child] : n.keys) child.merge(*n.elements);
  }
  for (auto& [k, child] : n.keys) settle(child);
}

const AttributeUse* find(const AttributeUse& n, std::string_view key) {
  auto it = n.keys.find(key);
  if (it != n.keys.end()) return &it->second;
  return n.elements.get();
}

void trimValue(Value& v, const AttributeUse& use) {
  if (use.whole) return;
  if (v.isObject()) {
    Object& members = v.asObject();
    std::erase_if(members, [&](Member& m) {
      const AttributeUse* child = find(use, m.key);
      if (!child) return true;
      trimValue(m.value, *child);
      return false;
    });
    members.shrink_to_fit();
  } else if (v.isArray()) {
    Array& elements = v.asArray();
    if (!use.elements) {
      Array().swap(elements);
      return;
    }
    for (Value& e : elements) trimValue(e, *use.elements);
  }
}

}  // namespace

void AttributeUses::addPolicies(const std::vector<const Policy*>& policies) {
  Collector collect(byKind_);
  for (const Policy* p : policies) collect.policy(*p);
  for (auto& [kind, use] : byKind_) {
    use.merge(everywhere_);
    settle(use);
  }
}

void AttributeUses::keepEverywhere(std::string_view key) {
  everywhere_.key(key).whole = true;
  for (auto& [kind, use] : byKind_) use.key(key).whole = true;
}

void AttributeUses::trim(std::string_view kind, Value& attributes) const {
  auto it = byKind_.find(kind);
  trimValue(attributes, it != byKind_.end() ? it->second : everywhere_);
}

}  // namespace eg::policy
