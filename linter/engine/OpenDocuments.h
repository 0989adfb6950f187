// What the engine keeps for the documents open in an editor. The language server says which
// documents are open; the engine keeps what makes analysing them again fast (the front-ends'
// syntax trees, parsers/FrontEnd.h), so editor/lsp needs no front-end of its own (DESIGN.md §1:
// the language server sees the engine, never parsers/).
#pragma once

#include <string>
#include <vector>

namespace eg {

// The documents open now (canonical paths, canonicalKey); those of earlier calls are forgotten.
// Empty (the default, the CLI): nothing is kept.
void setOpenDocuments(std::vector<std::string> canonicalPaths);

}  // namespace eg
