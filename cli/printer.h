#pragma once
// Printing objects and events in the formats of `get -o`: a kubectl-like
// table (default and wide), yaml, json and name. The same code prints for
// the embedded store and for a remote server.

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "specs/object.h"
#include "cli/template_lookup.h"
#include "store/store.h"

namespace sesame::cli {

enum class OutputFormat { kTable, kWide, kYaml, kJson, kName };
Result<OutputFormat> ParseOutputFormat(const std::string& text);

struct PrintOptions {
  OutputFormat format = OutputFormat::kTable;
  bool all_namespaces = false;  // adds the NAMESPACE column
  bool no_headers = false;
  Time now{};
};

// -o json|yaml of a list, whatever its kind, in the form kubectl prints:
// {"apiVersion":"v1","kind":"List","metadata":{"resourceVersion"},"items":[...]}
// `items` are JSON texts; `resource_version` 0 leaves it out.
void PrintList(std::ostream& out, const std::vector<std::string>& items, int64_t resource_version,
               const PrintOptions& options);

// Objects of one kind. `resource_version` goes into the list form.
void PrintObjects(std::ostream& out, const std::string& kind,
                  const std::vector<specs::Object>& objects, int64_t resource_version,
                  const PrintOptions& options, const TemplateLookup& templates);
// The table rows PrintObjects prints (header first unless no_headers).
std::vector<std::vector<std::string>> ObjectRows(const std::string& kind,
                                                 const std::vector<specs::Object>& objects,
                                                 const PrintOptions& options,
                                                 const TemplateLookup& templates);
// One object, as `get KIND NAME -o ...` (a single item is not wrapped in a list).
void PrintObject(std::ostream& out, const specs::Object& object, const PrintOptions& options,
                 const TemplateLookup& templates);

void PrintEvents(std::ostream& out, const std::vector<store::Event>& events,
                 const PrintOptions& options);

// Left-aligned columns separated by three spaces, as kubectl prints them.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);
// The widths FormatTable gives `rows`' columns, and one row laid out on
// them (a longer cell pushes the rest right), for rows printed as they come.
std::vector<size_t> ColumnWidths(const std::vector<std::vector<std::string>>& rows);
std::string FormatRow(const std::vector<std::string>& row, const std::vector<size_t>& widths);

}  // namespace sesame::cli
