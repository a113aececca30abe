#pragma once
// A hijacked Engine API connection (exec start, attach): the request is
// sent with "Connection: Upgrade" and "Upgrade: tcp", the engine answers
// "101 UPGRADED" (or "200 OK" on old engines), and from then on the socket
// carries the process's stdin one way and its multiplexed stdout and stderr
// (frame_decoder.h) the other, until the engine closes it. End of stdin is
// a half-close (shutdown SHUT_WR).
//
// libcurl cannot hand the socket over after an upgrade on every version we
// build against, so this is a plain AF_UNIX client.

#include <chrono>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/time.h"
#include "common/unique_fd.h"
#include "providers/provider.h"

namespace sesame::providers::docker {

class HijackedStream {
 public:
  enum class End { kEof, kCancelled, kDeadline };

  // Connects, sends `POST path` (path with its version prefix) with a JSON
  // body and reads the response head. kUnavailable when the socket cannot
  // be reached; an engine error (404, 409, ...) as StatusFromResponse.
  static Result<HijackedStream> Open(const std::string& socket_path, const std::string& path,
                                     const std::string& body);

  // Feeds `streams.read_stdin` (from a thread of its own, when
  // `feed_stdin`) and delivers output to on_stdout/on_stderr until the
  // engine closes the stream, `streams.cancelled()` or `deadline`. At the
  // end of stdin, `half_close` shuts the write side (exec: the process
  // sees EOF); attach must not, since the engine then ends the output too.
  // `tty`: the process has a terminal (exec with Tty): its output comes
  // raw, not multiplexed, and the end of stdin is also sent as Ctrl-D.
  End Pump(Streams& streams, bool feed_stdin, bool half_close,
           std::optional<std::chrono::steady_clock::time_point> deadline, bool tty = false);

  // Sends `input` and ends stdin (a half-close), without waiting for any
  // output: a stdin-only attach stays open until the container exits.
  Status SendAndEndInput(const std::string& input);

 private:
  explicit HijackedStream(UniqueFd fd) : fd_(std::move(fd)) {}

  UniqueFd fd_;
  std::string early_;  // output that arrived with the response head
};

}  // namespace sesame::providers::docker
