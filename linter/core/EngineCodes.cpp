#include "linter/core/EngineCodes.h"

namespace eg {

namespace {

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool sameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace

const EngineCode* findEngineCode(std::string_view idOrName) {
  for (const EngineCode& c : kEngineCodes) {
    if (sameIgnoringCase(c.code, idOrName) || sameIgnoringCase(c.name, idOrName)) return &c;
  }
  return nullptr;
}

std::string engineCodeRange() {
  std::string out(std::begin(kEngineCodes)->code);
  return out.append("-").append(std::rbegin(kEngineCodes)->code);
}

std::string renderEngineCodesMarkdown() {
  auto cell = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == '|') out += '\\';
      out += c;
    }
    return out;
  };
  std::string out = "| code | name | meaning |\n|---|---|---|\n";
  for (const EngineCode& c : kEngineCodes) {
    out.append("| `").append(c.code).append("` | `").append(c.name).append("` | **").append(cell(c.title));
    if (c.notice) out.append(" (a note)");
    out.append("**: ").append(cell(c.text)).append(" |\n");
  }
  return out;
}

}  // namespace eg
