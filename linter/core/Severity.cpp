#include "linter/core/Severity.h"

namespace eg {

std::string_view toString(Severity s) {
  switch (s) {
    case Severity::Low: return "low";
    case Severity::Medium: return "medium";
    case Severity::High: return "high";
  }
  return "low";
}

std::optional<Severity> parseSeverity(std::string_view s) {
  if (s == "low") return Severity::Low;
  if (s == "medium") return Severity::Medium;
  if (s == "high") return Severity::High;
  return std::nullopt;
}

}  // namespace eg
