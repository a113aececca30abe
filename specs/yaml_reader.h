#pragma once
// Reading YAML (and JSON, which is flow YAML) into one JSON value per
// document, with the source position of every key and value.
//
// Built on event parsers, never on a node tree: events let us stop at the
// first alias (no alias bombs), bound the nesting depth, and see duplicate
// keys, which a tree would silently merge. Scalars are typed with the YAML
// 1.2 core schema; quoted scalars are always strings.
//
// Two readers share the work: a fast scanner for the plain subset of YAML
// that manifests are written in (specs/yaml_reader_subset.cc), and
// yaml-cpp's parser for everything else, errors included, so that every
// message and position is yaml-cpp's (specs/yaml_reader_yamlcpp.cc).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "specs/manifest.h"

namespace sesame::specs {

// Where the parts of one document came from. Paths look like
// "spec.resources.memory" and "spec.env[1].name"; the root is "".
//
// Positions are recorded cheaply, as a log of (path, position) pairs in
// document order; path strings and the lookup index are only built by the
// first lookup that needs them. Later records of a path win, as assignments
// to a map would. Lookups mutate the lazy index: one thread at a time.
class SourceMap {
 public:
  struct Mark {
    int line = 0;    // 1-based
    int column = 0;  // 1-based
  };
  using PathId = uint32_t;
  static constexpr PathId kRoot = 0;  // the path ""

  SourceMap();

  // Forgets everything recorded, keeping the memory for the next document.
  void Clear();

  // Path ids for `parent` + "." + key (JoinPath) and `parent` + "[index]".
  PathId Child(PathId parent, std::string_view key);
  PathId Item(PathId parent, size_t index);

  // A mapping key that names `path`, the value at `path`, and the source
  // text of a plain scalar that did not resolve to a string (so that
  // `cpu: 0.50` can be read as the quantity "0.50" rather than 0.5).
  void SetKey(PathId path, Mark mark) { records_.push_back({kKey, path, mark, 0, 0}); }
  void SetValue(PathId path, Mark mark);
  void SetRaw(PathId path, std::string_view text);

  // The path `id` names, as a string.
  std::string PathString(PathId id) const;

  // nullptr when nothing was recorded for `path`.
  const Mark* FindKey(const std::string& path) const;
  const Mark* FindValue(const std::string& path) const;
  const std::string* FindRaw(const std::string& path) const;

 private:
  enum Kind : uint8_t { kKey, kValue, kRaw };
  struct PathEntry {
    PathId parent;
    uint32_t key_offset;  // into text_, for a mapping entry
    uint32_t key_length;
    int64_t index;        // >= 0 for a list item
    bool empty;           // the path is "" (the root, or "" keys at the root)
  };
  struct Record {
    Kind kind;
    PathId path;
    Mark mark;
    uint32_t raw_offset;  // into text_, for kRaw
    uint32_t raw_length;
  };
  struct Index {
    std::unordered_map<std::string, Mark> keys;
    std::unordered_map<std::string, Mark> values;
    std::unordered_map<std::string, std::string> raw;
  };

  uint32_t Append(std::string_view text);
  const Index& GetIndex() const;

  std::vector<PathEntry> paths_;
  std::vector<Record> records_;
  std::string text_;  // keys and raw scalars, back to back
  // Answers lookups of "" without an index while only the root has that path.
  bool root_only_empty_ = true;
  bool has_root_value_ = false;
  Mark root_value_;
  mutable std::unique_ptr<Index> index_;
};

struct YamlDocument {
  nlohmann::json value;
  SourceMap source;
};

// Receives the documents of a text one by one, as they are read, so that
// each can be used and freed before the next is built.
class YamlDocumentSink {
 public:
  virtual ~YamlDocumentSink() = default;
  // A document that is not null (empty documents are dropped). `doc` is
  // only valid during the call; it may be changed.
  virtual void Document(YamlDocument& doc) = 0;
  // Forget every document received so far: they will be sent again (the
  // fast reader gave up part way; see above).
  virtual void Restart() = 0;
};

// Reads every document of `text` into `sink`, and returns the errors, which
// are positioned in `file`; after a syntax error, an alias, too deep nesting
// or too many documents, reading stops. Throws only what `sink` throws.
std::vector<ManifestError> ReadYaml(std::string_view text, const std::string& file,
                                    YamlDocumentSink* sink);

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
