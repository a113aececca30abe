// Server-side printing: the Table kubectl asks for with
// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`.
#include "common/number.h"
#include "controller/api/kube_internal.h"
#include "specs/object_json.h"

namespace sesame::controller::api {

using nlohmann::json;

json TableOf(const KubeResource& resource, const std::vector<specs::Object>& objects,
             const std::string& include_object, const specs::TemplateFinder& templates) {
  const auto& columns = specs::ColumnsOf(resource.kind);
  json definitions = json::array();
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    definitions.push_back({{"name", c.name},
                           {"type", c.type},
                           {"format", i == 0 ? "name" : ""},
                           {"description", c.description},
                           {"priority", c.priority}});
  }
  json rows = json::array();
  Time now = Clock::Real().Now();
  for (const auto& o : objects) {
    json cells = json::array();
    std::vector<std::string> texts = specs::CellsOf(o, templates, now);
    for (size_t i = 0; i < texts.size(); ++i) {
      auto number = i < columns.size() && columns[i].type == "integer"
                        ? ParseInteger(texts[i], columns[i].name, 0)
                        : Result<int64_t>(InvalidError("text"));
      if (number.ok()) {
        cells.push_back(*number);
      } else {
        cells.push_back(texts[i]);
      }
    }
    json row = {{"cells", cells}};
    // kubectl takes -A's NAMESPACE and --show-labels' LABELS from the
    // row's object, and --sort-by asks for the whole object.
    if (include_object == "Object") {
      row["object"] = specs::ObjectToJsonValue(o);
    } else if (include_object != "None") {
      row["object"] = {{"kind", "PartialObjectMetadata"},
                       {"apiVersion", "meta.k8s.io/v1"},
                       {"metadata", specs::MetaToJson(o.metadata)}};
    }
    rows.push_back(std::move(row));
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", json::object()},
          {"columnDefinitions", definitions},
          {"rows", rows}};
}

}  // namespace sesame::controller::api
