// SandboxPool and SandboxQuota <-> JSON, and what a warm sandbox is made of.

#include "specs/pool.h"

#include <set>

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/object_json.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

// Runs a decoder, turning every exception into an Invalid status.
template <typename T, typename F>
Result<T> DecodeText(std::string_view text, const char* what, F decode) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidError(std::string(what) + " is not a JSON object");
  try {
    return decode(j);
  } catch (const std::exception& e) {
    return InvalidError(std::string(what) + ": " + e.what());
  }
}

json ConditionsToJson(const std::vector<Condition>& conditions) {
  json out = json::array();
  for (const Condition& c : conditions) {
    json j = {{"type", c.type},     {"status", c.status},
              {"reason", c.reason}, {"message", c.message},
              {"observedGeneration", c.observed_generation}};
    if (c.last_transition_time) j["lastTransitionTime"] = TimeText(*c.last_transition_time);
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<Condition> ConditionsFromJson(const json& list) {
  std::vector<Condition> out;
  if (!list.is_array()) return out;
  for (const json& j : list) {
    Condition c;
    c.type = j.value("type", "");
    c.status = j.value("status", "");
    c.reason = j.value("reason", "");
    c.message = j.value("message", "");
    c.observed_generation = j.value("observedGeneration", int64_t{0});
    if (j.contains("lastTransitionTime") && j["lastTransitionTime"].is_string()) {
      c.last_transition_time = ParseTime(j["lastTransitionTime"].get<std::string>());
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<Quantity> QuantityOf(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  std::string text = j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
  Result<Quantity> q = ParseQuantity(text);
  if (!q.ok()) throw std::runtime_error(std::string(key) + ": " + q.status().message());
  return *q;
}

QuotaAmounts AmountsFromJson(const json& j) {
  QuotaAmounts a;
  if (!j.is_object()) return a;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "sandboxes") {
      a.sandboxes = it->get<int64_t>();
    } else if (key.rfind("sandboxes.", 0) == 0) {
      a.sandboxes_by_provider[key.substr(10)] = it->get<int64_t>();
    } else if (key == "pids") {
      a.pids = it->get<int64_t>();
    }
  }
  a.cpu = QuantityOf(j, "cpu");
  a.memory = QuantityOf(j, "memory");
  return a;
}

json AmountsToJson(const QuotaAmounts& a) {
  json j = json::object();
  if (a.sandboxes) j["sandboxes"] = *a.sandboxes;
  for (const auto& [provider, n] : a.sandboxes_by_provider) j["sandboxes." + provider] = n;
  if (a.cpu) j["cpu"] = a.cpu->text;
  if (a.memory) j["memory"] = a.memory->text;
  if (a.pids) j["pids"] = *a.pids;
  return j;
}

}  // namespace

Result<SandboxPoolSpec> DecodePoolSpec(std::string_view spec_json) {
  return DecodeText<SandboxPoolSpec>(spec_json, "pool spec", [](const json& j) {
    SandboxPoolSpec s;
    s.replicas = j.value("replicas", int64_t{0});
    if (j.contains("maxReplicas") && !j["maxReplicas"].is_null()) {
      s.max_replicas = j["maxReplicas"].get<int64_t>();
    }
    if (j.contains("template") && j["template"].is_object()) s.template_spec = CompactJson(j["template"]);
    s.template_ref = j.value("templateRef", "");
    return s;
  });
}

Result<SandboxPoolStatus> DecodePoolStatus(std::string_view status_json) {
  return DecodeText<SandboxPoolStatus>(status_json, "pool status", [](const json& j) {
    SandboxPoolStatus s;
    s.warm = j.value("warm", int64_t{0});
    s.claimed = j.value("claimed", int64_t{0});
    s.observed_generation = j.value("observedGeneration", int64_t{0});
    s.conditions = ConditionsFromJson(j.value("conditions", json::array()));
    return s;
  });
}

std::string EncodePoolStatus(const SandboxPoolStatus& s) {
  json j = {{"warm", s.warm},
            {"claimed", s.claimed},
            {"observedGeneration", s.observed_generation},
            {"conditions", ConditionsToJson(s.conditions)}};
  return CompactJson(j);
}

Result<QuotaAmounts> DecodeQuotaHard(std::string_view spec_json) {
  return DecodeText<QuotaAmounts>(spec_json, "quota spec",
                                  [](const json& j) { return AmountsFromJson(j.value("hard", json::object())); });
}

Result<SandboxQuotaStatus> DecodeQuotaStatus(std::string_view status_json) {
  return DecodeText<SandboxQuotaStatus>(status_json, "quota status", [](const json& j) {
    return SandboxQuotaStatus{AmountsFromJson(j.value("used", json::object()))};
  });
}

std::string EncodeQuotaStatus(const SandboxQuotaStatus& status) {
  return CompactJson(json{{"used", AmountsToJson(status.used)}});
}

std::string WarmSpecJson(const SandboxPoolSpec& pool) {
  json spec = ParseJsonOrEmpty(pool.template_spec);
  if (!spec.is_object()) spec = json::object();
  if (!pool.template_ref.empty()) spec["templateRef"] = pool.template_ref;
  return CompactJson(spec);
}

std::string PoolTemplateJson(const SandboxPoolSpec& pool, const Object* tmpl) {
  if (tmpl == nullptr) return pool.template_spec;
  return MergeSpecJson(tmpl->spec, pool.template_spec);
}

std::string IncompatibleWithPool(std::string_view own_spec, std::string_view pool_template) {
  static const std::set<std::string> kPerClaim = {"poolRef", "command", "env", "lifetime"};
  json own = ParseJsonOrEmpty(own_spec);
  json base = ParseJsonOrEmpty(pool_template);
  if (!own.is_object()) return "";
  std::string fields;
  for (auto it = own.begin(); it != own.end(); ++it) {
    if (kPerClaim.count(it.key())) continue;
    if (base.is_object() && base.contains(it.key()) && base[it.key()] == *it) continue;
    fields += (fields.empty() ? "" : ", ") + it.key();
  }
  if (fields.empty()) return "";
  return "spec sets " + fields +
         " differently from the pool's template (a claim may set only command, env and lifetime)";
}

std::string PoolRefOf(std::string_view own_spec) {
  // Most sandboxes have no pool: skip parsing them.
  if (own_spec.find("\"poolRef\"") == std::string_view::npos) return "";
  json j = ParseJsonOrEmpty(own_spec);
  if (!j.is_object() || !j.contains("poolRef") || !j["poolRef"].is_string()) return "";
  return j["poolRef"].get<std::string>();
}

}  // namespace sesame::specs
