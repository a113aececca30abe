#pragma once
// The heart of reconciliation: given the desired Sandbox (effective spec,
// metadata, last status), what the provider reports, and the time, decide
// the ONE next action. Pure: no I/O, no clock reads, so it is tested as a
// table (tests/reconcilers/plan_test.cc).

#include <map>
#include <optional>
#include <string>

#include "common/time.h"
#include "providers/provider.h"
#include "providers/warm.h"
#include "reconcilers/field_hash_set.h"
#include "specs/sandbox.h"
#include "specs/status_vocabulary.h"

namespace sesame::reconcilers {

enum class ActionType {
  kNothing,
  kCreate,    // no provider resource: make one
  kUpdate,    // change in-place fields of the resource
  kRecreate,  // a field the provider cannot change in place changed
  kSuspend,
  kResume,
  kRestart,   // the session ended and restartPolicy wants it again, or a restart was asked for
  kDelete,    // the object is being deleted: remove the provider resource
  kFinalize,  // the object is being deleted and nothing is left: drop the finalizer
  kExpire,    // ttl/expiresAt passed: mark Expired and delete the object
  kStartSession,  // the resource is a claimed warm sandbox: start the session in it
};
const char* ToString(ActionType t);

struct Action {
  ActionType type = ActionType::kNothing;
  specs::Reason reason = specs::Reason::kUpToDate;
  std::string message;  // for people: "image changed; the provider cannot change it in place"
  // When the key should be looked at again even if nothing changes (the
  // next expiry, idle or restart-backoff deadline).
  std::optional<Millis> requeue_after;
  // With kUpdate or kRecreate for one changed field: its name ("image").
  std::string changed_field;

  // CamelCase, for events: the reason's text, "ImageChanged" for one field.
  std::string ReasonText() const;
};

struct PlanInput {
  const specs::Sandbox* desired = nullptr;
  const providers::Observed* observed = nullptr;  // nullptr: no resource
  const providers::Capabilities* capabilities = nullptr;
  // FieldHashes(desired->spec) (and the warm marker), computed by the caller.
  FieldHashSet desired_hashes;
  Time now{};
};

Action Plan(const PlanInput& input);

// The field-hash entry that marks a warm sandbox of a pool (its value: the
// pool's name). A resource that carries it while the desired hashes do not
// has just been claimed: kStartSession.
inline constexpr const char* kWarmHash = providers::kWarmHashKey;

// When the sandbox expires: the earlier of creationTimestamp + ttl and
// expiresAt, or nullopt.
std::optional<Time> ExpiryOf(const specs::Sandbox& sandbox);

// The delay before restarting a session that has ended `restarts` times
// (10 s doubling, capped at 5 min), like a Kubernetes crash loop.
Millis RestartBackoff(int restarts);

}  // namespace sesame::reconcilers
