#include "providers/http/stream_decoders.h"

namespace sesame::providers::http {

void LineDecoder::Feed(std::string_view chunk) {
  pending_.append(chunk);
  size_t start = 0;
  for (size_t nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
    std::string_view line(pending_.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line_(line);
    start = nl + 1;
  }
  pending_.erase(0, start);
}

void LineDecoder::Finish() {
  if (!pending_.empty()) on_line_(pending_);
  pending_.clear();
}

void ConnectEnvelopeDecoder::Feed(std::string_view chunk) {
  pending_.append(chunk);
  size_t pos = 0;
  while (pending_.size() - pos >= 5) {
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(pending_[pos + i])); };
    uint32_t len = (b(1) << 24) | (b(2) << 16) | (b(3) << 8) | b(4);
    if (pending_.size() - pos - 5 < len) break;
    on_message_(static_cast<uint8_t>(pending_[pos]), std::string_view(pending_).substr(pos + 5, len));
    pos += 5 + len;
  }
  pending_.erase(0, pos);
}

std::string ConnectEnvelope(std::string_view payload, uint8_t flags) {
  std::string out;
  uint32_t len = static_cast<uint32_t>(payload.size());
  out += static_cast<char>(flags);
  out += static_cast<char>((len >> 24) & 0xff);
  out += static_cast<char>((len >> 16) & 0xff);
  out += static_cast<char>((len >> 8) & 0xff);
  out += static_cast<char>(len & 0xff);
  out.append(payload);
  return out;
}

namespace {
const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string Base64Encode(std::string_view data) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace sesame::providers::http
