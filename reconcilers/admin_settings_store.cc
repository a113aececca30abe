#include "reconcilers/admin_settings_store.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace sesame::reconcilers {

using nlohmann::json;

std::string AdminSettingsToJson(const security::AdminSettings& s) {
  return json{{"enabled", s.enabled},
              {"allowedDomains", s.allowed_domains},
              {"deniedDomains", s.denied_domains},
              {"denyRead", s.deny_read}}
      .dump();
}

namespace {

Status ReadList(const json& j, const char* field, std::vector<std::string>& out) {
  if (!j.contains(field)) return Status::Ok();
  const json& list = j[field];
  if (!list.is_array()) return InvalidError(std::string(field) + ": expected a list of strings");
  out.clear();
  for (const auto& item : list) {
    if (!item.is_string()) return InvalidError(std::string(field) + ": expected a list of strings");
    out.push_back(item.get<std::string>());
  }
  return Status::Ok();
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

Result<security::AdminSettings> AdminSettingsFromJson(const std::string& text,
                                                      const security::AdminSettings& base) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidError("the settings must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "enabled" && key != "allowedDomains" && key != "deniedDomains" && key != "denyRead") {
      return InvalidError(key + ": unknown setting (use enabled, allowedDomains, deniedDomains, denyRead)");
    }
  }
  security::AdminSettings s = base;
  if (j.contains("enabled")) {
    if (!j["enabled"].is_boolean()) return InvalidError("enabled: expected true or false");
    s.enabled = j["enabled"].get<bool>();
  }
  SESAME_RETURN_IF_ERROR(ReadList(j, "allowedDomains", s.allowed_domains));
  SESAME_RETURN_IF_ERROR(ReadList(j, "deniedDomains", s.denied_domains));
  SESAME_RETURN_IF_ERROR(ReadList(j, "denyRead", s.deny_read));
  return s;
}

Status ApplyAdminSetting(const std::string& assignment, security::AdminSettings& s) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos) return InvalidError("\"" + assignment + "\": use KEY=VALUE");
  std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  if (key == "enabled") {
    if (value != "true" && value != "false") return InvalidError("enabled: use true or false");
    s.enabled = value == "true";
  } else if (key == "allowedDomains") {
    s.allowed_domains = SplitCommas(value);
  } else if (key == "deniedDomains") {
    s.denied_domains = SplitCommas(value);
  } else if (key == "denyRead") {
    s.deny_read = SplitCommas(value);
  } else {
    return InvalidError(key + ": unknown setting (use enabled, allowedDomains, deniedDomains, denyRead)");
  }
  return Status::Ok();
}

Result<security::AdminSettings> LoadAdminSettings(store::Store& store,
                                                  const security::AdminSettings& defaults) {
  auto stored = store.GetSetting(kSecuritySetting);
  if (!stored.ok()) return stored.status();
  if (!*stored) return defaults;
  return AdminSettingsFromJson(**stored, defaults);
}

Status SaveAdminSettings(store::Store& store, const security::AdminSettings& settings) {
  return store.PutSetting(kSecuritySetting, AdminSettingsToJson(settings));
}

Status ChangeAdminSettings(store::Store& store, const security::AdminSettings& before,
                           const security::AdminSettings& after, Time now) {
  SESAME_RETURN_IF_ERROR(SaveAdminSettings(store, after));
  if (before == after) return Status::Ok();
  bool turned_off = before.enabled && !after.enabled;
  auto sandboxes = store.List({specs::kKindSandbox, "", {}});
  if (!sandboxes.ok()) return sandboxes.status();
  for (const auto& o : *sandboxes) {
    store::Event e;
    e.object = specs::KeyOf(o);
    e.object_uid = o.metadata.uid;
    e.type = turned_off ? "Warning" : "Normal";
    e.reason = turned_off ? "SecurityDisabledByAdmin" : "SecuritySettingsChanged";
    e.message = turned_off ? "the admin turned OS-level sandbox security off; it applies when the sandbox "
                             "is next created or restarted"
                           : "the admin changed the sandbox-security settings: " + AdminSettingsToJson(after) +
                                 "; they apply when the sandbox is next created or restarted";
    e.first_timestamp = e.last_timestamp = now;
    SESAME_RETURN_IF_ERROR(store.RecordEvent(e));
  }
  return Status::Ok();
}

}  // namespace sesame::reconcilers
