#pragma once
// The RuntimeReady condition (and phase) the controller would show for an
// observed sandbox with runtimes.mise: auto, computed as the reconciler does.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "providers/provider.h"
#include "reconcilers/plan.h"
#include "reconcilers/status.h"

namespace sesame::runtimes {

inline specs::Condition RuntimeReadyAsShown(const providers::Observed& o, const std::string& provider,
                                            std::string* phase = nullptr) {
  specs::Sandbox desired;
  desired.metadata.name = o.key.name;
  desired.metadata.generation = 1;
  desired.spec.provider = provider;
  desired.spec.runtimes.mise = "auto";
  reconcilers::Action nothing{reconcilers::ActionType::kNothing, specs::Reason::kCompleted, "", std::nullopt, ""};
  reconcilers::StatusInput in{&desired, &o, &nothing, Status::Ok(), "", Clock::Real().Now()};
  specs::SandboxStatus status = reconcilers::ComputeStatus(in);
  if (phase != nullptr) *phase = specs::ToString(status.phase);
  const specs::Condition* c = status.FindCondition("RuntimeReady");
  EXPECT_NE(c, nullptr);
  return c ? *c : specs::Condition{};
}

}  // namespace sesame::runtimes
