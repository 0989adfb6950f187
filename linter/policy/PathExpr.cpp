// Parsing and resolution of attribute paths (see PathExpr.h).
#include "linter/policy/PathExpr.h"

#include <algorithm>

namespace eg::policy {

bool PathExpr::hasWildcard() const {
  for (const PathStep& s : steps) {
    if (s.kind == PathStep::Kind::Wildcard) return true;
  }
  return false;
}

namespace {

bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '$' || c == '@' || c == ':' || c == '/';
}

}  // namespace

std::optional<PathExpr> parsePath(std::string_view text, std::string* error) {
  PathExpr p;
  p.text = std::string(text);
  auto bad = [&](std::string msg) -> std::optional<PathExpr> {
    *error = "invalid path '" + std::string(text) + "': " + msg;
    return std::nullopt;
  };
  if (text.empty()) return bad("empty path");
  std::string_view rest = text;
  // The root prefixes are reserved; any other leading `$name` would be ambiguous, so a
  // member literally named "$edgeAgent" must be quoted: ["$edgeAgent"].
  if (rest == "$resource" || rest.starts_with("$resource.") || rest.starts_with("$resource[")) {
    p.root = PathRoot::Resource;
    rest.remove_prefix(9);
  } else if (rest == "$item" || rest.starts_with("$item.") || rest.starts_with("$item[")) {
    p.root = PathRoot::Item;
    rest.remove_prefix(5);
  } else if (rest.front() == '$') {
    return bad("unknown root (use $resource. or $item., or quote the member: [\"$name\"])");
  }
  if (rest.starts_with('.')) rest.remove_prefix(1);
  bool needSeparator = false;  // after a segment, expect '.', '[' or end
  size_t i = 0;
  while (i < rest.size()) {
    char c = rest[i];
    if (c == '[') {
      size_t close;
      if (i + 1 < rest.size() && (rest[i + 1] == '"' || rest[i + 1] == '\'')) {
        char q = rest[i + 1];
        size_t endq = rest.find(q, i + 2);
        if (endq == std::string_view::npos || endq + 1 >= rest.size() || rest[endq + 1] != ']') {
          return bad("unterminated quoted member");
        }
        p.steps.push_back(PathStep{PathStep::Kind::Key, std::string(rest.substr(i + 2, endq - i - 2)), 0});
        close = endq + 1;
      } else {
        close = rest.find(']', i);
        if (close == std::string_view::npos) return bad("missing ']'");
        std::string_view inner = rest.substr(i + 1, close - i - 1);
        if (inner == "*") {
          p.steps.push_back(PathStep{PathStep::Kind::Wildcard, {}, 0});
        } else {
          if (inner.empty() || inner.size() > 9) return bad("expected [*], [N] or [\"member\"]");
          size_t n = 0;
          for (char d : inner) {
            if (d < '0' || d > '9') return bad("expected [*], [N] or [\"member\"]");
            n = n * 10 + static_cast<size_t>(d - '0');
          }
          p.steps.push_back(PathStep{PathStep::Kind::Index, {}, n});
        }
      }
      i = close + 1;
      needSeparator = true;
      continue;
    }
    if (c == '.') {
      if (!needSeparator) return bad("empty segment");
      ++i;
      needSeparator = false;
      if (i == rest.size()) return bad("trailing '.'");
      continue;
    }
    if (needSeparator) return bad(std::string("unexpected '") + c + "'");
    size_t end = i;
    while (end < rest.size() && isKeyChar(rest[end])) ++end;
    if (end == i) return bad(std::string("unexpected '") + c + "'");
    std::string_view key = rest.substr(i, end - i);
    if (key == "*") return bad("use [*] for wildcards");
    p.steps.push_back(PathStep{PathStep::Kind::Key, std::string(key), 0});
    i = end;
    needSeparator = true;
  }
  if (p.steps.empty() && p.root == PathRoot::Current) return bad("empty path");
  return p;
}

std::string joinPath(std::string_view base, const PathStep& step, size_t index) {
  std::string out(base);
  if (step.kind == PathStep::Kind::Key) {
    if (!out.empty()) out += '.';
    out += step.key;
  } else {
    out += '[';
    out += std::to_string(step.kind == PathStep::Kind::Index ? step.index : index);
    out += ']';
  }
  return out;
}

namespace {

void walk(const std::vector<PathStep>& steps, size_t i, const Value* cur, std::string path,
          std::vector<PathMatch>& out) {
  for (; i < steps.size(); ++i) {
    if (cur->isUnknown()) {
      bool many = std::any_of(steps.begin() + static_cast<std::ptrdiff_t>(i), steps.end(),
                              [](const PathStep& st) { return st.kind == PathStep::Kind::Wildcard; });
      out.push_back(PathMatch{cur, std::move(path), true, false, many});
      return;
    }
    const PathStep& s = steps[i];
    switch (s.kind) {
      case PathStep::Kind::Key: {
        path = joinPath(path, s);
        cur = cur->get(s.key);
        break;
      }
      case PathStep::Kind::Index: {
        path = joinPath(path, s);
        cur = (cur->isArray() && s.index < cur->asArray().size()) ? &cur->asArray()[s.index] : nullptr;
        break;
      }
      case PathStep::Kind::Wildcard: {
        if (cur->isArray()) {
          const Array& a = cur->asArray();
          for (size_t k = 0; k < a.size(); ++k) walk(steps, i + 1, &a[k], joinPath(path, s, k), out);
        } else if (cur->isObject()) {
          for (const Member& m : cur->asObject()) {
            walk(steps, i + 1, &m.value, joinPath(path, PathStep{PathStep::Kind::Key, m.key, 0}), out);
          }
        }
        // A wildcard over a missing or scalar value matches nothing.
        return;
      }
    }
    if (!cur) {
      // Missing: report the full path as written so `absent` findings name the attribute.
      for (size_t k = i + 1; k < steps.size(); ++k) path = joinPath(path, steps[k], 0);
      bool wildcardLater = false;
      for (size_t k = i + 1; k < steps.size(); ++k) {
        if (steps[k].kind == PathStep::Kind::Wildcard) wildcardLater = true;
      }
      // Below a missing value a wildcard has nothing to iterate: no match at all.
      if (!wildcardLater) out.push_back(PathMatch{nullptr, std::move(path), false});
      return;
    }
  }
  out.push_back(PathMatch{cur, std::move(path), cur->isUnknown()});
}

}  // namespace

void resolvePath(const PathExpr& path, const Value& base, std::string_view basePath,
                 std::vector<PathMatch>& out) {
  walk(path.steps, 0, &base, std::string(basePath), out);
}

}  // namespace eg::policy
