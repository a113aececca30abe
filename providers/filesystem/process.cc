#include "providers/filesystem/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace sesame::providers::filesystem {
namespace {

const char* const kInheritedVariables[] = {"PATH", "HOME",   "USER", "LOGNAME", "SHELL",
                                           "LANG", "LC_ALL", "TERM", "TZ",      "TMPDIR"};

std::string ErrnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: skip to the
  // last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  ProcStat stat;
  std::string skip;
  fields >> stat.state;  // field 3
  long ppid = 0, pgrp = 0;
  fields >> ppid >> pgrp;  // fields 4, 5
  for (int field = 6; field < 22; ++field) fields >> skip;
  fields >> stat.start_ticks;  // field 22
  if (!fields) return std::nullopt;
  stat.pgrp = static_cast<pid_t>(pgrp);
  return stat;
}

ProcessId CaptureProcess(pid_t pid) {
  auto stat = ReadProcStat(pid);
  if (!stat) return {};
  return {pid, stat->start_ticks};
}

bool IsAlive(const ProcessId& id) {
  if (id.empty()) return false;
  auto stat = ReadProcStat(id.pid);
  return stat && stat->start_ticks == id.start_ticks && stat->state != 'Z' && stat->state != 'X';
}

bool IsStopped(const ProcessId& id) {
  if (id.empty()) return false;
  auto stat = ReadProcStat(id.pid);
  return stat && stat->start_ticks == id.start_ticks && (stat->state == 'T' || stat->state == 't');
}

bool WaitGone(const ProcessId& id, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (IsAlive(id)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(20));
  }
  return true;
}

void SignalGroup(const ProcessId& id, int signal) {
  if (!IsAlive(id)) return;
  ::kill(-id.pid, signal);
}

int ExitCodeFromWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::vector<std::string> SandboxEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (const char* name : kInheritedVariables) {
    const char* value = std::getenv(name);
    if (value != nullptr) env.push_back(std::string(name) + "=" + value);
  }
  if (!LookupEnv(env, "PATH")) env.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
  // Later entries win in LookupEnv; drop the inherited ones that are
  // overridden so that execve sees each name once.
  for (const auto& [key, value] : overrides) {
    std::erase_if(env, [&key](const std::string& e) {
      return e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=';
    });
    env.push_back(key + "=" + value);
  }
  return env;
}

std::optional<std::string> LookupEnv(const std::vector<std::string>& env, std::string_view name) {
  std::optional<std::string> found;
  for (const std::string& entry : env) {
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
        entry[name.size()] == '=') {
      found = entry.substr(name.size() + 1);  // the last one wins, as in execve
    }
  }
  return found;
}

Result<std::string> ResolveExecutable(const std::string& name,
                                      const std::vector<std::string>& env) {
  if (name.empty()) return InvalidError("empty command");
  if (name.find('/') != std::string::npos) return name;
  std::string path = LookupEnv(env, "PATH").value_or("/usr/local/bin:/usr/bin:/bin");
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return NotFoundError(name + ": command not found in PATH " + path);
}

Result<FdPair> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return InternalError(ErrnoText("pipe"));
  return FdPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<FdPair> MakeSocketPair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return InternalError(ErrnoText("socketpair"));
  }
  return FdPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Status SetNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return InternalError(ErrnoText("fcntl"));
  }
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return UnavailableError(ErrnoText("write"));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    KillGroup();
    Wait();
  }
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) {
      KillGroup();
      Wait();
    }
    pid_ = std::exchange(other.pid_, 0);
  }
  return *this;
}

std::optional<int> ChildProcess::TryWait() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = 0;
    return ExitCodeFromWaitStatus(status);
  }
  if (r < 0 && errno == ECHILD) {
    pid_ = 0;
    return -1;
  }
  return std::nullopt;
}

int ChildProcess::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  pid_ = 0;
  return r > 0 ? ExitCodeFromWaitStatus(status) : -1;
}

void ChildProcess::KillGroup() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
  }
}

}  // namespace sesame::providers::filesystem
