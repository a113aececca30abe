#include "providers/filesystem/session.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <thread>

#include "common/crash_point.h"
#include "providers/filesystem/launcher.h"
#include "providers/filesystem/process.h"
#include "providers/filesystem/supervisor.h"

namespace sesame::providers::filesystem {
namespace {

constexpr Millis kStartPoll(2);
constexpr Millis kSupervisorExitGrace(2000);

std::optional<Time> ModificationTime(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  auto since_epoch = std::chrono::seconds(st.st_mtim.tv_sec) +
                     std::chrono::nanoseconds(st.st_mtim.tv_nsec);
  return Time(std::chrono::duration_cast<Time::duration>(since_epoch));
}

void SetState(Observed& o, ResourceState state, std::string message) {
  o.state = state;
  o.message = std::move(message);
}

std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  return b.empty() ? a : a + "; " + b;
}

}  // namespace

Status StartSession(const FilesystemOptions& options, const std::string& dir,
                    const EnvList& env) {
  Result<FdPair> channel = MakeSocketPair();
  if (!channel.ok()) return channel.status();
  std::vector<std::string> argv = options.supervisor_command;
  for (const char* arg : {"--state-dir", dir.c_str(), "--env-fd", "3", "--cgroup-root",
                          options.cgroup_root.c_str()}) {
    argv.push_back(arg);
  }
  // The supervisor gets the same short list of variables as a sandbox, so
  // the controller's own secrets are not in its /proc/PID/environ.
  Result<pid_t> pid = LaunchDetached(argv, SandboxEnvironment({{kSupervisorTunablesName, kSupervisorTunablesValue}}),
                                     channel->write.get());
  if (!pid.ok()) return pid.status();
  CrashPoint("filesystem.after-launch");
  channel->write.Reset();
  // Recorded at once, so a controller that dies now finds the launch in
  // progress instead of starting a second supervisor.
  ProcessId supervisor = CaptureProcess(*pid);
  // Not synced, as the create's first write (FilesystemProvider::Create):
  // a pid names a process only while it lives, and none outlives a power
  // loss.
  UniqueFd unsynced;
  (void)UpdateStateUnsynced(dir, [&](SandboxState& s) {
    if (s.supervisor.empty()) s.supervisor = supervisor;
  }, unsynced);
  CrashPoint("filesystem.after-record");
  // Secrets travel through the socket only; a supervisor that died early
  // makes this fail quietly, and WaitForStart reports it. The socket stays
  // open the other way: the supervisor closes it once it has started.
  (void)WriteAll(channel->read.get(), SessionEnvBlock(env));
  ::shutdown(channel->read.get(), SHUT_WR);
  return WaitForStart(dir, supervisor, options.start_timeout, channel->read.get());
}

Status WaitForStart(const std::string& dir, const ProcessId& supervisor, Millis timeout,
                    int started_report) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Result<SandboxState> state = LoadState(dir);
    if (!state.ok()) return state.status();
    // An install of runtimes in progress counts as started: it may take
    // minutes, and the RuntimeReady condition shows how it goes.
    if (state->started_at || state->exit_code || !state->runtime_phase.empty()) return Status::Ok();
    if (!IsAlive(supervisor)) {
      return UnavailableError("the supervisor of " + dir + " exited before starting the command");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return UnavailableError("the supervisor of " + dir + " did not start the command in time");
    }
    if (started_report >= 0) {
      auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
      pollfd p{started_report, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) != 0) {
        started_report = -1;  // closed: the state says the rest (a few reads at most)
      }
      continue;
    }
    std::this_thread::sleep_for(kStartPoll);
  }
}

void StopSession(const SandboxState& state, Millis grace) {
  if (IsAlive(state.child)) {
    SignalGroup(state.child, SIGTERM);
    SignalGroup(state.child, SIGCONT);  // a stopped group acts on SIGTERM only once continued
    if (!WaitGone(state.child, grace)) {
      SignalGroup(state.child, SIGKILL);
      WaitGone(state.child, grace);
    }
  }
  if (!IsAlive(state.supervisor)) return;
  // With its command gone the supervisor drains the output and exits; an
  // idle one waits for SIGTERM.
  if (!state.child.empty() && WaitGone(state.supervisor, kSupervisorExitGrace)) return;
  ::kill(state.supervisor.pid, SIGTERM);
  if (!WaitGone(state.supervisor, grace)) {
    ::kill(state.supervisor.pid, SIGKILL);
    WaitGone(state.supervisor, grace);
  }
}

Observed ToObserved(const SandboxState& s, const std::string& dir) {
  Observed o;
  o.uid = s.uid;
  o.key = s.key;
  o.id = std::to_string(!s.child.empty() ? s.child.pid : s.supervisor.pid);
  o.started_at = s.started_at;
  o.finished_at = s.finished_at;
  o.field_hashes = s.field_hashes;
  for (int port : s.ports) {
    auto mapped = s.port_map.find(port);
    int host = mapped != s.port_map.end() ? mapped->second : port;
    o.endpoints.push_back({port, "http://127.0.0.1:" + std::to_string(host)});
  }
  if (s.policy) {
    SecurityReport r;
    if (!s.policy->enabled) {
      r.reason = s.policy->disabled_reason;
      r.message = r.reason == "DisabledByAdmin"
                      ? "sandbox security is turned off by the administrator: the process runs with "
                        "the controller's user and permissions"
                      : "spec.security.enabled is false: the process runs with the controller's user "
                        "and permissions";
    } else {
      r.enforced = true;
      r.reason = "Enforced";
      r.message = s.security_message.empty() ? "native" : s.security_message;
    }
    o.security = r;
  }
  if (s.runtimes_auto) {
    std::string phase = s.runtime_phase.empty() ? "Detecting" : s.runtime_phase;
    o.runtime = RuntimeReport{phase, s.runtime_reason.empty() ? phase : s.runtime_reason,
                              s.runtime_message};
  }
  auto output = ModificationTime(dir + "/" + kOutputLog);
  auto activity = ModificationTime(dir + "/" + kActivityFile);
  o.last_activity = output && activity ? std::max(*output, *activity) : output ? output : activity;
  if (!o.last_activity) o.last_activity = s.started_at;

  bool supervisor_alive = IsAlive(s.supervisor);
  if (s.exit_code) {
    o.exit_code = s.exit_code;
    SetState(o, ResourceState::kExited,
             Join("exited with code " + std::to_string(*s.exit_code), s.message));
  } else if (!s.started_at) {
    std::string starting = s.runtime_phase.empty() || s.runtime_phase == "Ready"
                               ? "starting"
                               : "runtimes: " + s.runtime_phase + ": " + s.runtime_message;
    SetState(o, supervisor_alive ? ResourceState::kCreating : ResourceState::kExited,
             supervisor_alive ? starting : "the supervisor exited before starting the command");
    if (!supervisor_alive) o.exit_code = -1;
  } else if (!supervisor_alive) {
    o.exit_code = -1;
    SetState(o, ResourceState::kExited, "supervisor lost: its exit was not recorded");
  } else if (s.suspended && (s.child.empty() || IsStopped(s.child))) {
    SetState(o, ResourceState::kSuspended, s.message);
  } else if (s.suspended) {
    SetState(o, ResourceState::kRunning, Join("suspended on request but running", s.message));
  } else {
    SetState(o, ResourceState::kRunning, s.message);
  }
  return o;
}

bool CreateInterrupted(const SandboxState& s) {
  return !s.started_at && !s.exit_code && s.runtime_phase.empty() && !IsAlive(s.supervisor);
}

bool SessionEnded(const std::string& dir) {
  Result<SandboxState> state = LoadState(dir);
  return !state.ok() || state->exit_code.has_value() || !IsAlive(state->supervisor);
}

}  // namespace sesame::providers::filesystem
