#include "controller/api/console_rows.h"

#include <nlohmann/json.hpp>

#include "specs/status_vocabulary.h"

namespace sesame::controller::api {
namespace {

using nlohmann::json;

// Copies from[key] to to[key] when it is there.
void Copy(const json& from, json& to, const char* key) {
  if (auto it = from.find(key); it != from.end()) to[key] = *it;
}

const json& Member(const json& from, const char* key) {
  static const json kEmpty = json::object();
  auto it = from.find(key);
  return it != from.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace

void AppendConsoleRow(std::string_view object_json, std::string& out) {
  json o = json::parse(object_json, nullptr, false);
  if (!o.is_object()) {
    out.append(object_json);
    return;
  }
  const json& metadata = Member(o, "metadata");
  const json& spec = Member(o, "spec");
  const json& status = Member(o, "status");
  json row = {{"metadata", json::object()}, {"spec", json::object()}, {"status", json::object()}};
  for (const char* key : {"name", "namespace", "labels", "creationTimestamp", "deletionTimestamp"}) {
    Copy(metadata, row["metadata"], key);
  }
  for (const char* key : {"provider", "suspend"}) Copy(spec, row["spec"], key);
  json& s = row["status"];
  for (const char* key : {"phase", "expiresAt", "restarts"}) Copy(status, s, key);
  const json& ref = Member(status, "providerRef");
  if (auto provider = ref.find("provider"); provider != ref.end()) s["providerRef"] = {{"provider", *provider}};
  if (auto conditions = status.find("conditions"); conditions != status.end() && conditions->is_array()) {
    for (const json& c : *conditions) {
      const char* ready = specs::ToString(specs::ConditionType::kReady);
      if (c.is_object() && c.value("type", "") == ready) {
        s["conditions"] = json::array({{{"type", ready}, {"status", c.value("status", specs::kConditionUnknown)}}});
      }
    }
  }
  if (auto endpoints = status.find("endpoints"); endpoints != status.end() && endpoints->is_array()) {
    json& to = s["endpoints"] = json::array();
    for (const json& e : *endpoints) {
      if (!e.is_object()) continue;
      json endpoint = json::object();
      Copy(e, endpoint, "port");
      Copy(e, endpoint, "url");
      to.push_back(std::move(endpoint));
    }
  }
  out += row.dump();
}

}  // namespace sesame::controller::api
