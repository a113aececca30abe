#include "cli/manifest_sync.h"

#include <set>

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/gitsync.h"
#include "specs/object_json.h"
#include "specs/status_vocabulary.h"

namespace sesame::cli {

namespace {

using nlohmann::json;

// What apply writes of an object, and whether it is being deleted.
std::string Fingerprint(const specs::Object& o) {
  json j = {{"labels", o.metadata.labels},
            {"annotations", o.metadata.annotations},
            {"spec", specs::ParseJsonOrEmpty(o.spec)},
            {"deleting", o.metadata.deletion_timestamp.has_value()}};
  return j.dump();
}

void DiffJson(const json& a, const json& b, const std::string& path, std::vector<std::string>* out) {
  if (a == b) return;
  if (!a.is_object() || !b.is_object()) {
    out->push_back(path);
    return;
  }
  std::set<std::string> keys;
  for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
  for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
  for (const auto& k : keys) {
    static const json kAbsent;
    const json& x = a.contains(k) ? a[k] : kAbsent;
    const json& y = b.contains(k) ? b[k] : kAbsent;
    DiffJson(x, y, path + "." + k, out);
  }
}

std::string Display(const specs::ObjectKey& key) { return specs::ResourceName(key.kind) + "/" + key.name; }

}  // namespace

ManifestSync::ManifestSync(store::Store& store, ManifestSyncOptions options,
                           std::function<void(const std::string&)> report, std::function<void()> on_applied)
    : store_(store), options_(std::move(options)), report_(std::move(report)), on_applied_(std::move(on_applied)) {}

std::vector<std::string> ManifestSync::ChangedFields(const specs::Object& live, const specs::Object& desired) {
  std::vector<std::string> out;
  DiffJson(json(live.metadata.labels), json(desired.metadata.labels), "metadata.labels", &out);
  DiffJson(json(live.metadata.annotations), json(desired.metadata.annotations), "metadata.annotations", &out);
  DiffJson(specs::ParseJsonOrEmpty(live.spec), specs::ParseJsonOrEmpty(desired.spec), "spec", &out);
  return out;
}

Status ManifestSync::Apply(const char* why) {
  // Objects being deleted cannot be applied; they come back once gone.
  std::vector<specs::Object> now;
  for (const auto& o : desired_) {
    auto live = store_.Get(specs::KeyOf(o));
    if (live.ok() && live->metadata.deletion_timestamp) continue;
    now.push_back(o);
  }
  store::ApplyOptions apply;
  apply.prune = options_.prune;
  apply.applyset = options_.applyset;
  auto outcomes = store_.Apply(now, apply);
  if (!outcomes.ok()) return Status(outcomes.status().code(), "apply: " + outcomes.status().message());
  bool wrote = false;
  for (const auto& o : *outcomes) {
    if (o.action != store::ApplyAction::kPruned) applied_[o.key] = Fingerprint(o.object);
    if (o.action == store::ApplyAction::kUnchanged) continue;
    wrote = true;
    report_(Display(o.key) + " " + store::ToString(o.action) + why);
  }
  if (wrote && on_applied_) on_applied_();
  return Status::Ok();
}

Status ManifestSync::ApplySource(std::vector<specs::Object> desired, specs::GitSyncStatus* status) {
  desired_ = std::move(desired);
  applied_.clear();
  has_source_ = true;
  Status applied = Apply("");
  if (!applied.ok()) return applied;
  status->phase = specs::kSyncSynced;
  status->message.clear();
  status->out_of_sync.clear();
  status->objects = static_cast<int>(desired_.size());
  return Status::Ok();
}

Result<std::vector<specs::OutOfSyncObject>> ManifestSync::FindDrift() {
  std::vector<specs::OutOfSyncObject> drift;
  std::vector<specs::Object> comparable;
  std::map<specs::ObjectKey, specs::Object> live;
  for (const auto& o : desired_) {
    auto got = store_.Get(specs::KeyOf(o));
    if (got.ok() && got->metadata.deletion_timestamp) {
      drift.push_back({o.kind, o.metadata.namespace_, o.metadata.name, specs::kDriftDeleting, {}});
      continue;
    }
    if (got.ok()) live[specs::KeyOf(o)] = *got;
    comparable.push_back(o);
  }
  store::ApplyOptions apply;
  apply.dry_run = true;
  apply.prune = options_.prune;
  apply.applyset = options_.applyset;
  auto outcomes = store_.Apply(comparable, apply);
  if (!outcomes.ok()) return outcomes.status();
  for (const auto& o : *outcomes) {
    specs::OutOfSyncObject item{o.key.kind, o.key.namespace_, o.key.name, "", {}};
    switch (o.action) {
      case store::ApplyAction::kUnchanged: continue;
      case store::ApplyAction::kCreated: item.reason = specs::kDriftMissing; break;
      case store::ApplyAction::kPruned: item.reason = specs::kDriftExtra; break;
      case store::ApplyAction::kConfigured:
        item.reason = specs::kDriftModified;
        if (live.count(o.key)) item.fields = ChangedFields(live[o.key], o.object);
        break;
    }
    drift.push_back(std::move(item));
  }
  return drift;
}

Status ManifestSync::CheckDrift(specs::GitSyncStatus* status,
                                const std::function<void(const specs::GitSyncStatus&)>& record) {
  if (!has_source_) return Status::Ok();
  auto drift = FindDrift();
  if (!drift.ok()) return drift.status();
  if (drift->empty()) {
    status->phase = specs::kSyncSynced;
    status->message.clear();
    status->out_of_sync.clear();
    return Status::Ok();
  }
  status->phase = specs::kSyncOutOfSync;
  status->out_of_sync = *drift;
  status->message = std::to_string(drift->size()) + (drift->size() == 1 ? " object differs" : " objects differ") +
                    " from the source" + (options_.self_heal ? "; healing" : " (self-heal is off)");
  for (const auto& item : *drift) report_("out of sync: " + specs::DescribeOutOfSync({item}));
  if (record) record(*status);
  if (!options_.self_heal) return Status::Ok();
  Status healed = Apply(" (self-heal)");
  if (!healed.ok()) return healed;
  // Objects being deleted stay out of sync until they are gone.
  std::vector<specs::OutOfSyncObject> left;
  for (const auto& o : *drift) {
    if (o.reason == specs::kDriftDeleting) left.push_back(o);
  }
  status->out_of_sync = left;
  status->phase = left.empty() ? specs::kSyncSynced : specs::kSyncOutOfSync;
  status->message = left.empty() ? "" : specs::DescribeOutOfSync(left);
  return Status::Ok();
}

bool ManifestSync::Concerns(const store::WatchEvent& change) const {
  specs::ObjectKey key = specs::KeyOf(change.object);
  auto it = applied_.find(key);
  if (it != applied_.end()) {
    return change.type == store::WatchType::kDeleted || Fingerprint(change.object) != it->second;
  }
  auto a = change.object.metadata.annotations.find(specs::kApplysetAnnotation);
  bool ours = a != change.object.metadata.annotations.end() && a->second == options_.applyset;
  bool wanted = false;
  for (const auto& o : desired_) wanted = wanted || specs::KeyOf(o) == key;
  // An object of the source (not applied: being deleted then) or one that
  // joined the applyset without being in it.
  return wanted || (ours && options_.prune && change.type != store::WatchType::kDeleted);
}

bool ManifestSync::ConcernsHealth(const store::WatchEvent& change) const {
  return change.object.kind == specs::kKindSandbox && applied_.count(specs::KeyOf(change.object)) > 0;
}

std::string ManifestSync::Health() {
  if (!has_source_) return specs::kSyncHealthUnknown;
  bool progressing = false;
  for (const auto& o : desired_) {
    if (o.kind != specs::kKindSandbox) continue;
    auto live = store_.Get(specs::KeyOf(o));
    if (!live.ok()) {
      progressing = true;
      continue;
    }
    auto status = specs::DecodeSandboxStatus(live->status);
    if (!status.ok()) continue;
    if (status->phase == specs::Phase::kFailed) return specs::kSyncDegraded;
    const specs::Condition* ready = status->FindCondition(specs::ConditionType::kReady);
    bool done = status->phase == specs::Phase::kSucceeded || status->phase == specs::Phase::kSuspended;
    if (!done && (ready == nullptr || ready->status != specs::kConditionTrue)) progressing = true;
  }
  return progressing ? specs::kSyncProgressing : specs::kSyncHealthy;
}

}  // namespace sesame::cli
