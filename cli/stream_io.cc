#include "cli/stream_io.h"

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace sesame::cli {
namespace {

constexpr char kCtrlD = 0x04;
constexpr int kInputTickMs = 200;

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

providers::Streams TerminalStreams(bool with_stdin) {
  providers::Streams streams;
  streams.on_stdout = [](std::string_view d) { WriteAll(STDOUT_FILENO, d); };
  streams.on_stderr = [](std::string_view d) { WriteAll(STDERR_FILENO, d); };
  if (with_stdin) {
    streams.read_stdin = [](std::string& chunk) {
      chunk.clear();
      // Waits a moment at a time, so that the caller can stop reading once
      // the command has ended (an empty chunk: nothing yet).
      pollfd p{STDIN_FILENO, POLLIN, 0};
      int ready = poll(&p, 1, kInputTickMs);
      if (ready == 0 || (ready < 0 && errno == EINTR)) return true;
      char buf[16384];
      ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
      if (n <= 0) return false;
      // A terminal in raw mode passes Ctrl-D on as a byte: at the start of
      // a read it ends the input, as it does in a cooked terminal.
      if (buf[0] == kCtrlD && isatty(STDIN_FILENO)) return false;
      chunk.assign(buf, static_cast<size_t>(n));
      return true;
    };
  }
  return streams;
}

providers::Streams PrefixedOutput::Streams() {
  providers::Streams streams;
  streams.on_stdout = [this](std::string_view d) { Add(STDOUT_FILENO, out_, d); };
  streams.on_stderr = [this](std::string_view d) { Add(STDERR_FILENO, err_, d); };
  return streams;
}

void PrefixedOutput::Add(int fd, std::string& pending, std::string_view data) {
  pending.append(data);
  size_t end = pending.rfind('\n');
  if (end == std::string::npos) return;
  std::string lines;
  size_t start = 0;
  while (start <= end) {
    size_t nl = pending.find('\n', start);
    lines += prefix_ + pending.substr(start, nl - start + 1);
    start = nl + 1;
  }
  pending.erase(0, end + 1);
  MutexLock guard(lock_);
  WriteAll(fd, lines);
}

void PrefixedOutput::Flush() {
  MutexLock guard(lock_);
  if (!out_.empty()) WriteAll(STDOUT_FILENO, prefix_ + out_ + "\n");
  if (!err_.empty()) WriteAll(STDERR_FILENO, prefix_ + err_ + "\n");
  out_.clear();
  err_.clear();
}

namespace {

// The settings a signal handler restores before the signal takes its
// default course: a terminal left raw after `kill` would not echo.
termios g_saved_terminal;
constexpr int kRestoringSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void RestoreAndReraise(int sig) {
  tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);  // async-signal-safe
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

RawTerminal::RawTerminal() {
  if (!isatty(STDIN_FILENO)) return;
  saved_ = std::make_unique<termios>();
  if (tcgetattr(STDIN_FILENO, saved_.get()) != 0) return;
  g_saved_terminal = *saved_;
  struct sigaction restore {};
  restore.sa_handler = RestoreAndReraise;
  sigemptyset(&restore.sa_mask);
  for (size_t i = 0; i < std::size(kRestoringSignals); ++i) {
    sigaction(kRestoringSignals[i], &restore, &previous_[i]);
  }
  termios raw = *saved_;
  cfmakeraw(&raw);
  active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

RawTerminal::~RawTerminal() {
  if (!saved_) return;
  if (active_) tcsetattr(STDIN_FILENO, TCSANOW, saved_.get());
  for (size_t i = 0; i < std::size(kRestoringSignals); ++i) sigaction(kRestoringSignals[i], &previous_[i], nullptr);
}

}  // namespace sesame::cli
