#include "providers/filesystem/secure_session.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>


namespace sesame::providers::filesystem {
namespace {

// A listening SOCK_SEQPACKET socket at `path` (only its owner may connect).
int ListenUnix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return -1;
  std::strcpy(addr.sun_path, path.c_str());
  ::unlink(path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    ::close(fd);
    return -1;
  }
  ::chmod(path.c_str(), 0600);
  return fd;
}

}  // namespace

Result<std::unique_ptr<SecureSession>> SecureSession::Prepare(const std::string& state_dir,
                                                              const SandboxState& state,
                                                              const std::string& cgroup,
                                                              bool with_worker) {
  // The provider probed the kernel before starting us (security/probe.h);
  // what does not work here fails the setup below with its errno.
  std::unique_ptr<SecureSession> s(new SecureSession());
  s->state_dir_ = state_dir;
  s->policy_ = *state.policy;
  security::SandboxIdentity id = security::IdentityFor(state.uid);
  security::RemoveStubs(state_dir);  // left by a supervisor that was killed
  security::MountPlanOptions mo{state_dir, id.uid, id.gid, !id.user_namespace};
  auto plan = security::CompileMountPlan(s->policy_, mo);
  if (!plan.ok()) return plan.status();
  s->plan_ = std::move(*plan);
  auto worker = security::MakeWorkerPlan(id, s->plan_.writable);
  if (!worker.ok()) return worker.status();
  s->worker_ = std::move(*worker);

  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return InternalError(std::string("socketpair: ") + std::strerror(errno));
  }
  s->control_.Reset(pair[0]);
  s->control_child_.Reset(pair[1]);
  s->init_.mounts = &s->plan_;
  s->init_.identity = id;
  s->init_.cgroup = cgroup;
  s->init_.with_worker = with_worker;
  s->init_.control_fd = pair[1];
  s->launch_.init = &s->init_;
  s->launch_.worker = &s->worker_;
  s->launch_.control_fd = pair[1];
  s->violations_ = std::make_unique<security::ViolationLog>(state_dir);
  s->message_ = state.security_message;
  return s;
}

SecureSession::~SecureSession() {
  forwarder_.reset();
  proxy_.reset();
  monitor_.reset();
  for (const security::MountOp& op : plan_.ops) {
    if (op.fd >= 0) ::close(op.fd);
  }
  ::unlink((state_dir_ + "/" + security::kNotifySocket).c_str());
  security::RemoveStubs(state_dir_);
}

std::vector<std::pair<std::string, std::string>> SecureSession::Environment() const {
  return security::SandboxEnvironment(plan_.home);
}

Result<pid_t> SecureSession::StartIdle() {
  Result<FdPair> report = MakePipe();
  if (!report.ok()) return report.status();
  security::InitOptions init = init_;
  init.report_fd = report->write.get();
  pid_t pid = security::StartSandboxInit(init);
  if (pid < 0) return InternalError(std::string("clone: ") + std::strerror(errno));
  report->write.Reset();
  security::SetupReport r;
  ssize_t n;
  do {
    n = ::read(report->read.get(), &r, sizeof r);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof r) {
    ChildProcess(pid).Wait();
    return Status(Code::kTerminal, std::string("sandbox setup failed: ") + r.what + ": " +
                                       std::strerror(r.error));
  }
  return pid;
}

Status SecureSession::Started(pid_t init) {
  control_child_.Reset();
  for (const security::MountOp& op : plan_.ops) {
    if (op.fd >= 0) ::close(op.fd);
  }
  std::vector<int> listeners, notify;
  // Both messages were sent before the command was exec'd (or, idle,
  // before the init reported success), so they are queued already.
  (void)SetNonBlocking(control_.get());
  char tag;
  std::vector<int> fds;
  while (security::RecvFds(control_.get(), tag, fds)) {
    auto& into = tag == security::kTagListeners ? listeners : notify;
    into.insert(into.end(), fds.begin(), fds.end());
  }
  if (listeners.size() != 2) {
    return InternalError("the sandbox did not hand over its proxy listeners (" +
                         std::to_string(listeners.size()) + " received, " +
                         std::to_string(notify.size()) + " other; " + std::strerror(errno) + ")");
  }
  security::ProxyOptions proxy;
  proxy.policy = policy_.network;
  proxy.violations = violations_.get();
  proxy_ = security::StartProxy(listeners, std::move(proxy));
  int server = ListenUnix(state_dir_ + "/" + security::kNotifySocket);
  monitor_ = security::StartNotifyMonitor(security::AccessRulesFor(policy_, plan_.home),
                                          violations_.get(), server);
  for (int fd : notify) monitor_->AddListener(fd);
  if (!policy_.ports.empty()) {
    int netns = ::open(("/proc/" + std::to_string(init) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
    if (netns >= 0) {
      forwarder_ = security::StartPortForwarder(netns, policy_.ports);
      port_map_ = forwarder_->host_ports();
    }
    if (port_map_.size() != policy_.ports.size()) message_ += "; some ports are not forwarded";
  }
  return Status::Ok();
}

}  // namespace sesame::providers::filesystem
