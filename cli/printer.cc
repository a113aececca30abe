#include "cli/printer.h"

#include <algorithm>

#include "specs/codec.h"

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

std::string Age(const specs::Object& o, Time now) {
  if (!o.metadata.creation_timestamp) return "<unknown>";
  return HumanDuration(std::chrono::duration_cast<Millis>(now - *o.metadata.creation_timestamp));
}

std::string Expires(const std::optional<Time>& at, Time now) {
  if (!at) return "<none>";
  if (*at <= now) return "expired";
  return "in " + HumanDuration(std::chrono::duration_cast<Millis>(*at - now));
}

std::string Joined(const std::vector<specs::Endpoint>& endpoints) {
  std::string out;
  for (const auto& e : endpoints) out += (out.empty() ? "" : ",") + e.url;
  return out.empty() ? "<none>" : out;
}

std::vector<std::string> SandboxHeader(const PrintOptions& options) {
  std::vector<std::string> h = {"NAME", "PROVIDER", "PHASE", "READY", "AGE", "EXPIRES"};
  if (options.format == OutputFormat::kWide) {
    h.insert(h.end(), {"RESTARTS", "TEMPLATE", "ENDPOINTS", "MESSAGE"});
  }
  return h;
}

std::vector<std::string> SandboxRow(const specs::Object& o, const PrintOptions& options,
                                    const TemplateLookup& templates) {
  std::string tmpl_name;
  if (auto spec = specs::DecodeSandboxSpec(o.spec); spec.ok()) tmpl_name = spec->template_ref;
  const specs::Object* tmpl =
      tmpl_name.empty() ? nullptr : templates(o.metadata.namespace_, tmpl_name);
  auto sandbox = specs::DecodeSandbox(o, tmpl);
  if (!sandbox.ok()) return {o.metadata.name, "?", "Invalid", "False", Age(o, options.now), "?"};
  const auto& status = sandbox->status;
  const auto* ready = status.FindCondition("Ready");
  std::string phase = o.metadata.deletion_timestamp ? "Terminating" : status.phase;
  std::vector<std::string> row = {o.metadata.name, sandbox->spec.provider, phase,
                                  ready ? ready->status : "False", Age(o, options.now),
                                  Expires(status.expires_at, options.now)};
  if (options.format == OutputFormat::kWide) {
    std::string message = ready ? ready->message : "";
    if (tmpl_name.size() && !tmpl) message = "template \"" + tmpl_name + "\" not found";
    row.insert(row.end(), {std::to_string(status.restarts), tmpl_name.empty() ? "<none>" : tmpl_name,
                           Joined(status.endpoints), message});
  }
  return row;
}

std::vector<std::string> TemplateRow(const specs::Object& o, const PrintOptions& options) {
  std::string provider = "<unset>";
  if (auto spec = specs::DecodeSandboxSpec(o.spec); spec.ok()) provider = spec->provider;
  return {o.metadata.name, provider, Age(o, options.now)};
}

}  // namespace

void PrintObjects(std::ostream& out, const std::string& kind,
                  const std::vector<specs::Object>& objects, int64_t resource_version,
                  const PrintOptions& options, const TemplateLookup& templates) {
  switch (options.format) {
    case OutputFormat::kJson:
      out << specs::ListToJson(kind, objects, resource_version, true) << "\n";
      return;
    case OutputFormat::kYaml:
      out << specs::ListToYaml(objects);
      return;
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
  bool sandbox = kind == specs::kKindSandbox;
  std::vector<std::vector<std::string>> rows;
  if (!options.no_headers) {
    rows.push_back(sandbox ? SandboxHeader(options)
                           : std::vector<std::string>{"NAME", "PROVIDER", "AGE"});
  }
  for (const auto& o : objects) {
    rows.push_back(sandbox ? SandboxRow(o, options, templates) : TemplateRow(o, options));
  }
  if (options.all_namespaces) {
    for (size_t i = 0; i < rows.size(); ++i) {
      bool header = i == 0 && !options.no_headers;
      size_t obj = options.no_headers ? i : i - 1;
      rows[i].insert(rows[i].begin(), header ? "NAMESPACE" : objects[obj].metadata.namespace_);
    }
  }
  return rows;
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
