#pragma once
// Wall-clock instants and their RFC 3339 text form ("2026-12-01T00:00:00Z"),
// and the Clock that every time-dependent component reads, so that tests can
// substitute a fake one.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sesame {

using Time = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

// "2026-12-01T00:00:00Z"; with `fraction`, milliseconds are kept
// ("2026-12-01T00:00:00.123Z").
std::string FormatTime(Time t, bool fraction = false);
// Accepts RFC 3339 with "Z" or a numeric offset, and optional fractions;
// nullopt for instants a Time cannot hold (before 1678 or after 2262).
std::optional<Time> ParseTime(std::string_view text);

// "5s", "3m", "2h", "4d": the kubectl AGE column style.
std::string HumanDuration(Millis d);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() const = 0;
  // Steady time for timeouts and backoff.
  virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;
  static const Clock& Real();
};

}  // namespace sesame
