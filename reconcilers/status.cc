#include "reconcilers/status.h"

#include <algorithm>

namespace sesame::reconcilers {

using providers::ResourceState;
using specs::ConditionStatus;
using specs::ConditionType;
using specs::Phase;
using specs::Reason;

void SetCondition(std::vector<specs::Condition>& conditions, specs::Condition c, Time now) {
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const specs::Condition& x) { return x.type == c.type; });
  if (it != conditions.end() && it->status == c.status) {
    c.last_transition_time = it->last_transition_time;
  } else {
    c.last_transition_time = now;
  }
  if (it != conditions.end()) *it = std::move(c);
  else conditions.push_back(std::move(c));
}

void RemoveCondition(std::vector<specs::Condition>& conditions, ConditionType type) {
  std::erase_if(conditions, [&](const specs::Condition& c) { return c.type == specs::ToString(type); });
}

namespace {

struct Derived {
  Phase phase = Phase::kPending;
  bool ready = false;
  std::string reason;  // a Reason's text, or the error's own
  std::string message;
};

// A condition of this sandbox at generation `gen`.
specs::Condition Make(ConditionType type, bool status, std::string reason, std::string message,
                      int64_t gen) {
  return {specs::ToString(type), ConditionStatus(status), std::move(reason), std::move(message),
          std::nullopt, gen};
}

std::string Text(Reason r) { return specs::ToString(r); }

Derived FromObserved(const StatusInput& in) {
  const auto& o = *in.observed;
  const auto& spec = in.desired->spec;
  switch (o.state) {
    case ResourceState::kRunning:
      return {Phase::kRunning, true, Text(Reason::kRunning), ""};
    case ResourceState::kCreating:
      return {Phase::kProvisioning, false, Text(Reason::kCreating), o.message};
    case ResourceState::kSuspended:
      if (in.action->reason == Reason::kIdleTimeout || !spec.suspend) {
        return {Phase::kSuspended, false, Text(Reason::kIdleTimeout),
                in.action->message.empty() ? o.message : in.action->message};
      }
      return {Phase::kSuspended, false, Text(Reason::kSuspended), "spec.suspend is true"};
    case ResourceState::kExited: {
      int code = o.exit_code.value_or(-1);
      if (in.action->reason == Reason::kBackOff || in.action->type == ActionType::kRestart) {
        return {Phase::kRunning, false, Text(Reason::kBackOff), in.action->message};
      }
      return {code == 0 ? Phase::kSucceeded : Phase::kFailed, false,
              Text(code == 0 ? Reason::kCompleted : Reason::kFailed),
              o.message.empty() ? "exited with code " + std::to_string(code) : o.message};
    }
    case ResourceState::kUnknown:
      break;
  }
  return {Phase::kPending, false, Text(Reason::kUnknown), o.message};
}

Derived Derive(const StatusInput& in) {
  const auto& desired = *in.desired;
  if (desired.metadata.deletion_timestamp) {
    return {Phase::kTerminating, false, Text(Reason::kTerminating), ""};
  }
  if (in.action->type == ActionType::kExpire) {
    return {Phase::kExpired, false, Text(Reason::kExpired), in.action->message};
  }
  if (!in.result.ok()) {
    bool retrying = in.result.code() != Code::kTerminal && in.result.code() != Code::kInvalid &&
                    in.result.code() != Code::kUnsupported;
    Phase phase = in.observed ? Phase::kRunning : (retrying ? Phase::kPending : Phase::kFailed);
    if (in.observed && in.observed->state != ResourceState::kRunning) {
      phase = retrying ? Phase::kPending : Phase::kFailed;
    }
    std::string reason = in.result.reason().empty()
                             ? std::string(ToString(in.action->type)) + ToString(Reason::kFailed)
                             : in.result.reason();
    return {phase, false, reason, in.result.message()};
  }
  if (in.observed) return FromObserved(in);
  if (desired.spec.suspend) {
    return {Phase::kSuspended, false, Text(Reason::kSuspended), "spec.suspend is true"};
  }
  if (in.action->reason == Reason::kResourceMissing) {
    return {Phase::kFailed, false, Text(Reason::kResourceMissing), in.action->message};
  }
  return {Phase::kPending, false, Text(Reason::kCreating), ""};
}

}  // namespace

specs::SandboxStatus ComputeStatus(const StatusInput& in) {
  const auto& desired = *in.desired;
  specs::SandboxStatus s = desired.status;
  const int64_t gen = desired.metadata.generation;
  Derived d = Derive(in);
  s.phase = d.phase;
  s.observed_generation = gen;
  s.expires_at = ExpiryOf(desired);
  if (in.observed) {
    s.provider_ref = specs::ProviderRef{desired.spec.provider, in.observed->id};
    s.endpoints = in.observed->endpoints;
    s.started_at = in.observed->started_at;
    s.exit_code = in.observed->exit_code;
  } else if (in.action->type == ActionType::kDelete || in.action->type == ActionType::kRecreate) {
    s.endpoints.clear();
  }
  bool provisioned = in.observed != nullptr;
  SetCondition(s.conditions,
               Make(ConditionType::kProvisioned, provisioned,
                    provisioned ? Text(Reason::kCreated) : d.reason,
                    provisioned ? in.observed->message : d.message, gen),
               in.now);
  SetCondition(s.conditions, Make(ConditionType::kReady, d.ready, d.reason, d.message, gen), in.now);
  if (d.phase == Phase::kExpired) {
    SetCondition(s.conditions,
                 Make(ConditionType::kExpired, true, Text(Reason::kLifetimeEnded), d.message, gen),
                 in.now);
  } else {
    RemoveCondition(s.conditions, ConditionType::kExpired);
  }
  // RuntimeReady: from the provider's install report (runtimes.mise: auto).
  if (in.observed && in.observed->runtime) {
    const providers::RuntimeReport& r = *in.observed->runtime;
    SetCondition(s.conditions, Make(ConditionType::kRuntimeReady, r.ready(), r.reason, r.message, gen),
                 in.now);
  } else if (in.observed && desired.spec.runtimes.mise == "auto") {
    // A provider that reports no install (the cloud ones).
    SetCondition(s.conditions,
                 Make(ConditionType::kRuntimeReady, false, Text(Reason::kNotSupported),
                      "the " + desired.spec.provider +
                          " provider does not install runtimes for this sandbox "
                          "(runtimes.mise: auto is carried out by the filesystem and docker "
                          "providers)",
                      gen),
                 in.now);
  } else if (desired.spec.runtimes.mise != "auto") {
    RemoveCondition(s.conditions, ConditionType::kRuntimeReady);
  }
  // SecurityEnforced: from the provider's report, or from a create that
  // was refused because this host cannot sandbox.
  if (in.observed && in.observed->security) {
    const providers::SecurityReport& r = *in.observed->security;
    SetCondition(s.conditions,
                 Make(ConditionType::kSecurityEnforced, r.enforced, r.reason, r.message, gen), in.now);
  } else if (providers::IsSecurityUnsupported(in.result)) {
    SetCondition(s.conditions,
                 Make(ConditionType::kSecurityEnforced, false, Text(Reason::kUnsupported),
                      in.result.message(), gen),
                 in.now);
  } else if (!in.security_note.empty()) {
    SetCondition(s.conditions,
                 Make(ConditionType::kSecurityEnforced, false, Text(Reason::kNotImplemented),
                      in.security_note, gen),
                 in.now);
  } else if (!in.observed) {
    // Keep what was known while the resource is being replaced.
  } else {
    RemoveCondition(s.conditions, ConditionType::kSecurityEnforced);
  }
  return s;
}

specs::SandboxStatus UnobservedStatus(const specs::Sandbox& desired, const Status& error, Time now) {
  specs::SandboxStatus s = desired.status;
  if (desired.metadata.deletion_timestamp) s.phase = Phase::kTerminating;
  std::string reason = error.reason().empty() ? Text(Reason::kObserveFailed) : error.reason();
  SetCondition(s.conditions,
               Make(ConditionType::kReady, false, reason, error.message(), desired.metadata.generation),
               now);
  return s;
}

}  // namespace sesame::reconcilers
