// Helpers for the policy unit tests: Values from YAML text (with fake provenance so
// locations can be asserted), resources, and one-policy catalogs.
#pragma once

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "linter/policy/Cidr.h"
#include "linter/policy/Operators.h"
#include "linter/policy/Policy.h"

namespace eg::policy::test {

inline constexpr FileId kFile = 3;
inline constexpr ByteRange kHeader{0, 4};

// A YAML node as a Value. Scalars get provenance {kFile, [pos, pos+len)} from their mark;
// `!unknown reason` makes an unknown value; quoted scalars stay strings.
inline Value toValue(const YAML::Node& n) {
  Value v;
  switch (n.Type()) {
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!unknown") {
        v = Value::unknown(s);
      } else if (n.Tag() == "!partial") {
        // A partially known string: pieces separated by '|', '?' for a hole.
        std::vector<StringPart> parts;
        size_t start = 0;
        while (start <= s.size()) {
          size_t bar = s.find('|', start);
          std::string piece = s.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
          parts.push_back(piece == "?" ? StringPart{false, "hole"} : StringPart{true, piece});
          if (bar == std::string::npos) break;
          start = bar + 1;
        }
        v = Value::partialString(std::move(parts), "a hole");
      } else if (n.Tag() == "!") {
        v = Value(s);
      } else if (s == "true" || s == "false") {
        v = Value(s == "true");
      } else if (s == "null" || s == "~") {
        v = Value(nullptr);
      } else {
        try {
          size_t used = 0;
          double d = std::stod(s, &used);
          v = used == s.size() ? Value(d) : Value(s);
        } catch (...) {
          v = Value(s);
        }
      }
      break;
    }
    case YAML::NodeType::Sequence: {
      Array a;
      for (const auto& e : n) a.push_back(toValue(e));
      v = Value(std::move(a));
      break;
    }
    case YAML::NodeType::Map: {
      Object o;
      for (auto it = n.begin(); it != n.end(); ++it) {
        Value m = toValue(it->second);
        auto kp = static_cast<uint32_t>(it->first.Mark().pos);
        m.prov.key = ByteRange{kp, kp + static_cast<uint32_t>(it->first.Scalar().size())};
        o.push_back(Member{it->first.Scalar(), std::move(m)});
      }
      v = Value(std::move(o));
      break;
    }
    default: v = Value(nullptr);
  }
  auto pos = static_cast<uint32_t>(n.Mark().pos);
  v.prov.file = kFile;
  v.prov.value = ByteRange{pos, pos + static_cast<uint32_t>(n.IsScalar() ? n.Scalar().size() : 1)};
  return v;
}

inline Value yamlValue(const std::string& text) { return toValue(YAML::Load(text)); }

// Byte offset of `needle` in `text` (to assert locations).
inline uint32_t offsetOf(const std::string& text, const std::string& needle) {
  auto p = text.find(needle);
  REQUIRE(p != std::string::npos);
  return static_cast<uint32_t>(p);
}

inline Resource resource(const std::string& kind, const std::string& attrs, const std::string& address = "hub",
                         const std::string& format = "bicep") {
  Resource r;
  r.kind = kind;
  r.address = address;
  r.format = format;
  r.file = kFile;
  r.header = kHeader;
  r.attributes = attrs.empty() ? Value::object() : yamlValue(attrs);
  return r;
}

inline constexpr const char* kHub = "Microsoft.Devices/IotHubs";
inline constexpr const char* kDps = "Microsoft.Devices/provisioningServices";

// The metadata every test policy needs; `logic` supplies where/for_each/violation/message.
inline std::string policyText(const std::string& logic, const std::string& kinds = "[Microsoft.Devices/IotHubs]") {
  return "id: TEST001\n"
         "name: test-policy\n"
         "severity: low\n"
         "title: Test policy\n"
         "description: d\n"
         "rationale: r\n"
         "remediation: {arm: fix it}\n"
         "applies_to: {kinds: " + kinds + "}\n" + logic;
}

struct Loaded {
  PolicyCatalog catalog;
  std::vector<Error> errors;
  const Policy* policy = nullptr;
};

inline std::unique_ptr<Loaded> load(const std::string& text, const std::string& path = "test.yaml", bool builtin = false) {
  auto l = std::make_unique<Loaded>();
  if (l->catalog.loadText(text, path, builtin, l->errors)) l->policy = l->catalog.policies().back().get();
  return l;
}

inline std::unique_ptr<Loaded> loadOk(const std::string& text) {
  auto l = load(text);
  if (!l->errors.empty()) FAIL_CHECK(l->errors[0].line << ":" << l->errors[0].column << ": " << l->errors[0].message);
  REQUIRE(l->policy);
  return l;
}

inline std::vector<Finding> run(const Policy& p, const ResourceGraph& g, bool includeUnknown = true) {
  return evaluate(p, g, EvalOptions{includeUnknown});
}

// Verdict of a violation condition on one hub: 'T' finding, 'U' unknown finding, 'F' none.
inline char verdict(const std::string& condition, const std::string& attrs) {
  auto l = loadOk(policyText("violation: " + condition + "\nmessage: m\n"));
  ResourceGraph g;
  g.add(resource(kHub, attrs));
  auto f = run(*l->policy, g);
  REQUIRE(f.size() <= 1);
  if (f.empty()) return 'F';
  return f[0].unknown ? 'U' : 'T';
}

inline std::string readSource(const std::string& rel) {
  std::ifstream in(std::string(EG_SOURCE_DIR) + "/" + rel, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace eg::policy::test
