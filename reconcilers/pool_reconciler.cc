#include "reconcilers/pool_reconciler.h"

#include <algorithm>
#include <random>

#include "reconcilers/object_event.h"
#include "reconcilers/status.h"
#include "specs/codec.h"
#include "specs/pool.h"
#include "specs/status_vocabulary.h"

namespace sesame::reconcilers {

namespace {

bool HasCondition(const specs::Object& o, const char* type, const char* value) {
  auto status = specs::DecodeSandboxStatus(o.status);
  if (!status.ok()) return false;
  const specs::Condition* c = status->FindCondition(type);
  return c != nullptr && c->status == value;
}

bool HasAnyCondition(const specs::Object& o, const char* type) {
  auto status = specs::DecodeSandboxStatus(o.status);
  return status.ok() && status->FindCondition(type) != nullptr;
}

bool Ready(const specs::Object& o) {
  return HasCondition(o, specs::ToString(specs::ConditionType::kReady), specs::kConditionTrue) &&
         !HasCondition(o, specs::ToString(specs::ConditionType::kRuntimeReady), specs::kConditionFalse);
}

// POOL-xxxxxxxx: random, so that a name freed by a claim is not reused for
// the next warm sandbox (its default workspace is named after it).
std::string WarmName(const std::string& pool) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string name = pool.substr(0, 54) + "-";
  for (int i = 0; i < 8; ++i) name += kAlphabet[random() % (sizeof kAlphabet - 1)];
  return name;
}

specs::Object WarmObject(const specs::ObjectKey& pool, const std::string& spec) {
  specs::Object o;
  o.kind = specs::kKindSandbox;
  o.metadata.namespace_ = pool.namespace_;
  o.metadata.name = WarmName(pool.name);
  o.metadata.labels[specs::kPoolLabel] = pool.name;
  o.spec = spec;
  return o;
}

}  // namespace

const std::vector<std::string>& PoolReconciler::Kinds() {
  static const std::vector<std::string> kinds = {specs::kKindSandboxPool, specs::kKindSandboxQuota};
  return kinds;
}

bool PoolReconciler::Handles(const std::string& kind) {
  return kind == specs::kKindSandboxPool || kind == specs::kKindSandboxQuota;
}

ReconcileOutcome PoolReconciler::Reconcile(const specs::ObjectKey& key) {
  return key.kind == specs::kKindSandboxPool ? ReconcilePool(key) : ReconcileQuota(key);
}

std::vector<specs::ObjectKey> PoolReconciler::Related(const specs::Object& changed) {
  std::vector<specs::ObjectKey> keys;
  const std::string& ns = changed.metadata.namespace_;
  if (changed.kind == specs::kKindSandbox) {
    auto label = changed.metadata.labels.find(specs::kPoolLabel);
    if (label != changed.metadata.labels.end()) keys.push_back({specs::kKindSandboxPool, ns, label->second});
    std::string pool = specs::PoolRefOf(changed.spec);
    if (!pool.empty()) keys.push_back({specs::kKindSandboxPool, ns, pool});
  }
  if (changed.kind == specs::kKindSandbox || changed.kind == specs::kKindSandboxTemplate ||
      changed.kind == specs::kKindSandboxPool) {
    auto quotas = store_.List({specs::kKindSandboxQuota, ns, {}});
    if (quotas.ok()) {
      for (const auto& q : *quotas) keys.push_back(specs::KeyOf(q));
    }
  }
  return keys;
}

ReconcileOutcome PoolReconciler::ReconcilePool(const specs::ObjectKey& key) {
  auto pool = store_.Get(key);
  bool gone = !pool.ok() && pool.status().code() == Code::kNotFound;
  if (!pool.ok() && !gone) return {pool.status(), std::nullopt};
  auto sandboxes = store_.List({specs::kKindSandbox, key.namespace_, {}});
  if (!sandboxes.ok()) return {sandboxes.status(), std::nullopt};
  std::vector<specs::Object> warm, claiming;
  for (auto& o : *sandboxes) {
    auto label = o.metadata.labels.find(specs::kPoolLabel);
    if (label != o.metadata.labels.end() && label->second == key.name) {
      if (!o.metadata.deletion_timestamp) warm.push_back(std::move(o));
    } else if (specs::PoolRefOf(o.spec) == key.name) {
      claiming.push_back(std::move(o));
    }
  }
  auto remove = [&](const specs::Object& o) -> Status {
    Status s = store_.Delete(specs::KeyOf(o), o.metadata.resource_version);
    return s.code() == Code::kNotFound || s.code() == Code::kConflict ? Status::Ok() : s;
  };
  if (gone || pool->metadata.deletion_timestamp) {
    // A deleted pool takes its warm sandboxes along; claimed ones stay.
    for (const auto& o : warm) {
      if (Status s = remove(o); !s.ok()) return {s, std::nullopt};
    }
    MutexLock lock(mutex_);
    figures_.erase(key.ToString());
    counted_.erase(key.ToString());
    return {};
  }
  auto spec = specs::DecodePoolSpec(pool->spec);
  if (!spec.ok()) return {Status(Code::kTerminal, spec.status().message()), std::nullopt};
  CountClaims(key, claiming);
  int64_t claimed = std::count_if(claiming.begin(), claiming.end(), [](const specs::Object& o) {
    return !o.metadata.deletion_timestamp && HasCondition(o, specs::kClaimedCondition, specs::kConditionTrue);
  });

  // Warm sandboxes of an older template go; the rest are kept up to the
  // wanted number, not-ready and newest first to go.
  const std::string warm_spec = specs::CanonicalJson(specs::WarmSpecJson(*spec));
  std::vector<specs::Object> good;
  for (auto& o : warm) {
    if (specs::CanonicalJson(o.spec) == warm_spec) {
      good.push_back(std::move(o));
    } else if (Status s = remove(o); !s.ok()) {
      return {s, std::nullopt};
    }
  }
  int64_t want = spec->replicas;
  if (spec->max_replicas) want = std::min(want, std::max<int64_t>(0, *spec->max_replicas - claimed));
  std::stable_sort(good.begin(), good.end(), [](const specs::Object& a, const specs::Object& b) {
    return Ready(a) > Ready(b);
  });
  while (static_cast<int64_t>(good.size()) > want) {
    if (Status s = remove(good.back()); !s.ok()) return {s, std::nullopt};
    good.pop_back();
  }
  std::optional<Millis> deferred = RefillDeferral(key, claiming);
  std::string refused;
  int64_t created = 0;
  for (int64_t n = static_cast<int64_t>(good.size()); n < want && !deferred; ++n) {
    auto applied = store_.Apply({WarmObject(key, warm_spec)}, {});
    if (!applied.ok() && applied.status().code() == Code::kPermissionDenied) {
      refused = applied.status().message();
      break;
    }
    if (!applied.ok()) return {applied.status(), std::nullopt};
    good.push_back(applied->front().object);
    ++created;
  }
  if (created > 0) {
    RecordEvent(*pool, false, specs::kPoolFilling, "created " + std::to_string(created) + " warm sandbox" +
                                             (created == 1 ? "" : "es"));
  }
  if (!refused.empty()) RecordEvent(*pool, true, specs::kQuotaExceeded, refused);

  int64_t ready = std::count_if(good.begin(), good.end(), Ready);
  auto old_status = specs::DecodePoolStatus(pool->status);
  specs::SandboxPoolStatus status = old_status.ok() ? *old_status : specs::SandboxPoolStatus{};
  status.warm = ready;
  status.claimed = claimed;
  status.observed_generation = pool->metadata.generation;
  Time now = clock_.Now();
  int64_t gen = pool->metadata.generation;
  std::string count = std::to_string(ready) + " of " + std::to_string(want) + " warm sandboxes ready";
  SetCondition(status.conditions,
               {specs::ToString(specs::ConditionType::kReady), specs::ConditionStatus(ready >= want),
                ready >= want ? specs::kPoolFilled : specs::kPoolFilling, count,
                std::nullopt, gen},
               now);
  if (refused.empty()) {
    std::erase_if(status.conditions, [](const specs::Condition& c) { return c.type == specs::kQuotaExceeded; });
  } else {
    SetCondition(status.conditions,
                 {specs::kQuotaExceeded, specs::kConditionTrue, specs::kQuotaExceeded, refused, std::nullopt, gen}, now);
  }
  {
    MutexLock lock(mutex_);
    figures_[key.ToString()] = {key.namespace_, key.name, ready, claimed, spec->replicas};
  }
  std::string encoded = specs::EncodePoolStatus(status);
  if (encoded != pool->status) {
    specs::Object updated = *pool;
    updated.status = encoded;
    auto written = store_.UpdateStatus(updated);
    if (!written.ok() && written.status().code() == Code::kConflict) {
      return {UnavailableError(written.status().message()), std::nullopt};
    }
    if (!written.ok() && written.status().code() != Code::kNotFound) return {written.status(), std::nullopt};
  }
  // A quota that refused may have room later (a sandbox deleted): its
  // change wakes the pool anyway, but look again in a while regardless.
  if (!refused.empty()) return {Status::Ok(), std::chrono::seconds(30)};
  return {Status::Ok(), deferred};
}

std::optional<Millis> PoolReconciler::RefillDeferral(const specs::ObjectKey& pool,
                                                     const std::vector<specs::Object>& claiming) {
  // Claimed in the store, but no reconcile has written its status yet.
  bool starting = std::any_of(claiming.begin(), claiming.end(), [](const specs::Object& o) {
    return !o.metadata.deletion_timestamp && HasCondition(o, specs::kClaimedCondition, specs::kConditionTrue) &&
           !HasAnyCondition(o, specs::ToString(specs::ConditionType::kReady));
  });
  MutexLock lock(mutex_);
  if (!starting) {
    deferred_since_.erase(pool.ToString());
    return std::nullopt;
  }
  Time now = clock_.Now();
  auto [since, fresh] = deferred_since_.try_emplace(pool.ToString(), now);
  auto waited = std::chrono::duration_cast<Millis>(now - since->second);
  if (waited >= kMaxRefillDeferral) {
    deferred_since_.erase(since);  // this pass refills
    return std::nullopt;
  }
  return kMaxRefillDeferral - waited;
}

void PoolReconciler::CountClaims(const specs::ObjectKey& pool, const std::vector<specs::Object>& claiming) {
  std::vector<std::pair<std::string, bool>> fresh;
  {
    MutexLock lock(mutex_);
    std::set<std::string>& seen = counted_[pool.ToString()];
    std::set<std::string> present;
    for (const auto& o : claiming) {
      present.insert(o.metadata.uid);
      if (seen.count(o.metadata.uid)) continue;
      bool claimed = HasCondition(o, specs::kClaimedCondition, specs::kConditionTrue);
      if (!claimed && !HasCondition(o, specs::kClaimedCondition, specs::kConditionFalse)) continue;
      seen.insert(o.metadata.uid);
      fresh.emplace_back(o.metadata.uid, claimed);
    }
    std::erase_if(seen, [&](const std::string& uid) { return !present.count(uid); });
  }
  if (!on_claim_) return;
  for (const auto& [uid, claimed] : fresh) on_claim_(pool.namespace_, pool.name, claimed ? "claimed" : "fallback");
}

std::vector<PoolFigures> PoolReconciler::Figures() const {
  MutexLock lock(mutex_);
  std::vector<PoolFigures> out;
  for (const auto& [key, f] : figures_) out.push_back(f);
  return out;
}

void PoolReconciler::RecordEvent(const specs::Object& object, bool warning, const std::string& reason,
                                 const std::string& message) {
  RecordObjectEvent(store_, object, warning, reason, message, clock_.Now());
}

}  // namespace sesame::reconcilers
