#pragma once
// The supervisor's half of OS-level sandboxing (security/): preparing a
// sandbox for the session command (mount plan, worker restrictions, the
// control channel; with the bubblewrap backend, bwrap's options and the
// fds it is started with, bwrap_launch.h), and, once its init runs,
// hosting what lives outside
// it for as long as the supervisor does: the filtering proxy, the seccomp
// notification monitor (and <state_dir>/notify.sock for exec'd commands),
// the port forwarder and <state_dir>/violations.jsonl. Because these live
// in the per-sandbox supervisor, they survive a controller restart.

#include <map>
#include <memory>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"
#include "providers/filesystem/spawn.h"
#include "providers/filesystem/state_file.h"
#include "security/mount_plan.h"
#include "security/namespace_launch.h"
#include "security/notify_monitor.h"
#include "security/port_forward.h"
#include "security/proxy.h"
#include "security/violation_log.h"

namespace sesame::providers::filesystem {

class SecureSession {
 public:
  // Host-side preparation for the sandbox of `state` (state.policy must be
  // enabled). Must run before the supervisor starts any thread. Fails with
  // kUnsupported when the kernel lacks what the backend needs.
  static Result<std::unique_ptr<SecureSession>> Prepare(const std::string& state_dir,
                                                        const SandboxState& state,
                                                        const std::string& cgroup,
                                                        bool with_worker);
  ~SecureSession();

  // The cgroup the sandbox's init joins, when it is known only after
  // Prepare (before the start).
  void set_cgroup(const std::string& cgroup) { init_.cgroup = cgroup; }

  // For SpawnOptions::sandbox (the session command).
  const SandboxLaunch* launch() const { return &launch_; }
  // Variables to add to the command's environment (HOME, proxies...).
  std::vector<std::pair<std::string, std::string>> Environment() const;
  const std::string& home() const { return plan_.home; }

  // Starts an idle sandbox (init only). Returns the pid to wait for (the
  // init, or bwrap).
  Result<pid_t> StartIdle();
  // After the spawned process (the init, or bwrap) is running: receives the
  // proxy listeners (and the worker's seccomp listener) and starts proxy,
  // monitor and forwarder; with bubblewrap, then lets the command run.
  Status Started(pid_t spawned);
  // The sandbox's pid 1 on the host, once Started: what exec enters, and
  // the leader of the sandbox's process group.
  pid_t sandbox_pid() const { return sandbox_pid_; }

  const std::map<int, int>& port_map() const { return port_map_; }
  // "native (...)" plus anything not enforced (e.g. a port not forwarded).
  std::string message() const { return message_; }

 private:
  SecureSession() = default;
  Status PrepareBwrap(const SandboxState& state, const security::SandboxIdentity& id);
  Status StartedBwrap();
  // Proxy, seccomp monitor (on `notify_server`) and port forwarder.
  void StartServices(std::vector<int> listeners, int notify_server);

  std::string state_dir_;
  security::SandboxPolicy policy_;
  security::MountPlan plan_;
  security::WorkerPlan worker_;
  security::InitOptions init_;
  SandboxLaunch launch_;
  UniqueFd control_;        // the supervisor's end
  UniqueFd control_child_;  // the sandbox's end, closed once started
  std::unique_ptr<security::ViolationLog> violations_;
  std::unique_ptr<security::Proxy> proxy_;
  std::unique_ptr<security::NotifyMonitor> monitor_;
  std::unique_ptr<security::PortForwarder> forwarder_;
  std::map<int, int> port_map_;
  std::string message_;
  pid_t sandbox_pid_ = -1;
  // The bubblewrap backend (unused by the native one).
  bool bwrap_ = false;
  security::BwrapLaunch bwrap_launch_;
  UniqueFd info_read_, info_write_;    // bwrap's --info-fd
  UniqueFd block_read_, block_write_;  // bwrap's --block-fd
  UniqueFd notify_server_, notify_client_, empty_;
  UniqueFd life_read_, life_write_;  // the sandbox ends when life_write_ closes
  UniqueFd ready_read_, ready_write_;  // __apply-seccomp runs: bwrap's mounts are done
};

}  // namespace sesame::providers::filesystem
