#include "cli/printer.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/columns.h"
#include "specs/yaml_writer.h"

namespace sesame::cli {

Result<OutputFormat> ParseOutputFormat(const std::string& text) {
  if (text.empty()) return OutputFormat::kTable;
  if (text == "wide") return OutputFormat::kWide;
  if (text == "yaml") return OutputFormat::kYaml;
  if (text == "json") return OutputFormat::kJson;
  if (text == "name") return OutputFormat::kName;
  return InvalidError("unknown output format \"" + text +
                      "\" (use one of: wide, yaml, json, name)");
}

std::vector<size_t> ColumnWidths(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  return widths;
}

std::string FormatRow(const std::vector<std::string>& row, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < row.size(); ++i) {
    line += row[i];
    if (i + 1 == row.size()) break;
    size_t width = i < widths.size() ? widths[i] : 0;
    line += std::string(width > row[i].size() ? width - row[i].size() + 3 : 3, ' ');
  }
  return line + "\n";
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths = ColumnWidths(rows);
  std::string out;
  for (const auto& row : rows) out += FormatRow(row, widths);
  return out;
}

namespace {

bool Shown(const specs::Column& c, const PrintOptions& options) {
  return c.priority == 0 || options.format == OutputFormat::kWide;
}

std::vector<std::string> Header(const std::string& kind, const PrintOptions& options) {
  std::vector<std::string> header;
  for (const auto& c : specs::ColumnsOf(kind)) {
    if (!Shown(c, options)) continue;
    std::string name = c.name;
    for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    header.push_back(name);
  }
  return header;
}

std::vector<std::string> Row(const specs::Object& o, const PrintOptions& options,
                             const TemplateLookup& templates) {
  const auto& columns = specs::ColumnsOf(o.kind);
  std::vector<std::string> cells = specs::CellsOf(o, templates, options.now);
  std::vector<std::string> row;
  for (size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
    if (Shown(columns[i], options)) row.push_back(cells[i]);
  }
  return row;
}

}  // namespace

void PrintObjects(std::ostream& out, const std::string& kind,
                  const std::vector<specs::Object>& objects, int64_t resource_version,
                  const PrintOptions& options, const TemplateLookup& templates) {
  switch (options.format) {
    case OutputFormat::kJson:
    case OutputFormat::kYaml: {
      std::vector<std::string> items;
      for (const auto& o : objects) items.push_back(specs::ObjectToJson(o, false));
      PrintList(out, items, resource_version, options);
      return;
    }
    case OutputFormat::kName:
      for (const auto& o : objects) out << specs::ResourceName(kind) << "/" << o.metadata.name << "\n";
      return;
    case OutputFormat::kTable:
    case OutputFormat::kWide:
      break;
  }
  out << FormatTable(ObjectRows(kind, objects, options, templates));
}

std::vector<std::vector<std::string>> ObjectRows(const std::string& kind,
                                                 const std::vector<specs::Object>& objects,
                                                 const PrintOptions& options,
                                                 const TemplateLookup& templates) {
  std::vector<std::vector<std::string>> rows;
  if (!options.no_headers) rows.push_back(Header(kind, options));
  for (const auto& o : objects) rows.push_back(Row(o, options, templates));
  if (options.all_namespaces) {
    for (size_t i = 0; i < rows.size(); ++i) {
      bool header = i == 0 && !options.no_headers;
      size_t obj = options.no_headers ? i : i - 1;
      rows[i].insert(rows[i].begin(), header ? "NAMESPACE" : objects[obj].metadata.namespace_);
    }
  }
  return rows;
}

void PrintList(std::ostream& out, const std::vector<std::string>& items, int64_t resource_version,
               const PrintOptions& options) {
  nlohmann::json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"metadata", nlohmann::json::object()},
                         {"items", nlohmann::json::array()}};
  if (resource_version > 0) list["metadata"]["resourceVersion"] = std::to_string(resource_version);
  for (const auto& item : items) list["items"].push_back(nlohmann::json::parse(item));
  if (options.format == OutputFormat::kYaml) {
    out << specs::JsonToYaml(list);
  } else {
    out << list.dump(2) << "\n";
  }
}

void PrintObject(std::ostream& out, const specs::Object& object, const PrintOptions& options,
                 const TemplateLookup& templates) {
  if (options.format == OutputFormat::kJson) {
    out << specs::ObjectToJson(object, true) << "\n";
  } else if (options.format == OutputFormat::kYaml) {
    out << specs::ObjectToYaml(object);
  } else {
    PrintObjects(out, object.kind, {object}, 0, options, templates);
  }
}

void PrintEvents(std::ostream& out, const std::vector<store::Event>& events,
                 const PrintOptions& options) {
  std::vector<std::vector<std::string>> rows;
  if (!options.no_headers) rows.push_back({"LAST SEEN", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"});
  for (const auto& e : events) {
    std::string object = specs::ResourceName(e.object.kind) + "/" + e.object.name;
    if (options.all_namespaces) object = e.object.namespace_ + "/" + object;
    rows.push_back({HumanDuration(std::chrono::duration_cast<Millis>(options.now - e.last_timestamp)),
                    e.type, e.reason, object, std::to_string(e.count), e.message});
  }
  out << FormatTable(rows);
}

}  // namespace sesame::cli
