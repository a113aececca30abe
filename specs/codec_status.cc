// SandboxStatus <-> JSON.

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/object_json.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

std::optional<Time> TimeOf(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  std::string text = j.at(key).get<std::string>();
  auto t = ParseTime(text);
  if (!t) throw std::runtime_error(std::string(key) + ": \"" + text + "\" is not a time");
  return t;
}

Condition DecodeCondition(const json& j) {
  Condition c;
  c.type = j.value("type", "");
  c.status = j.value("status", "");
  c.reason = j.value("reason", "");
  c.message = j.value("message", "");
  c.last_transition_time = TimeOf(j, "lastTransitionTime");
  c.observed_generation = j.value("observedGeneration", int64_t{0});
  return c;
}

json EncodeCondition(const Condition& c) {
  json j = {{"type", c.type},       {"status", c.status},
            {"reason", c.reason},   {"message", c.message},
            {"observedGeneration", c.observed_generation}};
  if (c.last_transition_time) j["lastTransitionTime"] = TimeText(*c.last_transition_time);
  return j;
}

SandboxStatus DecodeStatusJson(const json& j) {
  SandboxStatus s;
  if (!j.is_object()) throw std::runtime_error("the status is not an object");
  // A phase this version does not know (a newer controller wrote it) reads
  // as Pending: the next reconcile writes the phase again.
  s.phase = ParsePhase(j.value("phase", "Pending")).value_or(Phase::kPending);
  s.observed_generation = j.value("observedGeneration", int64_t{0});
  if (j.contains("providerRef") && j["providerRef"].is_object()) {
    const json& ref = j["providerRef"];
    s.provider_ref = ProviderRef{ref.value("provider", ""), ref.value("id", "")};
  }
  for (const json& c : j.value("conditions", json::array())) {
    s.conditions.push_back(DecodeCondition(c));
  }
  for (const json& e : j.value("endpoints", json::array())) {
    s.endpoints.push_back({e.value("port", 0), e.value("url", "")});
  }
  s.started_at = TimeOf(j, "startedAt");
  s.expires_at = TimeOf(j, "expiresAt");
  if (j.contains("exitCode") && !j["exitCode"].is_null()) s.exit_code = j["exitCode"].get<int>();
  s.restarts = j.value("restarts", 0);
  s.restarted_at = j.value("restartedAt", "");
  return s;
}

}  // namespace

Result<SandboxStatus> DecodeSandboxStatus(std::string_view status_json) {
  json j = json::parse(status_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidError("status is not valid JSON");
  try {
    return DecodeStatusJson(j);
  } catch (const std::exception& e) {
    return InvalidError(std::string("status: ") + e.what());
  }
}

std::string EncodeSandboxStatus(const SandboxStatus& s) {
  json j = {{"phase", ToString(s.phase)}, {"observedGeneration", s.observed_generation},
            {"restarts", s.restarts}};
  if (s.provider_ref) {
    j["providerRef"] = {{"provider", s.provider_ref->provider}, {"id", s.provider_ref->id}};
  }
  if (!s.conditions.empty()) {
    j["conditions"] = json::array();
    for (const Condition& c : s.conditions) j["conditions"].push_back(EncodeCondition(c));
  }
  if (!s.endpoints.empty()) {
    j["endpoints"] = json::array();
    for (const Endpoint& e : s.endpoints) j["endpoints"].push_back({{"port", e.port}, {"url", e.url}});
  }
  if (s.started_at) j["startedAt"] = TimeText(*s.started_at);
  if (s.expires_at) j["expiresAt"] = TimeText(*s.expires_at);
  if (s.exit_code) j["exitCode"] = *s.exit_code;
  if (!s.restarted_at.empty()) j["restartedAt"] = s.restarted_at;
  return CompactJson(j);
}

}  // namespace sesame::specs
