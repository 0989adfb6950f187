// Transport: LSP base protocol framing over byte streams. MessageReader splits a stream into
// message bodies (`Content-Length: N\r\n\r\n` + N bytes) and resynchronises after framing
// errors by scanning for the next `Content-Length:` header; MessageWriter frames outgoing
// messages. Neither knows JSON-RPC. The reader is used by one thread; the writer is
// thread-safe (the analysis worker and the dispatcher both write).
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace eg::lsp {

// Reads up to `n` bytes into `buf`; returns 0 at end of stream.
using ByteSource = std::function<size_t(char* buf, size_t n)>;
// Writes all of `bytes`; returns false when the stream is closed.
using ByteSink = std::function<bool(std::string_view bytes)>;

ByteSource fdSource(int fd);
ByteSink fdSink(int fd);

class MessageReader {
 public:
  explicit MessageReader(ByteSource source) : source_(std::move(source)) {}

  enum class Status { Message, Eof };
  // The next message body. Framing problems met on the way (bytes that are not a header, an
  // invalid Content-Length) are skipped and described in `problems` (one per line, for the log).
  Status next(std::string& body, std::string& problems);
  // After a body that is not valid JSON: when it contains the start of another message (a
  // Content-Length that was too long swallowed the next header), reads on from there.
  // Returns true when it did.
  bool resyncAfterBadBody(const std::string& body);

  static constexpr size_t kMaxBody = 512u << 20;  // larger bodies are skipped, not buffered

 private:
  bool fill();  // reads more into buf_; false at end of stream
  void compact();

  ByteSource source_;
  std::string buf_;
  size_t pos_ = 0;
};

class MessageWriter {
 public:
  explicit MessageWriter(ByteSink sink) : sink_(std::move(sink)) {}
  // Frames and writes one body atomically with respect to other writers.
  bool write(std::string_view body);

 private:
  std::mutex mu_;
  ByteSink sink_;
};

}  // namespace eg::lsp
