// SandboxQuota status: what the namespace's sandboxes use now.

#include <map>

#include "reconcilers/pool_reconciler.h"
#include "specs/codec.h"
#include "specs/pool.h"
#include "specs/quota_usage.h"

namespace sesame::reconcilers {

ReconcileOutcome PoolReconciler::ReconcileQuota(const specs::ObjectKey& key) {
  auto quota = store_.Get(key);
  if (!quota.ok()) {
    return {quota.status().code() == Code::kNotFound ? Status::Ok() : quota.status(), std::nullopt};
  }
  std::map<std::string, specs::Object> named;  // "Kind/name"
  for (const char* kind : {specs::kKindSandboxTemplate, specs::kKindSandboxPool}) {
    auto list = store_.List({kind, key.namespace_, {}});
    if (!list.ok()) return {list.status(), std::nullopt};
    for (auto& o : *list) named[std::string(kind) + "/" + o.metadata.name] = std::move(o);
  }
  specs::ObjectFinder find = [&](const std::string& kind, const std::string& name) -> const specs::Object* {
    auto it = named.find(kind + "/" + name);
    return it == named.end() ? nullptr : &it->second;
  };
  auto sandboxes = store_.List({specs::kKindSandbox, key.namespace_, {}});
  if (!sandboxes.ok()) return {sandboxes.status(), std::nullopt};
  std::string encoded = specs::EncodeQuotaStatus({specs::UsageOfObjects(*sandboxes, find)});
  if (encoded == quota->status) return {};
  specs::Object updated = *quota;
  updated.status = encoded;
  auto written = store_.UpdateStatus(updated);
  if (!written.ok() && written.status().code() == Code::kConflict) {
    return {UnavailableError(written.status().message()), std::nullopt};
  }
  if (!written.ok() && written.status().code() != Code::kNotFound) return {written.status(), std::nullopt};
  return {};
}

}  // namespace sesame::reconcilers
