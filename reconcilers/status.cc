#include "reconcilers/status.h"

#include <algorithm>

namespace sesame::reconcilers {

using providers::ResourceState;

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

void RemoveCondition(std::vector<specs::Condition>& conditions, const std::string& type) {
  std::erase_if(conditions, [&](const specs::Condition& c) { return c.type == type; });
}

namespace {

const char* Bool(bool b) { return b ? "True" : "False"; }

struct Derived {
  std::string phase;
  bool ready = false;
  std::string reason;
  std::string message;
};

Derived FromObserved(const StatusInput& in) {
  const auto& o = *in.observed;
  const auto& spec = in.desired->spec;
  switch (o.state) {
    case ResourceState::kRunning:
      return {"Running", true, "Running", ""};
    case ResourceState::kCreating:
      return {"Provisioning", false, "Creating", o.message};
    case ResourceState::kSuspended:
      if (in.action->reason == "IdleTimeout" || !spec.suspend) {
        return {"Suspended", false, "IdleTimeout", in.action->message.empty() ? o.message : in.action->message};
      }
      return {"Suspended", false, "Suspended", "spec.suspend is true"};
    case ResourceState::kExited: {
      int code = o.exit_code.value_or(-1);
      if (in.action->reason == "BackOff" || in.action->type == ActionType::kRestart) {
        return {"Running", false, "BackOff", in.action->message};
      }
      return {code == 0 ? "Succeeded" : "Failed", false, code == 0 ? "Completed" : "Failed",
              o.message.empty() ? "exited with code " + std::to_string(code) : o.message};
    }
    case ResourceState::kUnknown:
      break;
  }
  return {"Pending", false, "Unknown", o.message};
}

Derived Derive(const StatusInput& in) {
  const auto& desired = *in.desired;
  if (desired.metadata.deletion_timestamp) return {"Terminating", false, "Terminating", ""};
  if (in.action->type == ActionType::kExpire) return {"Expired", false, "Expired", in.action->message};
  if (!in.result.ok()) {
    bool retrying = in.result.code() != Code::kTerminal && in.result.code() != Code::kInvalid &&
                    in.result.code() != Code::kUnsupported;
    std::string phase = in.observed ? "Running" : (retrying ? "Pending" : "Failed");
    if (in.observed && in.observed->state != ResourceState::kRunning) phase = retrying ? "Pending" : "Failed";
    std::string reason = in.result.reason().empty()
                             ? ToString(in.action->type) + std::string("Failed")
                             : in.result.reason();
    return {phase, false, reason, in.result.message()};
  }
  if (in.observed) return FromObserved(in);
  if (desired.spec.suspend) return {"Suspended", false, "Suspended", "spec.suspend is true"};
  if (in.action->reason == "ResourceMissing") return {"Failed", false, "ResourceMissing", in.action->message};
  return {"Pending", false, "Creating", ""};
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
               {"Provisioned", Bool(provisioned), provisioned ? "Created" : d.reason,
                provisioned ? in.observed->message : d.message, std::nullopt, gen},
               in.now);
  SetCondition(s.conditions, {"Ready", Bool(d.ready), d.reason, d.message, std::nullopt, gen}, in.now);
  if (d.phase == "Expired") {
    SetCondition(s.conditions, {"Expired", "True", "LifetimeEnded", d.message, std::nullopt, gen}, in.now);
  } else {
    RemoveCondition(s.conditions, "Expired");
  }
  // RuntimeReady: from the provider's install report (runtimes.mise: auto).
  if (in.observed && in.observed->runtime) {
    const providers::RuntimeReport& r = *in.observed->runtime;
    SetCondition(s.conditions, {"RuntimeReady", Bool(r.ready()), r.reason, r.message, std::nullopt, gen},
                 in.now);
  } else if (in.observed && desired.spec.runtimes.mise == "auto") {
    // A provider that reports no install (the cloud ones).
    SetCondition(s.conditions,
                 {"RuntimeReady", "False", "NotSupported",
                  "the " + desired.spec.provider +
                      " provider does not install runtimes for this sandbox "
                      "(runtimes.mise: auto is carried out by the filesystem and docker providers)",
                  std::nullopt, gen},
                 in.now);
  } else if (desired.spec.runtimes.mise != "auto") {
    RemoveCondition(s.conditions, "RuntimeReady");
  }
  // SecurityEnforced: from the provider's report, or from a create that
  // was refused because this host cannot sandbox.
  if (in.observed && in.observed->security) {
    const providers::SecurityReport& r = *in.observed->security;
    SetCondition(s.conditions,
                 {"SecurityEnforced", Bool(r.enforced), r.reason, r.message, std::nullopt, gen}, in.now);
  } else if (!in.result.ok() && in.result.reason() == "Unsupported") {
    SetCondition(s.conditions,
                 {"SecurityEnforced", "False", "Unsupported", in.result.message(), std::nullopt, gen},
                 in.now);
  } else if (!in.security_note.empty()) {
    SetCondition(s.conditions,
                 {"SecurityEnforced", "False", "NotImplemented", in.security_note, std::nullopt, gen},
                 in.now);
  } else if (!in.observed) {
    // Keep what was known while the resource is being replaced.
  } else {
    RemoveCondition(s.conditions, "SecurityEnforced");
  }
  return s;
}

specs::SandboxStatus UnobservedStatus(const specs::Sandbox& desired, const Status& error, Time now) {
  specs::SandboxStatus s = desired.status;
  if (desired.metadata.deletion_timestamp) {
    s.phase = "Terminating";
  } else if (s.phase.empty()) {
    s.phase = "Pending";
  }
  std::string reason = error.reason().empty() ? "ObserveFailed" : error.reason();
  SetCondition(s.conditions,
               {"Ready", "False", reason, error.message(), std::nullopt, desired.metadata.generation}, now);
  return s;
}

}  // namespace sesame::reconcilers
