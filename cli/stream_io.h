#pragma once
// Wiring a provider's Streams to this process's stdin, stdout and stderr.

#include <signal.h>

#include <memory>
#include <string>

#include "common/mutex.h"
#include "providers/provider.h"

struct termios;

namespace sesame::cli {

// stdout/stderr written through unbuffered; stdin read when `with_stdin`.
providers::Streams TerminalStreams(bool with_stdin);

// Output of one of several sandboxes: each line starts with `prefix`
// ("[sandbox/a] "), written whole under `lock` so that lines of sandboxes
// followed at once never mix. A last line without newline is written by
// Flush (or the destructor).
class PrefixedOutput {
 public:
  PrefixedOutput(std::string prefix, Mutex& lock) : prefix_(std::move(prefix)), lock_(lock) {}
  ~PrefixedOutput() { Flush(); }
  providers::Streams Streams();
  void Flush();

 private:
  void Add(int fd, std::string& pending, std::string_view data);
  std::string prefix_;
  Mutex& lock_;
  std::string out_, err_;
};

// While alive, this process's terminal (when stdin is one) passes every
// key on as typed, for exec -t -i: no echo, no line editing, Ctrl-C goes
// to the sandbox's command. Restored on destruction, and when SIGINT,
// SIGTERM, SIGHUP or SIGQUIT ends this process meanwhile.
class RawTerminal {
 public:
  RawTerminal();
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  bool active_ = false;
  std::unique_ptr<::termios> saved_;  // the settings to restore
  struct sigaction previous_[4] = {};  // the handlers replaced, of the signals above
};

}  // namespace sesame::cli
