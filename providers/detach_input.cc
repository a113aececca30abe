#include "providers/detach_input.h"

#include <atomic>
#include <memory>

namespace sesame::providers {

Streams DetachAtEndOfInput(Streams streams, Millis linger) {
  if (!streams.read_stdin) return streams;
  // Read by the provider's output loop while its stdin feeder writes it.
  auto ended_at = std::make_shared<std::atomic<std::chrono::steady_clock::rep>>(0);
  auto read = std::move(streams.read_stdin);
  streams.read_stdin = [read = std::move(read), ended_at](std::string& chunk) {
    if (read(chunk)) return true;
    ended_at->store(std::chrono::steady_clock::now().time_since_epoch().count());
    return false;
  };
  auto cancelled = std::move(streams.cancelled);
  streams.cancelled = [cancelled = std::move(cancelled), ended_at, linger] {
    if (cancelled && cancelled()) return true;
    auto ended = ended_at->load();
    if (ended == 0) return false;
    auto since = std::chrono::steady_clock::now().time_since_epoch() -
                 std::chrono::steady_clock::duration(ended);
    return since >= linger;
  };
  return streams;
}

}  // namespace sesame::providers
