#include "providers/docker/state_store.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sesame::providers::docker {
namespace {

namespace fs = std::filesystem;

bool SafeUid(const std::string& uid) {
  if (uid.empty() || uid.size() > 128 || uid[0] == '.') return false;
  for (char c : uid) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

StateStore::StateStore(std::string root) : root_(std::move(root)) {}

std::string StateStore::PathOf(const std::string& uid) const { return root_ + "/" + uid + ".json"; }

std::optional<ContainerRecord> StateStore::Load(const std::string& uid) const {
  if (root_.empty() || !SafeUid(uid)) return std::nullopt;
  std::ifstream in(PathOf(uid));
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  ContainerRecord r;
  r.container_id = j.value("containerId", "");
  if (j.contains("fieldHashes") && j["fieldHashes"].is_object()) {
    for (auto& [k, v] : j["fieldHashes"].items()) {
      if (v.is_string()) r.field_hashes[k] = v.get<std::string>();
    }
  }
  r.applied_resources = j.value("appliedResources", "");
  if (j.contains("lastActivity") && j["lastActivity"].is_string()) {
    r.last_activity = ParseTime(j["lastActivity"].get<std::string>());
  }
  if (j.contains("claimedBy") && j["claimedBy"].is_object()) {
    const auto& c = j["claimedBy"];
    r.claimed_by = specs::ObjectKey{c.value("kind", ""), c.value("namespace", ""), c.value("name", "")};
  }
  r.restarted = j.value("restarted", false);
  if (j.contains("previousRunAfter") && j["previousRunAfter"].is_number_integer()) {
    r.previous_run_after = j["previousRunAfter"].get<int64_t>();
  }
  if (j.contains("runLogEnd") && j["runLogEnd"].is_number_integer()) r.run_log_end = j["runLogEnd"].get<int64_t>();
  return r;
}

std::optional<ContainerRecord> StateStore::Get(const std::string& uid,
                                               const std::string& container_id) {
  MutexLock lock(mutex_);
  auto it = records_.find(uid);
  if (it == records_.end()) {
    std::optional<ContainerRecord> loaded = Load(uid);
    if (!loaded) return std::nullopt;
    it = records_.emplace(uid, *loaded).first;
  }
  if (it->second.container_id != container_id) return std::nullopt;
  return it->second;
}

Status StateStore::Put(const std::string& uid, const ContainerRecord& record) {
  MutexLock lock(mutex_);
  records_[uid] = record;
  if (root_.empty()) return Status::Ok();
  if (!SafeUid(uid)) return InvalidError("unusable uid for a state file: " + uid);
  nlohmann::json j = {{"containerId", record.container_id},
                      {"fieldHashes", record.field_hashes},
                      {"appliedResources", record.applied_resources}};
  if (record.last_activity) j["lastActivity"] = FormatTime(*record.last_activity, true);
  if (record.claimed_by) {
    j["claimedBy"] = {{"kind", record.claimed_by->kind},
                      {"namespace", record.claimed_by->namespace_},
                      {"name", record.claimed_by->name}};
  }
  if (record.restarted) j["restarted"] = true;
  if (record.previous_run_after) j["previousRunAfter"] = *record.previous_run_after;
  if (record.run_log_end) j["runLogEnd"] = *record.run_log_end;
  std::error_code ec;
  fs::create_directories(root_, ec);
  std::string tmp = PathOf(uid) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump() << "\n";
    if (!out) return InternalError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), PathOf(uid).c_str()) != 0) {
    return InternalError("cannot rename " + tmp);
  }
  return Status::Ok();
}

std::optional<specs::ObjectKey> StateStore::ClaimedBy(const std::string& uid) {
  MutexLock lock(mutex_);
  auto it = records_.find(uid);
  if (it != records_.end()) return it->second.claimed_by;
  std::optional<ContainerRecord> loaded = Load(uid);
  return loaded ? loaded->claimed_by : std::nullopt;
}

void StateStore::Remove(const std::string& uid) {
  MutexLock lock(mutex_);
  records_.erase(uid);
  if (root_.empty() || !SafeUid(uid)) return;
  std::error_code ec;
  fs::remove(PathOf(uid), ec);
}

}  // namespace sesame::providers::docker
