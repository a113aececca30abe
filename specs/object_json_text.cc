#include "specs/object_json_text.h"

#include <chrono>

namespace sesame::specs {
namespace {

std::string TimeString(Time t) {
  auto ms = std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
  return FormatTime(t, ms % 1000 != 0);
}

bool Empty(std::string_view json) { return json.size() <= 2; }  // "{}", "[]" or ""

// Appends ,"key": before a value; `first` tracks the opening brace.
void Key(std::string& out, bool& first, std::string_view key) {
  if (!first) out.push_back(',');
  first = false;
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

}  // namespace

void AppendJsonText(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (u < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void AppendObjectJson(std::string& out, const ObjectJsonParts& p) {
  out.append("{\"apiVersion\":");
  AppendJsonText(out, p.api_version);
  out.append(",\"kind\":");
  AppendJsonText(out, p.kind);
  out.append(",\"metadata\":{");
  bool first = true;
  if (!Empty(p.annotations_json)) Key(out, first, "annotations"), out.append(p.annotations_json);
  if (p.creation_timestamp) Key(out, first, "creationTimestamp"), AppendJsonText(out, TimeString(*p.creation_timestamp));
  if (p.deletion_timestamp) Key(out, first, "deletionTimestamp"), AppendJsonText(out, TimeString(*p.deletion_timestamp));
  if (!Empty(p.finalizers_json)) Key(out, first, "finalizers"), out.append(p.finalizers_json);
  if (p.generation != 0) Key(out, first, "generation"), out.append(std::to_string(p.generation));
  if (!Empty(p.labels_json)) Key(out, first, "labels"), out.append(p.labels_json);
  Key(out, first, "name");
  AppendJsonText(out, p.name);
  Key(out, first, "namespace");
  AppendJsonText(out, p.namespace_);
  if (p.resource_version != 0) {
    Key(out, first, "resourceVersion");
    out.push_back('"');
    out.append(std::to_string(p.resource_version));
    out.push_back('"');
  }
  if (!p.uid.empty()) Key(out, first, "uid"), AppendJsonText(out, p.uid);
  out.append("},\"spec\":");
  out.append(p.spec_json.empty() ? std::string_view("{}") : p.spec_json);
  if (!Empty(p.status_json)) {
    out.append(",\"status\":");
    out.append(p.status_json);
  }
  out.push_back('}');
}

namespace {

void AppendMap(std::string& out, const StringMap& map) {
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : map) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonText(out, k);
    out.push_back(':');
    AppendJsonText(out, v);
  }
  out.push_back('}');
}

}  // namespace

void AppendObjectJson(std::string& out, const Object& o) {
  std::string labels, annotations, finalizers = "[";
  AppendMap(labels, o.metadata.labels);
  AppendMap(annotations, o.metadata.annotations);
  for (size_t i = 0; i < o.metadata.finalizers.size(); ++i) {
    if (i > 0) finalizers.push_back(',');
    AppendJsonText(finalizers, o.metadata.finalizers[i]);
  }
  finalizers.push_back(']');
  ObjectJsonParts p;
  p.api_version = o.api_version;
  p.kind = o.kind;
  p.name = o.metadata.name;
  p.namespace_ = o.metadata.namespace_;
  p.uid = o.metadata.uid;
  p.generation = o.metadata.generation;
  p.resource_version = o.metadata.resource_version;
  p.creation_timestamp = o.metadata.creation_timestamp;
  p.deletion_timestamp = o.metadata.deletion_timestamp;
  p.labels_json = labels;
  p.annotations_json = annotations;
  p.finalizers_json = finalizers;
  p.spec_json = o.spec;
  p.status_json = o.status;
  AppendObjectJson(out, p);
}

std::string ListJsonHead() { return std::string("{\"apiVersion\":\"") + kApiVersion + "\",\"items\":["; }

std::string ListJsonTail(const std::string& kind, int64_t resource_version) {
  bool is_list_kind = kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0;
  std::string out = "],\"kind\":";
  AppendJsonText(out, is_list_kind ? kind : kind + "List");
  out += ",\"metadata\":{\"resourceVersion\":\"" + std::to_string(resource_version) + "\"}}";
  return out;
}

}  // namespace sesame::specs
