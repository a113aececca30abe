#pragma once
// Incremental decoders for streamed response bodies. Each takes chunks split
// anywhere (mid-line, mid-header, mid-marker) and emits whole units.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sesame::providers::http {

// Newline-delimited records (NDJSON): calls `on_line` once per line,
// without its "\n" (and a trailing "\r").
class LineDecoder {
 public:
  explicit LineDecoder(std::function<void(std::string_view line)> on_line)
      : on_line_(std::move(on_line)) {}
  void Feed(std::string_view chunk);
  // Emits a last line that had no newline.
  void Finish();

 private:
  std::function<void(std::string_view)> on_line_;
  std::string pending_;
};

// Connect protocol envelopes: 1 flag byte, 4-byte big-endian length,
// payload. Calls `on_message(flags, payload)` per envelope.
class ConnectEnvelopeDecoder {
 public:
  static constexpr uint8_t kCompressed = 0x01;
  static constexpr uint8_t kEndStream = 0x02;
  explicit ConnectEnvelopeDecoder(std::function<void(uint8_t, std::string_view)> on_message)
      : on_message_(std::move(on_message)) {}
  void Feed(std::string_view chunk);
  // Bytes of an incomplete envelope left over (non-zero at the end: truncated).
  size_t pending() const { return pending_.size(); }

 private:
  std::function<void(uint8_t, std::string_view)> on_message_;
  std::string pending_;
};

// One Connect envelope around `payload`.
std::string ConnectEnvelope(std::string_view payload, uint8_t flags = 0);

// Standard base64 (with padding); nullopt for malformed input.
std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace sesame::providers::http
