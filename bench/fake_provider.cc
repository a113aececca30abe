#include "bench/fake_provider.h"
#include "common/mutex.h"

namespace sesame::bench {

size_t FakeProvider::size() {
  MutexLock lock(mutex_);
  return resources_.size();
}

providers::Capabilities FakeProvider::capabilities() const {
  providers::Capabilities c;
  c.in_place_fields = {"resources", "lifetime", "ports", "image", "runtime", "persistence"};
  return c;
}

Result<providers::Observed> FakeProvider::Create(const providers::SandboxRequest& request) {
  MutexLock lock(mutex_);
  auto it = resources_.find(request.uid);
  if (it != resources_.end()) return it->second;  // adopt, as the contract asks
  providers::Observed o;
  o.id = "fake-" + std::to_string(next_id_++);
  o.uid = request.uid;
  o.key = request.key;
  o.state = providers::ResourceState::kRunning;
  // Whole milliseconds, as the filesystem provider records it (state.json)
  // and as the status keeps it.
  o.started_at = std::chrono::floor<Millis>(Clock::Real().Now());
  o.field_hashes = request.field_hashes;
  return resources_[request.uid] = std::move(o);
}

Result<std::optional<providers::Observed>> FakeProvider::Observe(const std::string& uid) {
  MutexLock lock(mutex_);
  auto it = resources_.find(uid);
  if (it == resources_.end()) return std::optional<providers::Observed>();
  return std::optional<providers::Observed>(it->second);
}

Result<std::vector<providers::Observed>> FakeProvider::ListOwned() {
  MutexLock lock(mutex_);
  std::vector<providers::Observed> all;
  for (const auto& [uid, o] : resources_) all.push_back(o);
  return all;
}

Status FakeProvider::Update(const providers::Observed& current, const providers::SandboxRequest& request) {
  MutexLock lock(mutex_);
  auto it = resources_.find(current.uid);
  if (it == resources_.end()) return NotFoundError("no fake resource " + current.uid);
  it->second.field_hashes = request.field_hashes;
  return Status::Ok();
}

Status FakeProvider::Delete(const providers::Observed& current) {
  MutexLock lock(mutex_);
  resources_.erase(current.uid);
  return Status::Ok();
}

}  // namespace sesame::bench
