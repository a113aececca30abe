#include "providers/filesystem/secure_session.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "security/probe.h"
#include "security/seccomp_filter.h"

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

// The `sesame` binary this supervisor runs from (bwrap runs it inside).
std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// How long bwrap may take to report the sandbox's pid.
constexpr Millis kBwrapStartTimeout(30000);

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
  SESAME_RETURN_IF_ERROR(security::SaveProgram(s->worker_.seccomp, state_dir + "/" + security::kSeccompProgramFile));

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
  if (state.security_backend == security::ToString(security::Backend::kBubblewrap)) {
    SESAME_RETURN_IF_ERROR(s->PrepareBwrap(state, id));
  }
  return s;
}

Status SecureSession::PrepareBwrap(const SandboxState& state, const security::SandboxIdentity& id) {
  bwrap_ = true;
  security::BwrapLaunch& l = bwrap_launch_;
  l.bwrap = state.bwrap_path;
  l.helper = SelfExe();
  l.identity = id;
  l.writable = plan_.writable;
  if (l.bwrap.empty() || ::access(l.bwrap.c_str(), X_OK) != 0) {
    return Status(Code::kUnsupported, "bubblewrap (" + l.bwrap + ") cannot be run: " + std::strerror(errno));
  }
  Result<FdPair> info = MakePipe(), block = MakePipe(), life = MakePipe(), ready = MakePipe();
  if (!info.ok()) return info.status();
  if (!block.ok()) return block.status();
  if (!life.ok()) return life.status();
  if (!ready.ok()) return ready.status();
  ready_read_ = std::move(ready->read);
  ready_write_ = std::move(ready->write);
  life_read_ = std::move(life->read);
  life_write_ = std::move(life->write);
  info_read_ = std::move(info->read);
  info_write_ = std::move(info->write);
  block_read_ = std::move(block->read);
  block_write_ = std::move(block->write);
  // The seccomp listener of the command comes through notify.sock, as from
  // exec'd commands: listening now, the connection waits for the monitor.
  std::string socket = state_dir_ + "/" + security::kNotifySocket;
  notify_server_.Reset(ListenUnix(socket));
  if (!notify_server_.valid()) return InternalError("cannot listen on " + socket + ": " + std::strerror(errno));
  notify_client_.Reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, socket.c_str());  // ListenUnix checked the length
  if (!notify_client_.valid() || ::connect(notify_client_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return InternalError("cannot connect to " + socket + ": " + std::strerror(errno));
  }
  empty_.Reset(::open((state_dir_ + "/empty").c_str(), O_RDONLY | O_CLOEXEC));
  auto args = security::BwrapMountArgs(plan_, empty_.get());
  if (!args.ok()) return args.status();
  l.mount_args = std::move(*args);
  l.info_fd = info_write_.get();
  l.block_fd = block_read_.get();
  l.notify_fd = notify_client_.get();
  l.empty_fd = empty_.get();
  l.life_fd = life_read_.get();
  l.ready_fd = ready_write_.get();
  for (const security::MountOp& op : plan_.ops) {
    if (op.kind == security::MountOp::kIdmappedBind) l.idmapped.emplace_back(op.fd, op.source);
  }
  launch_ = SandboxLaunch{};
  launch_.bwrap = &bwrap_launch_;
  return Status::Ok();
}

SecureSession::~SecureSession() {
  forwarder_.reset();
  proxy_.reset();
  monitor_.reset();
  for (const security::MountOp& op : plan_.ops) {
    if (op.fd >= 0) ::close(op.fd);
  }
  security::ReapMountHelpers(plan_);
  ::unlink((state_dir_ + "/" + security::kNotifySocket).c_str());
  security::RemoveStubs(state_dir_);
}

std::vector<std::pair<std::string, std::string>> SecureSession::Environment() const {
  return security::SandboxEnvironment(plan_.home);
}

Result<pid_t> SecureSession::StartIdle() {
  if (bwrap_) {
    SpawnOptions idle;  // no argv: the helper alone, as pid 1
    idle.cwd = "/";
    idle.sandbox = &launch_;
    Result<ChildProcess> child = Spawn(idle);
    if (!child.ok()) return child.status();
    return child->Release();
  }
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

Status SecureSession::Started(pid_t spawned) {
  control_child_.Reset();
  if (bwrap_) return StartedBwrap();  // `spawned` is bwrap; the sandbox's pid comes from it
  sandbox_pid_ = spawned;
  for (security::MountOp& op : plan_.ops) {
    if (op.fd >= 0) ::close(op.fd);
    op.fd = -1;  // not again in the destructor
  }
  security::ReapMountHelpers(plan_);
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
  StartServices(std::move(listeners), ListenUnix(state_dir_ + "/" + security::kNotifySocket));
  for (int fd : notify) monitor_->AddListener(fd);
  return Status::Ok();
}

Status SecureSession::StartedBwrap() {
  // Only bwrap keeps these now, so its exit shows as EOF on the info fd.
  info_write_.Reset();
  block_read_.Reset();
  notify_client_.Reset();
  empty_.Reset();
  life_read_.Reset();
  ready_write_.Reset();
  for (security::MountOp& op : plan_.ops) {
    if (op.fd >= 0) ::close(op.fd);
    op.fd = -1;
  }
  security::ReapMountHelpers(plan_);
  Result<pid_t> pid = security::ReadBwrapChildPid(info_read_.get(), kBwrapStartTimeout);
  if (!pid.ok()) return pid.status();
  sandbox_pid_ = *pid;
  Result<std::vector<int>> listeners = security::ListenInSandboxNetns(*pid);
  if (!listeners.ok()) return listeners.status();
  StartServices(std::move(*listeners), notify_server_.Release());
  // Everything outside is ready: the command may run.
  if (!WriteAll(block_write_.get(), "x").ok()) return InternalError("bubblewrap is gone");
  block_write_.Reset();
  return security::WaitForHelper(ready_read_.get(), kBwrapStartTimeout);
}

void SecureSession::StartServices(std::vector<int> listeners, int notify_server) {
  security::ProxyOptions proxy;
  proxy.policy = policy_.network;
  proxy.violations = violations_.get();
  proxy_ = security::StartProxy(std::move(listeners), std::move(proxy));
  monitor_ = security::StartNotifyMonitor(security::AccessRulesFor(policy_, plan_.home),
                                          violations_.get(), notify_server);
  if (!policy_.ports.empty()) {
    int netns = ::open(("/proc/" + std::to_string(sandbox_pid_) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
    if (netns >= 0) {
      forwarder_ = security::StartPortForwarder(netns, policy_.ports);
      port_map_ = forwarder_->host_ports();
    }
    if (port_map_.size() != policy_.ports.size()) message_ += "; some ports are not forwarded";
  }
}

}  // namespace sesame::providers::filesystem
