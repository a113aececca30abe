#pragma once
// Reading YAML (and JSON, which yaml-cpp reads as flow YAML) into one JSON
// value per document, with the source position of every key and value.
//
// Built on yaml-cpp's event parser, never on YAML::Node: events let us stop
// at the first alias (no alias bombs), bound the nesting depth before
// yaml-cpp recurses far, and see duplicate keys, which YAML::Node would
// silently merge. Scalars are typed with the YAML 1.2 core schema; quoted
// scalars are always strings.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "specs/manifest.h"

namespace sesame::specs {

// Where the parts of one document came from. Paths look like
// "spec.resources.memory" and "spec.env[1].name"; the root is "".
struct SourceMap {
  struct Mark {
    int line = 0;    // 1-based
    int column = 0;  // 1-based
  };
  std::unordered_map<std::string, Mark> keys;    // a mapping key, by the path it names
  std::unordered_map<std::string, Mark> values;  // every value
  // The source text of plain scalars that did not resolve to strings, so that
  // `cpu: 0.50` can be read as the quantity "0.50" rather than 0.5.
  std::unordered_map<std::string, std::string> raw;
};

struct YamlDocument {
  nlohmann::json value;
  SourceMap source;
};

struct YamlReadResult {
  std::vector<YamlDocument> documents;  // null (empty) documents are dropped
  std::vector<ManifestError> errors;
};

// Reads every document of `text`. Errors are positioned in `file`; after a
// syntax error, an alias, too deep nesting or too many documents, reading
// stops. Never throws.
YamlReadResult ReadYaml(std::string_view text, const std::string& file);

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string JoinPath(const std::string& parent, const std::string& key);
// "a.b[2]" -> "a.b"; "a.b" -> "a"; "a" -> "".
std::string ParentPath(const std::string& path);

// Positions for the fields of one object inside a document: `prefix` is the
// object's own path in the document ("" or "items[3]"), and the paths passed
// in are relative to the object.
class FieldLocator {
 public:
  FieldLocator(std::string file, const SourceMap& source, std::string prefix)
      : file_(std::move(file)), source_(source), prefix_(std::move(prefix)) {}

  // The key that names `path`, else its value, else the nearest ancestor.
  SourcePos Key(const std::string& path) const;
  // The value at `path`, else its key, else the nearest ancestor.
  SourcePos Value(const std::string& path) const;
  // The source text of a non-string plain scalar, or nullptr.
  const std::string* Raw(const std::string& path) const;

 private:
  SourcePos Find(const std::string& path, bool key_first) const;
  std::string Full(const std::string& path) const { return JoinPath(prefix_, path); }

  std::string file_;
  const SourceMap& source_;
  std::string prefix_;
};

}  // namespace sesame::specs
