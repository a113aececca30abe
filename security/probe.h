#pragma once
// What this kernel and machine allow, probed by really doing it once in a
// throwaway child: new user (when not root), mount, pid and network
// namespaces, mounting tmpfs and proc, bringing loopback up; the Landlock
// ABI; seccomp filters with user notification; bubblewrap on the PATH, run
// once in a throwaway sandbox. The strongest backend available is chosen
// from that: native when adequate (it needs no binary), else bubblewrap
// when it works. SESAME_SECURITY_BACKEND=native|bubblewrap forces one; a
// forced backend that cannot work here leaves none (sandboxes are refused
// as Unsupported, with the reason).

#include <string>

namespace sesame::security {

enum class Backend {
  kNone,        // nothing adequate: secured sandboxes cannot start
  kNative,      // namespaces + mounts + seccomp (+ Landlock when available)
  kBubblewrap,  // bwrap's namespaces and mounts + our seccomp (+ Landlock)
};
// "none", "native", "bubblewrap".
const char* ToString(Backend b);

// The administrator's choice of backend: "native" or "bubblewrap".
inline constexpr char kBackendEnv[] = "SESAME_SECURITY_BACKEND";

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
  std::string bwrap_path;     // found on the PATH; empty: none
  bool bwrap_works = false;   // it ran /bin/true in a throwaway sandbox
  std::string bwrap_problem;  // why not, when found
  std::string forced;         // the value of SESAME_SECURITY_BACKEND, if set
  Backend backend = Backend::kNone;
  std::string problem;  // why kNone, or what is weaker than it could be

  // Multi-line human summary ("backend: native\nuser namespaces: ...").
  std::string ToString() const;
  // One line for logs and Observed messages ("native (namespaces, landlock
  // ABI 7, seccomp+notify)").
  std::string Summary() const;
};

// Sets `backend` and `problem` from the facts above and `forced` (part of
// RunProbe; separate for tests).
void ChooseBackend(ProbeResult& r);

// Runs the probe (a few milliseconds; forks, and runs bwrap once).
ProbeResult RunProbe();
// The first probe of this process, cached. Thread-safe.
const ProbeResult& CachedProbe();

}  // namespace sesame::security
