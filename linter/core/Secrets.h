// Secrets in source text: what no output may print. Front-ends mark what they understand
// (IoT Edge keys); the engine also marks, in every loaded file, by text alone:
//   - the value after SharedAccessKey=, AccountKey=, sig=, Password= (connection strings, SAS
//     tokens), wherever it appears;
//   - a string literal whose key is a secret name (password, secret, primaryKey,
//     connection_string, ...), in JSON, HCL, Bicep, TOML and YAML alike, and a parameter's or
//     variable's default whose name is one (`"adminPassword": {"defaultValue": "..."}`,
//     `variable "admin_password" { default = "..." }`, `param adminPassword string = '...'`).
// Marked ranges are masked in code frames, and no message may repeat their text (Session).
#pragma once

#include <string_view>

#include "linter/core/SourceFile.h"

namespace eg {

// Whether an attribute, parameter or variable name names a secret (case, '_' and '-' ignored).
bool isSecretName(std::string_view name);
// Whether a string holds a connection-string or SAS secret (SharedAccessKey=, sig=, ...).
bool holdsSecretText(std::string_view s);
// Marks the secret parts (after SharedAccessKey= and the like) of `range` of `file`; true when
// there was one.
bool markSecretParts(SourceStore& store, const SourceFile& file, ByteRange range);
// Marks every secret the text of `file` shows (see above).
void markSecretsInText(SourceStore& store, const SourceFile& file);

}  // namespace eg
