#include "providers/filesystem/warm_worker.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "providers/filesystem/child_setup.h"

namespace sesame::providers::filesystem {
namespace {

// The session on the wire: this header, then `bytes` of NUL-terminated
// strings: argc arguments, envc variables, the PATH to search.
struct SessionHeader {
  uint32_t magic = 0;
  uint32_t argc = 0;
  uint32_t envc = 0;
  uint32_t stdin_open = 0;
  uint64_t bytes = 0;
};
constexpr uint32_t kSessionMagic = 0x5345534e;  // "SESN"
// Past what execve takes anyway (arguments plus environment).
constexpr uint64_t kMaxSessionBytes = 64ull << 20;
constexpr char kWaiting = 'W';

// What the worker keeps of the supervisor's fds, decided before fork.
struct WorkerFds {
  int session = -1;
  int report = -1;
  int in = -1, out = -1, err = -1;
  int control = -1;  // secured: where the seccomp listener goes
};

// Async-signal-safe: closes every fd from 3 up but those of `fds`. The
// worker waits for its claim for hours: it must not hold what the
// supervisor has open meanwhile (the provider's start report, whose EOF it
// waits for; the session's own pipe ends; state files).
void CloseAllBut(const WorkerFds& fds) {
  int keep[6] = {fds.session, fds.report, fds.in, fds.out, fds.err, fds.control};
  for (int i = 1; i < 6; ++i) {  // insertion sort
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) std::swap(keep[j - 1], keep[j]);
  }
  unsigned from = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(from)) continue;
    if (fd > static_cast<int>(from)) ::close_range(from, static_cast<unsigned>(fd) - 1, 0);
    from = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(from, ~0U, 0);
}

bool ReadFull(int fd, void* data, size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Async-signal-safe: the strings of a session read into `data` (`bytes`
// long), pointed to from `ptrs` (argc + 1 + envc + 1 slots). The PATH, or
// nullptr when the strings do not match the header.
const char* SplitSession(const SessionHeader& h, char* data, char** ptrs) {
  if (h.bytes == 0 || data[h.bytes - 1] != '\0') return nullptr;
  uint64_t want = uint64_t{h.argc} + h.envc + 1, found = 0;
  char** argv = ptrs;
  char** envp = ptrs + h.argc + 1;
  const char* path = nullptr;
  for (uint64_t at = 0; at < h.bytes; ++found) {
    char* s = data + at;
    if (found < h.argc) {
      argv[found] = s;
    } else if (found < uint64_t{h.argc} + h.envc) {
      envp[found - h.argc] = s;
    } else if (found == want - 1) {
      path = s;
    } else {
      return nullptr;  // more strings than announced
    }
    at += std::strlen(s) + 1;
  }
  if (found != want) return nullptr;
  argv[h.argc] = nullptr;
  envp[h.envc] = nullptr;
  return path;
}

// The worker, from fork to exec. Only async-signal-safe calls.
[[noreturn]] void RunWorker(const SpawnOptions& o, const char* cgroup_procs, WorkerFds fds) {
  CloseAllBut(fds);
  bool entered = o.sandbox != nullptr;
  if (!entered) {  // EnterSandbox did both in the middle process
    ::setpgid(0, 0);
    if (cgroup_procs[0] != '\0') {
      int fd = ::open(cgroup_procs, O_WRONLY | O_CLOEXEC);
      if (fd >= 0) {
        [[maybe_unused]] ssize_t n = ::write(fd, "0", 1);
        ::close(fd);
      }
    }
  }
  ApplyRlimits(o.rlimits);
  ResetChildSignals();
  // What is left goes at the exec (dup2 below clears the flag on 0..2 only).
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) ChildFail(fds.report, kStepFds);
  if (::chdir(o.cwd.c_str()) != 0) ChildFail(fds.report, kStepChdir);
  if (entered) {
    const char* what = "";
    if (int e = security::ApplyWorkerPlan(*o.sandbox->worker, o.sandbox->control_fd, &what); e != 0) {
      errno = e;
      ChildFail(fds.report, security::kSandboxSetupStep, what);
    }
    ::close(o.sandbox->control_fd);
  }
  if (::write(fds.session, &kWaiting, 1) != 1) ::_exit(0);
  SessionHeader h;
  // EOF: the sandbox goes away unclaimed.
  if (!ReadFull(fds.session, &h, sizeof h)) ::_exit(0);
  if (h.magic != kSessionMagic || h.argc == 0 || h.bytes > kMaxSessionBytes || h.argc > h.bytes ||
      h.envc > h.bytes) {
    errno = EINVAL;
    ChildFail(fds.report, kStepExec);
  }
  size_t slots = (size_t{h.argc} + h.envc + 2) * sizeof(char*);
  size_t size = slots + h.bytes;
  void* mem = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) ChildFail(fds.report, kStepExec);
  auto** ptrs = static_cast<char**>(mem);
  char* data = static_cast<char*>(mem) + slots;
  if (!ReadFull(fds.session, data, h.bytes)) ::_exit(0);
  const char* path = SplitSession(h, data, ptrs);
  if (path == nullptr) {
    errno = EINVAL;
    ChildFail(fds.report, kStepExec);
  }
  int targets[3] = {h.stdin_open ? fds.in : devnull, fds.out, fds.err};
  if (!SetUpChildStdio(targets, devnull, fds.report)) ChildFail(fds.report, kStepFds);
  char** argv = ptrs;
  char** envp = ptrs + h.argc + 1;
  ExecSearching(argv[0], argv, envp, path);
  ChildFail(fds.report, kStepExec);
}

}  // namespace

Result<std::unique_ptr<WarmWorker>> WarmWorker::Start(const SpawnOptions& spawn) {
  if (spawn.sandbox != nullptr && (spawn.sandbox->init != nullptr || spawn.sandbox->bwrap != nullptr)) {
    return InvalidError("a warm worker enters a running sandbox");
  }
  std::unique_ptr<WarmWorker> w(new WarmWorker());
  w->cwd_ = spawn.cwd;
  Result<SessionPipes> pipes = MakeSessionPipes();
  if (!pipes.ok()) return pipes.status();
  w->pipes_ = std::move(*pipes);
  Result<FdPair> session = MakeSocketPair();
  if (!session.ok()) return session.status();
  Result<FdPair> report = MakePipe();
  if (!report.ok()) return report.status();
  SessionPipes& p = w->pipes_;
  WorkerFds fds;
  fds.session = session->write.get();
  fds.report = report->write.get();
  fds.in = p.in.read.get();
  fds.out = p.out.write.get();
  fds.err = p.err.write.get();
  if (spawn.sandbox != nullptr) fds.control = spawn.sandbox->control_fd;
  std::string cgroup_procs = spawn.cgroup.empty() ? "" : spawn.cgroup + "/cgroup.procs";

  pid_t pid;
  if (spawn.sandbox != nullptr) {
    pid = security::EnterSandbox(spawn.sandbox->enter_pidfd, spawn.sandbox->worker->identity,
                                 spawn.sandbox->cgroup_procs.c_str(), fds.report);
  } else {
    pid = ::fork();
  }
  if (pid < 0) return InternalError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) RunWorker(spawn, cgroup_procs.c_str(), fds);
  ::setpgid(pid, pid);  // also here, so the group exists before we signal it
  w->process_ = ChildProcess(pid);
  // Only the worker keeps these now.
  session->write.Reset();
  report->write.Reset();
  p.in.read.Reset();
  p.out.write.Reset();
  p.err.write.Reset();
  w->session_ = std::move(session->read);
  w->report_ = std::move(report->read);
  char ready = 0;
  ssize_t n;
  do {
    n = ::read(w->session_.get(), &ready, 1);
  } while (n < 0 && errno == EINTR);
  if (n == 1 && ready == kWaiting) return w;
  // It failed on the way (and reported why) or died.
  Result<ChildProcess> failed = AwaitExec(std::move(w->process_), w->report_.get(), "", spawn.cwd);
  if (!failed.ok()) return failed.status();
  return UnavailableError("the warm worker ended before it was ready");
}

WarmWorker::~WarmWorker() = default;  // process_ kills the worker's group unless it was taken

Result<ChildProcess> WarmWorker::Exec(const std::vector<std::string>& argv,
                                      const std::vector<std::string>& env,
                                      const std::string& search_path, bool stdin_open,
                                      const std::function<void(pid_t)>& while_it_execs) {
  if (argv.empty()) return InvalidError("empty command");
  if (!session_.valid()) return UnavailableError("the warm worker was used already");
  std::string strings;
  for (const std::string& a : argv) strings.append(a).push_back('\0');
  for (const std::string& e : env) strings.append(e).push_back('\0');
  strings.append(search_path).push_back('\0');
  SessionHeader h;
  h.magic = kSessionMagic;
  h.argc = static_cast<uint32_t>(argv.size());
  h.envc = static_cast<uint32_t>(env.size());
  h.stdin_open = stdin_open ? 1 : 0;
  h.bytes = strings.size();
  if (h.bytes > kMaxSessionBytes) return InvalidError("the session's arguments and environment are too large");
  std::string message(reinterpret_cast<const char*>(&h), sizeof h);
  message += strings;
  Status sent = WriteAll(session_.get(), message);
  session_.Reset();
  // A worker that is gone got nothing; one that was killed after it read
  // the session looks exec'd, and the supervisor then sees it end.
  if (!sent.ok()) return UnavailableError("the warm worker is gone: " + sent.message());
  if (while_it_execs) while_it_execs(process_.pid());
  return AwaitExec(std::move(process_), report_.get(), argv[0], cwd_);
}

}  // namespace sesame::providers::filesystem
