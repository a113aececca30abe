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

// Async-signal-safe: restricts the calling thread (needs no_new_privs or
// CAP_SYS_ADMIN). Paths that do not exist are skipped. 0 or an errno.
int ApplyLandlock(const LandlockPlan& plan);

}  // namespace sesame::security
