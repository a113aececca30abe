#include "providers/filesystem/exec_session.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <functional>
#include <thread>

namespace sesame::providers::filesystem {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr Millis kPollInterval(50);
constexpr Millis kDrainAfterExit(1000);

// Reads what is there; closes `fd` at EOF or error.
void Pump(UniqueFd& fd, const std::function<void(std::string_view)>& sink) {
  char buf[16384];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n > 0) {
    if (sink) sink(std::string_view(buf, static_cast<size_t>(n)));
  } else if (n == 0 || errno != EINTR) {
    fd.Reset();
  }
}

// `streams` for a stdin feeder, which stops reading once `over` is set.
Streams StopWhen(const Streams& streams, const std::atomic<bool>& over) {
  Streams feeding = streams;
  feeding.cancelled = [&streams, &over] { return over.load() || streams.cancelled(); };
  return feeding;
}

void FeedStdin(int fd, Streams& streams) {
  std::string chunk;
  while (streams.read_stdin && !streams.cancelled()) {
    chunk.clear();
    if (!streams.read_stdin(chunk)) break;
    if (!chunk.empty() && !WriteAll(fd, chunk).ok()) break;
  }
  ::shutdown(fd, SHUT_WR);
}

// A pseudo-terminal pair: `read` the master (this side), `write` the
// terminal the command gets.
Result<FdPair> MakeTerminal() {
  FdPair pair;
  pair.read.Reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pair.read.valid() || ::grantpt(pair.read.get()) != 0 || ::unlockpt(pair.read.get()) != 0) {
    return InternalError(std::string("cannot open a pseudo-terminal: ") + std::strerror(errno));
  }
  char name[128];
  if (::ptsname_r(pair.read.get(), name, sizeof name) != 0) {
    return InternalError(std::string("ptsname: ") + std::strerror(errno));
  }
  pair.write.Reset(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pair.write.valid()) return InternalError(std::string("cannot open ") + name + ": " + std::strerror(errno));
  return pair;
}

// Reads the command's output with `read_once` (one poll; false once every
// output is closed) until the command has ended, then returns its exit
// code. Output a moment after the exit is not waited for (a background job
// may hold the descriptors); a timeout or a cancel kills its group.
Result<int> FollowToExit(ChildProcess& child, std::optional<Millis> timeout, Streams& streams,
                         const std::function<bool()>& read_once) {
  SteadyTime start = std::chrono::steady_clock::now();
  std::optional<SteadyTime> drain_deadline;
  std::optional<int> code;
  bool timed_out = false;
  while (read_once()) {
    SteadyTime now = std::chrono::steady_clock::now();
    if (!code && (code = child.TryWait())) drain_deadline = now + kDrainAfterExit;
    if (drain_deadline && now >= *drain_deadline) break;
    if (!code && timeout && now - start >= *timeout) timed_out = true;
    if (!code && (timed_out || streams.cancelled())) child.KillGroup();
  }
  if (!code) code = child.Wait();
  if (timed_out) return TerminalError("exec timed out after " + std::to_string(timeout->count()) + "ms");
  return *code;
}

}  // namespace

Result<int> RunWithTerminal(SpawnOptions spawn, bool stdin_open, std::optional<Millis> timeout,
                            Streams& streams) {
  Result<FdPair> terminal = MakeTerminal();
  if (!terminal.ok()) return terminal.status();
  spawn.stdin_fd = spawn.stdout_fd = spawn.stderr_fd = terminal->write.get();
  Result<ChildProcess> child = Spawn(spawn);
  if (!child.ok()) {
    if (child.status().code() != Code::kNotFound && child.status().code() != Code::kPermissionDenied) {
      return child.status();
    }
    if (streams.on_stdout) streams.on_stdout("sesame: " + child.status().message() + "\r\n");
    return ExitCodeForSpawnFailure(child.status());
  }
  terminal->write.Reset();  // the master reads EIO once the command's side is closed
  int master = terminal->read.get();
  // The feeder's own descriptor of the master: Pump closes the other at
  // the end of output, while the feeder may still be writing.
  UniqueFd input(::fcntl(master, F_DUPFD_CLOEXEC, 0));
  // The feeder stops once the command has ended, even with no input to
  // come (a terminal where nothing more is typed).
  std::atomic<bool> over = false;
  Streams feeding = StopWhen(streams, over);
  std::thread feeder;
  if (stdin_open && input.valid()) {
    feeder = std::thread([fd = input.get(), &feeding] {
      Streams& streams = feeding;
      std::string chunk;
      while (streams.read_stdin && !streams.cancelled()) {
        chunk.clear();
        if (!streams.read_stdin(chunk)) break;
        if (!chunk.empty() && !WriteAll(fd, chunk).ok()) return;
      }
      (void)WriteAll(fd, "\x04");  // end of input, as Ctrl-D at a terminal
    });
  }
  Result<int> code = FollowToExit(*child, timeout, streams, [&] {
    if (!terminal->read.valid()) return false;
    pollfd fd = {master, POLLIN, 0};
    ::poll(&fd, 1, static_cast<int>(kPollInterval.count()));
    if (fd.revents != 0) Pump(terminal->read, streams.on_stdout);
    return true;
  });
  over = true;
  if (feeder.joinable()) feeder.join();
  return code;
}

Result<int> RunWithStreams(SpawnOptions spawn, bool stdin_open, std::optional<Millis> timeout,
                           Streams& streams) {
  Result<FdPair> out = MakePipe(), err = MakePipe(), in = MakeSocketPair();
  if (!out.ok()) return out.status();
  if (!err.ok()) return err.status();
  if (!in.ok()) return in.status();
  spawn.stdout_fd = out->write.get();
  spawn.stderr_fd = err->write.get();
  spawn.stdin_fd = stdin_open ? in->write.get() : -1;
  Result<ChildProcess> child = Spawn(spawn);
  if (!child.ok()) {
    if (child.status().code() != Code::kNotFound &&
        child.status().code() != Code::kPermissionDenied) {
      return child.status();
    }
    if (streams.on_stderr) streams.on_stderr("sesame: " + child.status().message() + "\n");
    return ExitCodeForSpawnFailure(child.status());
  }
  out->write.Reset();
  err->write.Reset();
  in->write.Reset();
  std::atomic<bool> over = false;
  Streams feeding = StopWhen(streams, over);
  std::thread feeder;
  if (stdin_open) feeder = std::thread(FeedStdin, in->read.get(), std::ref(feeding));

  Result<int> code = FollowToExit(*child, timeout, streams, [&] {
    if (!out->read.valid() && !err->read.valid()) return false;
    pollfd fds[2] = {{out->read.get(), POLLIN, 0}, {err->read.get(), POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(kPollInterval.count()));
    if (fds[0].revents != 0) Pump(out->read, streams.on_stdout);
    if (fds[1].revents != 0) Pump(err->read, streams.on_stderr);
    return true;
  });
  over = true;
  if (feeder.joinable()) feeder.join();
  return code;
}

}  // namespace sesame::providers::filesystem
