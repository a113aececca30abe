#pragma once
// A command driven the way a user drives it: its input typed a piece at a
// time and its output read as it comes, through a pseudo-terminal (stdin,
// stdout and stderr all on it, as at a shell prompt) or through pipes
// (stdin one pipe, stdout and stderr another).

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sesame::testing {

class DrivenProcess {
 public:
  enum class Via { kTerminal, kPipes };
  // Runs argv with `env` added to this process's environment.
  DrivenProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, Via via);
  ~DrivenProcess();  // kills it (SIGKILL) if it still runs
  DrivenProcess(const DrivenProcess&) = delete;
  DrivenProcess& operator=(const DrivenProcess&) = delete;

  int pid() const { return pid_; }
  void Type(std::string_view keys);
  // Ends the input: closes the pipe (a terminal's end is a typed Ctrl-D).
  void CloseInput();
  // Reads output until `text` appears in what came after `from` (an
  // offset in output()); false when it has not within `timeout_ms` (a
  // guard against a hang, not a measure) or the output ended.
  bool WaitForOutput(const std::string& text, size_t from, int timeout_ms);
  // Everything read so far.
  const std::string& output() const { return output_; }
  // Reads the rest of the output and waits for the exit: the code (128+N
  // for signal N), or -1 when it has not exited within `timeout_ms` (it is
  // then killed).
  int Wait(int timeout_ms);
  // The terminal's settings now: whether it echoes and edits lines (is
  // cooked, as a shell leaves it), as opposed to raw. Terminal only.
  bool TerminalIsCooked() const;

 private:
  // Reads what is there, waiting up to `wait_ms`; false at the end of output.
  bool ReadSome(int wait_ms);

  int pid_ = -1;
  int input_ = -1;   // the terminal's master, or the stdin pipe
  int output_fd_ = -1;  // the same master, or the output pipe
  bool reaped_ = false;
  int exit_code_ = -1;
  std::string output_;
};

}  // namespace sesame::testing
