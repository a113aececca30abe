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
void RemoveCondition(std::vector<specs::Condition>& conditions, const std::string& type);

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

}  // namespace sesame::reconcilers
