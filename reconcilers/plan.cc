#include "reconcilers/plan.h"

#include <algorithm>

namespace sesame::reconcilers {

using providers::ResourceState;
using specs::RestartPolicy;

const char* ToString(ActionType t) {
  switch (t) {
    case ActionType::kNothing: return "Nothing";
    case ActionType::kCreate: return "Create";
    case ActionType::kUpdate: return "Update";
    case ActionType::kRecreate: return "Recreate";
    case ActionType::kSuspend: return "Suspend";
    case ActionType::kResume: return "Resume";
    case ActionType::kRestart: return "Restart";
    case ActionType::kDelete: return "Delete";
    case ActionType::kFinalize: return "Finalize";
    case ActionType::kExpire: return "Expire";
    case ActionType::kStartSession: return "StartSession";
  }
  return "Nothing";
}

std::optional<Time> ExpiryOf(const specs::Sandbox& sandbox) {
  std::optional<Time> at = sandbox.spec.lifetime.expires_at;
  const auto& ttl = sandbox.spec.lifetime.ttl;
  if (ttl && sandbox.metadata.creation_timestamp) {
    Time by_ttl = *sandbox.metadata.creation_timestamp + ttl->value;
    at = at ? std::min(*at, by_ttl) : by_ttl;
  }
  return at;
}

Millis RestartBackoff(int restarts) {
  const Millis kCap = std::chrono::minutes(5);
  Millis delay = std::chrono::seconds(10);
  for (int i = 0; i < restarts && delay < kCap; ++i) delay *= 2;
  return std::min(delay, kCap);
}

std::string Action::ReasonText() const {
  if (changed_field.empty()) return specs::ToString(reason);
  std::string r = changed_field;
  r[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(r[0])));
  return r + "Changed";
}

namespace {

constexpr Millis kProvisioningPoll(1000);

using specs::Reason;

Action Make(ActionType type, Reason reason, std::string message) {
  return {type, reason, std::move(message), std::nullopt, ""};
}

// Changed fields split into those the provider can and cannot update in place.
struct FieldChanges {
  std::vector<std::string> in_place, recreate;
};

FieldChanges ChangedFields(const PlanInput& in) {
  FieldChanges out;
  in.desired_hashes.ForEach([&](const std::string& field, const FieldHashSet::Entry& desired) {
    auto it = in.observed->field_hashes.find(field);
    if (it != in.observed->field_hashes.end() && desired.Matches(it->second)) return;
    bool in_place = in.capabilities->in_place_fields.count(field) > 0;
    (in_place ? out.in_place : out.recreate).push_back(field);
  });
  return out;
}

std::string JoinFields(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + f;
  return out;
}

// One changed field is named ("ImageChanged"); several are SpecChanged.
Action ChangeAction(ActionType type, const std::vector<std::string>& fields, std::string message) {
  Action a = Make(type, Reason::kSpecChanged, std::move(message));
  if (fields.size() == 1) a.changed_field = fields[0];
  return a;
}

Action PlanDeletion(const PlanInput& in) {
  const auto& spec = in.desired->spec;
  if (in.observed != nullptr && spec.deletion_policy == specs::DeletionPolicy::kDelete) {
    return Make(ActionType::kDelete, Reason::kDeleting, "deleting the provider resource");
  }
  return Make(ActionType::kFinalize, Reason::kDeleted,
              in.observed ? "deletionPolicy is Orphan: the provider resource is left running"
                          : "the provider resource is gone");
}

Action PlanExited(const PlanInput& in) {
  const auto& o = *in.observed;
  int code = o.exit_code.value_or(-1);
  RestartPolicy policy = in.desired->spec.restart_policy;
  bool restart = policy == RestartPolicy::kAlways || (policy == RestartPolicy::kOnFailure && code != 0);
  if (!restart) return Make(ActionType::kNothing, code == 0 ? Reason::kCompleted : Reason::kFailed, o.message);
  // Crash-loop backoff measured from when the session ended.
  Millis wait = RestartBackoff(in.desired->status.restarts);
  if (o.finished_at && in.desired->status.restarts > 0) {
    auto since = std::chrono::duration_cast<Millis>(in.now - *o.finished_at);
    if (since < wait) {
      Action a = Make(ActionType::kNothing, Reason::kBackOff,
                      "restarting in " + HumanDuration(wait - since) + " (exit code " +
                          std::to_string(code) + ")");
      a.requeue_after = wait - since;
      return a;
    }
  }
  return Make(ActionType::kRestart, Reason::kRestarting,
              "session exited with code " + std::to_string(code) + "; restartPolicy is " +
                  specs::ToString(policy));
}

// The next instant at which the plan would change on its own.
std::optional<Millis> NextDeadline(const PlanInput& in) {
  std::optional<Time> next = ExpiryOf(*in.desired);
  const auto& idle = in.desired->spec.lifetime.idle_timeout;
  if (idle && in.observed && in.observed->state == ResourceState::kRunning) {
    Time last = in.observed->last_activity.value_or(in.observed->started_at.value_or(in.now));
    Time idle_at = last + idle->value;
    next = next ? std::min(*next, idle_at) : idle_at;
  }
  if (!next) return std::nullopt;
  return std::max(Millis(0), std::chrono::duration_cast<Millis>(*next - in.now));
}

bool IdleTimedOut(const PlanInput& in) {
  const auto& idle = in.desired->spec.lifetime.idle_timeout;
  if (!idle || !in.observed || in.observed->state != ResourceState::kRunning) return false;
  Time last = in.observed->last_activity.value_or(in.observed->started_at.value_or(in.now));
  return in.now >= last + idle->value;
}

std::string AnnotationOf(const specs::Sandbox& sandbox, const char* name) {
  auto it = sandbox.metadata.annotations.find(name);
  return it == sandbox.metadata.annotations.end() ? "" : it->second;
}

// Suspended because idle (not because the spec asks): stays suspended until
// the spec changes, or `sesame resume` (the resumedAt annotation) comes
// after the suspension.
bool SuspendedForIdleness(const PlanInput& in) {
  const auto* ready = in.desired->status.FindCondition(specs::ConditionType::kReady);
  if (!ready || specs::ParseReason(ready->reason) != Reason::kIdleTimeout ||
      ready->observed_generation != in.desired->metadata.generation) {
    return false;
  }
  auto resumed = ParseTime(AnnotationOf(*in.desired, specs::kResumedAtAnnotation));
  return !(resumed && ready->last_transition_time && *resumed > *ready->last_transition_time);
}

// `sesame restart` set a restartedAt value the controller has not acted on.
bool RestartRequested(const specs::Sandbox& sandbox) {
  std::string asked = AnnotationOf(sandbox, specs::kRestartedAtAnnotation);
  return !asked.empty() && asked != sandbox.status.restarted_at;
}

Action PlanExisting(const PlanInput& in) {
  const auto& spec = in.desired->spec;
  const auto& o = *in.observed;
  FieldChanges changes = ChangedFields(in);
  if (!changes.recreate.empty()) {
    return ChangeAction(ActionType::kRecreate, changes.recreate,
                JoinFields(changes.recreate) + " changed; the " + in.desired->spec.provider +
                    " provider cannot change " +
                    (changes.recreate.size() == 1 ? "it" : "them") + " in place");
  }
  if (!changes.in_place.empty()) {
    return ChangeAction(ActionType::kUpdate, changes.in_place,
                "updating " + JoinFields(changes.in_place) + " in place");
  }
  if (spec.suspend && o.state != ResourceState::kSuspended) {
    if (o.state == ResourceState::kExited) return Make(ActionType::kNothing, Reason::kCompleted, o.message);
    return Make(ActionType::kSuspend, Reason::kSuspending, "spec.suspend is true");
  }
  if (o.state == ResourceState::kSuspended && !spec.suspend && !SuspendedForIdleness(in)) {
    return Make(ActionType::kResume, Reason::kResuming, "spec.suspend is false");
  }
  if (o.state != ResourceState::kSuspended && RestartRequested(*in.desired)) {
    return Make(ActionType::kRestart, Reason::kRestartRequested,
                "restart requested at " + AnnotationOf(*in.desired, specs::kRestartedAtAnnotation));
  }
  if (o.state == ResourceState::kExited) return PlanExited(in);
  if (o.state == ResourceState::kCreating) {
    // Still starting (installing runtimes, say): look again soon rather
    // than at the next resync.
    Action a = Make(ActionType::kNothing, Reason::kProvisioning, o.message);
    a.requeue_after = kProvisioningPoll;
    return a;
  }
  if (IdleTimedOut(in)) {
    return Make(ActionType::kSuspend, Reason::kIdleTimeout,
                "no output, exec or attach for " + spec.lifetime.idle_timeout->text);
  }
  return Make(ActionType::kNothing, Reason::kUpToDate, "");
}

}  // namespace

Action Plan(const PlanInput& in) {
  const auto& sandbox = *in.desired;
  if (sandbox.metadata.deletion_timestamp) return PlanDeletion(in);
  if (auto expiry = ExpiryOf(sandbox); expiry && in.now >= *expiry) {
    return Make(ActionType::kExpire, Reason::kExpired,
                "lifetime ended at " + FormatTime(*expiry) + "; the sandbox is garbage-collected");
  }
  Action action;
  if (in.observed != nullptr && in.observed->field_hashes.count(kWarmHash) &&
      !in.desired_hashes.has_warm()) {
    action = Make(ActionType::kStartSession, Reason::kClaimed,
                  "starting the session in the warm sandbox of pool " +
                      in.observed->field_hashes.at(kWarmHash));
  } else if (in.observed == nullptr) {
    if (sandbox.spec.suspend) {
      action = Make(ActionType::kNothing, Reason::kSuspended, "spec.suspend is true");
    } else if (sandbox.status.provider_ref && sandbox.spec.restart_policy == RestartPolicy::kNever &&
               sandbox.status.observed_generation == sandbox.metadata.generation) {
      // It existed and vanished out of band; Never means it is not made again.
      action = Make(ActionType::kNothing, Reason::kResourceMissing,
                    "the provider resource disappeared and restartPolicy is Never");
    } else {
      action = Make(ActionType::kCreate, sandbox.status.provider_ref ? Reason::kRecreating : Reason::kCreating,
                    sandbox.status.provider_ref ? "the provider resource disappeared" : "");
    }
  } else {
    action = PlanExisting(in);
  }
  if (!action.requeue_after) action.requeue_after = NextDeadline(in);
  return action;
}

}  // namespace sesame::reconcilers
