#include "editor/lsp/DocumentStore.h"

namespace eg::lsp {

Document& DocumentStore::open(std::string uri, std::string path, std::string languageId, int64_t version,
                              std::string text) {
  Document& d = docs_[uri];
  d.uri = std::move(uri);
  d.key = path.empty() ? std::string() : canonicalKey(path);
  d.path = std::move(path);
  d.languageId = std::move(languageId);
  d.version = version;
  d.text = std::move(text);
  d.lines = LineIndex(d.text);
  return d;
}

bool DocumentStore::change(const std::string& uri, int64_t version, const std::vector<ContentChange>& changes,
                           PositionEncoding enc, std::string& why) {
  auto it = docs_.find(uri);
  if (it == docs_.end()) {
    why = "didChange for a document that is not open: " + uri;
    return false;
  }
  Document& d = it->second;
  if (version <= d.version) {
    why = "stale didChange for " + uri + " (version " + std::to_string(version) + ", have " +
          std::to_string(d.version) + "); ignored";
    return false;
  }
  std::string text = d.text;
  LineIndex lines = d.lines;
  for (const ContentChange& c : changes) {
    if (!c.hasRange) {
      text = c.text;
    } else {
      if (c.end.line < c.start.line || (c.end.line == c.start.line && c.end.character < c.start.character)) {
        why = "didChange range ends before it starts in " + uri + "; ignored";
        return false;
      }
      uint32_t b = toOffset(text, lines, c.start, enc);
      uint32_t e = toOffset(text, lines, c.end, enc);
      if (e < b) e = b;
      text.replace(b, e - b, c.text);
    }
    lines = LineIndex(text);
  }
  d.text = std::move(text);
  d.lines = std::move(lines);
  d.version = version;
  return true;
}

bool DocumentStore::close(const std::string& uri) { return docs_.erase(uri) > 0; }

Document* DocumentStore::find(const std::string& uri) {
  auto it = docs_.find(uri);
  return it == docs_.end() ? nullptr : &it->second;
}

}  // namespace eg::lsp
