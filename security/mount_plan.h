#pragma once
// The filesystem view of a sandbox as a list of mount operations, compiled
// on the host from the policy (policy.h) and carried out by the sandbox's
// init in its own mount namespace (namespace_launch.h). Order:
//   1. the host root, bound recursively and made read-only, nosuid, nodev;
//   2. fresh /proc, a minimal /dev (null zero full random urandom tty, a new
//      devpts, /dev/shm), a private /tmp;
//   3. deny-read masks outside the writable roots (a read-only empty tmpfs
//      over a directory, an empty read-only file over a file), with mount
//      points for the writable roots below them; likewise a directory
//      above a writable root that the sandbox's uid may not search (mode
//      0700), so that the root is reachable by its absolute path;
//   4. the writable roots: the synthetic home, the workspace, allowWrite
//      (shallow first; in the host-root case as id-mapped mounts, so that
//      the sandbox's unprivileged uid owns what the owner owns on disk);
//   5. deny-read masks inside writable roots;
//   6. read-only binds of denyWrite paths and of the protected names inside
//      the workspace and home. A protected name missing from the workspace
//      gets an empty stub on the host first (removed again by
//      RemoveStubs), so that it cannot be created from inside.
// Every path is resolved with realpath before use, so a symlink cannot
// redirect a mount; the sandbox cannot move mounts (no capabilities,
// mount syscalls denied by seccomp), and a mount point cannot be renamed
// or unlinked (EBUSY).

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "security/policy.h"

namespace sesame::security {

struct MountOp {
  enum Kind {
    kBind,         // source (host) onto target, recursive
    kIdmappedBind, // the prepared detached tree `fd` onto target
    kTmpfs,        // tmpfs with `data` options
    kProc,
    kDevpts,
    kMkdir,        // mkdir -p target (inside the new root)
    kMkfile,       // create an empty file at target
    kSymlink,      // target -> source
    kRemountRo,    // make target (one mount) read-only
  };
  Kind kind = kBind;
  std::string source;
  std::string target;  // a path inside the sandbox
  bool read_only = false;
  std::string data;
  int fd = -1;
};

struct MountPlan {
  std::string new_root;  // host directory that becomes "/"
  std::vector<MountOp> ops;
  std::string home;                   // $HOME inside
  // Writable roots inside (for Landlock): the home, the workspace,
  // allowWrite, the private /tmp and /dev/shm.
  std::vector<std::string> writable;
  std::vector<std::string> stubs;     // host paths created as stubs
  // Killed children of the caller that held the id-mapping namespaces,
  // not reaped yet (ReapMountHelpers).
  std::vector<pid_t> helpers;
};

struct MountPlanOptions {
  std::string state_dir;  // holds root/, home/ and the stubs list
  // uid/gid that will own the sandbox's files; when the caller is host
  // root, writable roots are id-mapped from their on-disk owner to them.
  uid_t uid = 0;
  gid_t gid = 0;
  bool idmap = false;
};

// Compiles the plan and prepares what it needs on the host: root/ and
// home/ in the state directory, stubs, id-mapped trees (their fds are in the
// ops and must stay open until the init has used them).
Result<MountPlan> CompileMountPlan(const SandboxPolicy& policy, const MountPlanOptions& options);

// Reaps plan.helpers: once the sandbox is started, or when the plan is
// dropped unused. (Not at once: a killed process exits only once it is
// scheduled, a wait the sandbox's start does not need.)
void ReapMountHelpers(MountPlan& plan);

// Removes the stubs listed in <state_dir>/stubs that are still empty.
void RemoveStubs(const std::string& state_dir);

// Runs `plan` in the calling process (the sandbox's init, in its new mount
// namespace, before pivot_root). On failure returns errno and sets `what`.
int ExecuteMountPlan(const MountPlan& plan, std::string& what);

// The writable roots and $HOME of a policy as seen inside (for Exec).
std::vector<std::string> WritableRoots(const SandboxPolicy& policy);

}  // namespace sesame::security
