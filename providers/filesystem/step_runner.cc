#include "providers/filesystem/step_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <deque>

#include "common/unique_fd.h"
#include "providers/filesystem/process.h"
#include "providers/filesystem/secure_session.h"
#include "providers/filesystem/spawn.h"
#include "security/namespace_launch.h"

namespace sesame::providers::filesystem {
namespace {

constexpr size_t kTailLines = 20;

bool SecuredState(const SandboxState& s) { return s.policy && s.policy->enabled; }

// Gives what the host made in the sandbox's home (a `mise link` by an
// administrator, say) to the sandbox's uid, so mise can write beside it.
// Entries the uid owns already are not entered: the sandbox made them.
void HandOver(const std::string& path, uid_t uid, gid_t gid, int depth) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || st.st_uid == uid || depth > 16) return;
  (void)::lchown(path.c_str(), uid, gid);
  if (!S_ISDIR(st.st_mode)) return;
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") HandOver(path + "/" + name, uid, gid, depth + 1);
  }
  ::closedir(d);
}

class SandboxStepRunner final : public StepRunner {
 public:
  explicit SandboxStepRunner(StepRunnerOptions o) : o_(std::move(o)) {}

  std::string Home() const override { return SandboxHomeFor(o_.state_dir, o_.state); }

  void Note(const std::string& text) override {
    o_.log(LogEntry{Clock::Real().Now(), LogStream::kStderr, false, "sesame: " + text});
  }

  Result<int> Run(const runtimes::InstallStep& step, const runtimes::EnvList& extra,
                  std::string& tail) override {
    std::string home_dir = o_.state_dir + "/home";
    ::mkdir(home_dir.c_str(), 0700);
    SpawnOptions spawn;
    spawn.argv = step.argv;
    spawn.cwd = step.dir;
    spawn.rlimits = PlanRlimits(o_.state.limits, false);
    auto env = o_.env;
    env.insert(env.end(), extra.begin(), extra.end());
    std::unique_ptr<SecureSession> session;
    if (SecuredState(o_.state)) {
      security::SandboxIdentity id = security::IdentityFor(o_.state.uid);
      if (id.uid != ::getuid()) HandOver(home_dir, id.uid, id.gid, 0);
      SandboxState widened = o_.state;
      auto& allowed = widened.policy->network.allowed_domains;
      for (const std::string& d : step.domains) {
        if (std::find(allowed.begin(), allowed.end(), d) == allowed.end()) allowed.push_back(d);
      }
      auto prepared = SecureSession::Prepare(o_.state_dir, widened, "", true);
      if (!prepared.ok()) return prepared.status();
      session = std::move(*prepared);
      for (auto& v : session->Environment()) env.push_back(v);
      spawn.sandbox = session->launch();
    } else {
      env.emplace_back("HOME", Home());
    }
    spawn.env = SandboxEnvironment(env);
    Result<FdPair> out = MakePipe(), err = MakePipe();
    if (!out.ok() || !err.ok()) return InternalError("pipe failed");
    spawn.stdout_fd = out->write.get();
    spawn.stderr_fd = err->write.get();
    Result<ChildProcess> child = Spawn(spawn);
    out->write.Reset();
    err->write.Reset();
    if (!child.ok()) return child.status();
    if (session) {
      if (Status st = session->Started(child->pid()); !st.ok()) {
        child->KillGroup();
        child->Wait();
        return st;
      }
    }
    return Pump(*child, out->read, err->read, tail);
  }

 private:
  // Copies the step's output to the log until it ends; returns its code.
  Result<int> Pump(ChildProcess& child, UniqueFd& out, UniqueFd& err, std::string& tail) {
    std::deque<std::string> last;
    auto sink = [&](const LogEntry& e) {
      o_.log(e);
      last.push_back(e.text);
      if (last.size() > kTailLines) last.pop_front();
    };
    LineSplitter out_lines(LogStream::kStdout, sink), err_lines(LogStream::kStderr, sink);
    std::optional<int> code;
    bool stopped = false;
    while (out.valid() || err.valid() || !code) {
      std::vector<pollfd> fds = {{o_.signal_fd, POLLIN, 0}};
      if (out.valid()) fds.push_back({out.get(), POLLIN, 0});
      if (err.valid()) fds.push_back({err.get(), POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 200) < 0 && errno != EINTR) break;
      for (const pollfd& p : fds) {
        if (p.revents == 0) continue;
        if (p.fd == o_.signal_fd) {
          signalfd_siginfo info;
          while (::read(o_.signal_fd, &info, sizeof info) == sizeof info) {
            if (info.ssi_signo == SIGCHLD) continue;
            stopped = true;
            if (o_.on_stop) o_.on_stop();
            if (child.pid() > 0) child.KillGroup();
          }
        } else {
          UniqueFd& fd = p.fd == out.get() ? out : err;
          LineSplitter& lines = p.fd == out.get() ? out_lines : err_lines;
          char buf[16384];
          ssize_t n = ::read(fd.get(), buf, sizeof buf);
          if (n > 0) {
            lines.Add(std::string_view(buf, static_cast<size_t>(n)), Clock::Real().Now());
          } else if (n == 0 || errno != EINTR) {
            fd.Reset();
          }
        }
      }
      if (!code && child.pid() > 0) code = child.TryWait();
      if (code && stopped) break;
    }
    Time now = Clock::Real().Now();
    out_lines.Flush(now, Millis(0));
    err_lines.Flush(now, Millis(0));
    for (const std::string& line : last) tail += (tail.empty() ? "" : "\n") + line;
    if (stopped) return UnavailableError("stopped during the install");
    return code.value_or(-1);
  }

  StepRunnerOptions o_;
};

}  // namespace

std::string SandboxHomeFor(const std::string& state_dir, const SandboxState& state) {
  if (!SecuredState(state)) return state_dir + "/home";
  // As CompileMountPlan places the synthetic home.
  char buf[PATH_MAX];
  const std::string& home = state.policy->filesystem.home;
  std::string real = !home.empty() && ::realpath(home.c_str(), buf) ? buf : "";
  return real.empty() || real == "/" ? "/tmp/home" : real;
}

std::unique_ptr<StepRunner> NewSandboxStepRunner(StepRunnerOptions options) {
  return std::make_unique<SandboxStepRunner>(std::move(options));
}

}  // namespace sesame::providers::filesystem
