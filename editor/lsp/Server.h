// LanguageServer: `edgeguard lsp`. Maps LSP onto the engine: documents the client has open
// override the files on disk, the workspace folders give cross-file rules their context, and
// every analysis is one engine Session over workspace + buffers whose findings become
// diagnostics, code actions (from the shared fix engine) and hovers (rule docs).
//
// Threads: a reader thread turns stdin into messages; the dispatcher (the caller of run())
// owns all protocol state and answers requests; one analysis worker runs Sessions on
// snapshots of the buffers and hands results back to the dispatcher, which publishes them.
// Edits that arrive while an analysis runs are coalesced into the next one. Logs go to
// stderr; stdout carries protocol messages only.
#pragma once

#include <string>

#include "editor/lsp/Transport.h"

namespace eg::lsp {

struct ServerOptions {
  std::string version = "0.0.0";  // serverInfo.version
  unsigned jobs = 0;              // engine worker threads (0 = all cores)
  // False: the workspace folders, rootPath and the path settings (policyDirs, config) the
  // client sends are ignored, so only open documents are analysed, with the built-in policies
  // and no var files are read (the fuzzer: generated messages must not point the server at the
  // machine's files).
  bool clientPaths = true;
  // True: serve() returns only after an analysis in flight has finished, so nothing outlives it
  // (the fuzzer, which runs serve() many times in one process).
  bool waitForAnalysis = false;
};

// Serves one client over `in`/`out` until `exit` or end of input. Returns the process exit
// status (0 after shutdown + exit, 1 otherwise, as LSP specifies).
int serve(MessageReader& in, MessageWriter& out, const ServerOptions& options);

// serve() over standard input and output; ends the process with serve's status (an analysis
// still in flight is not waited for).
int runLanguageServer(const ServerOptions& options);

}  // namespace eg::lsp
