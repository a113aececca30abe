#pragma once
// Landlock as the second filesystem layer under the mount plan: read and
// execute everywhere, write only beneath the writable roots (and devices,
// /proc). It cannot carve denials out of a granted tree, so the mount plan
// does those; Landlock guarantees that even a mount mistake cannot make the
// rest of the system writable.

#include <cstdint>
#include <string>
#include <vector>

namespace sesame::security {

// The kernel's Landlock ABI version; 0 when unavailable.
int LandlockAbi();

struct LandlockRule {
  std::string path;  // inside the sandbox's mount namespace
  uint64_t access = 0;
};

struct LandlockPlan {
  int abi = 0;  // 0: do not apply
  uint64_t handled = 0;
  std::vector<LandlockRule> rules;
};

// Rules for a sandbox whose writable roots are `writable` (paths inside).
LandlockPlan PlanLandlock(int abi, const std::vector<std::string>& writable);

// Async-signal-safe, in two steps so that the paths are opened while the
// caller may still traverse every directory (before dropping its uid):
// BuildLandlockRuleset returns a ruleset fd (-1 when the plan is empty;
// -errno on failure; missing paths are skipped), RestrictSelf applies and
// closes it (needs no_new_privs or CAP_SYS_ADMIN). 0 or an errno.
int BuildLandlockRuleset(const LandlockPlan& plan);
int RestrictSelf(int ruleset);

}  // namespace sesame::security
