#include "providers/filesystem/exec_session.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
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

void FeedStdin(int fd, Streams& streams) {
  std::string chunk;
  while (streams.read_stdin && !streams.cancelled()) {
    chunk.clear();
    if (!streams.read_stdin(chunk)) break;
    if (!chunk.empty() && !WriteAll(fd, chunk).ok()) break;
  }
  ::shutdown(fd, SHUT_WR);
}

}  // namespace

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
  std::thread feeder;
  if (stdin_open) feeder = std::thread(FeedStdin, in->read.get(), std::ref(streams));

  SteadyTime start = std::chrono::steady_clock::now();
  std::optional<SteadyTime> drain_deadline;
  std::optional<int> code;
  bool timed_out = false;
  while (out->read.valid() || err->read.valid()) {
    pollfd fds[2] = {{out->read.get(), POLLIN, 0}, {err->read.get(), POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(kPollInterval.count()));
    if (fds[0].revents != 0) Pump(out->read, streams.on_stdout);
    if (fds[1].revents != 0) Pump(err->read, streams.on_stderr);
    SteadyTime now = std::chrono::steady_clock::now();
    if (!code && (code = child->TryWait())) drain_deadline = now + kDrainAfterExit;
    if (drain_deadline && now >= *drain_deadline) break;  // a background job holds the pipes
    if (!code && timeout && now - start >= *timeout) timed_out = true;
    if (!code && (timed_out || streams.cancelled())) child->KillGroup();
  }
  if (!code) code = child->Wait();
  if (feeder.joinable()) feeder.join();
  if (timed_out) {
    return TerminalError("exec timed out after " + std::to_string(timeout->count()) + "ms");
  }
  return *code;
}

}  // namespace sesame::providers::filesystem
