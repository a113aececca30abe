// SandboxQuota admission: every write that can add sandboxes or grow their
// resources (Apply, Update) measures the namespace's usage before and after
// its changes, inside its own transaction, and fails as a whole with
// kPermissionDenied when a quota would be exceeded. Warm sandboxes of pools
// are Sandbox objects and count like any other, so a pool cannot fill past
// the quota either.

#include <map>
#include <set>

#include "specs/codec.h"
#include "specs/quota_usage.h"
#include "store/object_row.h"
#include "store/sqlite_store.h"

namespace sesame::store {

Result<specs::QuotaAmounts> SqliteStore::UsageUnlocked(const std::string& namespace_) {
  Result<std::vector<Object>> sandboxes = ListUnlocked({specs::kKindSandbox, namespace_});
  if (!sandboxes.ok()) return sandboxes.status();
  std::map<std::pair<std::string, std::string>, std::optional<Object>> named;
  Status failure;
  specs::ObjectFinder find = [&](const std::string& kind, const std::string& name) -> const Object* {
    auto [it, fresh] = named.try_emplace({kind, name});
    if (fresh) {
      mutex_.AssertHeld();  // called only within UsageOfObjects below
      Result<std::optional<Object>> o = ReadObject({kind, namespace_, name});
      if (o.ok()) it->second = std::move(*o);
      else failure = o.status();
    }
    return it->second ? &*it->second : nullptr;
  };
  specs::QuotaAmounts used = specs::UsageOfObjects(*sandboxes, find);
  if (!failure.ok()) return failure;
  return used;
}

Result<SqliteStore::QuotaBaseline> SqliteStore::BeginQuotaCheck(const std::vector<Object>& objects) {
  QuotaBaseline baseline;
  std::set<std::string> namespaces;
  for (const Object& o : objects) namespaces.insert(o.metadata.namespace_);
  for (const std::string& ns : namespaces) {
    if (ns.empty()) continue;  // no quota applies (an empty namespace would list all of them)
    bool incoming = false;
    for (const Object& o : objects) {
      incoming |= o.kind == specs::kKindSandboxQuota && o.metadata.namespace_ == ns;
    }
    if (!incoming) {
      Result<std::vector<Object>> quotas = ListUnlocked({specs::kKindSandboxQuota, ns});
      if (!quotas.ok()) return quotas.status();
      if (quotas->empty()) continue;
    }
    Result<specs::QuotaAmounts> used = UsageUnlocked(ns);
    if (!used.ok()) return used.status();
    baseline[ns] = std::move(*used);
  }
  return baseline;
}

Status SqliteStore::FinishQuotaCheck(const QuotaBaseline& baseline) {
  for (const auto& [ns, before] : baseline) {
    Result<std::vector<Object>> quotas = ListUnlocked({specs::kKindSandboxQuota, ns});
    if (!quotas.ok()) return quotas.status();
    if (quotas->empty()) continue;
    Result<specs::QuotaAmounts> after = UsageUnlocked(ns);
    if (!after.ok()) return after.status();
    for (const Object& quota : *quotas) {
      Result<specs::QuotaAmounts> hard = specs::DecodeQuotaHard(quota.spec);
      if (!hard.ok()) continue;  // validated on the way in; an unreadable one limits nothing
      std::vector<std::string> exceeded = specs::ExceededAmounts(*hard, before, *after);
      if (exceeded.empty()) continue;
      std::string list;
      for (const std::string& e : exceeded) list += (list.empty() ? "" : "; ") + e;
      return Status(Code::kPermissionDenied, "exceeded quota " + DisplayName(specs::KeyOf(quota)) +
                                                 ": " + list + "; nothing was changed")
          .WithReason("QuotaExceeded");
    }
  }
  return Status::Ok();
}

}  // namespace sesame::store
