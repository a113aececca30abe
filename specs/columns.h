#pragma once
// The columns a table of objects shows, per kind: what `sesame get` prints
// and what the Kubernetes API sends as a server-side Table (kubectl get).
// Priority 0 columns always show; priority 1 only with -o wide.

#include <functional>
#include <string>
#include <vector>

#include "common/time.h"
#include "specs/object.h"

namespace sesame::specs {

struct Column {
  std::string name;         // "Name", "Phase"; headers print it upper-cased
  std::string type;         // "string", "integer" or "date" (an age text)
  std::string description;  // the field it shows, e.g. "status.phase"
  int priority = 0;
};

// Returns the SandboxTemplate `name` of namespace `ns`, or nullptr.
using TemplateFinder = std::function<const Object*(const std::string& ns, const std::string& name)>;

// The columns of `kind` (NAME and AGE for a kind without columns of its own).
const std::vector<Column>& ColumnsOf(const std::string& kind);
// One cell per column of ColumnsOf(o.kind), priority 1 included.
std::vector<std::string> CellsOf(const Object& o, const TemplateFinder& templates, Time now);

}  // namespace sesame::specs
