// Incremental parsing for the language server (implemented in HclSyntax.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace eg::terraform {

// The syntax trees of the Terraform files in the directories of the given files (canonical
// paths, canonicalKey: the documents open in an editor, whose modules are their directories)
// are kept with their text. A file parsed again with the same text gets its tree back; with a
// new text, its old tree is edited where the texts differ, so tree-sitter re-parses only the
// changed region. Trees of other files are dropped. Empty (the default, the CLI): nothing is kept.
void keepSyntaxTreesFor(std::vector<std::string> canonicalPaths);
// How many trees are kept now.
size_t keptSyntaxTrees();

}  // namespace eg::terraform
