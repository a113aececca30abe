#include "providers/docker/run_log_times.h"

#include <chrono>
#include <cstdio>

#include "common/time.h"

namespace sesame::providers::docker {

std::optional<int64_t> LogLineTime(std::string_view line) {
  size_t end = line.find(' ');
  std::string_view stamp = line.substr(0, end);
  // "YYYY-MM-DDTHH:MM:SS", then an optional fraction, then "Z".
  if (stamp.size() < 20 || stamp.back() != 'Z') return std::nullopt;
  std::optional<Time> whole = ParseTime(std::string(stamp.substr(0, 19)) + "Z");
  if (!whole) return std::nullopt;
  int64_t nanos = 0;
  std::string_view fraction = stamp.substr(19, stamp.size() - 20);
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() < 2 || fraction.size() > 10) return std::nullopt;
    int digits = 0;
    for (char c : fraction.substr(1)) {
      if (c < '0' || c > '9') return std::nullopt;
      nanos = nanos * 10 + (c - '0');
      ++digits;
    }
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(whole->time_since_epoch()).count();
  return seconds * 1000000000 + nanos;
}

std::string LogApiTime(int64_t nanos) {
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(nanos / 1000000000),
                static_cast<long long>(nanos % 1000000000));
  return text;
}

std::string_view LastLines(std::string_view text, size_t n) {
  if (n == 0) return text.substr(text.size());
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;  // the last line's own newline
  size_t start = end;
  for (size_t lines = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++lines == n) break;
  }
  return text.substr(start);
}

}  // namespace sesame::providers::docker
