// ArmFrontEnd: file selection and pairing (template <-> parameter file), and loading a unit:
// parse both files with JsonReader, hand the template and the parameter values to
// TemplateLoader. See ArmFrontEnd.h for the pairing rules.
#include "parsers/arm/ArmFrontEnd.h"

#include <algorithm>
#include <fstream>

#include "parsers/arm/ArmTemplate.h"
#include "parsers/json/JsonReader.h"

namespace eg::arm {

namespace fs = std::filesystem;

namespace {

bool endsWithNoCase(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && equalsIgnoreCase(s.substr(s.size() - suf.size()), suf);
}

bool containsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (equalsIgnoreCase(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

bool isJsonName(std::string_view name) { return endsWithNoCase(name, ".json") || endsWithNoCase(name, ".jsonc"); }

// "azuredeploy.parameters.json" -> "azuredeploy"; "" when the name is not of that form.
std::string parameterStem(std::string_view name) {
  for (std::string_view suf : {".parameters.json", ".parameters.jsonc"}) {
    if (endsWithNoCase(name, suf)) return std::string(name.substr(0, name.size() - suf.size()));
  }
  return {};
}

std::string stemOf(std::string_view name) {
  for (std::string_view suf : {".jsonc", ".json"}) {
    if (endsWithNoCase(name, suf)) return std::string(name.substr(0, name.size() - suf.size()));
  }
  return std::string(name);
}

std::string readHead(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

bool fileIsTemplate(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ArmFrontEnd::isTemplateHead(readHead(p));
}

// The ARM templates of a folder, sorted.
std::vector<fs::path> templatesIn(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!isJsonName(name) || !parameterStem(name).empty()) continue;
    if (fileIsTemplate(it->path())) out.push_back(dir.empty() ? it->path().filename() : it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// The template of a deployment request body: a root without "$schema" whose
// properties.template is a deployment template. Null for anything else.
static Value* deploymentBodyTemplate(Value& root, const Value* schema) {
  if (schema) return nullptr;
  Value* props = root.get("properties");
  Value* tmpl = props && props->isObject() ? props->get("template") : nullptr;
  if (!tmpl || !tmpl->isObject()) return nullptr;
  const Value* inner = tmpl->get("$schema");
  if (!inner || !inner->isString() || !containsNoCase(inner->asString(), "eploymentTemplate.json")) return nullptr;
  return tmpl;
}

bool ArmFrontEnd::isTemplateHead(std::string_view head) {
  return containsNoCase(head, "\"$schema\"") && containsNoCase(head, "eploymentTemplate.json");
}

bool ArmFrontEnd::isParametersHead(std::string_view head) {
  return containsNoCase(head, "\"$schema\"") && containsNoCase(head, "eploymentParameters.json");
}

fs::path ArmFrontEnd::templateOf(const fs::path& parameterFile) {
  fs::path dir = parameterFile.parent_path();
  std::string name = parameterFile.filename().string();
  std::string stem = parameterStem(name);
  if (!stem.empty()) {
    for (const char* ext : {".json", ".jsonc"}) {
      fs::path t = dir / (stem + ext);
      if (fileIsTemplate(t)) return t;
    }
    return {};
  }
  if (equalsIgnoreCase(name, "parameters.json") || equalsIgnoreCase(name, "parameters.jsonc")) {
    std::vector<fs::path> ts = templatesIn(dir);
    if (ts.size() != 1) return {};
    if (parametersOf(ts.front()).filename() != parameterFile.filename()) return {};
    return ts.front();
  }
  return {};
}

fs::path ArmFrontEnd::parametersOf(const fs::path& templateFile) {
  fs::path dir = templateFile.parent_path();
  std::string stem = stemOf(templateFile.filename().string());
  std::error_code ec;
  for (const char* suf : {".parameters.json", ".parameters.jsonc"}) {
    fs::path p = dir / (stem + suf);
    if (fs::is_regular_file(p, ec)) return p;
  }
  for (const char* generic : {"parameters.json", "parameters.jsonc"}) {
    fs::path p = dir / generic;
    if (!fs::is_regular_file(p, ec)) continue;
    std::vector<fs::path> ts = templatesIn(dir);
    if (ts.size() == 1 && ts.front().filename() == templateFile.filename()) return p;
  }
  return {};
}

bool ArmFrontEnd::accepts(const fs::path& path, std::string_view head) const {
  std::string name = path.filename().string();
  if (!isJsonName(name)) return false;
  if (isTemplateHead(head)) return true;
  if (isParametersHead(head)) return !templateOf(path).empty();
  return false;
}

std::string ArmFrontEnd::unitKey(const fs::path& path) const {
  std::string name = path.filename().string();
  bool maybeParameters = !parameterStem(name).empty() || equalsIgnoreCase(name, "parameters.json") ||
                         equalsIgnoreCase(name, "parameters.jsonc");
  if (maybeParameters && isParametersHead(readHead(path))) {
    fs::path t = templateOf(path);
    if (!t.empty()) return "arm:" + t.lexically_normal().generic_string();
  }
  return "arm:" + path.lexically_normal().generic_string();
}

std::vector<fs::path> ArmFrontEnd::companions(const fs::path& path) const {
  std::string head = readHead(path);
  fs::path other = isTemplateHead(head) ? parametersOf(path) : isParametersHead(head) ? templateOf(path) : fs::path();
  if (other.empty()) return {};
  return {other.lexically_normal()};
}

namespace {

Error jsonError(const SourceFile& f, const json::JsonError& err) {
  uint32_t end = std::min<uint32_t>(err.offset + 1, static_cast<uint32_t>(f.text().size()));
  return Error{f.path(), f.id(), ByteRange{err.offset, std::max(end, err.offset)}, 0, 0, "invalid JSON: " + err.message,
               kInputErrorCode};
}

}  // namespace

bool ArmFrontEnd::parseOnly(const SourceFile& file, std::vector<Error>& errors) const {
  Value root;
  json::JsonError err;
  if (json::parseJson(file, root, err)) return true;
  errors.push_back(jsonError(file, err));
  return false;
}

void ArmFrontEnd::loadUnit(const std::vector<const SourceFile*>& unit, LoadContext& ctx) {
  struct Parsed {
    const SourceFile* file;
    Value root;
    Value parameters;  // a deployment body's own "parameters"
    bool hasParameters = false;
  };
  std::vector<Parsed> templates;
  const Value* parameterValues = nullptr;
  Value parameterRoot;
  for (const SourceFile* f : unit) {
    Value root;
    json::JsonError err;
    if (!json::parseJson(*f, root, err)) {
      ctx.errors.push_back(jsonError(*f, err));
      continue;
    }
    const Value* schema = root.get("$schema");
    bool isParams = schema && schema->isString() && containsNoCase(schema->asString(), "eploymentParameters.json");
    if (isParams) {
      parameterRoot = std::move(root);
      parameterValues = parameterRoot.get("parameters");
    } else if (Value* wrapped = deploymentBodyTemplate(root, schema)) {
      // A deployment request body (`{"properties": {"template": {...}, "parameters": {...}}}`,
      // as the REST API and `az deployment ... show` use): the template inside it, with the
      // body's own parameter values.
      Parsed p{f, std::move(*wrapped), Value()};
      if (const Value* params = root.at("properties.parameters"); params && params->isObject()) {
        p.parameters = *params;
        p.hasParameters = true;
      }
      templates.push_back(std::move(p));
    } else {
      templates.push_back(Parsed{f, std::move(root), Value()});
    }
  }
  for (const Parsed& t : templates) {
    TemplateLoader loader(ctx, *t.file);
    loader.load(t.root, t.hasParameters ? &t.parameters : templates.size() == 1 ? parameterValues : nullptr);
  }
}

}  // namespace eg::arm
