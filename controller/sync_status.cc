#include "controller/sync_status.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sesame::controller {

using json = nlohmann::json;

namespace {

constexpr char kIndexSetting[] = "syncs";

std::string SettingFor(const std::string& applyset) { return "sync/" + applyset; }

Result<std::vector<std::string>> LoadIndex(store::Store& store) {
  auto text = store.GetSetting(kIndexSetting);
  if (!text.ok()) return text.status();
  std::vector<std::string> names;
  if (!text->has_value()) return names;
  json j = json::parse(**text, nullptr, false);
  if (!j.is_array()) return InternalError("the \"syncs\" setting is not a JSON array");
  for (const auto& n : j) {
    if (n.is_string()) names.push_back(n.get<std::string>());
  }
  return names;
}

}  // namespace

std::string SyncStatusToJson(const SyncStatus& s) {
  json j = {{"applyset", s.applyset}, {"repo", s.repo},         {"branch", s.branch},
            {"path", s.path},         {"revision", s.revision}, {"outcome", s.outcome},
            {"error", s.error},       {"failedRevision", s.failed_revision},
            {"failures", s.failures}, {"objects", s.objects}};
  if (s.applied_time != Time{}) j["appliedTime"] = FormatTime(s.applied_time);
  if (s.time != Time{}) j["time"] = FormatTime(s.time);
  return j.dump();
}

Result<SyncStatus> SyncStatusFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return InvalidError("a sync status is a JSON object");
  SyncStatus s;
  auto str = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
  auto num = [&](const char* key) { return j.contains(key) && j[key].is_number_integer() ? j[key].get<int>() : 0; };
  auto when = [&](const char* key) { return ParseTime(str(key)).value_or(Time{}); };
  s.applyset = str("applyset");
  s.repo = str("repo");
  s.branch = str("branch");
  s.path = str("path");
  s.revision = str("revision");
  s.applied_time = when("appliedTime");
  s.outcome = str("outcome");
  s.time = when("time");
  s.error = str("error");
  s.failed_revision = str("failedRevision");
  s.failures = num("failures");
  s.objects = num("objects");
  return s;
}

Status SaveSyncStatus(store::Store& store, const SyncStatus& s) {
  Status put = store.PutSetting(SettingFor(s.applyset), SyncStatusToJson(s));
  if (!put.ok()) return put;
  auto names = LoadIndex(store);
  if (!names.ok()) return names.status();
  if (std::find(names->begin(), names->end(), s.applyset) != names->end()) return Status::Ok();
  names->push_back(s.applyset);
  std::sort(names->begin(), names->end());
  return store.PutSetting(kIndexSetting, json(*names).dump());
}

Result<std::vector<SyncStatus>> ListSyncStatuses(store::Store& store) {
  auto names = LoadIndex(store);
  if (!names.ok()) return names.status();
  std::vector<SyncStatus> out;
  for (const auto& name : *names) {
    auto text = store.GetSetting(SettingFor(name));
    if (!text.ok()) return text.status();
    if (!text->has_value()) continue;
    auto s = SyncStatusFromJson(**text);
    if (s.ok()) out.push_back(std::move(s).value());
  }
  return out;
}

}  // namespace sesame::controller
