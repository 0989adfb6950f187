#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "editor/lsp/Transport.h"

using namespace eg::lsp;

namespace {

// A source that hands out `data` in chunks of `chunk` bytes (to exercise partial reads).
ByteSource chunked(std::string data, size_t chunk) {
  auto state = std::make_shared<std::pair<std::string, size_t>>(std::move(data), 0);
  return [state, chunk](char* buf, size_t n) -> size_t {
    size_t left = state->first.size() - state->second;
    size_t k = std::min({n, chunk, left});
    std::copy_n(state->first.data() + state->second, k, buf);
    state->second += k;
    return k;
  };
}

std::string frame(const std::string& body) { return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body; }

}  // namespace

TEST_CASE("messages are split by Content-Length whatever the read sizes") {
  for (size_t chunk : {1u, 3u, 7u, 4096u}) {
    MessageReader r(chunked(frame("{\"a\":1}") + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" +
                                frame("{\"b\":\"\xC3\xA9\"}"),
                            chunk));
    std::string body, problems;
    REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
    CHECK(body == "{\"a\":1}");
    CHECK(problems.empty());
    REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
    CHECK(body == "{\"b\":\"\xC3\xA9\"}");
    CHECK(problems.empty());
    CHECK(r.next(body, problems) == MessageReader::Status::Eof);
  }
}

TEST_CASE("bytes without a header are skipped up to the next Content-Length") {
  MessageReader r(chunked("{\"no\":\"header\"}\r\n" + frame("{\"ok\":1}"), 5));
  std::string body, problems;
  REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
  CHECK(body == "{\"ok\":1}");
  CHECK(problems.find("skipped") != std::string::npos);
}

TEST_CASE("an invalid Content-Length is skipped") {
  MessageReader r(chunked("Content-Length: banana\r\n\r\n{}" + frame("{\"ok\":2}"), 4096));
  std::string body, problems;
  REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
  CHECK(body == "{\"ok\":2}");
  CHECK(problems.find("invalid Content-Length") != std::string::npos);
}

TEST_CASE("a Content-Length that is too short leaves garbage that is skipped") {
  std::string b = "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}";
  MessageReader r(chunked("Content-Length: 10\r\n\r\n" + b + frame("{\"ok\":3}"), 4096));
  std::string body, problems;
  REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
  CHECK(body == b.substr(0, 10));
  REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
  CHECK(body == "{\"ok\":3}");
  CHECK_FALSE(problems.empty());
}

TEST_CASE("a Content-Length that is too long swallows the next header, resync recovers it") {
  std::string b = "{\"x\":1}";
  std::string next = frame("{\"ok\":4}");
  MessageReader r(chunked("Content-Length: " + std::to_string(b.size() + 20) + "\r\n\r\n" + b + next, 4096));
  std::string body, problems;
  REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
  CHECK(body.size() == b.size() + 20);
  CHECK(r.resyncAfterBadBody(body));
  REQUIRE(r.next(body, problems) == MessageReader::Status::Message);
  CHECK(body == "{\"ok\":4}");
  CHECK(r.next(body, problems) == MessageReader::Status::Eof);
}

TEST_CASE("end of input in the middle of a message is the end") {
  MessageReader r(chunked("Content-Length: 50\r\n\r\n{\"short\":", 4096));
  std::string body, problems;
  CHECK(r.next(body, problems) == MessageReader::Status::Eof);
}

TEST_CASE("the writer frames bodies") {
  std::string out;
  MessageWriter w([&](std::string_view bytes) {
    out.append(bytes);
    return true;
  });
  CHECK(w.write("{\"é\":1}"));
  CHECK(out == "Content-Length: 8\r\n\r\n{\"é\":1}");
}
