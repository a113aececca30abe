#pragma once
// The seccomp filter of every sandboxed process (default allow):
//   - denied, reported as a "syscall" violation (user notification answered
//     with EPERM): io_uring_*, ptrace, process_vm_*, bpf, perf_event_open,
//     userfaultfd, kexec_*, *_module, add_key/request_key/keyctl, mount and
//     the new mount API, pivot_root, setns, unshare and clone with
//     namespace flags, acct, swapon/off, reboot, ioctl TIOCSTI/TIOCLINUX,
//     socket() of any family but AF_UNIX/AF_INET/AF_INET6, and setting the
//     set-user/group-id bits (chmod, fchmod, fchmodat, open/creat/mknod
//     modes) because workspace files may be owned by host root on disk;
//   - clone3 fails with ENOSYS (its flags are in memory; libc falls back to
//     clone, which is checked);
//   - observed (user notification answered CONTINUE, the kernel's mounts
//     and Landlock decide): syscalls with write intent on a path, so that
//     the supervisor can record the blocked ones as "filesystem" violations;
//   - a foreign architecture (i386, x32) kills the process.

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace sesame::security {

struct SeccompProgram {
  std::vector<sock_filter> code;
};

Result<SeccompProgram> BuildSandboxFilter();

// The program a supervisor built, kept in its state directory so that
// commands exec'd into its sandbox later get the very filter its monitor
// understands, even from a newer `sesame` (raw sock_filter array).
inline constexpr char kSeccompProgramFile[] = "seccomp.bpf";
Status SaveProgram(const SeccompProgram& program, const std::string& path);
Result<SeccompProgram> LoadProgram(const std::string& path);

// Async-signal-safe: sets no_new_privs and installs `program` with a new
// user-notification listener. Returns the listener fd, or -errno.
int InstallFilter(const SeccompProgram& program);

// How the supervisor answers a notification.
struct NotifyClass {
  bool deny = false;       // answer EPERM and record a syscall violation
  std::string name;        // syscall name
  std::string detail;      // for denials: "AF_NETLINK", "TIOCSTI", "CLONE_NEWUSER"...
  // For write observations: which arguments are (dirfd, path) pairs;
  // dirfd_arg -1 means AT_FDCWD.
  int path_args[2][2] = {{-1, -1}, {-1, -1}};
  // For the open family: where the open flags are, which tell a read from
  // a write (openat2 keeps them in the struct open_how its arg 2 points to).
  enum class OpenFlags { kNone, kArg1, kArg2, kHowArg2 };
  OpenFlags open_flags = OpenFlags::kNone;
  // connect(): the address (arg 1, length arg 2) is observed, for unix
  // sockets the sandbox cannot reach (the Docker socket).
  bool connect = false;
};
NotifyClass ClassifyNotification(const seccomp_data& data);

}  // namespace sesame::security
