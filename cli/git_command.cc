#include "cli/git_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace sesame::cli {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Kills the child's process group and reaps it unless Wait() already did.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    (void)Wait();
  }
  void Kill() {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
  }
  int Wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

std::string FindGit() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = (end > start ? dirs.substr(start, end - start) : ".") + "/git";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

std::string Tail(const std::string& err) {
  std::string text = err;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
  return text;
}

}  // namespace

Result<std::string> RunGit(const GitCommandOptions& options) {
  std::string git = FindGit();
  if (git.empty()) return NotFoundError("git is not installed (not found in PATH)");
  // Everything the child needs is built before fork.
  std::vector<std::string> argv_text = {"git"};
  argv_text.insert(argv_text.end(), options.args.begin(), options.args.end());
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
  env_text.push_back("GIT_TERMINAL_PROMPT=0");
  env_text.push_back("LC_ALL=C");
  env_text.insert(env_text.end(), options.env.begin(), options.env.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + strerror(errno));
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + strerror(errno));
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  Fd dev_null(null_fd);

  pid_t pid = fork();
  if (pid < 0) return InternalError(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (dup2(null_fd, 0) < 0 || dup2(out_pipe[1], 1) < 0 || dup2(err_pipe[1], 2) < 0) _exit(127);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3u, ~0u, 0u);
#endif
    execve(git.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  Child child(pid);
  out_write.Reset();
  err_write.Reset();

  std::string out, err;
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool out_open = true, err_open = true, timed_out = false;
  char buf[16384];
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{out_open ? out_read.get() : -1, POLLIN, 0}, {err_open ? err_read.get() : -1, POLLIN, 0}};
    int n = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) (i == 0 ? out : err).append(buf, static_cast<size_t>(got));
      else if (got == 0 || errno != EINTR) (i == 0 ? out_open : err_open) = false;
    }
  }
  std::string what = "git";
  for (size_t i = 0; i < options.args.size(); ++i) {
    const auto& a = options.args[i];
    if (a == "-C" || a == "-c") ++i;
    else if (a.empty() || a[0] != '-') { what += " " + a; break; }
  }
  if (timed_out) {
    child.Kill();
    (void)child.Wait();
    return UnavailableError(what + ": timed out after " + HumanDuration(options.timeout));
  }
  int status = child.Wait();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return out;
  std::string detail = Tail(err);
  if (detail.empty()) {
    detail = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                 : "exit status " + std::to_string(WEXITSTATUS(status));
  }
  return UnavailableError(what + ": " + detail);
}

}  // namespace sesame::cli
