// Incremental parsing for the language server (implemented in HclSyntax.cpp).
#pragma once

#include <memory>

#include "parsers/FrontEnd.h"

namespace eg::terraform {

// The syntax trees of the Terraform files in the directories of the kept files (canonical
// paths: the documents open in an editor, whose modules are their directories), with their
// text. A file parsed again with the same text gets its tree back; with a new text, its old
// tree is edited where the texts differ, so tree-sitter re-parses only the changed region.
// One per Workspace (TerraformFrontEnd::makeKeptState); used while a unit loads through
// SyntaxTreeScope.
std::unique_ptr<KeptState> makeSyntaxTreeCache();

// Makes `kept` (a makeSyntaxTreeCache(), or null) the cache Terraform files parsed on this
// thread use until the scope ends.
class SyntaxTreeScope {
 public:
  explicit SyntaxTreeScope(KeptState* kept);
  ~SyntaxTreeScope();
  SyntaxTreeScope(const SyntaxTreeScope&) = delete;
  SyntaxTreeScope& operator=(const SyntaxTreeScope&) = delete;

 private:
  KeptState* previous_;
};

}  // namespace eg::terraform
