#include "controller/backoff.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>

namespace sesame::controller {

namespace {

Backoff::RandomSource DefaultRandom() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

Backoff::Backoff(BackoffPolicy policy, RandomSource random)
    : policy_(policy), random_(random ? std::move(random) : DefaultRandom()) {}

Millis Backoff::Delay(const std::string& key, std::optional<Millis> retry_after) {
  MutexLock lock(mutex_);
  int& failures = failures_[key];
  Millis delay = Compute(failures);
  if (failures < std::numeric_limits<int>::max()) ++failures;
  if (retry_after && *retry_after > delay) delay = *retry_after;
  return delay;
}

void Backoff::Forget(const std::string& key) {
  MutexLock lock(mutex_);
  failures_.erase(key);
}

int Backoff::NumRequeues(const std::string& key) const {
  MutexLock lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

Millis Backoff::Compute(int failures) {
  const double cap = static_cast<double>(policy_.cap.count());
  // pow() overflows to infinity for huge exponents, which min() then caps.
  double nominal = static_cast<double>(policy_.base.count()) * std::pow(policy_.factor, failures);
  nominal = std::min(nominal, cap);
  double u = std::clamp(random_(), 0.0, 1.0);
  double delay = std::min(nominal * (1.0 + policy_.jitter * (2.0 * u - 1.0)), cap);
  return Millis(std::max<long long>(0, std::llround(delay)));
}

}  // namespace sesame::controller
