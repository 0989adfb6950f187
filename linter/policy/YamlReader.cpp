#include "linter/policy/YamlReader.h"

#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cmath>
#include <sstream>

namespace eg::policy {

namespace {

// Counts the documents that have content, without building nodes, and keeps where the
// second one starts.
class DocumentCounter : public YAML::EventHandler {
 public:
  int withContent = 0;
  YAML::Mark second = YAML::Mark::null_mark();
  void OnDocumentStart(const YAML::Mark&) override { content_ = false; }
  void OnDocumentEnd() override {
    if (content_ && ++withContent == 2) second = start_;
  }
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { content(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { content(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content(m);
  }
  void OnMapEnd() override {}

 private:
  void content(const YAML::Mark& m) {
    if (!content_) start_ = m;  // the document's root node, where an error points
    content_ = true;
  }
  YAML::Mark start_;
  bool content_ = false;
};

// A second document needs a `---` or `...` line (at column 0) after the start of the text.
bool mayHoldSeveralDocuments(std::string_view text) {
  for (size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1)) {
    std::string_view line = text.substr(at + 1, 3);
    if (line == "---" || line == "...") return true;
  }
  return false;
}

}  // namespace

SingleDocument loadSingleDocument(std::string_view text) {
  SingleDocument d;
  std::string owned(text);
  d.root = YAML::Load(owned);
  d.empty = d.root.IsNull();
  if (mayHoldSeveralDocuments(text)) {
    std::istringstream in(owned);
    YAML::Parser parser(in);
    DocumentCounter counter;
    for (int i = 0; i < 3 && counter.withContent < 2 && parser.HandleNextDocument(counter); ++i) {
    }
    // At most three documents are parsed, however many follow (LoadAll could loop forever).
    if (counter.withContent >= 2) d.second = counter.second;
  }
  return d;
}

std::string_view typeOf(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "null";
    default: return "a scalar";
  }
}

bool isQuoted(const YAML::Node& n) { return n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str"; }

Value plainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return Value(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value(false);
  std::string_view t = s;
  if (t.front() == '+') t.remove_prefix(1);
  bool numeric = !t.empty();
  for (char c : t) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')) numeric = false;
  }
  if (numeric) {
    double d = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec == std::errc() && ptr == t.data() + t.size() && std::isfinite(d)) return Value(d);
  }
  return Value(s);
}

}  // namespace eg::policy
