// Bicep lexer: one pass over the text, newline tokens kept (Bicep is newline-sensitive),
// comments and `#disable-next-line` pragmas dropped. Interpolated strings are split into
// head/middle/tail tokens with the embedded expressions lexed in between (a stack tracks the
// braces inside each `${…}`).
#include "parsers/bicep/BicepSyntax.h"
#include "linter/core/Budget.h"

namespace eg::bicep {

namespace {

bool isIdentStart(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool isIdentChar(unsigned char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  Lexer(std::string_view t, std::vector<SyntaxError>& e) : s_(t), errors_(e) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    out.reserve(s_.size() / 4 + 16);
    const size_t n = s_.size();
    uint32_t steps = 0;
    while (i_ < n) {
      if ((++steps & 1023) == 0) checkBudget();  // a huge file stops here, not after lexing it all
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') { ++i_; continue; }
      if (c == '\n') {
        if (out.empty() || out.back().kind != Tok::NewLine) out.push_back(tok(Tok::NewLine, i_, i_ + 1));
        ++i_;
        continue;
      }
      if (c == '/' && i_ + 1 < n && s_[i_ + 1] == '/') { skipLine(); continue; }
      if (c == '/' && i_ + 1 < n && s_[i_ + 1] == '*') {
        size_t end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos) {
          error(i_, i_ + 2, "unterminated comment: '/*' has no closing '*/'");
          i_ = n;
        } else {
          i_ = end + 2;
        }
        continue;
      }
      if (c == '#' && (out.empty() || out.back().kind == Tok::NewLine)) { skipLine(); continue; }
      if (c == '\'') {
        if (s_.substr(i_, 3) == "'''") { multiString(out, i_, 0, i_ + 3, true); continue; }
        string(out, i_, i_ + 1, true);
        continue;
      }
      if (c == '$') {  // $'''…${x}…''' and $$'''…$${x}…''' (interpolated multi-line strings)
        size_t d = i_;
        while (d < n && s_[d] == '$') ++d;
        if (s_.substr(d, 3) == "'''") {
          multiString(out, i_, static_cast<int>(d - i_), d + 3, true);
          continue;
        }
      }
      if (isIdentStart(c)) {
        size_t b = i_;
        while (i_ < n && isIdentChar(static_cast<unsigned char>(s_[i_]))) ++i_;
        out.push_back(tok(Tok::Ident, b, i_));
        continue;
      }
      if (isDigit(c)) {
        size_t b = i_;
        while (i_ < n && isDigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        if (i_ + 1 < n && s_[i_] == '.' && isDigit(static_cast<unsigned char>(s_[i_ + 1]))) {
          ++i_;
          while (i_ < n && isDigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        }
        out.push_back(tok(Tok::Number, b, i_));
        continue;
      }
      size_t b = i_;
      char d = i_ + 1 < n ? s_[i_ + 1] : '\0';
      char e = i_ + 2 < n ? s_[i_ + 2] : '\0';
      auto one = [&](Tok k) { ++i_; out.push_back(tok(k, b, i_)); };
      auto two = [&](Tok k) { i_ += 2; out.push_back(tok(k, b, i_)); };
      switch (c) {
        case '{':
          if (!braces_.empty()) ++braces_.back().depth;
          one(Tok::LBrace);
          break;
        case '}':
          if (!braces_.empty() && braces_.back().depth == 0) {
            int dollars = braces_.back().dollars;
            braces_.pop_back();
            if (dollars > 0) multiString(out, i_, dollars, i_ + 1, false);
            else string(out, i_, i_ + 1, false);
          } else {
            if (!braces_.empty()) --braces_.back().depth;
            one(Tok::RBrace);
          }
          break;
        case '[': one(Tok::LBracket); break;
        case ']': one(Tok::RBracket); break;
        case '(': one(Tok::LParen); break;
        case ')': one(Tok::RParen); break;
        case ',': one(Tok::Comma); break;
        case ';': one(Tok::Semicolon); break;
        case '@': one(Tok::At); break;
        case '^': one(Tok::Caret); break;
        case '*': one(Tok::Star); break;
        case '/': one(Tok::Slash); break;
        case '%': one(Tok::Percent); break;
        case '+': one(Tok::Plus); break;
        case '-': one(Tok::Minus); break;
        case '.':
          if (d == '.' && e == '.') { i_ += 3; out.push_back(tok(Tok::Ellipsis, b, i_)); }
          else if (d == '?') two(Tok::DotQ);
          else one(Tok::Dot);
          break;
        case ':': if (d == ':') two(Tok::ColonColon); else one(Tok::Colon); break;
        case '?': if (d == '?') two(Tok::QQ); else one(Tok::Question); break;
        case '=':
          if (d == '>') two(Tok::Arrow);
          else if (d == '=') two(Tok::EqEq);
          else if (d == '~') two(Tok::EqTilde);
          else one(Tok::Assign);
          break;
        case '!':
          if (d == '=') two(Tok::NotEq);
          else if (d == '~') two(Tok::NotTilde);
          else one(Tok::Bang);
          break;
        case '<': if (d == '=') two(Tok::Le); else one(Tok::Lt); break;
        case '>': if (d == '=') two(Tok::Ge); else one(Tok::Gt); break;
        case '&':
          if (d == '&') two(Tok::And);
          else { error(b, b + 1, "unexpected character '&' (did you mean '&&'?)"); one(Tok::Error); }
          break;
        case '|': if (d == '|') two(Tok::Or); else one(Tok::Pipe); break;
        default: {
          size_t len = 1;
          if (c >= 0x80) while (b + len < n && (static_cast<unsigned char>(s_[b + len]) & 0xC0) == 0x80) ++len;
          error(b, b + len, std::string("unexpected character '").append(s_.substr(b, len)).append("'"));
          i_ = b + len;
          out.push_back(tok(Tok::Error, b, i_));
        }
      }
    }
    out.push_back(tok(Tok::Eof, n, n));
    return out;
  }

 private:
  static Token tok(Tok k, size_t b, size_t e) {
    Token t;
    t.kind = k;
    t.begin = static_cast<uint32_t>(b);
    t.end = static_cast<uint32_t>(e);
    return t;
  }
  static Token str(Tok k, size_t b, size_t e, size_t pre, size_t post, bool raw) {
    Token t = tok(k, b, e);
    t.pre = static_cast<uint8_t>(pre);
    t.post = static_cast<uint8_t>(post);
    t.raw = raw;
    return t;
  }
  void error(size_t b, size_t e, std::string msg) {
    errors_.push_back(SyntaxError{ByteRange{static_cast<uint32_t>(b), static_cast<uint32_t>(e)}, std::move(msg)});
  }
  void skipLine() {
    while (i_ < s_.size() && s_[i_] != '\n') ++i_;
  }

  // Lexes string content starting at `contentStart` (just after `'` or `}`) up to `'` or `${`.
  void string(std::vector<Token>& out, size_t tokStart, size_t contentStart, bool head) {
    size_t j = contentStart;
    const size_t n = s_.size();
    while (j < n) {
      char c = s_[j];
      if (c == '\\') { j += 2; continue; }
      if (c == '\'') {
        out.push_back(str(head ? Tok::String : Tok::StringTail, tokStart, j + 1, 1, 1, false));
        i_ = j + 1;
        return;
      }
      if (c == '$' && j + 1 < n && s_[j + 1] == '{') {
        out.push_back(str(head ? Tok::StringHead : Tok::StringMid, tokStart, j + 2, 1, 2, false));
        braces_.push_back(Interp{0, 0});
        i_ = j + 2;
        return;
      }
      if (c == '\n' || (c == '\r' && j + 1 < n && s_[j + 1] == '\n')) break;
      ++j;
    }
    if (j > n) j = n;
    error(tokStart, j, "unterminated string: a string must close with ' on the same line");
    out.push_back(tok(Tok::Error, tokStart, j));
    i_ = j;
  }

  // Multi-line string content from `contentStart` to the closing ''' or, when `dollars` > 0, to an
  // interpolation opener (`dollars` times '$' then '{'). `head`: the token starts the string.
  void multiString(std::vector<Token>& out, size_t tokStart, int dollars, size_t contentStart, bool head) {
    const size_t n = s_.size();
    size_t pre = contentStart - tokStart;
    for (size_t j = contentStart; j < n; ++j) {
      if (s_[j] == '\'' && s_.substr(j, 3) == "'''") {
        size_t close = j + 3;
        while (close < n && s_[close] == '\'') ++close;  // extra quotes belong to the content
        Tok k = head ? Tok::MultiString : Tok::StringTail;
        out.push_back(str(k, tokStart, close, pre, 3, true));
        i_ = close;
        return;
      }
      if (dollars > 0 && s_[j] == '$') {
        size_t d = j;
        while (d < n && s_[d] == '$') ++d;
        if (static_cast<int>(d - j) >= dollars && d < n && s_[d] == '{') {
          size_t open = d - static_cast<size_t>(dollars);  // extra leading '$' are content
          out.push_back(str(head ? Tok::StringHead : Tok::StringMid, tokStart, d + 1, pre, d + 1 - open, true));
          braces_.push_back(Interp{0, dollars});
          i_ = d + 1;
          return;
        }
        j = d - 1;
      }
    }
    error(tokStart, std::min(n, tokStart + 3), "unterminated multi-line string: ''' has no closing '''");
    out.push_back(tok(Tok::Error, tokStart, n));
    i_ = n;
  }

  struct Interp {
    int depth = 0;    // '{' opened inside the interpolation
    int dollars = 0;  // 0: a '…' string; n: a multi-line string with n-dollar interpolation
  };

  std::string_view s_;
  std::vector<SyntaxError>& errors_;
  size_t i_ = 0;
  std::vector<Interp> braces_;  // one per active `${…}`
};

}  // namespace

std::vector<Token> lex(std::string_view text, std::vector<SyntaxError>& errors) { return Lexer(text, errors).run(); }

std::string decodeString(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) { out += c; continue; }
    char e = raw[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '$': out += '$'; break;
      case 'u': {
        size_t close = raw.find('}', i);
        if (i + 1 < raw.size() && raw[i + 1] == '{' && close != std::string_view::npos) {
          uint32_t cp = 0;
          for (size_t k = i + 2; k < close; ++k) {
            char h = raw[k];
            cp = cp * 16 + static_cast<uint32_t>(h >= '0' && h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          }
          appendUtf8(out, cp);
          i = close;
        } else {
          out += "\\u";
        }
        break;
      }
      default: out += '\\'; out += e;
    }
  }
  return out;
}

}  // namespace eg::bicep
