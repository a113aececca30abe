#pragma once
// A clock that stands still until a test moves it. Thread-safe: a test may
// advance it while controller threads read it.

#include <atomic>
#include <chrono>

#include "common/time.h"

namespace sesame::testing {

class FakeClock final : public Clock {
 public:
  // Defaults to 2027-01-15 08:00:00 UTC, well after every fixed date in tests.
  explicit FakeClock(Time now = Time(std::chrono::seconds(1'800'000'000))) : now_(now) {}
  Time Now() const override { return now_.load(); }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::time_point(now_.load().time_since_epoch());
  }
  void Advance(Millis d) { now_ = now_.load() + d; }
  void Set(Time t) { now_ = t; }

 private:
  std::atomic<Time> now_;
};

}  // namespace sesame::testing
