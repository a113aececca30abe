#include "reconcilers/pool_claims.h"

#include "reconcilers/object_event.h"
#include "reconcilers/plan.h"
#include "specs/codec.h"
#include "specs/pool.h"
#include "specs/quota_usage.h"
#include "specs/status_vocabulary.h"

namespace sesame::reconcilers {

Result<specs::Sandbox> ResolvePooledSandbox(store::Store& store, const specs::Object& object,
                                            specs::Sandbox own) {
  std::map<std::string, std::optional<specs::Object>> found;
  Status failure;
  specs::ObjectFinder find = [&](const std::string& kind, const std::string& name) -> const specs::Object* {
    auto [it, fresh] = found.try_emplace(kind + "/" + name);
    if (fresh) {
      auto o = store.Get({kind, object.metadata.namespace_, name});
      if (o.ok()) it->second = std::move(*o);
      else if (o.status().code() != Code::kNotFound) failure = o.status();
    }
    return it->second ? &*it->second : nullptr;
  };
  Result<std::string> effective = specs::EffectiveSpecJson(object, find);
  if (!failure.ok()) return failure;
  if (!effective.ok()) {
    if (object.metadata.deletion_timestamp) return own;
    return effective.status();
  }
  auto spec = specs::DecodeSandboxSpec(*effective);
  if (!spec.ok()) return spec.status();
  own.spec = std::move(*spec);
  return own;
}

int64_t PoolVersion(store::Store& store, const specs::Object& object, const std::string& pool_ref) {
  // A sandbox made with its pool's template recorded does not follow the pool.
  if (pool_ref.empty() || object.metadata.annotations.count(specs::kPoolTemplateAnnotation)) return 0;
  const std::string& namespace_ = object.metadata.namespace_;
  auto pool = store.Get({specs::kKindSandboxPool, namespace_, pool_ref});
  if (!pool.ok()) return 0;
  int64_t version = pool->metadata.resource_version;
  auto spec = specs::DecodePoolSpec(pool->spec);
  if (spec.ok() && !spec->template_ref.empty()) {
    auto tmpl = store.Get({specs::kKindSandboxTemplate, namespace_, spec->template_ref});
    if (tmpl.ok()) version += tmpl->metadata.resource_version;
  }
  return version;
}

std::map<std::string, std::string> WithWarmMarker(const specs::Object& object,
                                                  std::map<std::string, std::string> hashes) {
  auto pool = object.metadata.labels.find(specs::kPoolLabel);
  if (pool != object.metadata.labels.end()) hashes[kWarmHash] = pool->second;
  return hashes;
}

void RecordClaimEvent(store::Store& store, const specs::Object& object,
                      const specs::SandboxStatus& status, Time now) {
  const specs::Condition* claimed = status.FindCondition(specs::kClaimedCondition);
  if (claimed == nullptr) return;
  RecordObjectEvent(store, object, claimed->status != specs::kConditionTrue, claimed->reason, claimed->message, now);
}

Result<bool> ClaimedUids::OwnedByAnotherKey(const std::string& uid) {
  if (!uids_) {
    auto all = store_.List({specs::kKindSandbox, "", {}});
    if (!all.ok()) return all.status();
    uids_.emplace();
    for (const auto& o : *all) uids_->insert(o.metadata.uid);
  }
  return uids_->count(uid) > 0;
}

}  // namespace sesame::reconcilers
