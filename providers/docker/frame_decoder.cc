#include "providers/docker/frame_decoder.h"

namespace sesame::providers::docker {

namespace {
constexpr size_t kHeaderSize = 8;
}  // namespace

void FrameDecoder::Feed(std::string_view data, const Sink& sink) {
  buffer_.append(data);
  size_t pos = 0;
  while (buffer_.size() - pos >= kHeaderSize) {
    const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data() + pos);
    uint32_t size = (uint32_t{h[4]} << 24) | (uint32_t{h[5]} << 16) | (uint32_t{h[6]} << 8) | h[7];
    if (buffer_.size() - pos - kHeaderSize < size) break;
    StreamType type = h[0] == 2 ? StreamType::kStderr : StreamType::kStdout;
    std::string_view payload(buffer_.data() + pos + kHeaderSize, size);
    if (!payload.empty()) sink(type, payload);
    pos += kHeaderSize + size;
  }
  buffer_.erase(0, pos);
}

std::string EncodeFrame(StreamType stream, std::string_view payload) {
  auto size = static_cast<uint32_t>(payload.size());
  std::string out(kHeaderSize, '\0');
  out[0] = static_cast<char>(stream);
  out[4] = static_cast<char>(size >> 24);
  out[5] = static_cast<char>(size >> 16);
  out[6] = static_cast<char>(size >> 8);
  out[7] = static_cast<char>(size);
  out.append(payload);
  return out;
}

}  // namespace sesame::providers::docker
