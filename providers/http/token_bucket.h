#pragma once
// A token bucket: Acquire takes one token, sleeping until one is available.
// Refills at `rate` tokens per second up to `burst`. Thread-safe.

#include <functional>

#include "common/mutex.h"
#include "common/time.h"

namespace sesame::providers::http {

class TokenBucket {
 public:
  // rate <= 0: unlimited. `clock` and `sleep` must outlive the bucket.
  TokenBucket(double rate, int burst, const Clock& clock, std::function<void(Millis)> sleep);

  void Acquire();
  // How long Acquire would wait for a token now, reserving it (for tests).
  Millis Reserve();

 private:
  const double rate_;
  const double burst_;
  const Clock& clock_;
  std::function<void(Millis)> sleep_;
  Mutex mu_;
  double tokens_ GUARDED_BY(mu_);  // negative: reserved ahead
  std::chrono::steady_clock::time_point last_ GUARDED_BY(mu_);
};

}  // namespace sesame::providers::http
