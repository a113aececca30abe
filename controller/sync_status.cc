#include "controller/sync_status.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/object_json.h"

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

Status SaveDirectorySync(store::Store& store, const std::string& applyset, const std::string& path,
                         bool recursive, const specs::GitSyncStatus& status) {
  specs::Object o;
  o.kind = kKindDirectorySync;
  o.metadata.name = applyset;
  o.spec = specs::CompactJson(json{{"path", path}, {"recursive", recursive}});
  o.status = specs::EncodeGitSyncStatus(status);
  Status put = store.PutSetting(SettingFor(applyset), specs::ObjectToJson(o, false));
  if (!put.ok()) return put;
  auto names = LoadIndex(store);
  if (!names.ok()) return names.status();
  if (std::find(names->begin(), names->end(), applyset) != names->end()) return Status::Ok();
  names->push_back(applyset);
  std::sort(names->begin(), names->end());
  return store.PutSetting(kIndexSetting, json(*names).dump());
}

Result<std::vector<specs::Object>> ListSyncs(store::Store& store, const std::string& ns) {
  auto objects = store.List({specs::kKindGitSync, ns, {}});
  if (!objects.ok()) return objects.status();
  std::vector<specs::Object> out = std::move(objects).value();
  if (!ns.empty() && ns != specs::kDefaultNamespace) return out;
  auto names = LoadIndex(store);
  if (!names.ok()) return names.status();
  for (const auto& name : *names) {
    auto text = store.GetSetting(SettingFor(name));
    if (!text.ok()) return text.status();
    if (!text->has_value()) continue;
    // Records of older versions (Git syncs before GitSync objects) are skipped.
    json j = json::parse(**text, nullptr, false);
    if (!j.is_object() || j.value("kind", "") != kKindDirectorySync) continue;
    specs::Object o;
    o.kind = kKindDirectorySync;
    o.metadata.name = name;
    o.spec = specs::CompactJson(j.value("spec", json::object()));
    o.status = specs::CompactJson(j.value("status", json::object()));
    out.push_back(std::move(o));
  }
  return out;
}

Result<int> RequestSync(store::Store& store, const std::string& ns, const std::string& name) {
  std::vector<specs::Object> targets;
  if (!name.empty()) {
    auto one = store.Get({specs::kKindGitSync, ns.empty() ? specs::kDefaultNamespace : ns, name});
    if (!one.ok()) {
      if (one.status().code() == Code::kNotFound) return NotFoundError("gitsync/" + name + " not found");
      return one.status();
    }
    targets.push_back(std::move(one).value());
  } else {
    auto all = store.List({specs::kKindGitSync, ns, {}});
    if (!all.ok()) return all.status();
    targets = std::move(all).value();
  }
  std::string now = FormatTime(Clock::Real().Now(), true);
  for (auto& o : targets) {
    // A conflict means someone wrote it meanwhile: read it again, once.
    for (int attempt = 0; attempt < 2; ++attempt) {
      o.metadata.annotations[specs::kSyncRequestedAnnotation] = now;
      auto updated = store.Update(o);
      if (updated.ok()) break;
      if (updated.status().code() != Code::kConflict || attempt == 1) return updated.status();
      auto again = store.Get(specs::KeyOf(o));
      if (!again.ok()) return again.status();
      o = std::move(again).value();
    }
  }
  return static_cast<int>(targets.size());
}

}  // namespace sesame::controller
