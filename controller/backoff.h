#pragma once
// Per-key exponential backoff with jitter, the retry policy of the work queue
// (the role of client-go's ItemExponentialFailureRateLimiter).
//
// The n-th consecutive failure of a key (counting from 0) waits
//
//   nominal = min(base * factor^n, cap)          100 ms, 200 ms, 400 ms, ... 5 min
//   delay   = min(nominal * (1 + jitter * (2u - 1)), cap)    u uniform in [0, 1)
//
// that is, +-20% of jitter around the nominal value ("equal" jitter rather
// than "full" jitter: a retry is never much earlier than the schedule says,
// yet keys that failed together spread out). The cap is a hard maximum: at the
// cap the jitter can only shorten the delay, so keys stuck at the cap still
// spread over [0.8 * cap, cap]. A retry-after hint (from a 429 or 503, say) is
// honoured as a lower bound and may exceed the cap.

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/mutex.h"
#include "common/time.h"

namespace sesame::controller {

struct BackoffPolicy {
  Millis base{100};
  double factor = 2.0;
  Millis cap{5 * 60 * 1000};
  // Relative jitter in [0, 1): 0.2 means +-20%. 0 makes delays exact.
  double jitter = 0.2;
};

// Thread-safe: every method may be called from any thread.
class Backoff {
 public:
  // Returns a number uniformly distributed in [0, 1). Called with the
  // backoff's mutex held, so it need not be thread-safe itself.
  using RandomSource = std::function<double()>;

  // A null `random` uses a privately seeded Mersenne Twister.
  explicit Backoff(BackoffPolicy policy = BackoffPolicy(), RandomSource random = nullptr);

  Backoff(const Backoff&) = delete;
  Backoff& operator=(const Backoff&) = delete;

  // Returns how long to wait before retrying `key` and counts one more
  // failure for it. With `retry_after`, returns max(backoff, *retry_after).
  Millis Delay(const std::string& key, std::optional<Millis> retry_after = std::nullopt);

  // Forgets the failures of `key`: its next Delay is about `base` again.
  void Forget(const std::string& key);

  // Number of failures counted for `key` since it was last forgotten.
  int NumRequeues(const std::string& key) const;

  const BackoffPolicy& policy() const { return policy_; }

 private:
  // The delay for a key that has already failed `failures` times.
  Millis Compute(int failures) REQUIRES(mutex_);

  const BackoffPolicy policy_;
  mutable Mutex mutex_;
  RandomSource random_ GUARDED_BY(mutex_);
  std::unordered_map<std::string, int> failures_ GUARDED_BY(mutex_);
};

}  // namespace sesame::controller
