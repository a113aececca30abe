#include "providers/http/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace sesame::providers::http {

TokenBucket::TokenBucket(double rate, int burst, const Clock& clock,
                         std::function<void(Millis)> sleep)
    : rate_(rate),
      burst_(std::max(1, burst)),
      clock_(clock),
      sleep_(std::move(sleep)),
      tokens_(std::max(1, burst)),
      last_(clock.SteadyNow()) {}

Millis TokenBucket::Reserve() {
  if (rate_ <= 0) return Millis(0);
  MutexLock lock(mu_);
  auto now = clock_.SteadyNow();
  double elapsed = std::chrono::duration<double>(now - last_).count();
  if (elapsed > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return Millis(0);
  // Waiters queue behind each other: each reserved a future token.
  return Millis(static_cast<long>(std::ceil(-tokens_ / rate_ * 1000.0)));
}

void TokenBucket::Acquire() {
  Millis wait = Reserve();
  if (wait.count() > 0) sleep_(wait);
}

}  // namespace sesame::providers::http
