#pragma once
// Processes as the filesystem provider sees them: identities that survive a
// controller restart (pid plus kernel start time, so a reused pid is not
// mistaken for ours), the owned child of a fork, and the fd plumbing around
// them. Linux only: reads /proc.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "common/unique_fd.h"

namespace sesame::providers::filesystem {

// A process as recorded on disk. start_ticks is field 22 of /proc/PID/stat
// (clock ticks since boot): the pair is unique for the life of the machine.
struct ProcessId {
  pid_t pid = 0;
  uint64_t start_ticks = 0;
  bool empty() const { return pid <= 0; }
};

struct ProcStat {
  char state = '?';  // R S D T t Z X ...
  pid_t pgrp = 0;
  uint64_t start_ticks = 0;
};

// Parses /proc/PID/stat; nullopt when the process does not exist.
std::optional<ProcStat> ReadProcStat(pid_t pid);
// The identity of a live process (empty when it does not exist).
ProcessId CaptureProcess(pid_t pid);
// True when `id` names a live (not zombie) process with the recorded start.
bool IsAlive(const ProcessId& id);
// True when `id` is alive and stopped (state T).
bool IsStopped(const ProcessId& id);
// Polls until `id` is gone; false on timeout.
bool WaitGone(const ProcessId& id, Millis timeout);
// Sends `signal` to the process group led by `id`, if `id` is still ours.
// The group id equals the leader's pid (the supervisor makes it so).
void SignalGroup(const ProcessId& id, int signal);

// 0..255 for an exit, 128+N for death by signal N (the shell convention).
int ExitCodeFromWaitStatus(int status);

// The variables a sandbox inherits from the controller's environment (PATH,
// HOME, USER, LANG, ...): nothing else, so provider API keys never leak into
// a sandbox. Returned as "NAME=VALUE", `overrides` applied last.
std::vector<std::string> SandboxEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides);
// The value of NAME in an environment block, if any.
std::optional<std::string> LookupEnv(const std::vector<std::string>& env, std::string_view name);
// `name` itself if it has a '/', else the first executable match in the
// PATH of `env` (the sandbox's PATH, not the controller's).
Result<std::string> ResolveExecutable(const std::string& name,
                                      const std::vector<std::string>& env);

// A pipe or socket pair with close-on-exec set on both ends.
Result<FdPair> MakePipe();
Result<FdPair> MakeSocketPair();
Status SetNonBlocking(int fd);
// Writes everything (retrying on EINTR; sockets without SIGPIPE).
Status WriteAll(int fd, std::string_view data);

// A direct child of this process. Destroying a child that has not been
// waited for kills its process group and reaps it.
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, 0)) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Non-blocking: the exit code (ExitCodeFromWaitStatus) once it has ended.
  std::optional<int> TryWait();
  // Blocks until the child ends.
  int Wait();
  // SIGKILL to the child's process group.
  void KillGroup();
  // Gives up the child without killing or waiting for it.
  pid_t Release() { return std::exchange(pid_, 0); }

 private:
  pid_t pid_ = 0;
};

}  // namespace sesame::providers::filesystem
