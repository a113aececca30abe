// Whole objects and lists as JSON and YAML text.

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/object_json.h"
#include "specs/yaml_writer.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

std::string Dump(const json& j, bool pretty) {
  return j.dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string ObjectToJson(const Object& o, bool pretty) {
  return Dump(ObjectToJsonValue(o), pretty);
}

std::string ObjectToYaml(const Object& o) { return JsonToYaml(ObjectToJsonValue(o)); }

std::string ListToJson(const std::string& kind, const std::vector<Object>& items,
                       int64_t resource_version, bool pretty) {
  // Accept both the item kind ("Sandbox") and the list kind ("SandboxList").
  bool is_list_kind = kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0;
  json list = {{"apiVersion", kApiVersion},
               {"kind", is_list_kind ? kind : kind + "List"},
               {"metadata", {{"resourceVersion", std::to_string(resource_version)}}},
               {"items", json::array()}};
  for (const Object& o : items) list["items"].push_back(ObjectToJsonValue(o));
  return Dump(list, pretty);
}

std::string ListToYaml(const std::vector<Object>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += "---\n";
    out += ObjectToYaml(items[i]);
  }
  return out;
}

std::string SpecToYaml(std::string_view spec_json) {
  return JsonToYaml(ParseJsonOrEmpty(spec_json));
}

}  // namespace sesame::specs
