#include "linter/graph/ResourceKinds.h"

#include "linter/graph/Value.h"

namespace eg::kinds {

std::string label(std::string_view kind) {
  for (const KindLabel& l : kKindLabels) {
    if (equalsIgnoreCase(l.kind, kind)) return std::string(l.label);
  }
  size_t slash = kind.rfind('/');
  return std::string(slash == std::string_view::npos ? kind : kind.substr(slash + 1));
}

}  // namespace eg::kinds
