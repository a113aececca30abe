#pragma once
// spec.resources on the host: cgroup v2 limits (memory.max, cpu.max,
// pids.max) where a writable cgroup2 hierarchy exists, and rlimits in the
// sandbox process otherwise (memory as RLIMIT_DATA; cpu and pids have no
// per-sandbox rlimit and are then reported as not enforced).

#include <sys/resource.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "specs/sandbox.h"

namespace sesame::providers::filesystem {

struct ResourceLimits {
  std::optional<int64_t> cpu_milli;     // 2000 = two CPUs
  std::optional<int64_t> memory_bytes;
  std::optional<int64_t> pids;
  std::optional<int64_t> disk_bytes;    // recorded; not enforced
  static ResourceLimits FromSpec(const specs::Resources& resources);
  bool operator==(const ResourceLimits&) const = default;
};

// rlimits decided before fork and applied in the child with setrlimit only
// (async-signal-safe).
struct RlimitPlan {
  static constexpr int kMax = 4;
  int count = 0;
  int resource[kMax] = {};
  struct rlimit value[kMax] = {};
};

// RLIMIT_NOFILE raised to a sane soft limit, and RLIMIT_DATA for memory
// unless the cgroup already limits it.
RlimitPlan PlanRlimits(const ResourceLimits& limits, bool cgroup_limits_memory);
// In a forked child: applies the plan, ignoring failures.
void ApplyRlimits(const RlimitPlan& plan);

// The per-sandbox cgroup, or why there is none.
struct CgroupSetup {
  std::string path;     // <root>/sesame/<uid>; empty when unavailable
  std::string message;  // what could not be applied; empty when all was
  bool limits_memory = false;
};

// The spec.resources fields this host enforces: cpu, memory and pids where
// the cgroup v2 hierarchy at `root` is writable and has their controllers;
// memory always (RLIMIT_DATA otherwise). disk is recorded, not enforced.
std::set<std::string> EnforceableResources(const std::string& root);

// Creates <root>/sesame/<uid> (enabling the cpu, memory and pids
// controllers on the way down) and writes the limits. Never fails: what it
// cannot do is described in `message`.
CgroupSetup SetUpCgroup(const std::string& root, const std::string& uid,
                        const ResourceLimits& limits);
// Writes memory.max, cpu.max and pids.max ("max" for an absent limit).
// Returns what failed, empty when all was written.
std::string WriteCgroupLimits(const std::string& path, const ResourceLimits& limits);
// Removes an empty cgroup directory; quiet when it is already gone.
void RemoveCgroup(const std::string& path);

}  // namespace sesame::providers::filesystem
