// The one source that includes the generated commit header: a new commit recompiles this file
// and relinks, nothing else (cmake/BuildCommit.cmake rewrites the header only when it changes).
#include "generated/BuildCommit.h"
#include "cli/InfoCommands.h"

std::string_view eg::cli::buildCommit() { return EDGEGUARD_COMMIT; }
