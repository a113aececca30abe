#pragma once
// Test helpers: run a command and capture its output, and a temporary
// directory removed on destruction.

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sesame::testing {

struct CommandResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv with `env` added to this process's environment, feeding `input`
// to its stdin. Blocks until it exits.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& input = "");

// In a child just forked: adds `env` to the environment and runs argv
// (exit 127 when it cannot).
[[noreturn]] void ExecWithEnv(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);

// A command running in the background, its output going to files; killed
// (SIGKILL) on destruction unless it has already exited.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv,
                    const std::map<std::string, std::string>& env, const std::string& log_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  int pid() const { return pid_; }
  void Signal(int sig);
  // Waits for the exit and returns the code (128+N for signal N).
  int Wait();

 private:
  int pid_ = -1;
  bool reaped_ = false;
};

// Polls `predicate` every 20 ms until it is true or `timeout_ms` passes.
bool Eventually(const std::function<bool()>& predicate, int timeout_ms);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name (creating parent dirs); returns the path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace sesame::testing
