#pragma once
// What the Sandbox reconciler needs to know about pools (specs/pool.h):
// the effective spec of a Sandbox with spec.poolRef, the field-hash marker
// of warm sandboxes (so that a claimed one gets its session started rather
// than recreated), the claim's event, and which resources changed hands.

#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "common/time.h"
#include "specs/object.h"
#include "specs/sandbox.h"
#include "store/store.h"

namespace sesame::reconcilers {

// `own` (the sandbox decoded from its own spec) with the template of its
// pool merged under its own fields. kTerminal (PoolNotFound,
// TemplateNotFound) when the pool or its template is missing, except for an
// object being deleted.
Result<specs::Sandbox> ResolvePooledSandbox(store::Store& store, const specs::Object& object,
                                            specs::Sandbox own);

// A number that changes when the pool `pool_ref` of `object` (or the
// template it names) changes; 0 for no pool or a template recorded at
// creation.
int64_t PoolVersion(store::Store& store, const specs::Object& object, const std::string& pool_ref);

// `hashes` plus the warm marker (kWarmHash: the pool) when `object` is a
// warm sandbox of a pool.
std::map<std::string, std::string> WithWarmMarker(const specs::Object& object,
                                                  std::map<std::string, std::string> hashes);

// The event that says whether a new Sandbox with poolRef claimed a warm
// sandbox or was created cold (from its Claimed condition); nothing for
// other sandboxes.
void RecordClaimEvent(store::Store& store, const specs::Object& object,
                      const specs::SandboxStatus& status, Time now);

// The uids of all Sandbox objects, read once on first use: a provider
// resource whose recorded key names another object (the warm sandbox it
// was made for) may belong to the sandbox that claimed it.
class ClaimedUids {
 public:
  explicit ClaimedUids(store::Store& store) : store_(store) {}
  Result<bool> OwnedByAnotherKey(const std::string& uid);

 private:
  store::Store& store_;
  std::optional<std::set<std::string>> uids_;
};

}  // namespace sesame::reconcilers
