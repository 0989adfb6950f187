#include "linter/engine/OpenDocuments.h"

#include <utility>

#include "parsers/FrontEnd.h"

namespace eg {

void setOpenDocuments(std::vector<std::string> canonicalPaths) { keepSyntaxTreesFor(std::move(canonicalPaths)); }

}  // namespace eg
