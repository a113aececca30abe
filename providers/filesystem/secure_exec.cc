#include "providers/filesystem/secure_exec.h"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "providers/filesystem/process.h"
#include "security/namespace_launch.h"
#include "security/notify_monitor.h"
#include "security/seccomp_filter.h"

namespace sesame::providers::filesystem {

Status PrepareSecureExec(const SandboxState& state, const std::string& dir, const EnvList& request_env,
                         SecureExec& out) {
  const ProcessId& init = state.sandbox_init;
  std::string name = state.key.namespace_ + "/" + state.key.name;
  if (init.empty() || !IsAlive(init)) return ConflictError("the sandbox " + name + " is not running");
  out.pidfd.Reset(static_cast<int>(::syscall(SYS_pidfd_open, init.pid, 0)));
  // Checked after opening: the pidfd now pins the process we verified.
  if (!out.pidfd.valid() || !IsAlive(init)) return ConflictError("the sandbox " + name + " is not running");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = dir + "/" + security::kNotifySocket;
  if (path.size() >= sizeof addr.sun_path) return InternalError(path + ": path too long");
  std::strcpy(addr.sun_path, path.c_str());
  out.control.Reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!out.control.valid() ||
      ::connect(out.control.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return UnavailableError("the supervisor of " + name + " does not answer: " + std::strerror(errno));
  }
  security::SandboxIdentity id = security::IdentityFor(state.uid);
  std::vector<std::string> writable = security::WritableRoots(*state.policy);
  writable[0] = state.sandbox_home;
  auto worker = security::MakeWorkerPlan(id, writable);
  if (!worker.ok()) return worker.status();
  out.worker = std::move(*worker);
  // The filter the supervisor's monitor was built with (this binary may be
  // newer than the supervisor).
  auto program = security::LoadProgram(dir + "/" + security::kSeccompProgramFile);
  if (program.ok()) out.worker.seccomp = std::move(*program);
  out.launch.enter_pidfd = out.pidfd.get();
  out.launch.cgroup_procs = state.cgroup.empty() ? "" : state.cgroup + "/cgroup.procs";
  out.launch.worker = &out.worker;
  out.launch.control_fd = out.control.get();
  out.env = WithSandboxVariables(state, request_env);
  return Status::Ok();
}

EnvList WithSandboxVariables(const SandboxState& state, EnvList request_env) {
  for (auto& v : security::SandboxEnvironment(state.sandbox_home)) request_env.push_back(std::move(v));
  return request_env;
}


}  // namespace sesame::providers::filesystem
