#include "bench/timing_provider.h"
#include "common/mutex.h"

namespace sesame::bench {

Result<providers::Observed> TimingProvider::Create(const providers::SandboxRequest& request) {
  CreateTiming timing;
  timing.start = std::chrono::steady_clock::now();
  Result<providers::Observed> created = inner_->Create(request);
  timing.end = std::chrono::steady_clock::now();
  MutexLock lock(mutex_);
  creates_.emplace(request.key, timing);
  return created;
}

std::optional<CreateTiming> TimingProvider::CreateTimingOf(const specs::ObjectKey& key) {
  MutexLock lock(mutex_);
  auto it = creates_.find(key);
  if (it == creates_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sesame::bench
