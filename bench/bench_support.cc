#include "bench/bench_support.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/mutex.h"
#include "specs/manifest.h"

namespace sesame::bench {

namespace fs = std::filesystem;

double MillisBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

double MillisSince(SteadyClock::time_point start) { return MillisBetween(start, SteadyClock::now()); }

Summary Summarize(std::vector<double> sample) {
  Summary s;
  s.n = sample.size();
  if (sample.empty()) return s;
  std::sort(sample.begin(), sample.end());
  auto rank = [&](double q) {
    size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(sample.size())));
    return sample[std::clamp<size_t>(i, 1, sample.size()) - 1];
  };
  s.median = sample.size() % 2 == 1
                 ? sample[sample.size() / 2]
                 : (sample[sample.size() / 2 - 1] + sample[sample.size() / 2]) / 2;
  s.p90 = rank(0.9);
  s.min = sample.front();
  s.max = sample.back();
  return s;
}

std::string FormatSummary(const Summary& s, const char* unit) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "median %8.3f  p90 %8.3f  min %8.3f  max %8.3f %s (n=%zu)", s.median,
                s.p90, s.min, s.max, unit, s.n);
  return buf;
}

namespace {

// The live TempHome, for the signal thread.
Mutex g_home_mutex;
std::string g_home;

// With read(2): a /proc file of a process that exits meanwhile fails with
// ESRCH, which std::ifstream turns into an exception.
std::string ReadWhole(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

bool UnderHome(pid_t pid, const std::string& home) {
  std::string proc = "/proc/" + std::to_string(pid);
  std::string cmdline = ReadWhole(proc + "/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  if (cmdline.find(home + "/") != std::string::npos) return true;
  std::error_code ec;
  std::string cwd = fs::read_symlink(proc + "/cwd", ec).string();
  return !ec && (cwd == home || cwd.starts_with(home + "/"));
}

std::vector<pid_t> ProcessesOf(const std::string& home) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid != ::getpid() && !ProcessGone(pid) && UnderHome(pid, home)) pids.push_back(pid);
  }
  return pids;
}

void CleanUp(const std::string& home) {
  KillProcessesOf(home);
  std::error_code ec;
  fs::remove_all(home, ec);
}

// Ctrl-C or kill during a run must not leave 1,000 sleeps behind: SIGINT
// and SIGTERM are blocked here (threads made later inherit the mask) and
// handled by one thread that cleans up and exits.
void HandleTerminationSignals() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int sig = 0;
      sigwait(&set, &sig);
      MutexLock lock(g_home_mutex);
      if (!g_home.empty()) CleanUp(g_home);
      std::fprintf(stderr, "interrupted: cleaned up\n");
      _exit(130);
    }).detach();
  });
}

}  // namespace

TempHome::TempHome() {
  std::string tmpl = (fs::temp_directory_path() / "sesame-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
  ::setenv("SESAME_HOME", path_.c_str(), 1);
  HandleTerminationSignals();
  MutexLock lock(g_home_mutex);
  g_home = path_;
}

TempHome::~TempHome() {
  MutexLock lock(g_home_mutex);
  CleanUp(path_);
  g_home.clear();
}

int KillProcessesOf(const std::string& home) {
  int signalled = 0;
  // A second look catches anything that was mid-fork during the first.
  for (int round = 0; round < 3; ++round) {
    std::vector<pid_t> pids = ProcessesOf(home);
    if (pids.empty()) break;
    for (pid_t pid : pids) signalled += ::kill(pid, SIGKILL) == 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return signalled;
}

int CountProcessesOf(const std::string& home) { return static_cast<int>(ProcessesOf(home).size()); }

bool ProcessGone(pid_t pid) {
  if (pid <= 0) return true;
  std::string stat = ReadWhole("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return true;
  char state = stat[close + 2];
  return state == 'Z' || state == 'X';
}

double ForkExecMillis(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto start = SteadyClock::now();
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDOUT_FILENO);
    ::dup2(devnull, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  double ms = MillisSince(start);
  return WIFEXITED(status) && WEXITSTATUS(status) != 127 ? ms : -1;
}

Result<std::vector<specs::Object>> MakeSandboxes(const std::string& ns, const std::string& prefix,
                                                 int count, const std::string& command_yaml) {
  std::string yaml;
  for (int i = 0; i < count; ++i) {
    yaml += "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + prefix + "-" +
            std::to_string(i) + "\n  namespace: " + ns +
            "\nspec:\n  provider: filesystem\n  command: " + command_yaml + "\n---\n";
  }
  specs::ParsedManifests parsed = specs::ParseManifests(yaml, "<bench>");
  if (!parsed.ok()) return InvalidError(parsed.ErrorText());
  return std::move(parsed.objects);
}

std::string StringFlag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  std::string flag = "--" + name;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.starts_with(flag + "=")) return arg.substr(flag.size() + 1);
    if (arg == flag && i + 1 < argc) return argv[i + 1];
  }
  return fallback;
}

int IntFlag(int argc, char** argv, const std::string& name, int fallback) {
  std::string value = StringFlag(argc, argv, name, "");
  return value.empty() ? fallback : std::atoi(value.c_str());
}

int RunInTempHome(const char* name, const std::function<int(const std::string& home)>& run) {
  TempHome home;
  try {
    return run(home.path());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

}  // namespace sesame::bench
