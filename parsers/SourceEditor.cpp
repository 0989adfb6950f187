#include "parsers/SourceEditor.h"

#include <cstdio>

namespace eg::editing {

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string newlineOf(std::string_view text) { return text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n"; }

std::string indentAt(std::string_view text, uint32_t offset) {
  size_t start = 0;
  if (offset > 0) {
    size_t nl = text.rfind('\n', offset - 1);
    start = nl == std::string_view::npos ? 0 : nl + 1;
  }
  size_t end = start;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  return std::string(text.substr(start, end - start));
}

std::string indentUnit(std::string_view text) {
  size_t pos = 0;
  while ((pos = text.find('\n', pos)) != std::string_view::npos) {
    ++pos;
    if (pos < text.size() && text[pos] == '\t') return "\t";
    size_t n = 0;
    while (pos + n < text.size() && text[pos + n] == ' ') ++n;
    if (n > 0 && pos + n < text.size() && text[pos + n] != '\n' && text[pos + n] != '\r') return std::string(n, ' ');
  }
  return "  ";
}

std::optional<ByteRange> plainStringContent(std::string_view text, ByteRange r) {
  if (r.end > text.size() || r.size() < 2) return std::nullopt;
  char q = text[r.begin];
  if ((q != '"' && q != '\'') || text[r.end - 1] != q) return std::nullopt;
  std::string_view inner = text.substr(r.begin + 1, r.size() - 2);
  if (inner.find_first_of("\\$%{}\"'\n") != std::string_view::npos) return std::nullopt;
  return ByteRange{r.begin + 1, r.end - 1};
}

const Value* lookup(const Value& attrs, const AttributePath& path, size_t steps) {
  const Value* v = &attrs;
  for (size_t i = 0; i < path.size() && i < steps && v; ++i) v = v->get(path[i]);
  return v;
}

std::optional<TextEdit> insertLineInBlock(const SourceFile& file, uint32_t brace, std::string_view member) {
  std::string_view text = file.text();
  if (brace >= text.size() || text[brace] != '{') return std::nullopt;
  std::string nl = newlineOf(text);
  std::string outer = indentAt(text, brace);
  std::string inner = outer + indentUnit(text);
  // Use the indentation of the block's first member when there is one on the next line.
  size_t eol = text.find('\n', brace);
  if (eol != std::string_view::npos) {
    std::string next = indentAt(text, static_cast<uint32_t>(eol + 1));
    size_t firstCode = eol + 1 + next.size();
    if (next.size() > outer.size() && firstCode < text.size() && text[firstCode] != '}') inner = next;
  }
  size_t after = brace + 1;
  while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
  bool closes = after < text.size() && text[after] == '}';  // `{}` on one line
  bool lineEnds = after >= text.size() || text[after] == '\n' || text[after] == '\r' || text[after] == '#' ||
                  text.substr(after, 2) == "//" || text.substr(after, 2) == "/*";
  if (!closes && !lineEnds) return std::nullopt;
  std::string insert = nl + inner + std::string(member);
  if (closes) insert += nl + outer;
  return TextEdit{file.id(), {brace + 1, brace + 1}, insert};
}

std::string scalarToken(const Value& v) {
  if (v.isBool()) return v.asBool() ? "true" : "false";
  if (v.isNumber()) return v.toDisplay();
  if (v.isNull()) return "null";
  return {};
}

std::optional<TextEdit> replaceScalarIn(std::string_view text, FileId file, const Value& current, const Value& value,
                                        std::string (*quoteContent)(std::string_view)) {
  if (current.type() != value.type()) return std::nullopt;
  ByteRange r = current.prov.value;
  if (r.end > text.size() || r.empty()) return std::nullopt;
  std::string_view old = text.substr(r.begin, r.size());
  if (current.isString()) {
    std::optional<ByteRange> content = plainStringContent(text, r);
    // The literal must be what the value is (not a mapped or transformed spelling of it).
    if (!content || text.substr(content->begin, content->size()) != current.asString()) return std::nullopt;
    std::string replacement = quoteContent(value.asString());
    if (replacement == current.asString()) return std::nullopt;
    return TextEdit{file, *content, std::move(replacement)};
  }
  if (current.isBool()) {
    if (old != scalarToken(current)) return std::nullopt;
  } else if (current.isNumber()) {
    double parsed = 0;
    if (old.find_first_not_of("+-.0123456789eE") != std::string_view::npos ||
        std::sscanf(std::string(old).c_str(), "%lf", &parsed) != 1 || parsed != current.asNumber())
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  std::string replacement = scalarToken(value);
  if (replacement == old) return std::nullopt;
  return TextEdit{file, r, std::move(replacement)};
}

std::optional<TextEdit> replaceScalar(const SourceStore& store, const Value& current, const Value& value,
                                      std::string (*quoteContent)(std::string_view)) {
  if (!current.prov.valid()) return std::nullopt;
  const SourceFile* file = store.get(current.prov.file);
  if (!file) return std::nullopt;
  return replaceScalarIn(file->text(), file->id(), current, value, quoteContent);
}

}  // namespace eg::editing
