// file:// URIs <-> filesystem paths (RFC 8089, percent-encoding). Only the `file` scheme maps
// to a path; other schemes (untitled:, git:) have none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eg::lsp {

std::optional<std::string> uriToPath(std::string_view uri);
std::string pathToUri(std::string_view absolutePath);

}  // namespace eg::lsp
