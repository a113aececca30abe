#pragma once
// What this kernel and machine allow, probed by really doing it once in a
// throwaway child: new user (when not root), mount, pid and network
// namespaces, mounting tmpfs and proc, bringing loopback up; the Landlock
// ABI; seccomp filters with user notification; bubblewrap on the PATH.
// The strongest backend available is chosen from that.

#include <string>

namespace sesame::security {

enum class Backend {
  kNone,    // nothing adequate: secured sandboxes cannot start
  kNative,  // namespaces + mounts + seccomp (+ Landlock when available)
};
const char* ToString(Backend b);

struct ProbeResult {
  bool root = false;
  bool user_namespace = false;  // only needed when not root
  bool mount_namespace = false;
  bool pid_namespace = false;
  bool net_namespace = false;
  bool idmapped_mounts = false;  // needed when root (workspace ownership)
  int landlock_abi = 0;
  bool seccomp = false;
  bool seccomp_notify = false;
  std::string bwrap_path;  // informational: the native backend needs no binary
  Backend backend = Backend::kNone;
  std::string problem;  // why kNone, or what is weaker than it could be

  // Multi-line human summary ("backend: native\nuser namespaces: ...").
  std::string ToString() const;
  // One line for logs and Observed messages ("native (namespaces, landlock
  // ABI 7, seccomp+notify)").
  std::string Summary() const;
};

// Runs the probe (a few milliseconds; forks).
ProbeResult RunProbe();
// The first probe of this process, cached. Thread-safe.
const ProbeResult& CachedProbe();

}  // namespace sesame::security
