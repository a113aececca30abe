#include "providers/filesystem/filesystem_provider.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/crash_point.h"
#include "providers/filesystem/claimed_session.h"
#include "providers/filesystem/exec_session.h"
#include "providers/filesystem/log_reader.h"
#include "providers/filesystem/process.h"
#include "providers/filesystem/secure_exec.h"
#include "providers/filesystem/session.h"
#include "providers/filesystem/spawn.h"
#include "providers/filesystem/state_file.h"
#include "providers/filesystem/violation_reader.h"
#include "providers/filesystem/workspace_files.h"
#include "providers/preview_forwarders.h"
#include "runtimes/install_steps.h"
#include "security/hide_path.h"
#include "security/mount_plan.h"
#include "security/namespace_launch.h"
#include "security/notify_monitor.h"
#include "security/probe.h"
#include "security/seccomp_filter.h"

namespace sesame::providers::filesystem {
namespace {

namespace fs = std::filesystem;

constexpr Millis kSuspendWait(2000);

bool ValidUid(const std::string& uid) {
  if (uid.empty() || uid.size() > 128 || uid == "." || uid == "..") return false;
  for (char c : uid) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// The mise binary: the configured one, else the first on the PATH.
std::string ResolveMise(const std::string& configured) {
  if (!configured.empty()) return ::access(configured.c_str(), X_OK) == 0 ? configured : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t pos = 0;
  while (pos < dirs.size()) {
    size_t colon = dirs.find(':', pos);
    std::string dir = dirs.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    if (!dir.empty() && dir[0] == '/' && ::access((dir + "/mise").c_str(), X_OK) == 0) {
      return dir + "/mise";
    }
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  return "";
}

// The parts of a request that state.json keeps (env names, never values).
// Copies the output of the run that just ended (output.log from `from`,
// where that run began) to output.previous.log, for logs --previous;
// returns where the next run begins. output.log itself keeps every run.
int64_t KeepPreviousRun(const std::string& dir, int64_t from) {
  std::ifstream in(dir + "/" + kOutputLog, std::ios::binary);
  if (!in) return 0;
  in.seekg(0, std::ios::end);
  int64_t size = static_cast<int64_t>(in.tellg());
  if (from > size) from = 0;  // the log was replaced
  in.seekg(from);
  std::ofstream out(dir + "/" + kPreviousOutputLog, std::ios::binary | std::ios::trunc);
  out << in.rdbuf();
  return size;
}

void ApplyRequest(const SandboxRequest& r, SandboxState& s) {
  s.uid = r.uid;
  s.key = r.key;
  s.command = r.spec.command;
  s.env_names.clear();
  for (const auto& [name, value] : r.env) s.env_names.push_back(name);
  s.stdin_open = r.spec.stdin_open;
  s.ports = r.spec.ports;
  s.limits = ResourceLimits::FromSpec(r.spec.resources);
  s.field_hashes = r.field_hashes;
  s.runtimes_auto = r.spec.runtimes.mise == "auto";
  s.install_dependencies = r.spec.runtimes.install_dependencies;
  // A request without a policy decision (enabled false, no reason) runs
  // unsecured and reports nothing about security.
  if (r.policy.enabled || !r.policy.disabled_reason.empty()) {
    s.policy = r.policy;
  } else {
    s.policy.reset();
  }
}

// The backend the probe chose, for the supervisor (which does not see the
// controller's environment, so cannot probe for itself).
void RecordBackend(SandboxState& s) {
  const security::ProbeResult& probe = security::CachedProbe();
  s.security_message = probe.Summary();
  s.security_backend = security::ToString(probe.backend);
  s.bwrap_path = probe.bwrap_path;
}

void ClearRuntime(SandboxState& s) {
  s.supervisor = {};
  s.child = {};
  s.cgroup.clear();
  s.started_at.reset();
  s.finished_at.reset();
  s.exit_code.reset();
  s.message.clear();
  s.suspended = false;
  s.sandbox_init = {};
  s.sandbox_home.clear();
  s.port_map.clear();
  s.runtime_phase.clear();
  s.runtime_reason.clear();
  s.runtime_message.clear();
  s.runtime_exec_prefix.clear();
}

void Touch(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (fd.valid()) ::futimens(fd.get(), nullptr);
}

Result<UniqueFd> ConnectUnix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return InternalError(path + ": path too long");
  std::strcpy(addr.sun_path, path.c_str());
  UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock.valid() || ::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return UnavailableError("cannot connect to " + path + ": " + std::string(std::strerror(errno)));
  }
  return sock;
}

Result<UniqueFd> ConnectStdin(const std::string& dir) { return ConnectUnix(dir + "/" + kStdinSocket); }

class FilesystemProvider final : public Provider {
 public:
  explicit FilesystemProvider(FilesystemOptions options)
      : options_(std::move(options)),
        resources_(EnforceableResources(options_.cgroup_root)),
        violations_(options_.state_root) {}

  std::string name() const override { return "filesystem"; }
  Capabilities capabilities() const override;
  Result<Observed> Create(const SandboxRequest& request) override;
  Result<std::optional<Observed>> Observe(const std::string& uid) override;
  Result<std::vector<Observed>> ListOwned() override;
  Status Update(const Observed& current, const SandboxRequest& request) override;
  Status Suspend(const Observed& current) override;
  Status Resume(const Observed& current) override;
  Status Restart(const Observed& current, const SandboxRequest& request) override;
  Status StartSession(const Observed& current, const SandboxRequest& request) override;
  Status Delete(const Observed& current) override;
  Result<int> Exec(const Observed& current, const ExecRequest& request,
                   Streams& streams) override;
  Status Logs(const Observed& current, const LogOptions& options, Streams& streams) override;
  Status Attach(const Observed& current, Streams& streams) override;
  Result<std::string> ReadFile(const Observed& current, const std::string& path) override;
  Status WriteFile(const Observed& current, const std::string& path,
                   const std::string& content) override;
  Result<std::vector<ViolationRecord>> DrainViolations() override { return violations_.Drain(); }
  Status HideFromRunning(const std::string& path) override;
  Result<std::string> PreviewUrl(const Observed& current, int port) override;

 private:
  std::string Dir(const std::string& uid) const { return options_.state_root + "/" + uid; }
  // Where Delete moves a state directory before removing it.
  std::string TrashDir() const { return options_.state_root + ".trash"; }
  Result<SandboxState> Load(const std::string& uid) const;
  Result<Observed> ObserveDir(const std::string& dir) const;
  Status Signal(const std::string& uid, int signal, bool suspended);

  const FilesystemOptions options_;
  const std::set<std::string> resources_;  // what this host enforces
  ViolationReader violations_;
  PreviewForwarders previews_;  // secured sandboxes' dynamic previews
};

Capabilities FilesystemProvider::capabilities() const {
  Capabilities c;
  // resources: cgroup files and prlimit on the running process; lifetime is
  // the controller's; ports are only reported. image, runtime and
  // persistence mean nothing to a host process, so changing them must not
  // recreate it.
  c.in_place_fields = {"resources", "lifetime", "ports", "image", "runtime", "persistence"};
  c.os_security = true;
  c.violation_monitoring = true;
  c.stdin = true;
  c.ports = PortPreviews::kLocalhost;
  c.persistence = Persistence::kHostDirectory;
  c.file_ops = true;
  c.resources = resources_;
  return c;
}

Result<SandboxState> FilesystemProvider::Load(const std::string& uid) const {
  if (!ValidUid(uid)) return InvalidError("invalid uid \"" + uid + "\"");
  return LoadState(Dir(uid));
}

Result<Observed> FilesystemProvider::ObserveDir(const std::string& dir) const {
  Result<SandboxState> state = LoadState(dir);
  if (!state.ok()) return state.status();
  return ToObserved(*state, dir);
}

Result<Observed> FilesystemProvider::Create(const SandboxRequest& request) {
  if (!ValidUid(request.uid)) return InvalidError("invalid uid \"" + request.uid + "\"");
  if (request.workspace_dir.empty() || request.workspace_dir[0] != '/') {
    return InvalidError("workspace directory must be an absolute path: \"" +
                        request.workspace_dir + "\"");
  }
  std::string dir = Dir(request.uid);
  std::string security_message;
  if (request.policy.enabled) {
    const security::ProbeResult& probe = security::CachedProbe();
    if (probe.backend == security::Backend::kNone) {
      return SecurityUnsupportedError("cannot sandbox on this host: OS-level sandboxing is " +
                                      probe.problem +
                                      " (an administrator may turn sandbox security off)");
    }
    security_message = probe.Summary();
  }
  Result<SandboxState> existing = LoadState(dir);
  if (existing.ok()) {
    if (existing->started_at || existing->exit_code) return ToObserved(*existing, dir);  // adopt
    if (IsAlive(existing->supervisor)) {
      SESAME_RETURN_IF_ERROR(WaitForStart(dir, existing->supervisor, options_.start_timeout));
      return ObserveDir(dir);
    }
  }
  std::error_code ec;
  fs::create_directories(options_.state_root, ec);
  if (ec || (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)) {
    return InternalError("cannot create " + dir + ": " + (ec ? ec.message() : std::strerror(errno)));
  }
  SandboxState state;
  state.workspace = request.workspace_dir;
  state.workspace_created = existing.ok() && existing->workspace_created;
  if (!fs::exists(request.workspace_dir, ec)) {
    if (!fs::create_directories(request.workspace_dir, ec) && ec) {
      return InternalError("cannot create workspace " + request.workspace_dir + ": " + ec.message());
    }
    // Only a default workspace is ours to remove on Delete.
    state.workspace_created = request.spec.workspace.path.empty();
  }
  ApplyRequest(request, state);
  if (existing.ok()) {  // a sandbox made again keeps what it installed
    state.installed_tools_hash = existing->installed_tools_hash;
    state.installed_lock_hash = existing->installed_lock_hash;
  }
  if (state.runtimes_auto) state.mise_path = ResolveMise(options_.mise_path);
  state.security_message = security_message;
  if (request.policy.enabled) RecordBackend(state);
  // Not synced: the writes of a create before its session runs describe
  // processes that a power loss or kernel crash ends anyway, and what a
  // reboot may find of them (no state file, an earlier one, or an empty
  // one, which reads as none) is a create that did not finish, which the
  // reconciler makes again. The supervisor's record of the started session
  // reaches the disk (supervisor.cc, RunStarted). A kill -9 at any moment
  // does not touch the page cache, which every reader goes through.
  UniqueFd unsynced;
  SESAME_RETURN_IF_ERROR(StoreState(dir, state, &unsynced));
  unsynced.Reset();
  CrashPoint("filesystem.after-state");
  SESAME_RETURN_IF_ERROR(filesystem::StartSession(options_, dir, request.env));
  return ObserveDir(dir);
}

Result<std::optional<Observed>> FilesystemProvider::Observe(const std::string& uid) {
  Result<SandboxState> state = Load(uid);
  if (!state.ok() && state.status().code() == Code::kNotFound) return std::optional<Observed>();
  if (!state.ok()) return state.status();
  // Absent, so that the reconciler creates it (Create reuses the
  // directory); waiting would wait forever.
  if (CreateInterrupted(*state)) return std::optional<Observed>();
  return std::optional<Observed>(ToObserved(*state, Dir(uid)));
}

Result<std::vector<Observed>> FilesystemProvider::ListOwned() {
  std::vector<Observed> owned;
  std::error_code ec;
  fs::remove_all(TrashDir(), ec);  // what deletes cut short left
  fs::directory_iterator it(options_.state_root, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return owned;
    return InternalError(options_.state_root + ": " + ec.message());
  }
  for (const fs::directory_entry& entry : it) {
    if (!entry.is_directory(ec)) continue;
    Result<Observed> o = ObserveDir(entry.path().string());
    if (o.ok()) owned.push_back(std::move(*o));  // a directory being deleted vanishes
  }
  return owned;
}

Status FilesystemProvider::HideFromRunning(const std::string& path) {
  std::error_code ec;
  fs::directory_iterator it(options_.state_root, ec);
  if (ec) return Status::Ok();  // no sandboxes yet
  for (const fs::directory_entry& entry : it) {
    Result<SandboxState> state = LoadState(entry.path().string());
    if (!state.ok() || !state->policy || !state->policy->enabled || !IsAlive(state->sandbox_init)) continue;
    const std::string& own = state->policy->filesystem.workspace;
    // Two sandboxes may share a workspace, or nest one in the other.
    if (security::PathWithin(own, path) || security::PathWithin(path, own)) continue;
    SESAME_RETURN_IF_ERROR(security::HideInRunningSandbox(state->sandbox_init.pid, entry.path().string(), path));
  }
  return Status::Ok();
}

Status FilesystemProvider::Update(const Observed& current, const SandboxRequest& request) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  ResourceLimits limits = ResourceLimits::FromSpec(request.spec.resources);
  std::string message;
  if (!state->cgroup.empty()) {
    message = WriteCgroupLimits(state->cgroup, limits);
  } else if (IsAlive(state->child) && limits.memory_bytes) {
    // Only the session's leader: processes it already forked keep theirs.
    auto bytes = static_cast<rlim_t>(*limits.memory_bytes);
    struct rlimit rl{bytes, bytes};
    if (::prlimit(state->child.pid, RLIMIT_DATA, &rl, nullptr) != 0) {
      message = std::string("prlimit: ") + std::strerror(errno);
    }
  }
  return UpdateState(Dir(current.uid), [&](SandboxState& s) {
    s.limits = limits;
    s.ports = request.spec.ports;
    s.field_hashes = request.field_hashes;
    if (!message.empty()) s.message = message;
  });
}

Status FilesystemProvider::Signal(const std::string& uid, int signal, bool suspended) {
  Result<SandboxState> state = Load(uid);
  if (!state.ok()) return state.status();
  if (state->exit_code || !IsAlive(state->supervisor)) {
    return ConflictError("the session of " + state->key.namespace_ + "/" + state->key.name + " is not running");
  }
  SignalGroup(state->child, signal);
  auto deadline = std::chrono::steady_clock::now() + kSuspendWait;
  while (IsAlive(state->child) && IsStopped(state->child) != suspended &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(Millis(10));
  }
  return UpdateState(Dir(uid), [&](SandboxState& s) { s.suspended = suspended; });
}

Status FilesystemProvider::Suspend(const Observed& current) {
  return Signal(current.uid, SIGSTOP, true);
}

Status FilesystemProvider::Resume(const Observed& current) {
  return Signal(current.uid, SIGCONT, false);
}

Status FilesystemProvider::Restart(const Observed& current, const SandboxRequest& request) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  StopSession(*state, options_.stop_timeout);
  std::string dir = Dir(current.uid);
  int64_t next_run = KeepPreviousRun(dir, state->run_log_offset);
  SESAME_RETURN_IF_ERROR(UpdateState(dir, [&](SandboxState& s) {
    ApplyRequest(request, s);
    ClearRuntime(s);
    if (s.runtimes_auto) s.mise_path = ResolveMise(options_.mise_path);
    if (request.policy.enabled) RecordBackend(s);
    ++s.restarts;
    s.run_log_offset = next_run;
  }));
  return filesystem::StartSession(options_, dir, request.env);
}

Status FilesystemProvider::StartSession(const Observed& current, const SandboxRequest& request) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  std::string dir = Dir(current.uid);
  // The claim's session is recorded by the supervisor once it runs.
  auto recorded = [&](const SandboxState& s) {
    return !s.command.empty() && s.field_hashes == request.field_hashes;
  };
  bool idle = state->command.empty() && !state->exit_code && IsAlive(state->supervisor);
  Result<UniqueFd> conn = idle ? ConnectUnix(dir + "/" + kStartSocket)
                               : Result<UniqueFd>(UnavailableError("not an idle warm sandbox"));
  if (!conn.ok()) {
    // An earlier attempt (a controller killed while waiting for the answer)
    // may have started it just now: the supervisor stops listening only
    // once state.json says so.
    Result<SandboxState> now = Load(current.uid);
    if (now.ok() && recorded(*now)) return Status::Ok();
    return Restart(current, request);  // start it the slow way
  }
  // The sandbox itself (workspace, policy, limits) stays as the warm one
  // was made; the session is the claim's.
  ClaimedSession session{request.key, request.spec.command, request.spec.stdin_open, request.field_hashes,
                         request.env};
  (void)WriteAll(conn->get(), EncodeClaimedSession(session));
  ::shutdown(conn->get(), SHUT_WR);
  std::string answer = ReadUntilEof(conn->get());
  if (answer == "O") return Status::Ok();
  // It stays idle and unchanged: start the session the slow way.
  if (answer.size() > 1 && answer[0] == 'E') return Restart(current, request);
  return UnavailableError("the warm sandbox's supervisor did not answer");
}

Status FilesystemProvider::Delete(const Observed& current) {
  if (!ValidUid(current.uid)) return InvalidError("invalid uid \"" + current.uid + "\"");
  std::string dir = Dir(current.uid);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::Ok();
  Result<SandboxState> state = LoadState(dir);
  if (state.ok()) {
    StopSession(*state, options_.stop_timeout);
    RemoveCgroup(state->cgroup);
    if (state->workspace_created && fs::path(state->workspace).has_relative_path()) {
      fs::remove_all(state->workspace, ec);
      if (ec) return InternalError("cannot remove workspace " + state->workspace + ": " + ec.message());
    }
  }
  previews_.Forget(current.uid);
  // Moved aside in one step, then removed: a controller killed while
  // removing leaves a directory in the trash (emptied by ListOwned), never
  // a state directory without its state file, which nothing would find.
  std::string trash = TrashDir() + "/" + current.uid;
  fs::create_directories(TrashDir(), ec);
  fs::remove_all(trash, ec);
  if (::rename(dir.c_str(), trash.c_str()) != 0) {
    fs::remove_all(dir, ec);
    if (ec) return InternalError("cannot remove " + dir + ": " + ec.message());
    return Status::Ok();
  }
  fs::remove_all(trash, ec);  // the sandbox is gone either way
  return Status::Ok();
}

// Unsecured, the sandbox shares the host's network: its ports are on the
// host's loopback. Secured, it has a network namespace of its own, reached
// through a forwarder into it.
Result<std::string> FilesystemProvider::PreviewUrl(const Observed& current, int port) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  if (!state->policy || !state->policy->enabled) return "http://127.0.0.1:" + std::to_string(port);
  if (!IsAlive(state->sandbox_init)) {
    return UnavailableError("the sandbox is not running: nothing listens on port " + std::to_string(port));
  }
  return ForwardedPreviewUrl(previews_, current.uid, state->sandbox_init.pid, port);
}

Result<int> FilesystemProvider::Exec(const Observed& current, const ExecRequest& request,
                                     Streams& streams) {
  if (request.command.empty()) return InvalidError("exec needs a command");
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  std::string activity = Dir(current.uid) + "/" + kActivityFile;
  Touch(activity);
  SpawnOptions spawn;
  spawn.argv = request.command;
  EnvList env = request.env;
  if (state->runtime_phase == "Ready" && !state->runtime_exec_prefix.empty()) {
    // Exec'd commands see the sandbox's runtimes, as its session does.
    spawn.argv = state->runtime_exec_prefix;
    spawn.argv.insert(spawn.argv.end(), request.command.begin(), request.command.end());
    std::string home = state->policy && state->policy->enabled ? state->sandbox_home
                                                                : Dir(current.uid) + "/home";
    for (auto& v : runtimes::MiseEnvironment(runtimes::MiseLayoutUnder(home), state->workspace)) {
      env.push_back(v);
    }
  }
  spawn.env = SandboxEnvironment(env);
  spawn.cwd = state->workspace;
  spawn.cgroup = state->cgroup;
  spawn.rlimits = PlanRlimits(state->limits, !state->cgroup.empty());
  SecureExec secure;
  if (state->policy && state->policy->enabled) {
    SESAME_RETURN_IF_ERROR(PrepareSecureExec(*state, Dir(current.uid), env, secure));
    spawn.env = SandboxEnvironment(secure.env);
    spawn.sandbox = &secure.launch;
  }
  Result<int> code = request.tty ? RunWithTerminal(std::move(spawn), request.stdin_open, request.timeout, streams)
                                 : RunWithStreams(std::move(spawn), request.stdin_open, request.timeout, streams);
  Touch(activity);
  return code;
}

Status FilesystemProvider::Logs(const Observed& current, const LogOptions& options,
                                Streams& streams) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  std::string dir = Dir(current.uid);
  if (options.previous) {
    std::string previous = dir + "/" + kPreviousOutputLog;
    std::error_code ec;
    if (!fs::exists(previous, ec)) {
      return NotFoundError("sandbox/" + state->key.name + " has not restarted: there is no previous run");
    }
    LogOptions once = options;
    once.follow = false;  // that run is over
    return StreamLog(previous, once, streams, [] { return true; });
  }
  return StreamLog(dir + "/" + kOutputLog, options, streams, [&dir] { return SessionEnded(dir); });
}

Status FilesystemProvider::Attach(const Observed& current, Streams& streams) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  std::string dir = Dir(current.uid);
  Touch(dir + "/" + kActivityFile);
  // Output from this moment on (the log keeps milliseconds): taken before
  // any input is sent, so an answer written before the log is opened for
  // following is not missed.
  LogOptions follow;
  follow.follow = true;
  follow.since = std::chrono::time_point_cast<Millis>(Clock::Real().Now());
  std::thread feeder;
  UniqueFd sock;
  if (state->stdin_open && streams.read_stdin && !SessionEnded(dir)) {
    Result<UniqueFd> connected = ConnectStdin(dir);
    if (!connected.ok()) return connected.status();
    sock = std::move(*connected);
    feeder = std::thread([&streams, fd = sock.get()] {
      std::string chunk;
      while (!streams.cancelled() && streams.read_stdin(chunk)) {
        if (!chunk.empty() && !WriteAll(fd, chunk).ok()) break;
        chunk.clear();
      }
      ::shutdown(fd, SHUT_WR);
    });
  }
  Status status = StreamLog(dir + "/" + kOutputLog, follow, streams,
                            [&dir] { return SessionEnded(dir); });
  if (feeder.joinable()) feeder.join();
  Touch(dir + "/" + kActivityFile);
  return status;
}

Result<std::string> FilesystemProvider::ReadFile(const Observed& current, const std::string& path) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  return ReadWorkspaceFile(state->workspace, path);
}

Status FilesystemProvider::WriteFile(const Observed& current, const std::string& path,
                                     const std::string& content) {
  Result<SandboxState> state = Load(current.uid);
  if (!state.ok()) return state.status();
  return WriteWorkspaceFile(state->workspace, path, content);
}

}  // namespace

std::unique_ptr<Provider> NewFilesystemProvider(FilesystemOptions options) {
  return std::make_unique<FilesystemProvider>(std::move(options));
}

}  // namespace sesame::providers::filesystem
