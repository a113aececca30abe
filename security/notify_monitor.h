#pragma once
// The supervisor's side of the sandbox's seccomp filter (seccomp_filter.h):
// it answers every user notification of every process in the sandbox —
// EPERM for denied syscalls (recorded as "syscall" violations) and CONTINUE
// for observed opens, writes and connects, recording as "filesystem"
// violations the reads of hidden paths and the writes outside the writable
// roots or inside a protected path, and as "network" violations connects to
// hidden unix sockets (the Docker socket). The paths
// are read from the process's memory and are only used for the record
// (the kernel's mounts and Landlock make the decision), so the usual
// time-of-check race of user notification cannot widen access.
//
// Listeners arrive from the session's worker and, through
// <state_dir>/notify.sock (SOCK_SEQPACKET, one kTagNotify message per
// connection), from exec'd commands; kTagHide messages there add a hidden
// path (hide_path.h). One thread; stops on destruction.

#include <memory>
#include <string>
#include <vector>

#include "security/policy.h"
#include "security/violation_log.h"

namespace sesame::security {

inline constexpr char kNotifySocket[] = "notify.sock";

struct AccessRules {
  std::vector<std::string> writable;   // inside paths
  std::vector<std::string> protected_paths;
  std::vector<std::string> denied_reads;  // hidden paths (policy deny_read)
  // Stay visible even inside a denied path (the workspace, $HOME).
  std::vector<std::string> visible_roots;
  // Hidden, but opens there are not recorded (see AccessRulesFor).
  std::vector<std::string> quiet_reads;
  // Hidden sockets that libraries try on their own (nscd, the journal).
  std::vector<std::string> quiet_connects;
};

// The rules of `policy` with $HOME at `home` inside.
AccessRules AccessRulesFor(const SandboxPolicy& policy, const std::string& home);
// "" when a write to `path` (absolute, normalized) is allowed; otherwise
// the rule that forbids it: "read-only" or "protected".
std::string ClassifyWrite(const AccessRules& rules, const std::string& path);
// "" when `path` is visible (or, unless `quiet_too`, hidden but quiet);
// "deny-read" when it is hidden.
std::string ClassifyRead(const AccessRules& rules, const std::string& path, bool quiet_too = false);
// The same for a connect to the unix socket at `path` (quiet: the library
// sockets of quiet_connects).
std::string ClassifyConnect(const AccessRules& rules, const std::string& path);

class NotifyMonitor {
 public:
  virtual ~NotifyMonitor() = default;
  // Takes ownership of a seccomp listener fd.
  virtual void AddListener(int fd) = 0;
};

// `server_fd`: the listening notify.sock (owned); may be -1.
std::unique_ptr<NotifyMonitor> StartNotifyMonitor(AccessRules rules, ViolationLog* log, int server_fd);

}  // namespace sesame::security
