// DocumentStore: the text of the documents the client has open, by URI, with versions and
// incremental changes (LSP TextDocumentSyncKind.Incremental). Changes are applied in order;
// a change whose version is not newer than the document's is stale and ignored. Used by the
// dispatcher thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "editor/lsp/Position.h"
#include "linter/core/SourceFile.h"

namespace eg::lsp {

struct Document {
  std::string uri;
  std::string path;  // filesystem path ("" for non-file URIs)
  std::string key;   // canonicalKey(path)
  std::string languageId;
  int64_t version = 0;
  std::string text;
  LineIndex lines;
};

// One entry of didChange contentChanges: a whole new text, or a range replaced.
struct ContentChange {
  bool hasRange = false;
  Position start, end;
  std::string text;
};

class DocumentStore {
 public:
  Document& open(std::string uri, std::string path, std::string languageId, int64_t version, std::string text);
  // Applies changes in order. Returns false (and leaves the document unchanged) when the
  // document is unknown, the version is stale, or a range is invalid (`why` says which).
  bool change(const std::string& uri, int64_t version, const std::vector<ContentChange>& changes,
              PositionEncoding enc, std::string& why);
  bool close(const std::string& uri);
  Document* find(const std::string& uri);
  const std::map<std::string, Document>& all() const { return docs_; }

 private:
  std::map<std::string, Document> docs_;
};

}  // namespace eg::lsp
