#include "providers/docker/egress_guard.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"
#include "providers/docker/guard_files.h"
#include "security/namespace_launch.h"
#include "security/port_forward.h"
#include "security/proxy.h"
#include "security/violation_log.h"

namespace sesame::providers::docker {
namespace {

constexpr int kLockAttempts = 100;  // x 50 ms: an old guard's exit
constexpr char kAlreadyRunning[] = "already running";

struct Args {
  std::string state_dir;
  pid_t container_pid = 0;
};

bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--state-dir") {
      args.state_dir = argv[i + 1];
    } else if (flag == "--container-pid") {
      args.container_pid = static_cast<pid_t>(std::atol(argv[i + 1]));
    } else {
      return false;
    }
  }
  return !args.state_dir.empty() && args.container_pid > 0;
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// The running guard: everything it owns, released in reverse order.
class Guard {
 public:
  // OK once listening; kAlreadyRunning as the message of an OK-coded
  // conflict when another guard serves this very container process.
  Status Start(const Args& args);
  // Blocks until the container's process is gone or SIGTERM arrives.
  void Wait(int signal_fd);

 private:
  Status Lock(const GuardPaths& paths, pid_t container_pid);
  Status Listen(std::vector<int>& listeners);
  void OpenGateForever(std::string gate);
  // Waits for the runtimes wrapper's word that the installs are over, closes
  // the install window for good, then acknowledges to every reader.
  void CloseInstallWindow(GuardPaths paths);
  security::NetworkPolicy PolicyNow() const;

  security::NetworkPolicy network_;
  std::vector<std::string> install_domains_;
  std::atomic<bool> installing_{true};
  UniqueFd lock_;
  UniqueFd pidfd_;
  UniqueFd netns_;
  std::unique_ptr<security::ViolationLog> violations_;
  std::unique_ptr<security::Proxy> proxy_;
  std::unique_ptr<security::PortForwarder> forwarder_;
};

Status Guard::Lock(const GuardPaths& paths, pid_t container_pid) {
  lock_.Reset(::open(paths.lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock_.valid()) return InternalError(Errno("open " + paths.lock()));
  for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
    if (::flock(lock_.get(), LOCK_EX | LOCK_NB) == 0) return Status::Ok();
    if (errno != EWOULDBLOCK) return InternalError(Errno("flock " + paths.lock()));
    std::optional<GuardState> running = ReadGuardState(paths);
    if (running && running->container_pid == container_pid) return ConflictError(kAlreadyRunning);
    // The guard of the container's previous process is on its way out.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return UnavailableError("another egress guard still holds " + paths.lock());
}

Status Guard::Listen(std::vector<int>& listeners) {
  int error = 0;
  // setns moves only this thread: the proxy keeps dialing from the host.
  std::thread inside([&] {
    if (::setns(netns_.get(), CLONE_NEWNET) != 0) {
      error = errno;
      return;
    }
    for (int port : {security::kHttpProxyPort, security::kSocksProxyPort}) {
      int fd = security::ListenLoopback(port);
      if (fd < 0) {
        error = errno;
        return;
      }
      listeners.push_back(fd);
    }
  });
  inside.join();
  if (error == 0) return Status::Ok();
  for (int fd : listeners) ::close(fd);
  listeners.clear();
  return UnavailableError(std::string("cannot listen inside the container's network namespace: ") +
                          std::strerror(error));
}

// Each reader of the FIFO (the entrypoint's `read`) gets one line. After
// writing, wait for the reader to close its end, so one reader holding the
// FIFO open cannot make this loop spin.
void Guard::OpenGateForever(std::string gate) {
  for (;;) {
    int fd = ::open(gate.c_str(), O_WRONLY | O_CLOEXEC);  // blocks until a reader comes
    if (fd < 0) {
      if (errno != EINTR) std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    [[maybe_unused]] ssize_t n = ::write(fd, "go\n", 3);
    pollfd p{fd, 0, 0};  // POLLERR once no reader is left
    while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
    ::close(fd);
  }
}

void Guard::CloseInstallWindow(GuardPaths paths) {
  for (;;) {
    int fd = ::open(paths.installed().c_str(), O_RDONLY | O_CLOEXEC);  // blocks until a writer comes
    if (fd < 0) {
      if (errno != EINTR) std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    char byte;
    ssize_t n;
    while ((n = ::read(fd, &byte, 1)) < 0 && errno == EINTR) {
    }
    ::close(fd);
    if (n >= 0) break;
  }
  installing_ = false;
  OpenGateForever(paths.installed_ack());
}

security::NetworkPolicy Guard::PolicyNow() const {
  security::NetworkPolicy policy = network_;
  if (installing_) {
    policy.allowed_domains.insert(policy.allowed_domains.end(), install_domains_.begin(),
                                  install_domains_.end());
  }
  return policy;
}

Status Guard::Start(const Args& args) {
  GuardPaths paths{args.state_dir};
  Result<GuardConfig> config = ReadGuardConfig(paths);
  if (!config.ok()) return config.status();
  SESAME_RETURN_IF_ERROR(Lock(paths, args.container_pid));
  pidfd_.Reset(static_cast<int>(::syscall(SYS_pidfd_open, args.container_pid, 0)));
  if (!pidfd_.valid()) return UnavailableError(Errno("the container's process is gone"));
  std::string ns = "/proc/" + std::to_string(args.container_pid) + "/ns/net";
  netns_.Reset(::open(ns.c_str(), O_RDONLY | O_CLOEXEC));
  if (!netns_.valid()) return UnavailableError(Errno("open " + ns));

  std::vector<int> listeners;
  SESAME_RETURN_IF_ERROR(Listen(listeners));
  violations_ = std::make_unique<security::ViolationLog>(args.state_dir);
  network_ = config->network;
  install_domains_ = config->install_domains;
  security::ProxyOptions proxy;
  proxy.policy = config->network;
  proxy.current_policy = [this] { return PolicyNow(); };
  proxy.violations = violations_.get();
  proxy_ = security::StartProxy(std::move(listeners), std::move(proxy));
  GuardState state{::getpid(), args.container_pid, {}};
  if (!config->ports.empty()) {
    int netns = ::dup(netns_.get());
    if (netns < 0) return InternalError(Errno("dup"));
    forwarder_ = security::StartPortForwarder(netns, config->ports);
    state.host_ports = forwarder_->host_ports();
  }
  SESAME_RETURN_IF_ERROR(WriteGuardState(paths, state));
  // Detached on purpose: both live as long as this guard process, which
  // ends with _exit while they may still block in open() of a FIFO (see
  // RunDetached); there is nothing to join.
  std::thread(&Guard::OpenGateForever, this, paths.gate()).detach();
  std::thread(&Guard::CloseInstallWindow, this, paths).detach();
  return Status::Ok();
}

void Guard::Wait(int signal_fd) {
  pollfd fds[2] = {{pidfd_.get(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0 && errno == EINTR) {
  }
}

void RedirectStdio() {
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return;
  for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
  ::close(null);
}

// The guard's own process, after the fork: reports on `report` and runs.
[[noreturn]] void RunDetached(const Args& args, UniqueFd report) {
  ::setsid();
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, sig);
  ::pthread_sigmask(SIG_BLOCK, &mask, nullptr);  // before any thread starts
  ::signal(SIGPIPE, SIG_IGN);
  UniqueFd signals(::signalfd(-1, &mask, SFD_CLOEXEC));
  Guard guard;
  Status started = guard.Start(args);
  bool already = !started.ok() && started.message() == kAlreadyRunning;
  std::string verdict = started.ok() || already ? "ok" : started.message();
  [[maybe_unused]] ssize_t n = ::write(report.get(), verdict.data(), verdict.size());
  report.Reset();
  RedirectStdio();
  if (started.ok()) guard.Wait(signals.get());
  // The gate thread may be blocked in open(): leave without unwinding it.
  ::_exit(started.ok() || already ? 0 : 1);
}

}  // namespace

int RunEgressGuard(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, args)) {
    std::fprintf(stderr, "usage: %s --state-dir DIR --container-pid PID\n", argc > 0 ? argv[0] : "");
    return 2;
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    std::perror("pipe");
    return 1;
  }
  UniqueFd read_end(p[0]), write_end(p[1]);
  pid_t child = ::fork();
  if (child < 0) {
    std::perror("fork");
    return 1;
  }
  if (child == 0) {
    read_end.Reset();
    RunDetached(args, std::move(write_end));
  }
  write_end.Reset();
  std::string verdict = ReadUntilEof(read_end.get());
  if (verdict == "ok") return 0;
  std::fprintf(stderr, "%s\n", verdict.empty() ? "the egress guard exited while starting" : verdict.c_str());
  return 1;
}

}  // namespace sesame::providers::docker
