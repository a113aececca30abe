// Store::Apply: declarative create-or-update of a batch, in one IMMEDIATE
// transaction, with optional pruning of an applyset. Built for batches of
// thousands: at most one primary-key read and two inserts per object (no
// read for an object new to an empty kind and namespace, and a creation's
// change log entry holds no copy of it), the counter row written once per
// batch.

#include <set>
#include <string_view>
#include <unordered_set>

#include "specs/pool.h"
#include "store/object_blob.h"
#include "store/sqlite_store.h"
#include "store/uuid.h"

namespace sesame::store {
namespace {

struct KeyView {
  std::string_view kind, namespace_, name;
  bool operator==(const KeyView&) const = default;
};

struct KeyViewHash {
  size_t operator()(const KeyView& k) const {
    std::hash<std::string_view> h;
    return h(k.kind) ^ (h(k.namespace_) * 31) ^ (h(k.name) * 1000003);
  }
};

Status ValidateApplyInput(const std::vector<Object>& objects, const ApplyOptions& options) {
  if (options.prune && options.applyset.empty()) {
    return InvalidError("--prune requires --applyset: without it every object could be pruned");
  }
  // Hashed views of the keys: a std::set of copied keys was 4% of a
  // 10,000-object apply.
  std::unordered_set<KeyView, KeyViewHash> seen;
  seen.reserve(objects.size());
  for (const Object& o : objects) {
    if (o.kind.empty()) return InvalidError("an object without kind");
    if (o.metadata.name.empty()) return InvalidError(o.kind + " without metadata.name");
    if (o.metadata.namespace_.empty()) {
      return InvalidError(DisplayName(specs::KeyOf(o)) + " without metadata.namespace");
    }
    if (!seen.insert(KeyView{o.kind, o.metadata.namespace_, o.metadata.name}).second) {
      return InvalidError(DisplayName(specs::KeyOf(o)) + " appears twice in the input");
    }
  }
  return Status::Ok();
}

// The parts of `input` that apply owns: everything a user writes.
Object Desired(const Object& input, const ApplyOptions& options) {
  Object desired = input;
  if (desired.api_version.empty()) desired.api_version = specs::kApiVersion;
  if (desired.spec.empty()) desired.spec = "{}";
  if (!options.applyset.empty()) {
    desired.metadata.annotations[specs::kApplysetAnnotation] = options.applyset;
  }
  return desired;
}

}  // namespace

Result<std::vector<ApplyOutcome>> SqliteStore::Apply(const std::vector<Object>& objects,
                                                     const ApplyOptions& options) {
  SESAME_RETURN_IF_ERROR(ValidateApplyInput(objects, options));
  MutexLock lock(mutex_);
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  Result<Versions> v = BeginVersions();
  if (!v.ok()) return v.status();
  Result<QuotaBaseline> quota = BeginQuotaCheck(objects);
  if (!quota.ok()) return quota.status();
  Result<std::set<Group>> empty = EmptyGroups(objects);
  if (!empty.ok()) return empty.status();
  std::vector<ApplyOutcome> outcomes;
  outcomes.reserve(objects.size());
  for (const Object& input : objects) {
    bool known_new = empty->count(Group{input.kind, input.metadata.namespace_}) > 0;
    Result<ApplyOutcome> outcome = ApplyOne(input, options, known_new, *v);
    if (!outcome.ok()) return outcome.status();  // the transaction rolls back
    outcomes.push_back(std::move(*outcome));
  }
  if (options.prune) SESAME_RETURN_IF_ERROR(PruneApplyset(objects, options, *v, outcomes));
  SESAME_RETURN_IF_ERROR(FinishQuotaCheck(*quota));
  // A dry run performs every write, so its outcomes are exactly those of the
  // real apply, then throws them away.
  if (options.dry_run) {
    SESAME_RETURN_IF_ERROR(txn.Rollback());
    return outcomes;
  }
  SESAME_RETURN_IF_ERROR(FinishVersions(*v));
  SESAME_RETURN_IF_ERROR(txn.Commit());
  return outcomes;
}

Result<std::set<SqliteStore::Group>> SqliteStore::EmptyGroups(const std::vector<Object>& objects) {
  std::set<Group> groups;
  for (const Object& o : objects) groups.emplace(o.kind, o.metadata.namespace_);
  Result<StatementRef> stmt =
      db_->Prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE kind = ?1 AND namespace = ?2)");
  if (!stmt.ok()) return stmt.status();
  std::set<Group> empty;
  for (const Group& g : groups) {
    (*stmt)->Bind(1, g.first);
    (*stmt)->Bind(2, g.second);
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (*row && (*stmt)->Int(0) == 0) empty.insert(g);
    (*stmt)->Reset();
  }
  return empty;
}

Result<ApplyOutcome> SqliteStore::ApplyOne(const Object& input, const ApplyOptions& options,
                                           bool known_new, Versions& v) {
  ObjectKey key = specs::KeyOf(input);
  Object desired = Desired(input, options);
  int64_t given = input.metadata.resource_version;
  // The keys of the input are distinct and nothing else in the transaction
  // creates rows, so a group empty at the start has none of them.
  Result<std::optional<Object>> existing =
      known_new ? Result<std::optional<Object>>(std::nullopt) : ReadObject(key);
  if (!existing.ok()) return existing.status();
  if (!*existing) {
    if (given != 0) {
      return ConflictError(DisplayName(key) + " does not exist, but resourceVersion " +
                           std::to_string(given) + " was given");
    }
    Object created;
    created.api_version = desired.api_version;
    created.kind = key.kind;
    created.metadata.namespace_ = key.namespace_;
    created.metadata.name = key.name;
    created.metadata.labels = std::move(desired.metadata.labels);
    created.metadata.annotations = std::move(desired.metadata.annotations);
    created.metadata.uid = NewUuid();
    created.metadata.generation = 1;
    created.metadata.resource_version = v.Next();
    created.metadata.creation_timestamp = FromMillis(ToMillis(clock_.Now()));
    if (key.kind == specs::kKindSandbox) created.metadata.finalizers = {specs::kSandboxFinalizer};
    created.spec = std::move(desired.spec);
    if (key.kind == specs::kKindSandbox) SESAME_RETURN_IF_ERROR(ClaimWarm(created, v));
    SESAME_RETURN_IF_ERROR(WriteObject(created, WatchType::kAdded));
    return ApplyOutcome{std::move(key), ApplyAction::kCreated, std::move(created)};
  }
  Object next = std::move(**existing);
  if (given != 0 && given != next.metadata.resource_version) {
    return ConflictError("operation cannot be fulfilled on " + DisplayName(key) +
                         ": the object has been modified (resourceVersion " +
                         std::to_string(given) + ", now " +
                         std::to_string(next.metadata.resource_version) + ")");
  }
  if (next.metadata.deletion_timestamp) {
    return ConflictError(DisplayName(key) + " is being deleted");
  }
  auto owner = next.metadata.annotations.find(specs::kApplysetAnnotation);
  if (owner != next.metadata.annotations.end()) {
    if (options.applyset.empty()) {
      desired.metadata.annotations[specs::kApplysetAnnotation] = owner->second;
    } else if (owner->second != options.applyset && !options.force_conflicts) {
      return ConflictError(DisplayName(key) + " belongs to applyset \"" + owner->second +
                           "\", not \"" + options.applyset +
                           "\": taking it over needs --force-conflicts (or delete it from the other set first)");
    }
  }
  // Set by the store when the object was made (store/claim.cc), not by the user.
  if (auto kept = next.metadata.annotations.find(specs::kPoolTemplateAnnotation);
      kept != next.metadata.annotations.end()) {
    desired.metadata.annotations.try_emplace(kept->first, kept->second);
  }
  bool spec_changed = next.spec != desired.spec;
  if (!spec_changed && next.metadata.labels == desired.metadata.labels &&
      next.metadata.annotations == desired.metadata.annotations) {
    return ApplyOutcome{std::move(key), ApplyAction::kUnchanged, std::move(next)};
  }
  next.api_version = desired.api_version;
  next.metadata.labels = std::move(desired.metadata.labels);
  next.metadata.annotations = std::move(desired.metadata.annotations);
  next.spec = std::move(desired.spec);
  if (spec_changed) ++next.metadata.generation;
  next.metadata.resource_version = v.Next();
  SESAME_RETURN_IF_ERROR(WriteObject(next, WatchType::kModified));
  return ApplyOutcome{std::move(key), ApplyAction::kConfigured, std::move(next)};
}

Status SqliteStore::PruneApplyset(const std::vector<Object>& objects, const ApplyOptions& options,
                                  Versions& v, std::vector<ApplyOutcome>& outcomes) {
  std::set<ObjectKey> keep;
  for (const Object& o : objects) keep.insert(specs::KeyOf(o));
  // Collect first: the SELECT must be finished before rows are deleted.
  std::vector<ObjectKey> candidates;
  {
    Result<StatementRef> stmt = db_->Prepare(
        "SELECT kind, namespace, name FROM objects WHERE applyset = ?1 "
        "ORDER BY kind, namespace, name");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, options.applyset);
    for (;;) {
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ObjectKey key{(*stmt)->Text(0), (*stmt)->Text(1), (*stmt)->Text(2)};
      if (!keep.count(key)) candidates.push_back(std::move(key));
    }
  }
  for (const ObjectKey& key : candidates) {
    Result<std::optional<Object>> existing = ReadObject(key);
    if (!existing.ok()) return existing.status();
    bool changed = false;
    Result<Object> pruned = MarkDeleted(std::move(**existing), v, &changed);
    if (!pruned.ok()) return pruned.status();
    if (changed) outcomes.push_back(ApplyOutcome{key, ApplyAction::kPruned, std::move(*pruned)});
  }
  return Status::Ok();
}

}  // namespace sesame::store
