// Claiming a warm sandbox of a SandboxPool, inside the transaction that
// creates the claiming Sandbox: the new object takes the warm object's uid,
// and with it the provider resource that carries that uid, and the warm
// object's row is removed. Both happen in one SQLite transaction, so a warm
// sandbox is never given to two claims and, after a crash at any moment,
// exactly one object owns each resource: adoption by uid stays unambiguous.

#include <string.h>

#include "specs/codec.h"
#include "specs/object_json.h"
#include "specs/pool.h"
#include "store/sqlite_store.h"

namespace sesame::store {
namespace {

bool ReadyForClaim(const Object& warm) {
  Result<specs::SandboxStatus> status = specs::DecodeSandboxStatus(warm.status);
  if (!status.ok()) return false;
  const specs::Condition* ready = status->FindCondition("Ready");
  const specs::Condition* runtime = status->FindCondition("RuntimeReady");
  return ready != nullptr && ready->status == "True" && (runtime == nullptr || runtime->status == "True");
}

std::string ClaimedStatus(bool claimed, const std::string& reason, const std::string& message, Time now) {
  specs::SandboxStatus status;
  status.conditions.push_back({specs::kClaimedCondition, claimed ? "True" : "False", reason, message, now, 1});
  return specs::EncodeSandboxStatus(status);
}

}  // namespace

Result<std::vector<std::string>> SqliteStore::WarmCandidates(const std::string& namespace_,
                                                            const std::string& pool) {
  // Labels are stored as compact JSON with sorted keys; pool names are
  // DNS labels, so they hold no LIKE wildcards.
  Result<StatementRef> stmt = db_->Prepare(
      "SELECT name FROM objects WHERE kind = 'Sandbox' AND namespace = ?1 AND deletion_ts IS NULL "
      "AND labels LIKE ?2 ORDER BY creation_ts, name");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, namespace_);
  (*stmt)->Bind(2, std::string("%\"") + specs::kPoolLabel + "\":\"" + pool + "\"%");
  std::vector<std::string> names;
  for (;;) {
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    names.push_back((*stmt)->Text(0));
  }
  return names;
}

Status SqliteStore::ClaimWarm(Object& created, Versions& v) {
  // Most sandboxes name no pool. memmem finds that out several times faster
  // than string_view::find, which stops at every quote of the spec; it
  // showed in the profile of a 10,000-object apply.
  if (memmem(created.spec.data(), created.spec.size(), "\"poolRef\"", 9) == nullptr) {
    return Status::Ok();
  }
  std::string pool_name = specs::PoolRefOf(created.spec);
  if (pool_name.empty()) return Status::Ok();
  const std::string& ns = created.metadata.namespace_;
  Time now = created.metadata.creation_timestamp.value_or(clock_.Now());
  auto fallback = [&](const std::string& reason, const std::string& message) {
    created.status = ClaimedStatus(false, reason, message, now);
    return Status::Ok();
  };
  Result<std::optional<Object>> pool = ReadObject({specs::kKindSandboxPool, ns, pool_name});
  if (!pool.ok()) return pool.status();
  if (!*pool || (*pool)->metadata.deletion_timestamp) {
    return fallback("PoolNotFound", "pool \"" + pool_name + "\" not found in namespace " + ns);
  }
  Result<specs::SandboxPoolSpec> spec = specs::DecodePoolSpec((*pool)->spec);
  if (!spec.ok()) return fallback("PoolEmpty", spec.status().message());
  std::optional<Object> tmpl;
  if (!spec->template_ref.empty()) {
    Result<std::optional<Object>> t = ReadObject({specs::kKindSandboxTemplate, ns, spec->template_ref});
    if (!t.ok()) return t.status();
    tmpl = std::move(*t);
  }
  if (!spec->template_ref.empty() && !tmpl) {
    return fallback("PoolEmpty", "template \"" + spec->template_ref + "\" of pool " + pool_name + " not found");
  }
  std::string pool_template = specs::CanonicalJson(specs::PoolTemplateJson(*spec, tmpl ? &*tmpl : nullptr));
  created.metadata.annotations[specs::kPoolTemplateAnnotation] = pool_template;
  std::string why = specs::IncompatibleWithPool(created.spec, pool_template);
  if (!why.empty()) return fallback("PoolEmpty", "no compatible warm sandbox: " + why + "; created cold");
  Result<std::vector<std::string>> names = WarmCandidates(ns, pool_name);
  if (!names.ok()) return names.status();
  const std::string warm_spec = specs::WarmSpecJson(*spec);
  for (const std::string& name : *names) {
    Result<std::optional<Object>> warm = ReadObject({specs::kKindSandbox, ns, name});
    if (!warm.ok()) return warm.status();
    if (!*warm) continue;
    const Object& w = **warm;
    auto label = w.metadata.labels.find(specs::kPoolLabel);
    if (label == w.metadata.labels.end() || label->second != pool_name) continue;
    if (specs::CanonicalJson(w.spec) != specs::CanonicalJson(warm_spec) || !ReadyForClaim(w)) continue;
    created.metadata.uid = w.metadata.uid;
    created.status = ClaimedStatus(true, "Claimed",
                                   "took warm sandbox " + name + " of pool " + pool_name, now);
    Object removed = w;
    removed.metadata.resource_version = v.Next();
    return RemoveObject(removed);
  }
  return fallback("PoolEmpty", "pool " + pool_name + " has no warm sandbox ready; created cold");
}

}  // namespace sesame::store
