// Recursive-descent JSON reader with byte-exact provenance. See JsonReader.h.
#include "parsers/json/JsonReader.h"

#include <cctype>
#include "linter/core/Budget.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

namespace eg::json {
namespace {

class Reader {
 public:
  Reader(std::string_view text, FileId file, uint32_t base, const JsonOptions& opts, JsonError& err)
      : s_(text), file_(file), base_(base), opts_(opts), err_(err) {}

  bool document(Value& out) {
    if (!skipSpace()) return false;
    if (pos_ >= s_.size()) return fail("expected a JSON value, found end of input");
    if (!value(out, 0)) return false;
    if (!skipSpace()) return false;
    if (pos_ < s_.size()) return fail("unexpected text after the JSON value");
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  FileId file_;
  uint32_t base_;
  const JsonOptions& opts_;
  JsonError& err_;

  uint32_t off(size_t p) const { return base_ + static_cast<uint32_t>(p); }

  bool fail(std::string msg) { return failAt(pos_, std::move(msg)); }
  bool failAt(size_t p, std::string msg) {
    err_.offset = off(p);
    err_.message = std::move(msg);
    return false;
  }

  // Skips whitespace and (if allowed) comments; false only on an unterminated block comment.
  bool skipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { ++pos_; continue; }
      if (c == '/' && opts_.allowComments && pos_ + 1 < s_.size()) {
        if (s_[pos_ + 1] == '/') {
          size_t nl = s_.find('\n', pos_);
          pos_ = nl == std::string_view::npos ? s_.size() : nl + 1;
          continue;
        }
        if (s_[pos_ + 1] == '*') {
          size_t end = s_.find("*/", pos_ + 2);
          if (end == std::string_view::npos) return fail("unterminated /* comment");
          pos_ = end + 2;
          continue;
        }
      }
      break;
    }
    return true;
  }

  std::string describeHere() const {
    if (pos_ >= s_.size()) return "end of input";
    char c = s_[pos_];
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return "a non-printable character";
    return std::string("'") + c + "'";
  }

  bool value(Value& out, uint32_t depth) {
    checkBudget();
    if (depth >= opts_.maxDepth) return fail("JSON nesting is deeper than " + std::to_string(opts_.maxDepth) + " levels");
    size_t start = pos_;
    if (pos_ >= s_.size()) return fail("expected a JSON value, found end of input");
    char c = s_[pos_];
    bool ok;
    switch (c) {
      case '{': ok = object(out, depth); break;
      case '[': ok = array(out, depth); break;
      case '\'':
        if (!opts_.allowSingleQuotes) return fail("expected a JSON value, found " + describeHere());
        [[fallthrough]];
      case '"': {
        std::string str;
        ok = string(str);
        if (ok) out = Value(std::move(str));
        break;
      }
      case 't': ok = word("true", Value(true), out); break;
      case 'f': ok = word("false", Value(false), out); break;
      case 'n': ok = word("null", Value(nullptr), out); break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) ok = number(out);
        else return fail("expected a JSON value, found " + describeHere());
    }
    if (!ok) return false;
    out.prov.file = file_;
    out.prov.value = ByteRange{off(start), off(pos_)};
    return true;
  }

  bool word(std::string_view w, Value v, Value& out) {
    if (s_.substr(pos_, w.size()) != w) return fail("expected a JSON value, found " + describeHere());
    pos_ += w.size();
    out = std::move(v);
    return true;
  }

  bool number(Value& out) {
    size_t p = pos_;
    if (s_[p] == '-') ++p;
    auto digits = [&] { size_t b = p; while (p < s_.size() && s_[p] >= '0' && s_[p] <= '9') ++p; return p > b; };
    if (!digits()) return failAt(p, "expected a digit in number");
    if (p < s_.size() && s_[p] == '.') { ++p; if (!digits()) return failAt(p, "expected a digit after '.'"); }
    if (p < s_.size() && (s_[p] == 'e' || s_[p] == 'E')) {
      ++p;
      if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
      if (!digits()) return failAt(p, "expected a digit in exponent");
    }
    // strtod needs a terminated buffer; numbers are short, so a small copy is cheap.
    std::string tmp(s_.substr(pos_, p - pos_));
    out = Value(std::strtod(tmp.c_str(), nullptr));
    pos_ = p;
    return true;
  }

  bool hex4(size_t p, uint32_t& cp) {
    if (p + 4 > s_.size()) return failAt(p, "expected 4 hex digits after \\u");
    cp = 0;
    for (size_t i = 0; i < 4; ++i) {
      char h = s_[p + i];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
      else return failAt(p + i, "expected 4 hex digits after \\u");
    }
    return true;
  }

  // At an opening quote; leaves pos_ after the closing quote.
  bool string(std::string& out) {
    size_t open = pos_++;
    const char quote = s_[open];  // '"', or '\'' when allowSingleQuotes
    while (true) {
      // Copy runs of plain bytes at once.
      size_t run = pos_;
      while (run < s_.size() && s_[run] != quote && s_[run] != '\\' && static_cast<unsigned char>(s_[run]) >= 0x20) ++run;
      out.append(s_.data() + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= s_.size()) return failAt(open, "unterminated string");
      char c = s_[pos_];
      if (c == quote) { ++pos_; return true; }
      if (c != '\\') return fail(c == '\n' ? "unterminated string (newline in string)" : "control character in string");
      if (pos_ + 1 >= s_.size()) return failAt(open, "unterminated string");
      char e = s_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\'':
          if (!opts_.allowSingleQuotes) return failAt(pos_ - 2, "invalid escape '\\'' in string");
          out += '\'';
          break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(pos_, cp)) return false;
          pos_ += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 6 <= s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
            uint32_t lo;
            if (!hex4(pos_ + 2, lo)) return false;
            if (lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              pos_ += 6;
            }
          }
          if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // lone surrogate
          appendUtf8(out, cp);
          break;
        }
        default: return failAt(pos_ - 2, std::string("invalid escape '\\") + e + "' in string");
      }
    }
  }

  static bool nameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
  }

  bool object(Value& out, uint32_t depth) {
    ++pos_;  // '{'
    out = Value::object();
    Object& members = out.asObject();
    constexpr size_t kIndexFrom = 32;
    std::unordered_map<std::string, size_t> index;  // key -> member, once kIndexFrom are read
    if (!skipSpace()) return false;
    if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return true; }
    while (true) {
      if (!skipSpace()) return false;
      if (pos_ >= s_.size()) return fail("expected '\"' to begin a member name, found end of input");
      if (s_[pos_] == '}' && opts_.allowTrailingCommas && !members.empty()) { ++pos_; return true; }
      size_t keyStart = pos_;
      std::string key;
      if (s_[pos_] == '"' || (s_[pos_] == '\'' && opts_.allowSingleQuotes)) {
        if (!string(key)) return false;
      } else if (opts_.allowUnquotedNames && nameChar(s_[pos_])) {
        while (pos_ < s_.size() && nameChar(s_[pos_])) key += s_[pos_++];
      } else {
        return fail("expected '\"' to begin a member name, found " + describeHere());
      }
      ByteRange keyRange{off(keyStart), off(pos_)};
      if (!skipSpace()) return false;
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':' after member name, found " + describeHere());
      ++pos_;
      if (!skipSpace()) return false;
      Value v;
      if (!value(v, depth + 1)) return false;
      v.prov.key = keyRange;
      // Duplicate keys: the last one wins, as in most JSON consumers (ARM included). Small
      // objects are searched; large ones through an index (200,000 variables made the search
      // quadratic).
      size_t found = members.size();
      if (members.size() < kIndexFrom) {
        for (size_t i = 0; i < members.size(); ++i) {
          if (members[i].key == key) { found = i; break; }
        }
      } else {
        if (index.empty()) {
          for (size_t i = 0; i < members.size(); ++i) index.emplace(members[i].key, i);
        }
        auto [it, fresh] = index.emplace(key, members.size());
        if (!fresh) found = it->second;
      }
      if (found < members.size()) members[found].value = std::move(v);
      else members.push_back(Member{std::move(key), std::move(v)});
      if (!skipSpace()) return false;
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return true; }
      return fail("expected ',' or '}' after object member, found " + describeHere());
    }
  }

  bool array(Value& out, uint32_t depth) {
    ++pos_;  // '['
    out = Value::array();
    if (!skipSpace()) return false;
    if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return true; }
    while (true) {
      if (!skipSpace()) return false;
      if (pos_ < s_.size() && s_[pos_] == ']' && opts_.allowTrailingCommas && !out.asArray().empty()) { ++pos_; return true; }
      Value v;
      if (!value(v, depth + 1)) return false;
      out.asArray().push_back(std::move(v));
      if (!skipSpace()) return false;
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return true; }
      return fail("expected ',' or ']' after array element, found " + describeHere());
    }
  }
};

}  // namespace

bool parseJsonText(std::string_view text, FileId fileId, uint32_t baseOffset, Value& out, JsonError& err,
                   const JsonOptions& opts) {
  Reader r(text, fileId, baseOffset, opts, err);
  out = Value();
  return r.document(out);
}

bool parseJson(const SourceFile& file, Value& out, JsonError& err, const JsonOptions& opts) {
  return parseJsonText(file.text(), file.id(), 0, out, err, opts);
}

}  // namespace eg::json
