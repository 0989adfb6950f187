#include "linter/policy/YamlTree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>

namespace eg::policy {

namespace {

const YamlDocumentData::Node kNullNode{};
const std::string kNoScalar;

// Builds the nodes of one document from the parser's events, as yaml-cpp's NodeBuilder does
// (an alias is its anchor's node), without YAML::Node's shared, reference-counted nodes.
class TreeBuilder : public YAML::EventHandler {
 public:
  std::shared_ptr<YamlDocumentData> doc = std::make_shared<YamlDocumentData>();

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override { add(YAML::NodeType::Null, m, anchor); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    if (anchor < anchors_.size()) attach(anchors_[anchor]);  // the parser rejects unknown anchors
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    uint32_t i = add(YAML::NodeType::Scalar, m, anchor);
    doc->nodes[i].scalar = value;
    doc->nodes[i].quoted = tag == "!" || tag == "tag:yaml.org,2002:str";
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open_.push_back(add(YAML::NodeType::Sequence, m, anchor));
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open_.push_back(add(YAML::NodeType::Map, m, anchor));
  }
  void OnMapEnd() override { open_.pop_back(); }

 private:
  uint32_t add(YAML::NodeType::value type, const YAML::Mark& m, YAML::anchor_t anchor) {
    auto i = static_cast<uint32_t>(doc->nodes.size());
    YamlDocumentData::Node& n = doc->nodes.emplace_back();
    n.type = type;
    n.line = m.line;
    n.column = m.column;
    if (anchor != YAML::NullAnchor) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
      anchors_[anchor] = i;
    }
    attach(i);
    return i;
  }
  void attach(uint32_t i) {
    if (!open_.empty()) doc->nodes[open_.back()].children.push_back(i);
  }
  std::vector<uint32_t> open_;     // the sequences and mappings being read, innermost last
  std::vector<uint32_t> anchors_;  // anchor -> node
};

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

void putNumber(std::string& out, uint64_t v) {
  do {
    auto byte = static_cast<unsigned char>(v & 0x7f);
    v >>= 7;
    out += static_cast<char>(v ? byte | 0x80 : byte);
  } while (v);
}

bool getNumber(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

constexpr std::string_view kTreeMagic = "EGYT1\n";

const YamlDocumentData::Node& nodeOf(const std::shared_ptr<const YamlDocumentData>& doc, uint32_t index) {
  return doc && index < doc->nodes.size() ? doc->nodes[index] : kNullNode;
}

}  // namespace

YAML::NodeType::value YamlNode::Type() const { return nodeOf(doc_, index_).type; }
const std::string& YamlNode::Scalar() const {
  const auto& n = nodeOf(doc_, index_);
  return n.type == YAML::NodeType::Scalar ? n.scalar : kNoScalar;
}
bool YamlNode::quoted() const { return nodeOf(doc_, index_).quoted; }
YAML::Mark YamlNode::Mark() const {
  const auto& n = nodeOf(doc_, index_);
  if (n.line < 0) return YAML::Mark::null_mark();
  YAML::Mark m;
  m.line = n.line;
  m.column = n.column;
  return m;
}
const std::vector<uint32_t>* YamlNode::children() const { return &nodeOf(doc_, index_).children; }
size_t YamlNode::size() const {
  const auto& n = nodeOf(doc_, index_);
  return n.type == YAML::NodeType::Map ? n.children.size() / 2 : n.type == YAML::NodeType::Sequence ? n.children.size() : 0;
}
YamlNode YamlNode::operator[](size_t i) const {
  const auto& n = nodeOf(doc_, index_);
  return n.type == YAML::NodeType::Sequence && i < n.children.size() ? YamlNode(doc_, n.children[i]) : YamlNode();
}
YamlNode YamlNode::operator[](std::string_view key) const {
  for (const auto& [k, v] : entries()) {
    if (k.IsScalar() && k.Scalar() == key) return v;
  }
  return YamlNode();
}
YamlNode::Elements YamlNode::elements() const { return Elements(IsSequence() ? *this : YamlNode()); }
YamlNode::Entries YamlNode::entries() const { return Entries(IsMap() ? *this : YamlNode()); }

YamlNode::Elements::iterator YamlNode::Elements::begin() const { return {&owner_, owner_.children()->data()}; }
YamlNode::Elements::iterator YamlNode::Elements::end() const {
  return {&owner_, owner_.children()->data() + owner_.children()->size()};
}
YamlNode::Entries::iterator YamlNode::Entries::begin() const { return {&owner_, owner_.children()->data()}; }
YamlNode::Entries::iterator YamlNode::Entries::end() const {
  return {&owner_, owner_.children()->data() + owner_.children()->size() / 2 * 2};
}

SingleDocument loadSingleDocument(std::string_view text) {
  SingleDocument d;
  std::string owned(text);
  {
    // What YAML::Load does, with our builder.
    std::istringstream in(owned);
    YAML::Parser parser(in);
    TreeBuilder builder;
    if (parser.HandleNextDocument(builder) && !builder.doc->nodes.empty()) d.root = YamlNode(builder.doc, 0);
  }
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

std::string encodeTree(const YamlNode& root, const std::vector<std::string_view>& withoutKeys) {
  // The nodes reachable from the root, numbered in the order they are first reached (the
  // order the parser made them in), so that a document and its copy encode alike.
  std::vector<YamlNode> order;
  std::unordered_map<const YamlDocumentData::Node*, uint32_t> number;
  auto reach = [&](const YamlNode& n) {
    auto [it, added] = number.emplace(&nodeOf(n.doc_, n.index_), static_cast<uint32_t>(order.size()));
    if (added) order.push_back(n);
    return it->second;
  };
  std::string out(kTreeMagic);
  std::string body;
  reach(root);
  for (size_t i = 0; i < order.size(); ++i) {
    YamlNode n = order[i];
    const auto& data = nodeOf(n.doc_, n.index_);
    std::vector<uint32_t> kids;
    for (size_t k = 0; k < data.children.size(); ++k) {
      YamlNode child(n.doc_, data.children[k]);
      if (i == 0 && data.type == YAML::NodeType::Map && k % 2 == 0 && child.IsScalar() &&
          std::find(withoutKeys.begin(), withoutKeys.end(), child.Scalar()) != withoutKeys.end()) {
        ++k;  // the key and its value are left out
        continue;
      }
      kids.push_back(reach(child));
    }
    body += static_cast<char>(data.type);
    body += static_cast<char>(data.quoted);
    putNumber(body, static_cast<uint64_t>(data.line + 1));
    putNumber(body, static_cast<uint64_t>(data.column + 1));
    putNumber(body, data.scalar.size());
    body += data.scalar;
    putNumber(body, kids.size());
    for (uint32_t kid : kids) putNumber(body, kid);
  }
  putNumber(out, order.size());
  return out + body;
}

std::optional<YamlNode> decodeTree(std::string_view in) {
  if (!in.starts_with(kTreeMagic)) return std::nullopt;
  in.remove_prefix(kTreeMagic.size());
  uint64_t count = 0;
  if (!getNumber(in, count) || count == 0 || count > in.size()) return std::nullopt;  // a node takes bytes
  auto doc = std::make_shared<YamlDocumentData>();
  doc->nodes.resize(count);
  for (auto& n : doc->nodes) {
    if (in.size() < 2) return std::nullopt;
    auto type = static_cast<unsigned char>(in[0]);
    auto quoted = static_cast<unsigned char>(in[1]);
    in.remove_prefix(2);
    if (type > YAML::NodeType::Map || quoted > 1) return std::nullopt;
    n.type = static_cast<YAML::NodeType::value>(type);
    n.quoted = quoted;
    uint64_t line = 0, column = 0, size = 0, kids = 0;
    if (!getNumber(in, line) || !getNumber(in, column) || line > INT32_MAX || column > INT32_MAX) return std::nullopt;
    n.line = static_cast<int32_t>(line) - 1;
    n.column = static_cast<int32_t>(column) - 1;
    if (!getNumber(in, size) || size > in.size()) return std::nullopt;
    n.scalar.assign(in.substr(0, size));
    in.remove_prefix(size);
    if (!getNumber(in, kids) || kids > in.size()) return std::nullopt;
    if (n.type == YAML::NodeType::Map ? kids % 2 != 0 : n.type != YAML::NodeType::Sequence && kids != 0) return std::nullopt;
    n.children.resize(kids);
    for (uint32_t& kid : n.children) {
      uint64_t k = 0;
      if (!getNumber(in, k) || k >= count) return std::nullopt;
      kid = static_cast<uint32_t>(k);
    }
  }
  if (!in.empty()) return std::nullopt;
  return YamlNode(std::move(doc), 0);
}

}  // namespace eg::policy
