#include "common/number.h"

#include <charconv>

namespace sesame {
namespace {

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string Range(int64_t min, int64_t max) {
  if (min == INT64_MIN && max == INT64_MAX) return "a whole number";
  if (max == INT64_MAX) return "a whole number of at least " + std::to_string(min);
  return "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

Result<int64_t> ParseInteger(std::string_view text, std::string_view what, int64_t min, int64_t max) {
  auto invalid = [&] {
    return InvalidError(std::string(what) + ": " + Quoted(text) + " is not " + Range(min, max));
  };
  if (text.empty() || (text[0] == '-' && min >= 0)) return invalid();
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (ec != std::errc() || ptr != end || value < min || value > max) return invalid();
  return value;
}

Result<int> ParsePort(std::string_view text, std::string_view what) {
  auto port = ParseInteger(text, std::string(what) + " port", 0, 65535);
  if (!port.ok()) return port.status();
  return static_cast<int>(*port);
}

Result<HostPort> ParseHostPort(std::string_view text, std::string_view what) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidError(std::string(what) + ": " + Quoted(text) + " is not HOST:PORT, e.g. 127.0.0.1:7777");
  }
  HostPort out;
  out.host = std::string(text.substr(0, colon));
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  } else if (out.host.find(':') != std::string::npos) {
    return InvalidError(std::string(what) + ": " + Quoted(text) + " needs brackets around an IPv6 address, e.g. [::1]:7777");
  }
  auto port = ParsePort(text.substr(colon + 1), what);
  if (!port.ok()) return port.status();
  out.port = *port;
  return out;
}

}  // namespace sesame
