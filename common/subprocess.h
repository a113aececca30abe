#pragma once
// Running a program as a child process and capturing what it prints: no
// shell, stdin fed from a string (or /dev/null), stdout and stderr read
// concurrently, an optional deadline after which the child (and, with
// `own_process_group`, everything it started) is killed. Safe to call from
// a multi-threaded process: everything the child needs is built before
// fork, and between fork and exec it makes only async-signal-safe calls.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace sesame {

struct SubprocessOptions {
  // argv[0] is the program: a path, or a bare name looked up in PATH.
  std::vector<std::string> argv;
  // "NAME=VALUE" entries set on top of this process's environment (an entry
  // replaces one of the same name).
  std::vector<std::string> env;
  std::string input;                // written to stdin, which then ends
  std::optional<Millis> timeout;    // none: wait as long as it runs
  bool own_process_group = false;   // the child leads a new process group
};

struct SubprocessResult {
  int wait_status = 0;  // as waitpid gives it
  std::string out;
  std::string err;
  bool timed_out = false;  // killed at the deadline

  bool succeeded() const;  // exited with 0
  // The exit code, or 128+N when killed by signal N (as a shell reports it).
  int exit_code() const;
  // "exit status 3", "killed by signal 9", "timed out".
  std::string Describe() const;
};

// kNotFound when argv[0] is not an executable file (or none in PATH);
// kInternal when a pipe or fork fails. A program that cannot be executed
// after fork exits with 127.
Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options);

// The executable `name` in the directories of PATH ("" when none).
std::string FindInPath(const std::string& name);

}  // namespace sesame
