// YamlTree: one YAML document as plain nodes (kind, scalar, quoted or not, position), the form
// the strict readers (YamlReader: policies, configuration) walk. Built from yaml-cpp's parser
// events, or decoded from the compact form the build writes for each built-in policy
// (cmake/EmbedPolicyTrees.cpp), so that a scan does not parse the built-in pack's YAML on every
// start. The nodes of a document live in one array owned by the document; a node is the
// document and an index, so an alias is the index of its anchor's node (as yaml-cpp shares
// aliased nodes), and a document whose alias refers to the node it is in stays a tree of
// indices (the readers bound the depth of the walk). Depends on yaml-cpp and std only: the
// build-time encoder links it alone.
#pragma once

#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/type.h>

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::policy {

struct YamlDocumentData;

class YamlNode {
 public:
  YamlNode() = default;  // null, without a position
  YamlNode(std::shared_ptr<const YamlDocumentData> doc, uint32_t index) : doc_(std::move(doc)), index_(index) {}

  YAML::NodeType::value Type() const;
  bool IsNull() const { return Type() == YAML::NodeType::Null; }
  bool IsScalar() const { return Type() == YAML::NodeType::Scalar; }
  bool IsSequence() const { return Type() == YAML::NodeType::Sequence; }
  bool IsMap() const { return Type() == YAML::NodeType::Map; }
  const std::string& Scalar() const;  // empty unless a scalar
  bool quoted() const;                // a quoted scalar (or one tagged !!str): a string, never a number
  YAML::Mark Mark() const;            // line and column (0-based); null mark without a position
  size_t size() const;                // elements of a sequence, entries of a mapping, else 0
  // Element `i` of a sequence; the value of the first entry with key `key` of a mapping. A
  // missing one is false (as yaml-cpp's zombie nodes are): `if (n["compare"])`.
  YamlNode operator[](size_t i) const;
  YamlNode operator[](std::string_view key) const;
  explicit operator bool() const { return doc_ != nullptr; }

  // The elements of a sequence, the keys and values of a mapping (empty for other nodes).
  class Elements;
  class Entries;
  Elements elements() const;
  Entries entries() const;

 private:
  friend std::string encodeTree(const YamlNode& root, const std::vector<std::string_view>& withoutKeys);
  const std::vector<uint32_t>* children() const;
  std::shared_ptr<const YamlDocumentData> doc_;
  uint32_t index_ = 0;
};

struct YamlDocumentData {
  struct Node {
    YAML::NodeType::value type = YAML::NodeType::Null;
    bool quoted = false;
    int32_t line = -1, column = -1;
    std::string scalar;
    std::vector<uint32_t> children;  // a sequence's elements; a mapping's keys and values, interleaved
  };
  std::vector<Node> nodes;  // nodes[0] is the root
};

class YamlNode::Elements {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = YamlNode;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = YamlNode;
    iterator(const YamlNode* owner, const uint32_t* at) : owner_(owner), at_(at) {}
    YamlNode operator*() const { return YamlNode(owner_->doc_, *at_); }
    iterator& operator++() { ++at_; return *this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }
   private:
    const YamlNode* owner_;
    const uint32_t* at_;
  };
  explicit Elements(const YamlNode& owner) : owner_(owner) {}
  iterator begin() const;
  iterator end() const;
 private:
  YamlNode owner_;
};

class YamlNode::Entries {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::pair<YamlNode, YamlNode>;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::pair<YamlNode, YamlNode>;
    iterator(const YamlNode* owner, const uint32_t* at) : owner_(owner), at_(at) {}
    std::pair<YamlNode, YamlNode> operator*() const { return {YamlNode(owner_->doc_, at_[0]), YamlNode(owner_->doc_, at_[1])}; }
    iterator& operator++() { at_ += 2; return *this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }
   private:
    const YamlNode* owner_;
    const uint32_t* at_;
  };
  explicit Entries(const YamlNode& owner) : owner_(owner) {}
  iterator begin() const;
  iterator end() const;
  std::pair<YamlNode, YamlNode> front() const { return *begin(); }
 private:
  YamlNode owner_;
};

// The top-level keys of a policy file that hold its documentation (description, rationale,
// …): a scan never reads them (PolicyLoader's withoutDocumentation, the build's trees).
inline constexpr std::string_view kPolicyDocumentationKeys[] = {"description", "rationale", "remediation",
                                                                "references",  "peers",     "examples"};

// The documents of a text that must hold at most one: the first (a null node when the text has
// none) and, when there is a second, its start in `second` (line >= 0). Used instead of
// YAML::LoadAll, which loops forever on some malformed inputs in yaml-cpp 0.7 (found by
// fuzz_policy); at most two documents are ever read. Throws YAML::Exception on a syntax error,
// as YAML::Load does.
struct SingleDocument {
  YamlNode root;
  bool empty = true;
  YAML::Mark second = YAML::Mark::null_mark();  // no second document
};
SingleDocument loadSingleDocument(std::string_view text);

// The compact form of a document (what the build embeds for each built-in policy), and back.
// `withoutKeys`: top-level mapping keys left out (documentation a scan never reads). decodeTree
// returns nothing on any malformed byte.
std::string encodeTree(const YamlNode& root, const std::vector<std::string_view>& withoutKeys = {});
std::optional<YamlNode> decodeTree(std::string_view bytes);

}  // namespace eg::policy
