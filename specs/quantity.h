#pragma once
// Kubernetes quantities ("500m", "2", "512Mi", "4Gi", "1.5G") and durations
// ("90s", "30m", "2h", "1h30m", "500ms"). Both keep the text the user wrote,
// so that a round trip prints exactly what was read.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sesame::specs {

struct Quantity {
  std::string text;    // as written, e.g. "4Gi"
  int64_t milli = 0;   // value x 1000: "500m" -> 500, "2" -> 2000, "1Ki" -> 1024000
  int64_t Value() const { return (milli + 999) / 1000; }  // rounded up, like Kubernetes
  bool operator==(const Quantity& o) const { return milli == o.milli; }
};

// Errors explain the fix: `"4GB" is not a quantity (use 4G or 4Gi)`.
Result<Quantity> ParseQuantity(std::string_view text);

struct Duration {
  std::string text;  // as written, e.g. "1h30m"
  std::chrono::milliseconds value{0};
  bool operator==(const Duration& o) const { return value == o.value; }
};

Result<Duration> ParseDuration(std::string_view text);

// A DNS-1123 label: at most 63 characters of [a-z0-9-], starting and ending
// with an alphanumeric. Returns an explanation, or empty when valid.
std::string CheckDns1123Label(std::string_view name);

}  // namespace sesame::specs
