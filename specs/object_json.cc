#include "specs/object_json.h"

namespace sesame::specs {

using nlohmann::json;

std::string TimeText(Time t) {
  auto ms = std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
  return FormatTime(t, ms % 1000 != 0);
}

json MetaToJson(const ObjectMeta& meta) {
  json out = json::object();
  out["name"] = meta.name;
  out["namespace"] = meta.namespace_;
  if (!meta.labels.empty()) out["labels"] = meta.labels;
  if (!meta.annotations.empty()) out["annotations"] = meta.annotations;
  if (!meta.uid.empty()) out["uid"] = meta.uid;
  if (meta.generation != 0) out["generation"] = meta.generation;
  if (meta.resource_version != 0) out["resourceVersion"] = std::to_string(meta.resource_version);
  if (meta.creation_timestamp) out["creationTimestamp"] = TimeText(*meta.creation_timestamp);
  if (meta.deletion_timestamp) out["deletionTimestamp"] = TimeText(*meta.deletion_timestamp);
  if (!meta.finalizers.empty()) out["finalizers"] = meta.finalizers;
  return out;
}

ObjectMeta MetaFromJson(const json& j) {
  ObjectMeta meta;
  meta.name = j.value("name", "");
  meta.namespace_ = j.value("namespace", kDefaultNamespace);
  if (j.contains("labels")) meta.labels = j["labels"].get<StringMap>();
  if (j.contains("annotations")) meta.annotations = j["annotations"].get<StringMap>();
  meta.uid = j.value("uid", "");
  meta.generation = j.value("generation", int64_t{0});
  if (j.contains("resourceVersion")) {
    const json& rv = j["resourceVersion"];
    meta.resource_version = rv.is_string() ? std::stoll(rv.get<std::string>()) : rv.get<int64_t>();
  }
  if (j.contains("creationTimestamp")) {
    meta.creation_timestamp = ParseTime(j["creationTimestamp"].get<std::string>());
  }
  if (j.contains("deletionTimestamp")) {
    meta.deletion_timestamp = ParseTime(j["deletionTimestamp"].get<std::string>());
  }
  if (j.contains("finalizers")) meta.finalizers = j["finalizers"].get<std::vector<std::string>>();
  return meta;
}

std::string CompactJson(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ParseJsonOrEmpty(std::string_view text) {
  json out = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return out.is_discarded() ? json::object() : out;
}

json ObjectToJsonValue(const Object& o) {
  json out = json::object();
  out["apiVersion"] = o.api_version;
  out["kind"] = o.kind;
  out["metadata"] = MetaToJson(o.metadata);
  out["spec"] = ParseJsonOrEmpty(o.spec);
  json status = ParseJsonOrEmpty(o.status);
  if (!status.empty()) out["status"] = std::move(status);
  return out;
}

}  // namespace sesame::specs
