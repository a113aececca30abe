#include "bench/ready_watcher.h"

#include "common/mutex.h"
#include "specs/codec.h"

namespace sesame::bench {

bool StatusIsReady(const std::string& status_json) {
  auto status = specs::DecodeSandboxStatus(status_json);
  if (!status.ok()) return false;
  const specs::Condition* ready = status->FindCondition(specs::ConditionType::kReady);
  return ready != nullptr && ready->status == specs::kConditionTrue;
}

Result<std::unique_ptr<ReadyWatcher>> ReadyWatcher::Start(const std::string& db_path,
                                                          std::chrono::microseconds poll) {
  auto store = store::Store::Open(db_path);
  if (!store.ok()) return store.status();
  auto from = (*store)->CurrentResourceVersion();
  if (!from.ok()) return from.status();
  std::unique_ptr<ReadyWatcher> w(new ReadyWatcher(std::move(store).value(), poll, *from));
  w->thread_ = std::thread([w = w.get()] { w->Run(); });
  return w;
}

ReadyWatcher::~ReadyWatcher() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ReadyWatcher::Run() {
  int64_t last_data_version = -1;
  while (!stopping_) {
    auto data_version = store_->DataVersion();
    // The commit happened between the previous poll and this one.
    TimePoint now = std::chrono::steady_clock::now();
    if (data_version.ok() && *data_version != last_data_version) {
      last_data_version = *data_version;
      ReadChanges(now);
    }
    std::this_thread::sleep_for(poll_);
  }
}

void ReadyWatcher::ReadChanges(TimePoint now) {
  constexpr size_t kBatch = 1000;
  for (;;) {
    auto changes = store_->ChangesSince(seen_version_, kBatch);
    if (!changes.ok()) {
      // The log no longer reaches back that far: look at everything.
      if (auto rv = store_->CurrentResourceVersion(); rv.ok()) seen_version_ = *rv;
      auto all = store_->List({specs::kKindSandbox, "", {}});
      if (all.ok()) {
        for (const auto& o : *all) Note(o, now);
      }
      return;
    }
    for (const auto& c : *changes) {
      seen_version_ = c.resource_version;
      if (c.type != store::WatchType::kDeleted && c.object.kind == specs::kKindSandbox) {
        Note(c.object, now);
      }
    }
    if (changes->size() < kBatch) return;
  }
}

void ReadyWatcher::Note(const store::Object& object, TimePoint now) {
  auto status = specs::DecodeSandboxStatus(object.status);
  if (!status.ok()) return;
  const specs::Condition* ready = status->FindCondition(specs::ConditionType::kReady);
  MutexLock lock(mutex_);
  if (ready != nullptr && ready->status == specs::kConditionTrue) {
    if (ready_.emplace(specs::KeyOf(object), now).second) changed_.notify_all();
  } else if (status->phase == specs::Phase::kFailed) {
    failed_.emplace(specs::KeyOf(object), ready != nullptr ? ready->message : "");
    changed_.notify_all();
  }
}

Result<bool> ReadyWatcher::WaitFor(MutexLock& lock, std::chrono::milliseconds timeout,
                                   const std::function<bool()>& done) {
  bool finished = lock.WaitFor(changed_, timeout, [&] {
    mutex_.AssertHeld();
    return done() || !failed_.empty();
  });
  if (!failed_.empty()) {
    const auto& [key, message] = *failed_.begin();
    return UnavailableError(key.ToString() + " failed: " + message);
  }
  return finished;
}

Result<ReadyWatcher::TimePoint> ReadyWatcher::WaitReady(const store::ObjectKey& key,
                                                        std::chrono::milliseconds timeout) {
  MutexLock lock(mutex_);
  auto done = WaitFor(lock, timeout, [&] {
    mutex_.AssertHeld();
    return ready_.contains(key);
  });
  if (!done.ok()) return done.status();
  if (!*done) return UnavailableError(key.ToString() + " did not get Ready in time");
  return ready_.at(key);
}

Status ReadyWatcher::WaitReadyCount(size_t count, std::chrono::milliseconds timeout) {
  MutexLock lock(mutex_);
  auto done = WaitFor(lock, timeout, [&] {
    mutex_.AssertHeld();
    return ready_.size() >= count;
  });
  if (!done.ok()) return done.status();
  if (!*done) {
    return UnavailableError("only " + std::to_string(ready_.size()) + " of " + std::to_string(count) +
                            " sandboxes got Ready in time");
  }
  return Status::Ok();
}

size_t ReadyWatcher::ReadyCount() {
  MutexLock lock(mutex_);
  return ready_.size();
}

std::optional<ReadyWatcher::TimePoint> ReadyWatcher::LastReady() {
  MutexLock lock(mutex_);
  std::optional<TimePoint> last;
  for (const auto& [key, t] : ready_) {
    if (!last || t > *last) last = t;
  }
  return last;
}

}  // namespace sesame::bench
