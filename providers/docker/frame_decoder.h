#pragma once
// The Docker multiplexed stream format (logs, exec and attach without a
// TTY): frames of an 8-byte header [stream, 0, 0, 0, size as big-endian
// uint32] and `size` bytes of payload. Stream 1 is stdout, 2 stderr (0,
// stdin, is delivered as stdout, as the engine documents).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sesame::providers::docker {

enum class StreamType { kStdout = 1, kStderr = 2 };

// Reassembles frames from chunks split anywhere. Not thread-safe.
class FrameDecoder {
 public:
  using Sink = std::function<void(StreamType, std::string_view)>;

  // Delivers every frame completed by `data`, in order.
  void Feed(std::string_view data, const Sink& sink);
  // Bytes of an incomplete frame held back.
  size_t pending() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

// One frame, as the engine writes it (for tests and fakes).
std::string EncodeFrame(StreamType stream, std::string_view payload);

}  // namespace sesame::providers::docker
