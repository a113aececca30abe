#pragma once
// Reading manifests: YAML or JSON text (one or many documents) into
// validated, normalized Objects. Every error names the file, line, column
// and field path, e.g.
//   examples/bad.yaml:12:13: spec.resources.memory: "4GB" is not a quantity (use 4G or 4Gi)
// Hostile input (alias bombs, deep nesting, huge documents, tabs, duplicate
// keys) gets an error, never a crash or a hang.

#include <string>
#include <string_view>
#include <vector>

#include "specs/object.h"

namespace sesame::specs {

// Limits that keep parsing bounded.
inline constexpr size_t kMaxManifestBytes = 8u << 20;  // per file or request body
inline constexpr int kMaxNestingDepth = 64;
inline constexpr size_t kMaxDocuments = 100000;

struct SourcePos {
  std::string file;  // "-" for standard input, "<request>" for an HTTP body
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based
};

struct ManifestError {
  SourcePos pos;
  std::string field;  // "spec.resources.memory"; empty for document-level errors
  std::string message;
  // "file:line:col: field: message"
  std::string ToString() const;
};

struct ParsedManifests {
  std::vector<Object> objects;     // kind Sandbox or SandboxTemplate, spec normalized
  std::vector<SourcePos> origins;  // where each object's document starts
  std::vector<ManifestError> errors;
  bool ok() const { return errors.empty(); }
  // All errors, one per line.
  std::string ErrorText() const;
};

// Parses and validates `text` (YAML, multi-document, or JSON: one object, an
// array of objects, or a List with "items"). `file` only labels errors.
// Server-set metadata in the input (uid, resourceVersion, ...) is kept so
// that `get -o yaml` output can be applied again; status is ignored.
ParsedManifests ParseManifests(std::string_view text, const std::string& file);

// Reads files and directories (*.yaml, *.yml, *.json; subdirectories only
// with `recursive`), "-" meaning standard input, in a stable order. A
// directory's hidden entries are skipped.
ParsedManifests LoadManifests(const std::vector<std::string>& paths, bool recursive);

}  // namespace sesame::specs
