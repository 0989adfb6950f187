// Severities of findings, ordered so that comparisons mean "at least as severe".
#pragma once

#include <optional>
#include <string_view>

namespace eg {

enum class Severity { Low = 1, Medium = 2, High = 3 };

std::string_view toString(Severity s);
std::optional<Severity> parseSeverity(std::string_view s);

}  // namespace eg
