#pragma once
// Small helpers shared by the benchmark programs: summary statistics, a
// temporary $SESAME_HOME that leaves no process behind, process checks
// through /proc, and Sandbox objects made from YAML text.
//
// Benchmarks print figures; nothing here asserts on a time.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "specs/object.h"

namespace sesame::bench {

using SteadyClock = std::chrono::steady_clock;

double MillisBetween(SteadyClock::time_point from, SteadyClock::time_point to);
double MillisSince(SteadyClock::time_point start);

// Order statistics of a sample (nearest rank); all zero for an empty one.
struct Summary {
  size_t n = 0;
  double median = 0;
  double p90 = 0;
  double min = 0;
  double max = 0;
};
Summary Summarize(std::vector<double> sample);
// "median 12.34  p90 15.00  min 10.01  max 20.22 ms (n=50)"
std::string FormatSummary(const Summary& s, const char* unit = "ms");

// A fresh directory under $TMPDIR used as $SESAME_HOME (the variable is set
// for this process). On destruction, and on SIGINT/SIGTERM, every process
// this home started is killed (KillProcessesOf) and the directory removed.
// At most one TempHome may exist at a time (the signal handler knows one).
class TempHome {
 public:
  TempHome();
  ~TempHome();
  TempHome(const TempHome&) = delete;
  TempHome& operator=(const TempHome&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// SIGKILLs, by pid, every process whose command line mentions `home` (the
// filesystem supervisors, run with --state-dir HOME/run/UID) or whose working
// directory is under it (the sandbox commands, run in HOME/sandboxes/...).
// Returns how many were signalled.
int KillProcessesOf(const std::string& home);
// How many processes KillProcessesOf would signal.
int CountProcessesOf(const std::string& home);

// True when /proc/PID is gone or the process is a zombie (it has exited).
bool ProcessGone(pid_t pid);

// The cost of fork + execv(argv[0]) + waitpid, in ms; -1 on failure.
double ForkExecMillis(const std::vector<std::string>& argv);

// Sandbox objects, parsed and validated as `sesame apply` would, in
// namespace `ns`, named PREFIX-0 .. PREFIX-(count-1), using the filesystem
// provider and running `command`.
Result<std::vector<specs::Object>> MakeSandboxes(const std::string& ns, const std::string& prefix,
                                                 int count, const std::string& command_yaml);

// One flag from argv ("--name=VALUE" or "--name VALUE"), or `fallback`.
std::string StringFlag(int argc, char** argv, const std::string& name, const std::string& fallback);
int IntFlag(int argc, char** argv, const std::string& name, int fallback);

// A benchmark's main: `run` with a fresh TempHome (destroyed last, so
// whatever the run left is killed, even after a failure); an exception
// becomes "NAME: what" on stderr and exit code 1.
int RunInTempHome(const char* name, const std::function<int(const std::string& home)>& run);

}  // namespace sesame::bench
