#pragma once
// Deriving a Sandbox's status (phase, conditions, endpoints, exit code)
// from what the provider reports after the reconciler acted. Pure.

#include <string>

#include "common/status.h"
#include "providers/provider.h"
#include "reconcilers/plan.h"
#include "specs/sandbox.h"

namespace sesame::reconcilers {

// Sets a condition, keeping lastTransitionTime when its status did not
// change.
void SetCondition(std::vector<specs::Condition>& conditions, specs::Condition c, Time now);
void RemoveCondition(std::vector<specs::Condition>& conditions, specs::ConditionType type);

struct StatusInput {
  const specs::Sandbox* desired = nullptr;
  const providers::Observed* observed = nullptr;  // after the action; nullptr: none
  const Action* action = nullptr;                 // what was planned
  Status result;                                  // how carrying it out went
  // A SecurityEnforced=False/NotImplemented note for providers that report
  // nothing (Observed::security unset); empty: none. The provider's
  // SecurityReport takes precedence.
  std::string security_note;
  Time now{};
};

specs::SandboxStatus ComputeStatus(const StatusInput& in);

// The status when the provider could not be asked about the resource at
// all (its engine or API is unreachable: `error`). Nothing new is known
// about the resource, so phase, providerRef, endpoints and the other
// conditions stay as stored (phase Terminating while the object is being
// deleted, Pending for one never observed); Ready turns False with the
// error's reason ("DaemonUnavailable"; "ObserveFailed" when it has none)
// and message, so a reader sees why nothing moves.
specs::SandboxStatus UnobservedStatus(const specs::Sandbox& desired, const Status& error, Time now);

}  // namespace sesame::reconcilers
