#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "common/unique_fd.h"

extern char** environ;

namespace sesame {
namespace {

Status ErrnoError(const char* what) { return InternalError(std::string(what) + ": " + std::strerror(errno)); }

Result<FdPair> Pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe");
  return FdPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// This process's environment with `overrides` ("NAME=VALUE") replacing
// entries of the same name.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& overrides) {
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    std::string name = name_of(entry);
    bool replaced = std::any_of(overrides.begin(), overrides.end(),
                                [&](const std::string& o) { return name_of(o) == name; });
    if (!replaced) env.push_back(std::move(entry));
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Kills the child (and its group when it leads one) and reaps it, unless
// Wait() already did.
class Child {
 public:
  Child(pid_t pid, bool group) : pid_(pid), group_(group) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ <= 0) return;
    Kill();
    (void)Wait();
  }
  void Kill() {
    if (group_) ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
  }
  int Wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
  bool group_;
};

// write(2) to a pipe whose reader may be gone: EPIPE instead of a SIGPIPE
// that would end this process (the signal is blocked in this thread for the
// call and a pending one consumed).
ssize_t WriteWithoutSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  ssize_t n = ::write(fd, data, size);
  int saved = errno;
  if (n < 0 && errno == EPIPE && !sigismember(&old, SIGPIPE)) {
    timespec zero{};
    while (::sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return n;
}

}  // namespace

bool SubprocessResult::succeeded() const {
  return !timed_out && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

int SubprocessResult::exit_code() const {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

std::string SubprocessResult::Describe() const {
  if (timed_out) return "timed out";
  if (WIFSIGNALED(wait_status)) return "killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "exit status " + std::to_string(WEXITSTATUS(wait_status));
}

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = (end > start ? dirs.substr(start, end - start) : ".") + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options) {
  if (options.argv.empty()) return InvalidError("no program to run");
  const std::string& program = options.argv[0];
  std::string path = program.find('/') == std::string::npos ? FindInPath(program) : program;
  if (path.empty() || ::access(path.c_str(), X_OK) != 0) {
    return NotFoundError(program + " is not installed (not found" +
                         (program.find('/') == std::string::npos ? std::string(" in PATH)") : ")"));
  }
  // Everything the child needs is built before fork.
  std::vector<std::string> argv_text = options.argv;
  std::vector<std::string> env_text = MergedEnvironment(options.env);
  std::vector<char*> argv = Pointers(argv_text), envp = Pointers(env_text);

  Result<FdPair> in = Pipe(), out = Pipe(), err = Pipe();
  for (const auto* p : {&in, &out, &err}) {
    if (!p->ok()) return p->status();
  }
  const bool group = options.own_process_group;
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork");
  if (pid == 0) {
    if (group) ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (::dup2(in->read.get(), 0) < 0 || ::dup2(out->write.get(), 1) < 0 ||
        ::dup2(err->write.get(), 2) < 0) {
      ::_exit(127);
    }
#ifdef SYS_close_range
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
#endif
    ::execve(path.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  Child child(pid, group);
  in->read.Reset();
  out->write.Reset();
  err->write.Reset();
  if (options.input.empty()) in->write.Reset();
  // Nonblocking: a child that stops reading must not stall the loop.
  if (in->write.valid()) ::fcntl(in->write.get(), F_SETFL, O_NONBLOCK);

  SubprocessResult result;
  auto deadline = options.timeout ? std::chrono::steady_clock::now() + *options.timeout
                                  : std::chrono::steady_clock::time_point::max();
  size_t written = 0;
  char buf[16384];
  UniqueFd* readers[2] = {&out->read, &err->read};
  std::string* sinks[2] = {&result.out, &result.err};
  while (out->read.valid() || err->read.valid()) {
    int wait_ms = -1;
    if (options.timeout) {
      auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) {
        result.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left, 1000));
    }
    pollfd fds[3] = {{out->read.get(), POLLIN, 0},
                     {err->read.get(), POLLIN, 0},
                     {in->write.get(), POLLOUT, 0}};
    int n = ::poll(fds, 3, wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) sinks[i]->append(buf, static_cast<size_t>(got));
      else if (got == 0 || errno != EINTR) readers[i]->Reset();
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t put = WriteWithoutSigpipe(fds[2].fd, options.input.data() + written,
                                        options.input.size() - written);
      if (put > 0) written += static_cast<size_t>(put);
      // Done, or the child closed its stdin (EPIPE): its output still counts.
      if ((put < 0 && errno != EINTR && errno != EAGAIN) || written == options.input.size()) {
        in->write.Reset();
      }
    }
  }
  in->write.Reset();
  if (result.timed_out) child.Kill();
  result.wait_status = child.Wait();
  return result;
}

}  // namespace sesame
