// The language server's input side. The first byte picks what the rest is:
//  - even: a raw byte stream for the base-protocol framing (MessageReader), read in chunks of
//    a size taken from that byte, with the resynchronisation the server does after a body that
//    is not JSON. Every message must be at most kMaxBody bytes and the reader must reach the
//    end of the stream (a framing bug that stops consuming is a timeout).
//  - odd: message bodies separated by NUL bytes, each framed with its Content-Length and served
//    by the whole server (JSON-RPC dispatch, documents and edits, hovers, code actions, analyses
//    of the open documents) until the end of input. Everything the server writes must be a
//    well-framed JSON message. The client's workspace folders and path settings are ignored
//    (ServerOptions::clientPaths) so that a generated message cannot make the server scan the
//    machine's file system.
#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "editor/lsp/Server.h"
#include "editor/lsp/Transport.h"
#include "fuzz/FuzzUtil.h"

namespace {

eg::lsp::ByteSource chunkedSource(std::string_view data, size_t chunk) {
  auto pos = std::make_shared<size_t>(0);
  return [data, chunk, pos](char* buf, size_t n) -> size_t {
    size_t take = std::min({n, chunk, data.size() - *pos});
    std::memcpy(buf, data.data() + *pos, take);
    *pos += take;
    return take;
  };
}

void framing(std::string_view stream, size_t chunk) {
  eg::lsp::MessageReader reader(chunkedSource(stream, chunk));
  std::string body, problems;
  // Each message consumes at least its header, so there are fewer messages than bytes.
  for (size_t messages = 0; reader.next(body, problems) == eg::lsp::MessageReader::Status::Message; ++messages) {
    if (body.size() > eg::lsp::MessageReader::kMaxBody || messages > stream.size()) __builtin_trap();
    if (!nlohmann::json::accept(body)) (void)reader.resyncAfterBadBody(body);
    problems.clear();
  }
}

// What the server writes: `Content-Length: N\r\n\r\n` + N bytes of JSON, one message per call.
bool wellFramed(std::string_view bytes) {
  constexpr std::string_view kHeader = "Content-Length: ";
  if (bytes.substr(0, kHeader.size()) != kHeader) return false;
  size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  size_t length = 0;
  for (char c : bytes.substr(kHeader.size(), end - kHeader.size())) {
    if (c < '0' || c > '9') return false;
    length = length * 10 + static_cast<size_t>(c - '0');
  }
  std::string_view body = bytes.substr(end + 4);
  return body.size() == length && nlohmann::json::accept(body);
}

void server(std::string_view messages) {
  std::string stream;
  size_t start = 0;
  while (start <= messages.size()) {
    size_t end = std::min(messages.find('\0', start), messages.size());
    std::string_view body = messages.substr(start, end - start);
    stream.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n").append(body);
    start = end + 1;
  }
  eg::lsp::MessageReader in(chunkedSource(stream, 4096));
  eg::lsp::MessageWriter out([](std::string_view bytes) {
    if (!wellFramed(bytes)) __builtin_trap();
    return true;
  });
  eg::lsp::ServerOptions options;
  options.jobs = 1;
  options.clientPaths = false;
  options.waitForAnalysis = true;
  (void)eg::lsp::serve(in, out, options);
  // The Terraform trees a server keeps for its open documents live in a process-wide cache;
  // one server per process in real use, one per input here: let go of them between inputs.
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    std::cerr.rdbuf(nullptr);  // the server's log lines; sanitizer reports write to fd 2 directly
    return true;
  }();
  (void)quiet;
  if (size == 0) return 0;
  std::string_view rest = egfuzz::bytes(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    framing(rest, 1 + data[0] / 2);
  } else {
    server(rest);
  }
  return 0;
}
