#pragma once
// The native backend: starting a sandbox's init in new mount, pid, network,
// ipc and uts namespaces (plus a user namespace when the caller is not
// root), and entering those namespaces later for `sesame exec`.
//
// Identity: when the supervisor runs as host root, the sandbox runs as an
// unprivileged host uid/gid of its own (IdentityFor), with every
// capability dropped; its namespaces belong to the host's user namespace,
// so it can never undo its mounts. Otherwise a user namespace maps the
// caller's own uid to itself, and exec drops the namespace capabilities.
//
// The process tree:
//   supervisor ── init (pid 1 inside: mounts, loopback, proxy listeners,
//                  then drops privileges and reaps) ── worker (the command)
//   controller ── middle (joins the namespaces) ── worker (the exec'd command)
// Both StartSandboxInit and EnterSandbox behave like fork(): they return
// the child's pid in the caller and 0 in the worker, which then applies
// its WorkerPlan (ApplyWorkerPlan) and execs. The code that runs in the
// children uses only async-signal-safe calls once forked, except the
// init's mount setup, which needs a single-threaded caller.

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "security/landlock.h"
#include "security/mount_plan.h"
#include "security/policy.h"
#include "security/seccomp_filter.h"

namespace sesame::security {

inline constexpr int kHttpProxyPort = 3128;
inline constexpr int kSocksProxyPort = 1080;

struct SandboxIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  bool user_namespace = false;  // true when the caller is not root
};

// Host root: a uid/gid in 2000000000..2000999999 derived from the sandbox
// uid (never 0, never a system account). Otherwise the caller's own ids.
SandboxIdentity IdentityFor(const std::string& sandbox_uid);

// What the worker applies right before exec.
struct WorkerPlan {
  SandboxIdentity identity;
  LandlockPlan landlock;
  SeccompProgram seccomp;
};
Result<WorkerPlan> MakeWorkerPlan(const SandboxIdentity& identity,
                                  const std::vector<std::string>& writable_roots);

// Async-signal-safe: drops the ids and capabilities, applies Landlock and
// seccomp, and sends the seccomp listener to the supervisor over
// `control_fd` (a SOCK_SEQPACKET socket). 0, or an errno with `what` set
// to a static description.
int ApplyWorkerPlan(const WorkerPlan& plan, int control_fd, const char** what);

// Written to the report fd by a child that failed before exec.
struct SetupReport {
  int step = 0;
  int error = 0;
  char what[160] = {};
};
inline constexpr int kSandboxSetupStep = 100;

struct InitOptions {
  const MountPlan* mounts = nullptr;
  SandboxIdentity identity;
  std::string cgroup;      // joined before anything else; empty: none
  bool with_worker = true; // false: an idle sandbox, only the init
  int control_fd = -1;     // SOCK_SEQPACKET to the supervisor
  int report_fd = -1;      // SetupReport on failure; closed (CLOEXEC) on exec
};

// See the file comment. -1 with errno when the clone fails.
pid_t StartSandboxInit(const InitOptions& options);

// Like fork(): a middle process joins the cgroup and the namespaces of the
// init behind `init_pidfd`, then forks the worker (return 0 there) and
// exits with its status. `report_fd` as for StartSandboxInit.
pid_t EnterSandbox(int init_pidfd, const SandboxIdentity& identity, const char* cgroup_procs,
                   int report_fd);

// What the init does once set up, for other launchers (bwrap_launch.h):
// drops to `identity` and every capability, then reaps, forwarding
// termination signals to the whole sandbox, and exits with `worker`'s
// status (worker 0: an idle sandbox, until killed). Only as pid 1.
[[noreturn]] void RunSandboxInit(pid_t worker, const SandboxIdentity& identity);

// SOCK_SEQPACKET messages to the supervisor: a tag byte, fds, and for
// kTagHide a path after the tag.
inline constexpr char kTagListeners = 'L';  // the proxy listeners (2 fds)
inline constexpr char kTagNotify = 'N';     // a seccomp listener (1 fd)
inline constexpr char kTagHide = 'H';       // a host path hidden since start (hide_path.h)
int SendFds(int sock, char tag, const int* fds, int count);  // async-signal-safe
// Receives one message; false at EOF or error. `payload`, when given, gets
// the bytes after the tag.
bool RecvFds(int sock, char& tag, std::vector<int>& fds, std::string* payload = nullptr);

// Whether the namespace file `fd` is the one at `own` ("/proc/self/ns/user").
bool SameNamespace(int fd, const char* own);

// Variables every sandboxed process gets: HOME, TMPDIR, the proxy
// variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and lowercase, NO_PROXY),
// SANDBOX_RUNTIME=1.
std::vector<std::pair<std::string, std::string>> SandboxEnvironment(const std::string& home);

}  // namespace sesame::security
