#include "providers/filesystem/supervisor.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/unique_fd.h"
#include "providers/filesystem/claimed_session.h"
#include "providers/filesystem/limits.h"
#include "providers/filesystem/log_format.h"
#include "providers/filesystem/process.h"
#include "providers/filesystem/runtime_install.h"
#include "providers/filesystem/secure_exec.h"
#include "providers/filesystem/secure_session.h"
#include "providers/filesystem/spawn.h"
#include "providers/filesystem/state_file.h"
#include "providers/filesystem/step_runner.h"
#include "providers/filesystem/warm_worker.h"
#include "runtimes/install_steps.h"

namespace sesame::providers::filesystem {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

constexpr Millis kPollInterval(100);
constexpr Millis kPartialLineAge(200);
constexpr Millis kDrainTimeout(2000);
constexpr size_t kMaxPendingStdin = 1 << 20;

struct Args {
  std::string state_dir;
  int env_fd = -1;
  std::string cgroup_root = "/sys/fs/cgroup";
};

bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "__supervise") continue;
    if (arg == "--state-dir" && has_value) {
      args.state_dir = argv[++i];
    } else if (arg == "--env-fd" && has_value) {
      args.env_fd = std::atoi(argv[++i]);
    } else if (arg == "--cgroup-root" && has_value) {
      args.cgroup_root = argv[++i];
    } else {
      return false;
    }
  }
  return !args.state_dir.empty();
}

// The block ends with an empty name; without it the controller went away
// while sending, and the command must not start without its environment.
std::optional<Env> ReadEnvBlock(int fd) { return ParseEnvBlock(ReadUntilEof(fd)); }

class Supervisor {
 public:
  Supervisor(Args args, UniqueFd started_report)
      : args_(std::move(args)), started_report_(std::move(started_report)) {}
  int Run();

 private:
  bool Prepare();
  // Reads the environment the provider sends on the started channel (none
  // without --env-fd). False when it ended early: its sender went away, and
  // nothing may start.
  bool ReceiveEnv();
  bool Secured() const { return state_.policy && state_.policy->enabled; }
  // A secured sandbox that could not be set up: recorded as the command's
  // failure (exit code 126).
  int FailSetup(const Status& status, int code = 126);
  // runtimes.mise: auto: installs what the workspace declares
  // (runtime_install.h). False when the sandbox failed (recorded).
  bool InstallRuntimes();
  // The session's environment additions for the sandbox's own mise.
  Env RuntimeEnvironment(const std::string& home) const;
  int RunIdle();
  int RunCommand();
  // The session's spawn options, outside any OS-level sandbox.
  SpawnOptions CommandSpawn();
  // Starts `spawn` and supervises it until it ends. `entered`: the command
  // joined the running sandbox of a warm idle one (sandbox_init stays).
  int RunSpawned(SpawnOptions spawn, bool entered);
  // Supervises `child` (or records why it could not start), which has
  // `pipes` as its stdio, until it ends.
  // `recorded`: the unsynced write of RecordStarted made already (a
  // claim's, while its command was being exec'd), or none.
  int RunStarted(Result<ChildProcess> child, SessionPipes pipes, bool entered, UniqueFd recorded = {});
  // Records in state.json that the session runs as `child_id`; with
  // `unsynced`, without waiting for the disk (the caller fdatasyncs it
  // once it has answered the create or claim).
  Status RecordStarted(const ProcessId& child_id, bool entered, UniqueFd* unsynced);
  // A warm sandbox: makes the worker that a claim's session will be
  // (warm_worker.h). Without one, a claim starts its session the slow way.
  void PrepareWarmWorker(const ProcessId& init);
  // A warm sandbox (state.field_hashes has "warm") listens on
  // <state dir>/start.sock while idle; a connection brings the session
  // (claimed_session.h), which the supervisor records in state.json with
  // the started command.
  void ListenForStart();
  // Starts the session on connection `conn` in the running sandbox; false
  // when it could not (the reason was written back, the sandbox stays idle).
  bool StartClaimedSession(UniqueFd conn);
  // Once state.json says the session runs (or could not start): tells the
  // provider waiting on start_reply_, and any other that connected
  // meanwhile (a controller that came back after a crash), and stops
  // listening.
  void AnswerStart();
  // A claimed session's fields, into the state being written.
  void RecordClaim(SandboxState& s) const;
  void Loop();
  std::vector<pollfd> PollSet();
  void HandleSignals();
  void ReadOutput(UniqueFd& fd, LineSplitter& splitter);
  void AcceptClient();
  void ReadClient(size_t index);
  void WriteChildStdin();
  void OnChildExit(int code);
  void Log(LogStream stream, const std::string& text);
  void WriteEntry(const LogEntry& entry);
  void RecordFinish(int code, const std::string& message);
  bool Done() const;

  Args args_;
  Env env_;
  // The channel the provider started us with; closed once the state says
  // started (or installing), which ends the provider's wait at once.
  UniqueFd started_report_;
  bool received_env_ = false;
  SandboxState state_;
  UniqueFd log_;
  UniqueFd signals_;
  UniqueFd listener_;
  std::vector<UniqueFd> clients_;
  UniqueFd child_stdin_;  // our end of the command's stdin pipe
  std::string pending_stdin_;
  UniqueFd out_, err_;
  LineSplitter out_lines_{LogStream::kStdout, [this](const LogEntry& e) { WriteEntry(e); }};
  LineSplitter err_lines_{LogStream::kStderr, [this](const LogEntry& e) { WriteEntry(e); }};
  ChildProcess child_;
  pid_t child_group_ = 0;  // outlives child_.pid(), which is cleared once reaped
  CgroupSetup cgroup_;
  std::optional<int> exit_code_;
  std::chrono::steady_clock::time_point drain_deadline_;
  bool stop_requested_ = false;
  std::unique_ptr<SecureSession> secure_;
  SecureExec entry_;     // a claimed warm sandbox's session entering it
  std::unique_ptr<WarmWorker> warm_worker_;  // the session-to-be of a warm sandbox
  UniqueFd start_listener_;
  UniqueFd start_reply_;  // the provider waiting for a claimed session to start
  bool claimed_ = false;  // state_ holds a claim's session, not yet in state.json
  std::vector<std::string> exec_prefix_;  // {mise, "exec", "--"} or empty
};

int Supervisor::Run() {
  if (!Prepare()) return 1;
  // A command is prepared for before its environment is read (RunCommand).
  bool command_next = !state_.runtimes_auto && !state_.command.empty();
  if (!command_next && !ReceiveEnv()) return 1;
  if (state_.runtimes_auto && !InstallRuntimes()) return 0;
  return state_.command.empty() ? RunIdle() : RunCommand();
}

bool Supervisor::ReceiveEnv() {
  if (!started_report_.valid() || received_env_) return true;
  received_env_ = true;
  std::optional<Env> sent = ReadEnvBlock(started_report_.get());
  if (!sent) {
    const char* cut = "__supervise: the environment ended early (its sender went away); not starting\n";
    [[maybe_unused]] ssize_t n = ::write(2, cut, std::strlen(cut));
    return false;
  }
  env_ = std::move(*sent);
  return true;
}

bool Supervisor::Prepare() {
  Result<SandboxState> state = LoadState(args_.state_dir);
  if (!state.ok()) return false;
  state_ = std::move(*state);
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, sig);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  signals_.Reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  std::string log_path = args_.state_dir + "/" + kOutputLog;
  log_.Reset(::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  return signals_.valid() && log_.valid();
}

bool Supervisor::InstallRuntimes() {
  StepRunnerOptions options;
  options.state_dir = args_.state_dir;
  options.state = state_;
  options.env = env_;
  options.log = [this](const LogEntry& e) { WriteEntry(e); };
  options.signal_fd = signals_.get();
  options.on_stop = [this] { stop_requested_ = true; };
  std::unique_ptr<StepRunner> runner = NewSandboxStepRunner(std::move(options));
  started_report_.Reset();  // the provider waits for the install's first step only
  InstallOutcome outcome = filesystem::InstallRuntimes(args_.state_dir, state_, *runner);
  if (!outcome.ok || stop_requested_) {
    (void)FailSetup(InternalError("runtime install failed: " + outcome.message), 1);
    return false;
  }
  exec_prefix_ = outcome.exec_prefix;
  return true;
}

Env Supervisor::RuntimeEnvironment(const std::string& home) const {
  if (exec_prefix_.empty()) return {};
  return runtimes::MiseEnvironment(runtimes::MiseLayoutUnder(home), state_.workspace);
}

int Supervisor::FailSetup(const Status& status, int code) {
  Log(LogStream::kStderr, "sesame: " + status.message());
  (void)UpdateState(args_.state_dir, [&](SandboxState& s) {
    s.supervisor = CaptureProcess(::getpid());
    s.child = {};
    s.started_at = Clock::Real().Now();
  });
  RecordFinish(code, status.message());
  return 0;
}

int Supervisor::RunIdle() {
  ChildProcess init;
  bool warm = state_.field_hashes.count("warm") > 0;
  // A warm sandbox gets the limits its session will run under now.
  if (warm) cgroup_ = SetUpCgroup(args_.cgroup_root, state_.uid, state_.limits);
  if (Secured()) {
    // An idle secured sandbox still needs its namespaces, for exec.
    auto session = SecureSession::Prepare(args_.state_dir, state_, warm ? cgroup_.path : "", false);
    if (!session.ok()) return FailSetup(session.status());
    secure_ = std::move(*session);
    Result<pid_t> pid = secure_->StartIdle();
    if (!pid.ok()) return FailSetup(pid.status());
    init = ChildProcess(*pid);
    if (Status st = secure_->Started(*pid); !st.ok()) return FailSetup(st);
  }
  ProcessId init_id = secure_ ? CaptureProcess(secure_->sandbox_pid()) : ProcessId{};
  if (warm) {
    PrepareWarmWorker(init_id);
    ListenForStart();
  }
  (void)UpdateState(args_.state_dir, [&](SandboxState& s) {
    s.supervisor = CaptureProcess(::getpid());
    s.child = {};
    s.started_at = Clock::Real().Now();
    s.sandbox_init = init_id;
    if (warm) s.cgroup = cgroup_.path;
    if (secure_) {
      s.sandbox_home = secure_->home();
      s.port_map = secure_->port_map();
      s.security_message = secure_->message();
    }
  });
  started_report_.Reset();
  while (!stop_requested_) {
    pollfd p[2] = {{signals_.get(), POLLIN, 0}, {start_listener_.get(), POLLIN, 0}};
    if (::poll(p, start_listener_.valid() ? 2 : 1, -1) > 0) {
      if (p[0].revents != 0) HandleSignals();
      if (start_listener_.valid() && p[1].revents != 0) {
        UniqueFd conn(::accept4(start_listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        // The session runs inside while `init` keeps the sandbox.
        if (conn.valid() && StartClaimedSession(std::move(conn))) return 0;
      }
    }
    if (init.pid() > 0 && init.TryWait()) break;  // the sandbox died
  }
  RecordFinish(0, "");
  return 0;
}

SpawnOptions Supervisor::CommandSpawn() {
  SpawnOptions spawn;
  spawn.argv = state_.command;
  if (!exec_prefix_.empty()) {
    spawn.argv = exec_prefix_;
    spawn.argv.insert(spawn.argv.end(), state_.command.begin(), state_.command.end());
  }
  Env base_env = env_;
  for (auto& v : RuntimeEnvironment(SandboxHomeFor(args_.state_dir, state_))) base_env.push_back(v);
  spawn.env = SandboxEnvironment(base_env);
  spawn.cwd = state_.workspace;
  spawn.cgroup = cgroup_.path;
  spawn.rlimits = PlanRlimits(state_.limits, cgroup_.limits_memory);
  return spawn;
}

int Supervisor::RunCommand() {
  if (Secured()) {
    // The sandbox's mounts, Landlock rules and seccomp filter are worked
    // out while the provider still records this supervisor's start (it
    // sends the environment after that record).
    auto session = SecureSession::Prepare(args_.state_dir, state_, "", true);
    if (!ReceiveEnv()) return 1;
    if (!session.ok()) return FailSetup(session.status());
    secure_ = std::move(*session);
  }
  if (!ReceiveEnv()) return 1;
  cgroup_ = SetUpCgroup(args_.cgroup_root, state_.uid, state_.limits);
  SpawnOptions spawn = CommandSpawn();
  if (secure_) {
    secure_->set_cgroup(cgroup_.path);
    auto env = env_;
    for (auto& v : secure_->Environment()) env.push_back(v);
    for (auto& v : RuntimeEnvironment(secure_->home())) env.push_back(v);
    spawn.env = SandboxEnvironment(env);
    spawn.sandbox = secure_->launch();
  }
  return RunSpawned(std::move(spawn), false);
}

int Supervisor::RunSpawned(SpawnOptions spawn, bool entered) {
  Result<SessionPipes> pipes = MakeSessionPipes();
  if (!pipes.ok()) return 1;
  spawn.stdout_fd = pipes->out.write.get();
  spawn.stderr_fd = pipes->err.write.get();
  if (state_.stdin_open) spawn.stdin_fd = pipes->in.read.get();
  return RunStarted(Spawn(spawn), std::move(*pipes), entered);
}

int Supervisor::RunStarted(Result<ChildProcess> child, SessionPipes pipes, bool entered, UniqueFd recorded) {
  if (!child.ok()) {
    Log(LogStream::kStderr, "sesame: " + child.status().message());
    (void)UpdateState(args_.state_dir, [&](SandboxState& s) {
      RecordClaim(s);
      s.supervisor = CaptureProcess(::getpid());
      s.child = {};
      s.cgroup = cgroup_.path;
      s.started_at = Clock::Real().Now();
    });
    RecordFinish(ExitCodeForSpawnFailure(child.status()), child.status().message());
    AnswerStart();
    return 0;
  }
  child_ = std::move(*child);
  child_group_ = child_.pid();
  if (secure_ && !entered) {
    if (Status st = secure_->Started(child_.pid()); !st.ok()) {
      Log(LogStream::kStderr, "sesame: " + st.message());
      child_.KillGroup();
    } else {
      // The sandbox's pid 1 leads the group its processes are in (the
      // init itself, or, with bubblewrap, in a session of its own).
      child_group_ = secure_->sandbox_pid();
    }
  }
  // Only the command keeps the write ends, so its exit closes the pipes.
  pipes.out.write.Reset();
  pipes.err.write.Reset();
  pipes.in.read.Reset();
  out_ = std::move(pipes.out.read);
  err_ = std::move(pipes.err.read);
  if (state_.stdin_open) {
    child_stdin_ = std::move(pipes.in.write);
    (void)SetNonBlocking(child_stdin_.get());
    std::string socket_path = args_.state_dir + "/" + kStdinSocket;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() < sizeof addr.sun_path) {
      std::strcpy(addr.sun_path, socket_path.c_str());
      ::unlink(socket_path.c_str());
      listener_.Reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
          ::listen(listener_.get(), 8) != 0) {
        listener_.Reset();
      }
      ::chmod(socket_path.c_str(), 0600);
    }
  }
  UniqueFd unsynced = std::move(recorded);
  if (!unsynced.valid()) {
    bool answered_later = start_reply_.valid() || started_report_.valid();
    (void)RecordStarted(CaptureProcess(child_group_), entered, answered_later ? &unsynced : nullptr);
  }
  started_report_.Reset();
  AnswerStart();
  if (unsynced.valid()) ::fdatasync(unsynced.get());
  // What setting up allocated is free now; give its pages back, since a
  // host runs a supervisor per sandbox for hours.
  ::malloc_trim(0);
  Loop();
  return 0;
}

Status Supervisor::RecordStarted(const ProcessId& child_id, bool entered, UniqueFd* unsynced) {
  auto record = [&](SandboxState& s) {
    RecordClaim(s);
    s.supervisor = CaptureProcess(::getpid());
    s.child = child_id;
    s.cgroup = cgroup_.path;
    s.started_at = Clock::Real().Now();
    s.finished_at.reset();
    s.exit_code.reset();
    s.message = cgroup_.message;
    if (secure_ && !entered) {
      s.sandbox_init = child_id;
      s.sandbox_home = secure_->home();
      s.port_map = secure_->port_map();
      s.security_message = secure_->message();
    }
  };
  // A provider waits for this write (a create's on started_report_, a
  // claim's on start_reply_): it is renamed into place but reaches the
  // disk only after the answer. That loses nothing a create or claim
  // relies on. Every reader (the provider's observe, a retried claim's
  // `recorded` check, the late connections AnswerStart answers) reads it
  // through the page cache, which a kill -9 of the controller, of this
  // supervisor or of both does not touch: from the rename on, the session
  // is recorded for every process, and before it nobody was answered, so a
  // create cut off there is retried and waits for this supervisor (its
  // pid is recorded), and a claim finds the start socket still
  // listening. Only a power loss or kernel crash in the milliseconds
  // before the fsync after the answer could lose the write, and that ends
  // the sandbox and its session anyway; the claim's own record in the
  // store is no more durable at that moment (SQLite's WAL with
  // synchronous=NORMAL syncs at checkpoints, not at commit). One warm
  // sandbox is given to one claim by that record, not by this file.
  if (unsynced != nullptr) return UpdateStateUnsynced(args_.state_dir, record, *unsynced);
  return UpdateState(args_.state_dir, record);
}

void Supervisor::ListenForStart() {
  std::string path = args_.state_dir + "/" + kStartSocket;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return;  // the provider then starts it the slow way
  std::strcpy(addr.sun_path, path.c_str());
  ::unlink(path.c_str());
  start_listener_.Reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::bind(start_listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::chmod(path.c_str(), 0600) != 0 || ::listen(start_listener_.get(), 4) != 0) {
    start_listener_.Reset();
  }
}

void Supervisor::PrepareWarmWorker(const ProcessId& init) {
  // The sandbox as state.json will say once this idle supervisor has
  // recorded it, which is what a claim's session would enter.
  SandboxState ready = state_;
  ready.sandbox_init = init;
  ready.cgroup = cgroup_.path;
  if (secure_) ready.sandbox_home = secure_->home();
  SpawnOptions spawn;
  spawn.cwd = state_.workspace;
  spawn.cgroup = cgroup_.path;
  spawn.rlimits = PlanRlimits(state_.limits, cgroup_.limits_memory);
  SecureExec entry;
  if (Secured()) {
    if (!PrepareSecureExec(ready, args_.state_dir, {}, entry).ok()) return;
    spawn.sandbox = &entry.launch;
  }
  Result<std::unique_ptr<WarmWorker>> worker = WarmWorker::Start(spawn);
  if (worker.ok()) warm_worker_ = std::move(*worker);
}

bool Supervisor::StartClaimedSession(UniqueFd conn) {
  timeval timeout{5, 0};  // the provider sends the session at once
  ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::optional<ClaimedSession> session = DecodeClaimedSession(ReadUntilEof(conn.get()));
  auto refuse = [&](const std::string& why) {
    (void)WriteAll(conn.get(), "E" + why);
    return false;
  };
  if (!session) return refuse("the session arrived incomplete");
  if (session->command.empty()) return refuse("the claim has no session command");
  // The rest of the state (workspace, policy, limits, sandbox) stays as
  // the warm sandbox was made.
  Result<SandboxState> state = LoadState(args_.state_dir);
  if (!state.ok()) return refuse(state.status().message());
  SandboxState claimed = std::move(*state);
  ApplyClaimedSession(*session, claimed);
  Env env = std::move(session->env);
  session.reset();
  Env sandbox_env = env;
  if (Secured()) {
    for (auto& v : RuntimeEnvironment(claimed.sandbox_home)) sandbox_env.push_back(v);
  }
  std::unique_ptr<WarmWorker> worker = std::move(warm_worker_);
  if (Secured() && !worker) {
    // In place: entry_.launch points into entry_.
    if (Status st = PrepareSecureExec(claimed, args_.state_dir, sandbox_env, entry_); !st.ok()) {
      entry_ = SecureExec{};
      return refuse(st.message());
    }
  }
  SandboxState idle_state = std::exchange(state_, std::move(claimed));
  Env idle_env = std::exchange(env_, std::move(env));
  claimed_ = true;
  SpawnOptions spawn = CommandSpawn();
  spawn.cgroup = cgroup_.path;
  if (Secured()) {
    // The same environment either way (secure_exec.h).
    spawn.env = SandboxEnvironment(worker ? WithSandboxVariables(state_, sandbox_env) : entry_.env);
    spawn.sandbox = &entry_.launch;
  }
  if (worker) {
    // The session is recorded while the worker execs it (the process to
    // supervise is the same either way); a failed exec is recorded over it
    // before the claim is answered.
    UniqueFd recorded;
    auto record = [&](pid_t pid) { (void)RecordStarted(CaptureProcess(pid), true, &recorded); };
    Result<ChildProcess> child =
        worker->Exec(spawn.argv, spawn.env, CommandSearchPath(spawn.env), state_.stdin_open, record);
    // Unavailable: the worker was gone and started nothing.
    if (child.ok() || child.status().code() != Code::kUnavailable) {
      start_reply_ = std::move(conn);
      RunStarted(std::move(child), std::move(worker->pipes()), true, std::move(recorded));
      return true;
    }
    if (Secured()) {
      if (Status st = PrepareSecureExec(state_, args_.state_dir, sandbox_env, entry_); !st.ok()) {
        entry_ = SecureExec{};
        state_ = std::move(idle_state);
        env_ = std::move(idle_env);
        claimed_ = false;
        return refuse(st.message());
      }
      spawn.env = SandboxEnvironment(entry_.env);
    }
  }
  start_reply_ = std::move(conn);
  RunSpawned(std::move(spawn), true);
  return true;
}

void Supervisor::RecordClaim(SandboxState& s) const {
  if (!claimed_) return;
  s.key = state_.key;
  s.command = state_.command;
  s.env_names = state_.env_names;
  s.stdin_open = state_.stdin_open;
  s.field_hashes = state_.field_hashes;
}

void Supervisor::AnswerStart() {
  if (start_reply_.valid()) {
    (void)WriteAll(start_reply_.get(), "O");
    start_reply_.Reset();
  }
  if (!start_listener_.valid()) return;
  // Unlinked first: nobody connects after the queue is drained.
  ::unlink((args_.state_dir + "/" + kStartSocket).c_str());
  (void)SetNonBlocking(start_listener_.get());
  for (;;) {
    UniqueFd late(::accept4(start_listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!late.valid()) break;
    (void)WriteAll(late.get(), "O");
  }
  start_listener_.Reset();
}

void Supervisor::Loop() {
  while (!Done()) {
    std::vector<pollfd> fds = PollSet();
    int ready = ::poll(fds.data(), fds.size(), static_cast<int>(kPollInterval.count()));
    if (ready < 0 && errno != EINTR) break;
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == signals_.get()) {
        HandleSignals();
      } else if (p.fd == out_.get()) {
        ReadOutput(out_, out_lines_);
      } else if (p.fd == err_.get()) {
        ReadOutput(err_, err_lines_);
      } else if (p.fd == listener_.get()) {
        AcceptClient();
      } else if (p.fd == child_stdin_.get()) {
        WriteChildStdin();
      }
    }
    for (size_t i = clients_.size(); i-- > 0;) {
      for (const pollfd& p : fds) {
        if (i < clients_.size() && p.fd == clients_[i].get() && p.revents != 0) ReadClient(i);
      }
    }
    Time now = Clock::Real().Now();
    out_lines_.Flush(now, kPartialLineAge);
    err_lines_.Flush(now, kPartialLineAge);
  }
  Time now = Clock::Real().Now();
  out_lines_.Flush(now, Millis(0));
  err_lines_.Flush(now, Millis(0));
  RecordFinish(exit_code_.value_or(-1), "");
}

std::vector<pollfd> Supervisor::PollSet() {
  std::vector<pollfd> fds{{signals_.get(), POLLIN, 0}};
  if (out_.valid()) fds.push_back({out_.get(), POLLIN, 0});
  if (err_.valid()) fds.push_back({err_.get(), POLLIN, 0});
  if (listener_.valid()) fds.push_back({listener_.get(), POLLIN, 0});
  if (pending_stdin_.size() < kMaxPendingStdin) {
    for (const UniqueFd& c : clients_) fds.push_back({c.get(), POLLIN, 0});
  }
  if (child_stdin_.valid() && !pending_stdin_.empty()) {
    fds.push_back({child_stdin_.get(), POLLOUT, 0});
  }
  return fds;
}

bool Supervisor::Done() const {
  if (!exit_code_) return false;
  bool drained = !out_.valid() && !err_.valid();
  return drained || std::chrono::steady_clock::now() >= drain_deadline_;
}

void Supervisor::HandleSignals() {
  signalfd_siginfo info;
  while (::read(signals_.get(), &info, sizeof info) == sizeof info) {
    if (info.ssi_signo != SIGCHLD) {
      stop_requested_ = true;
      if (child_.pid() > 0) {
        ::kill(-child_group_, SIGTERM);
        ::kill(-child_group_, SIGCONT);
      }
    }
  }
  if (child_.pid() > 0) {
    if (std::optional<int> code = child_.TryWait()) OnChildExit(*code);
  }
}

void Supervisor::OnChildExit(int code) {
  exit_code_ = code;
  // The session is over: what it left behind in its group goes too, so the
  // output pipes reach EOF.
  ::kill(-child_group_, SIGKILL);
  drain_deadline_ = std::chrono::steady_clock::now() + kDrainTimeout;
  listener_.Reset();
  ::unlink((args_.state_dir + "/" + kStdinSocket).c_str());
  clients_.clear();
  child_stdin_.Reset();
}

void Supervisor::ReadOutput(UniqueFd& fd, LineSplitter& splitter) {
  char buf[16384];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n > 0) {
    splitter.Add(std::string_view(buf, static_cast<size_t>(n)), Clock::Real().Now());
  } else if (n == 0 || errno != EINTR) {
    splitter.Flush(Clock::Real().Now(), Millis(0));
    fd.Reset();
  }
}

void Supervisor::AcceptClient() {
  int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) clients_.emplace_back(fd);
}

void Supervisor::ReadClient(size_t index) {
  char buf[16384];
  ssize_t n = ::read(clients_[index].get(), buf, sizeof buf);
  if (n > 0) {
    // Once the command has closed its stdin, input is dropped.
    if (child_stdin_.valid()) pending_stdin_.append(buf, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    // A client going away leaves stdin open for the next one (docker attach).
    clients_.erase(clients_.begin() + static_cast<long>(index));
  }
}

void Supervisor::WriteChildStdin() {
  ssize_t n = ::write(child_stdin_.get(), pending_stdin_.data(), pending_stdin_.size());
  if (n > 0) {
    pending_stdin_.erase(0, static_cast<size_t>(n));
  } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
    child_stdin_.Reset();
    pending_stdin_.clear();
  }
}

void Supervisor::Log(LogStream stream, const std::string& text) {
  WriteEntry(LogEntry{Clock::Real().Now(), stream, false, text});
}

void Supervisor::WriteEntry(const LogEntry& entry) {
  std::string line = FormatLogEntry(entry);
  [[maybe_unused]] ssize_t n = ::write(log_.get(), line.data(), line.size());
}

void Supervisor::RecordFinish(int code, const std::string& message) {
  (void)UpdateState(args_.state_dir, [&](SandboxState& s) {
    s.finished_at = Clock::Real().Now();
    s.exit_code = code;
    if (!message.empty()) s.message = message;
  });
}

}  // namespace

int RunSupervisor(int argc, char** argv) {
  ::unsetenv(kSupervisorTunablesName);
  Args args;
  if (!ParseArgs(argc, argv, args)) {
    const char* usage = "usage: __supervise --state-dir DIR [--env-fd N] [--cgroup-root DIR]\n";
    [[maybe_unused]] ssize_t n = ::write(2, usage, std::strlen(usage));
    return 2;
  }
  UniqueFd started_report;
  if (args.env_fd >= 0) {
    started_report.Reset(args.env_fd);
    // Not for the command or anything else started from here.
    ::fcntl(args.env_fd, F_SETFD, FD_CLOEXEC);
  }
  Supervisor supervisor(std::move(args), std::move(started_report));
  return supervisor.Run();
}

}  // namespace sesame::providers::filesystem
