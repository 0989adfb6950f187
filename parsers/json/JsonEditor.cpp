#include "parsers/json/JsonEditor.h"

namespace eg::json {

namespace {

void renderInto(std::string& out, const Value& v, Style style) {
  const char* colon = style == Style::Spaced ? ": " : ":";
  const char* comma = style == Style::Spaced ? ", " : ",";
  if (v.isObject()) {
    out += '{';
    bool first = true;
    for (const Member& m : v.asObject()) {
      if (!first) out += comma;
      first = false;
      out += Value(m.key).toJson();
      out += colon;
      renderInto(out, m.value, style);
    }
    out += '}';
  } else if (v.isArray()) {
    out += '[';
    bool first = true;
    for (const Value& e : v.asArray()) {
      if (!first) out += comma;
      first = false;
      renderInto(out, e, style);
    }
    out += ']';
  } else {
    out += v.toJson();
  }
}

std::string quoteContent(std::string_view s) { return escapeContent(s); }

}  // namespace

std::string render(const Value& v, Style style) {
  std::string out;
  renderInto(out, v, style);
  return out;
}

std::string escapeContent(std::string_view s) {
  std::string quoted = Value(s).toJson();
  return quoted.substr(1, quoted.size() - 2);
}

Value nest(const AttributePath& path, size_t from, const Value& value) {
  Value out = value;
  for (size_t i = path.size(); i > from; --i) {
    Value obj = Value::object();
    obj.set(path[i - 1], std::move(out));
    out = std::move(obj);
  }
  return out;
}

std::optional<TextEdit> insertMember(std::string_view text, FileId file, const Value& obj, std::string_view key,
                                     std::string_view valueJson) {
  if (!obj.isObject() || obj.prov.value.end > text.size() || obj.prov.value.size() < 2) return std::nullopt;
  uint32_t brace = obj.prov.value.begin;
  if (text[brace] != '{' || text[obj.prov.value.end - 1] != '}') return std::nullopt;
  bool empty = obj.asObject().empty();
  std::string quotedKey = Value(key).toJson();
  std::string member = quotedKey + ": " + std::string(valueJson);
  std::string_view body = text.substr(brace, obj.prov.value.size());
  bool multiline = body.find('\n') != std::string_view::npos;
  if (!multiline) {
    // Follow the object's own spacing: `{"a":1}` or `{ "a": 1 }`.
    bool spaced = body.size() > 1 && body[1] == ' ';
    bool colonSpace = body.find("\": ") != std::string_view::npos || (empty && spaced);
    std::string compact = quotedKey + (colonSpace ? ": " : ":") + std::string(valueJson);
    if (spaced) return TextEdit{file, {brace + 1, brace + 1}, " " + compact + (empty ? "" : ",")};
    return TextEdit{file, {brace + 1, brace + 1}, empty ? compact : compact + ","};
  }
  std::string nl = editing::newlineOf(text);
  std::string outer = editing::indentAt(text, brace);
  std::string inner = outer + editing::indentUnit(text);
  if (!empty) {
    const Value& first = obj.asObject().front().value;
    uint32_t keyAt = first.prov.key.empty() ? first.prov.value.begin : first.prov.key.begin;
    if (keyAt <= brace || keyAt >= obj.prov.value.end) return std::nullopt;
    inner = editing::indentAt(text, keyAt);
    // A key on the brace's own line ("{ "a": 1,\n") keeps the compact form.
    if (text.substr(brace, keyAt - brace).find('\n') == std::string_view::npos) {
      return TextEdit{file, {brace + 1, brace + 1}, member + ", "};
    }
    return TextEdit{file, {brace + 1, brace + 1}, nl + inner + member + ","};
  }
  return TextEdit{file, {brace + 1, brace + 1}, nl + inner + member + nl + outer};
}

std::optional<TextEdit> replaceValue(std::string_view text, FileId file, const Value& current, const Value& value,
                                     Style style) {
  ByteRange r = current.prov.value;
  if (r.empty() || r.end > text.size()) return std::nullopt;
  if (value.isObject() || value.isArray()) {
    // A container (or null) is JSON the file holds as it is: rewritten whole.
    char c = text[r.begin];
    bool literal = (current.isObject() && c == '{') || (current.isArray() && c == '[') ||
                   (current.isNull() && text.substr(r.begin, r.size()) == "null");
    if (!literal) return std::nullopt;
    std::string replacement = render(value, style);
    if (replacement == text.substr(r.begin, r.size())) return std::nullopt;
    return TextEdit{file, r, std::move(replacement)};
  }
  return editing::replaceScalarIn(text, file, current, value, quoteContent);
}

std::optional<TextEdit> setPath(std::string_view text, FileId file, const Value& obj, const AttributePath& path,
                                size_t from, const Value& value, Style style, bool createObjects) {
  const Value* cur = &obj;
  for (size_t i = from; i < path.size(); ++i) {
    if (!cur->isObject()) return std::nullopt;
    const Value* child = cur->get(path[i]);
    if (!child) {
      if (!createObjects && i + 1 != path.size()) return std::nullopt;
      return insertMember(text, file, *cur, path[i], render(nest(path, i + 1, value), style));
    }
    cur = child;
  }
  return replaceValue(text, file, *cur, value, style);
}

}  // namespace eg::json
