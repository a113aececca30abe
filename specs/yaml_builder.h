#pragma once
// Builds the JSON value and SourceMap of one YAML document from parser
// events, whichever parser sends them (specs/yaml_reader.h).

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "specs/manifest.h"
#include "specs/yaml_reader.h"

namespace sesame::specs {

// Thrown by DocumentBuilder when the input cannot be read further (an alias,
// too deep, too many documents, a key that is not a scalar); the parser's
// adapter catches it and reports `message` at `mark`.
struct YamlAbort {
  SourceMap::Mark mark;
  std::string message;
};

class DocumentBuilder {
 public:
  enum class ScalarKind {
    kPlain,   // typed by the core schema (specs/yaml_scalar.h)
    kString,  // quoted, or tagged !!str
    kNull,    // an empty node or a plain null ("~", "null"): a null without text
  };

  // Duplicate keys are reported to `errors`; documents go to `sink`. Both
  // must outlive the builder.
  DocumentBuilder(const std::string& file, std::vector<ManifestError>* errors,
                  YamlDocumentSink* sink)
      : file_(file), errors_(errors), sink_(sink) {}

  // Throws YamlAbort past kMaxDocuments documents.
  void StartDocument(SourceMap::Mark mark);
  // Sends the document read since StartDocument to the sink, unless it is
  // null. Throws what the sink throws: call it outside the adapter's
  // exception handling.
  void EndDocument();
  // How many documents went to the sink.
  size_t sent() const { return sent_; }

  // These throw YamlAbort (see above).
  void Scalar(SourceMap::Mark mark, std::string_view text, ScalarKind kind);
  void StartSequence(SourceMap::Mark mark) { Open(mark, false); }
  void StartMap(SourceMap::Mark mark) { Open(mark, true); }
  void End() { frames_.pop_back(); }

  size_t depth() const { return frames_.size(); }

 private:
  struct Frame {
    nlohmann::json* node = nullptr;
    SourceMap::PathId path = SourceMap::kRoot;
    bool is_map = false;
    bool recorded = true;  // false inside a dropped duplicate: keep no positions
    bool has_key = false;  // a mapping key was read; its value comes next
    nlohmann::json* value = nullptr;        // where that value goes
    SourceMap::PathId value_path = SourceMap::kRoot;
  };
  // Where the next node goes; node is nullptr when it is a mapping key.
  struct Slot {
    nlohmann::json* node = nullptr;
    SourceMap::PathId path = SourceMap::kRoot;
    bool recorded = true;
  };

  Slot NextSlot();
  void AddKey(SourceMap::Mark mark, std::string_view text, ScalarKind kind);
  void Open(SourceMap::Mark mark, bool is_map);

  const std::string& file_;
  std::vector<ManifestError>* errors_;
  YamlDocumentSink* sink_;
  YamlDocument doc_;
  std::vector<Frame> frames_;
  // Values of duplicate keys land here; a deque keeps their addresses stable.
  std::deque<nlohmann::json> discarded_;
  size_t documents_ = 0;
  size_t sent_ = 0;
};

// The reading itself, by parser (specs/yaml_reader.h says which reads what).
// Both expect input already checked for size and tabs.

// Returns false when `text` is not within the subset this reader knows
// yaml-cpp to read the same way, or has any error; what went to `sink` is
// then to be forgotten. Sets `*sent` to the number of documents sent.
bool ReadYamlWithSubset(std::string_view text, const std::string& file, YamlDocumentSink* sink,
                        size_t* sent);
// Reads anything; errors and positions are yaml-cpp's.
std::vector<ManifestError> ReadYamlWithYamlCpp(std::string_view text, const std::string& file,
                                               YamlDocumentSink* sink, size_t* sent);

}  // namespace sesame::specs
