#include "cli/stream_io.h"

#include <unistd.h>

namespace sesame::cli {
namespace {

constexpr char kCtrlD = 0x04;

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
      char buf[16384];
      ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
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

}  // namespace sesame::cli
