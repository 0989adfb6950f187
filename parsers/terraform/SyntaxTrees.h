// Incremental parsing for the language server (implemented in HclSyntax.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace eg::terraform {

// The syntax trees of the files whose canonical paths (canonicalKey) are given are kept with
// their text, and a new text of such a file is parsed by editing the old tree where the texts
// differ, so tree-sitter re-parses only the changed region. Trees of other files are dropped.
// Empty (the default, the CLI): nothing is kept.
void keepSyntaxTreesFor(std::vector<std::string> canonicalPaths);
// How many trees are kept now.
size_t keptSyntaxTrees();

}  // namespace eg::terraform
