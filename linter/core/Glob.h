// Path globs as in .gitignore and pre-commit excludes, for configuration (`exclude:`,
// `security-groups:`): `*` and `?` stay within one path segment, `**` spans any number of
// segments, `[abc]`/`[a-z]`/`[!a]` are character classes. Paths use '/' separators.
#pragma once

#include <string>
#include <string_view>

namespace eg {

// True when the whole of `path` matches `pattern`.
bool globMatch(std::string_view pattern, std::string_view path);

// Matching as for an exclude list, with `path` relative to the list's directory:
// a pattern without '/' (other than a trailing one) matches a file or directory name at any
// depth; a leading '/' anchors at the directory; a pattern that matches a directory also
// matches everything below it; a trailing '/' only matches directories (that is, prefixes).
bool globMatchesPathOrParent(std::string_view pattern, std::string_view path);

// Checks a pattern's syntax; returns an error message, or "" when valid.
std::string globError(std::string_view pattern);

}  // namespace eg
