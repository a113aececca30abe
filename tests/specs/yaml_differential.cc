#include "tests/specs/yaml_differential.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "specs/yaml_builder.h"
#include "specs/yaml_reader.h"

namespace sesame::specs::testing {

namespace {

using nlohmann::json;

// One document as a reader produced it, with every position it recorded
// for the nodes of its tree.
struct Read {
  json value;
  std::vector<std::string> positions;  // "path key L:C value L:C raw TEXT"
};

std::string Mark(const SourceMap::Mark* m) {
  return m == nullptr ? "-" : std::to_string(m->line) + ":" + std::to_string(m->column);
}

void Walk(const json& node, const std::string& path, const SourceMap& source,
          std::vector<std::string>& out) {
  const std::string* raw = source.FindRaw(path);
  out.push_back(path + " key " + Mark(source.FindKey(path)) + " value " +
                Mark(source.FindValue(path)) + " raw " + (raw ? *raw : "-"));
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      Walk(*it, JoinPath(path, it.key()), source, out);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      Walk(node[i], path + "[" + std::to_string(i) + "]", source, out);
    }
  }
}

class Collect final : public YamlDocumentSink {
 public:
  void Document(YamlDocument& doc) override {
    Read r;
    r.value = doc.value;
    Walk(doc.value, "", doc.source, r.positions);
    docs.push_back(std::move(r));
  }
  void Restart() override { docs.clear(); }
  std::vector<Read> docs;
};

// The readers expect the checks ReadYaml makes first.
bool Readable(std::string_view text) {
  if (text.size() > kMaxManifestBytes) return false;
  Collect ignored;
  std::vector<ManifestError> errors = ReadYaml(text, "t", &ignored);
  for (const ManifestError& e : errors) {
    if (e.message.find("tab character") != std::string::npos) return false;
  }
  return true;
}

}  // namespace

bool SubsetAccepts(std::string_view text) {
  if (!Readable(text)) return false;
  Collect subset;
  size_t sent = 0;
  return ReadYamlWithSubset(text, "t", &subset, &sent);
}

std::optional<std::string> CompareYamlReaders(std::string_view text) {
  if (!Readable(text)) return std::nullopt;
  Collect subset;
  size_t subset_sent = 0;
  if (!ReadYamlWithSubset(text, "t", &subset, &subset_sent)) return std::nullopt;
  Collect full;
  size_t full_sent = 0;
  std::vector<ManifestError> errors = ReadYamlWithYamlCpp(text, "t", &full, &full_sent);
  if (!errors.empty()) {
    return "the subset reader accepted what yaml-cpp rejects: " + errors[0].ToString();
  }
  if (subset.docs.size() != full.docs.size() || subset_sent != full_sent) {
    return "documents: subset " + std::to_string(subset.docs.size()) + ", yaml-cpp " +
           std::to_string(full.docs.size());
  }
  for (size_t i = 0; i < subset.docs.size(); ++i) {
    const Read& a = subset.docs[i];
    const Read& b = full.docs[i];
    std::string where = "document " + std::to_string(i + 1) + ": ";
    if (a.value != b.value) {
      return where + "subset " + a.value.dump() + " != yaml-cpp " + b.value.dump();
    }
    for (size_t j = 0; j < a.positions.size() && j < b.positions.size(); ++j) {
      if (a.positions[j] != b.positions[j]) {
        return where + "subset \"" + a.positions[j] + "\" != yaml-cpp \"" + b.positions[j] + "\"";
      }
    }
  }
  return std::nullopt;
}

}  // namespace sesame::specs::testing
