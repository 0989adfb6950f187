// JsonReader: values, exact ranges, comments, error positions, depth limit.
#include <doctest/doctest.h>

#include "parsers/json/JsonReader.h"

using eg::Value;
using namespace eg::json;

namespace {
std::string_view slice(std::string_view text, eg::ByteRange r) { return text.substr(r.begin, r.size()); }
}  // namespace

TEST_CASE("json: values and provenance") {
  std::string text = R"({ "a": 1.5, "b" : [true, null, "x\"y"], "c": {"d": -2e2} , "e": "\u00e9\ud83d\ude00"})";
  Value v;
  JsonError err;
  REQUIRE(parseJsonText(text, 7, 0, v, err));
  REQUIRE(v.isObject());
  CHECK(v.get("a")->asNumber() == 1.5);
  CHECK(slice(text, v.get("a")->prov.value) == "1.5");
  CHECK(slice(text, v.get("a")->prov.key) == "\"a\"");
  CHECK(v.get("a")->prov.file == 7);
  const Value& b = *v.get("b");
  CHECK(slice(text, b.prov.value) == "[true, null, \"x\\\"y\"]");
  CHECK(b.asArray()[2].asString() == "x\"y");
  CHECK(slice(text, b.asArray()[2].prov.value) == "\"x\\\"y\"");
  CHECK(v.at("c.d")->asNumber() == -200);
  CHECK(v.get("e")->asString() == "\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(slice(text, v.prov.value) == text);
}

TEST_CASE("json: comments are allowed by default") {
  std::string text = "// header\n{ /* block */ \"a\": 1 // trailing\n}";
  Value v;
  JsonError err;
  REQUIRE(parseJsonText(text, 0, 0, v, err));
  CHECK(v.get("a")->asNumber() == 1);
  JsonOptions strict;
  strict.allowComments = false;
  CHECK_FALSE(parseJsonText(text, 0, 0, v, err, strict));
}

TEST_CASE("json: errors carry offsets and clear messages") {
  struct Case { std::string text; uint32_t offset; std::string message; };
  std::vector<Case> cases = {
      {R"({"a": 1 "b": 2})", 8, "expected ',' or '}' after object member, found '\"'"},
      {R"([1, 2)", 5, "expected ',' or ']' after array element, found end of input"},
      {R"({"a" 1})", 5, "expected ':' after member name, found '1'"},
      {R"({"a": "abc)", 6, "unterminated string"},
      {R"({"a": tru})", 6, "expected a JSON value, found 't'"},
      {"{\"a\": 1} x", 9, "unexpected text after the JSON value"},
      {"/* open", 0, "unterminated /* comment"},
      {"", 0, "expected a JSON value, found end of input"},
      {R"({"a": "\q"})", 7, "invalid escape '\\q' in string"},
  };
  for (const auto& c : cases) {
    Value v;
    JsonError err;
    INFO(c.text);
    CHECK_FALSE(parseJsonText(c.text, 0, 0, v, err));
    CHECK(err.offset == c.offset);
    CHECK(err.message == c.message);
  }
}

TEST_CASE("json: base offset shifts every range") {
  Value v;
  JsonError err;
  REQUIRE(parseJsonText(R"({"k": 5})", 1, 100, v, err));
  CHECK(v.get("k")->prov.value.begin == 106);
  CHECK(v.get("k")->prov.key.begin == 101);
}

TEST_CASE("json: nesting depth is bounded, not a stack overflow") {
  std::string deep(100000, '[');
  Value v;
  JsonError err;
  CHECK_FALSE(parseJsonText(deep, 0, 0, v, err));
  CHECK(err.message.find("deeper than 512") != std::string::npos);
  std::string ok = std::string(500, '[') + std::string(500, ']');
  CHECK(parseJsonText(ok, 0, 0, v, err));
}

TEST_CASE("json: trailing commas only when enabled, duplicate keys keep the last") {
  Value v;
  JsonError err;
  CHECK_FALSE(parseJsonText("[1,]", 0, 0, v, err));
  JsonOptions o;
  o.allowTrailingCommas = true;
  CHECK(parseJsonText("[1,]", 0, 0, v, err, o));
  REQUIRE(parseJsonText(R"({"a":1,"a":2})", 0, 0, v, err));
  CHECK(v.asObject().size() == 1);
  CHECK(v.get("a")->asNumber() == 2);
}
