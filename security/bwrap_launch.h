#pragma once
// The bubblewrap backend: the same sandbox as the native backend
// (namespace_launch.h), with bwrap doing the namespaces and the mount plan
// (mount_plan.h) and a small internal subcommand of the `sesame` binary,
// `__apply-seccomp`, doing what bwrap cannot: Landlock, the seccomp filter
// whose user-notification listener goes to the supervisor, and, as host
// root, the drop to the sandbox's unprivileged uid.
//
// The process tree of a session:
//   supervisor ── bwrap (monitor, outside) ── __apply-seccomp (pid 1 inside:
//                 reaps as the sandbox's uid) ── the command (Landlock,
//                 seccomp, exec)
// Start-up, without a race on the network:
//   1. Spawn (providers/filesystem/spawn.h) forks; the child enters a private
//      mount namespace where, as host root, the id-mapped writable roots are
//      attached over their own paths (so bwrap's plain binds pick them up),
//      then execs bwrap with --info-fd and --block-fd.
//   2. The supervisor reads the sandbox's pid from the info fd
//      (ReadBwrapChildPid), creates the proxy listeners 127.0.0.1:3128 and
//      :1080 inside its network namespace (ListenInSandboxNetns), starts the
//      proxy, the seccomp monitor and the port forwarder, and only then
//      writes to the block fd: the command never runs before its proxy.
//   3. __apply-seccomp says it runs (WaitForHelper: bwrap's mounts are
//      done, so exec may enter them), sends its listener over a connection to
//      <state_dir>/notify.sock made before bwrap started (it is inherited),
//      and execs the command.
// `sesame exec` enters the namespaces of the sandbox's pid 1 exactly as for
// the native backend (EnterSandbox).
//
// Identity: as host root, bwrap runs without a user namespace (so, as for
// the native backend, the sandbox's namespaces belong to the host's and its
// mounts can never be undone from inside) and keeps only CAP_SETUID,
// CAP_SETGID, CAP_SETPCAP and CAP_DAC_READ_SEARCH for __apply-seccomp,
// which drops them and the root uid before anything of the sandbox runs.
// Otherwise bwrap makes a user namespace mapping the caller's uid to itself.

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "security/mount_plan.h"
#include "security/namespace_launch.h"

namespace sesame::security {

// The internal subcommand run inside bwrap (registered in main.cc).
inline constexpr char kApplySeccompCommand[] = "__apply-seccomp";
// Where the helper binary is bound inside the sandbox (in its private /dev).
inline constexpr char kHelperInside[] = "/dev/.sesame-helper";

// Everything the launch needs, prepared on the host (SecureSession). The
// fds are the caller's; they must stay open until the bwrap child has
// been forked.
struct BwrapLaunch {
  std::string bwrap;   // absolute path of bwrap
  std::string helper;  // the `sesame` binary, run inside as __apply-seccomp
  SandboxIdentity identity;
  std::vector<std::string> mount_args;  // BwrapMountArgs
  std::vector<std::string> writable;    // writable roots inside (Landlock)
  int info_fd = -1;    // write end: bwrap writes {"child-pid": N, ...}
  int block_fd = -1;   // read end: bwrap waits for a byte before the command
  int notify_fd = -1;  // connected to notify.sock, for the seccomp listener
  int empty_fd = -1;   // an empty file, for --file (mount points)
  // Read end of a pipe whose write end only the supervisor holds: when it
  // closes (the supervisor is gone), the sandbox ends. bwrap's own
  // --die-with-parent cannot do it: its monitor has no capability left to
  // signal the sandbox's unprivileged pid 1.
  int life_fd = -1;
  // Write end: __apply-seccomp writes a byte there once it runs, i.e. once
  // bwrap has finished the mounts (before that, entering the sandbox's
  // mount namespace would enter a half-built one).
  int ready_fd = -1;
  // Id-mapped trees (MountPlan kIdmappedBind) to attach over their host
  // path in the private mount namespace bwrap starts from.
  std::vector<std::pair<int, std::string>> idmapped;
};

// The bwrap options that carry out `plan` (in its order): --ro-bind / /,
// --proc, --dev, tmpfs /tmp and /dev/shm (mode 1777), deny masks
// (--tmpfs then --remount-ro; an empty file bound over a file), the
// writable roots (--bind) and the read-only protected paths (--ro-bind).
// The /dev details of the plan are replaced by bwrap's own --dev.
// `empty_fd`: see BwrapLaunch. kInvalid for an operation bwrap cannot do.
Result<std::vector<std::string>> BwrapMountArgs(const MountPlan& plan, int empty_fd);

// The namespace options: pid, network, IPC, UTS (hostname "sandbox") and,
// when `user_namespace`, a user namespace. The cgroup namespace is shared,
// as with the native backend, so that exec'd commands see the same view.
std::vector<std::string> BwrapNamespaceArgs(bool user_namespace);

// The complete argv: bwrap, its options, `--chdir cwd`, then the helper
// running `command` (empty: an idle sandbox, only the helper as pid 1).
std::vector<std::string> BwrapCommand(const BwrapLaunch& launch, const std::vector<std::string>& command,
                                      const std::string& cwd);

// In the forked child, right before exec'ing bwrap (async-signal-safe):
// clears close-on-exec on the fds bwrap and the helper inherit and attaches
// the id-mapped trees in a private mount namespace. 0 or an errno, with
// `what` set to a static description.
int PrepareBwrapExec(const BwrapLaunch& launch, const char** what);

// Reads the sandbox's pid 1 (its pid on the host) from bwrap's info fd.
// kUnavailable when bwrap exited first, kTerminal after `timeout`.
Result<pid_t> ReadBwrapChildPid(int info_fd, Millis timeout);

// Waits for __apply-seccomp's byte on the read end of the ready pipe.
// kUnavailable when bwrap or the helper failed first, kTerminal after
// `timeout`.
Status WaitForHelper(int ready_fd, Millis timeout);

// The two proxy listeners (HTTP 3128, SOCKS 1080), bound on 127.0.0.1 inside
// the network namespace of `pid`. Made by a short-lived child that joins
// that namespace (and its user namespace when it is not ours): a thread of
// an unprivileged supervisor cannot, as it would need to join the user
// namespace, which only a single-threaded process may.
Result<std::vector<int>> ListenInSandboxNetns(pid_t pid);

// The main of `sesame __apply-seccomp --uid N --gid N --notify-fd N
// --life-fd N --ready-fd N [--writable PATH]... (--idle | -- COMMAND...)`. As pid 1 of the sandbox it
// forks the command's process, which applies the WorkerPlan (Landlock,
// seccomp, sending the listener over the notify fd) and execs COMMAND; pid 1
// itself drops to the sandbox's uid and reaps (RunSandboxInit), exiting
// with the command's status, or at once (taking the sandbox with it) when
// the life fd reaches EOF. Failures before exec print a line on stderr
// and exit 126 (127 when COMMAND is not found).
int RunApplySeccomp(int argc, char** argv);

}  // namespace sesame::security
