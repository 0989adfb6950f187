#include "editor/lsp/Transport.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace eg::lsp {
namespace {

constexpr std::string_view kHeader = "Content-Length:";

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive search for kHeader in buf from `from`.
size_t findHeader(const std::string& buf, size_t from) {
  if (buf.size() < kHeader.size()) return std::string::npos;
  for (size_t i = from; i + kHeader.size() <= buf.size(); ++i) {
    if (lower(buf[i]) != 'c') continue;
    size_t k = 0;
    while (k < kHeader.size() && lower(buf[i + k]) == lower(kHeader[k])) ++k;
    if (k == kHeader.size()) return i;
  }
  return std::string::npos;
}

bool onlySpaceOrHeaders(std::string_view s) {
  // Other header lines ("Content-Type: ...\r\n") may precede Content-Length.
  size_t i = 0;
  while (i < s.size()) {
    size_t eol = s.find('\n', i);
    std::string_view line = s.substr(i, eol == std::string_view::npos ? std::string_view::npos : eol - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (!blank) {
      // "Name: value" with a token name.
      size_t colon = line.find(':');
      if (colon == 0 || colon == std::string_view::npos) return false;
      for (size_t k = 0; k < colon; ++k) {
        char c = line[k];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
      }
    }
    if (eol == std::string_view::npos) break;
    i = eol + 1;
  }
  return true;
}

}  // namespace

ByteSource fdSource(int fd) {
  return [fd](char* buf, size_t n) -> size_t {
    for (;;) {
      ssize_t r = ::read(fd, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return 0;
    }
  };
}

ByteSink fdSink(int fd) {
  return [fd](std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t w = ::write(fd, bytes.data(), bytes.size());
      if (w < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      bytes.remove_prefix(static_cast<size_t>(w));
    }
    return true;
  };
}

bool MessageReader::fill() {
  compact();
  char chunk[65536];
  size_t n = source_(chunk, sizeof chunk);
  if (n == 0) return false;
  buf_.append(chunk, n);
  return true;
}

void MessageReader::compact() {
  if (pos_ > 0 && (pos_ >= buf_.size() || pos_ > (1u << 20))) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
}

MessageReader::Status MessageReader::next(std::string& body, std::string& problems) {
  problems.clear();
  for (;;) {
    size_t at = findHeader(buf_, pos_);
    if (at == std::string::npos) {
      // Keep the last, incomplete line (it may be the start of a header); drop the rest.
      size_t lastNl = buf_.rfind('\n');
      size_t keep = (lastNl == std::string::npos || lastNl < pos_) ? buf_.size() - pos_ : buf_.size() - lastNl - 1;
      if (keep > 8192) keep = kHeader.size() - 1;  // a "line" that long is not a header
      keep = std::min(keep, buf_.size() - pos_);
      std::string_view dropped(buf_.data() + pos_, buf_.size() - pos_ - keep);
      if (!onlySpaceOrHeaders(dropped) && dropped.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        problems += "skipped " + std::to_string(dropped.size()) + " bytes that are not a message header\n";
      }
      pos_ = buf_.size() - keep;
      if (!fill()) return Status::Eof;
      continue;
    }
    std::string_view before(buf_.data() + pos_, at - pos_);
    if (!onlySpaceOrHeaders(before)) {
      problems += "skipped " + std::to_string(before.size()) + " bytes before a Content-Length header\n";
    }
    pos_ = at;
    size_t end = buf_.find("\r\n\r\n", at);
    while (end == std::string::npos) {
      if (buf_.size() - at > 8192) break;
      if (!fill()) return Status::Eof;
      at = pos_;
      end = buf_.find("\r\n\r\n", at);
    }
    if (end == std::string::npos) {
      problems += "header without an end (no blank line after Content-Length); skipped\n";
      pos_ = at + kHeader.size();
      continue;
    }
    std::string_view value(buf_.data() + at + kHeader.size(), end - at - kHeader.size());
    size_t eol = value.find("\r\n");
    if (eol != std::string_view::npos) value = value.substr(0, eol);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    size_t length = 0;
    bool valid = !value.empty() && value.size() <= 12;
    for (char c : value) {
      if (c < '0' || c > '9') valid = false;
      else length = length * 10 + static_cast<size_t>(c - '0');
    }
    if (!valid || length > kMaxBody) {
      problems += "invalid Content-Length '" + std::string(value.substr(0, 40)) + "'; skipped\n";
      pos_ = at + kHeader.size();
      continue;
    }
    size_t bodyStart = end + 4;
    while (buf_.size() - bodyStart < length) {
      size_t offset = bodyStart - pos_;
      if (!fill()) return Status::Eof;
      bodyStart = pos_ + offset;
    }
    body.assign(buf_, bodyStart, length);
    pos_ = bodyStart + length;
    return Status::Message;
  }
}

bool MessageReader::resyncAfterBadBody(const std::string& body) {
  size_t at = findHeader(body, 1);
  if (at == std::string::npos) return false;
  compact();
  buf_.insert(pos_, body, at, std::string::npos);
  return true;
}

bool MessageWriter::write(std::string_view body) {
  std::string framed = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  framed.append(body);
  std::lock_guard<std::mutex> lock(mu_);
  return sink_(framed);
}

}  // namespace eg::lsp
