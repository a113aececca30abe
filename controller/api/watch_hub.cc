#include "controller/api/watch_hub.h"

#include <algorithm>

#include "specs/object_json_text.h"

namespace sesame::controller::api {
namespace {

constexpr size_t kPage = 1000;
constexpr auto kAliveCheck = std::chrono::seconds(1);

}  // namespace

bool Matches(const WatchLine& line, const store::ListOptions& options) {
  return line.kind == options.kind &&
         (options.namespace_.empty() || line.namespace_ == options.namespace_) &&
         (options.name.empty() || line.name == options.name) && options.selector.Matches(line.labels);
}

WatchLine MakeWatchLine(const store::WatchEvent& e) {
  std::string text = "{\"type\":\"";
  text += store::ToString(e.type);
  text += "\",\"object\":";
  specs::AppendObjectJson(text, e.object);
  text.push_back('}');
  return {e.resource_version, e.type, e.object.kind, e.object.metadata.namespace_,
          e.object.metadata.name, e.object.metadata.labels,
          std::make_shared<const std::string>(std::move(text))};
}

WatchHub::WatchHub(store::Store& store, size_t window) : store_(store), window_(window) {}

WatchHub::~WatchHub() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  store_.WakeWaiters();
  if (thread_.joinable()) thread_.join();
}

void WatchHub::Run() {
  uint64_t seq = store_.ChangeSequence();
  int64_t last;
  {
    MutexLock lock(mutex_);
    last = last_;
  }
  while (true) {
    {
      MutexLock lock(mutex_);
      if (stopping_) return;
    }
    auto changes = store_.ChangesSince(last, kPage);
    if (!changes.ok()) {
      // Fell behind the log (it cannot, short of a stall): start over at
      // the current version; watchers behind it read the log themselves.
      auto rv = store_.CurrentResourceVersion();
      MutexLock lock(mutex_);
      lines_.clear();
      base_ = last_ = last = rv.ok() ? *rv : last;
      continue;
    }
    if (!changes->empty()) {
      std::vector<WatchLine> encoded;
      encoded.reserve(changes->size());
      for (const auto& c : *changes) encoded.push_back(MakeWatchLine(c));  // outside the lock
      last = changes->back().resource_version;
      {
        MutexLock lock(mutex_);
        for (auto& l : encoded) lines_.push_back(std::move(l));
        last_ = last;
        while (lines_.size() > window_) {
          base_ = lines_.front().resource_version;
          lines_.pop_front();
        }
      }
      grown_.notify_all();
      if (changes->size() == kPage) continue;
    }
    seq = store_.WaitForChange(seq, std::chrono::seconds(1));
  }
}

bool WatchHub::CopyAfter(int64_t from, const store::ListOptions& options, std::vector<WatchLine>& out,
                         int64_t* newest) {
  if (from < base_) return false;
  auto it = std::upper_bound(lines_.begin(), lines_.end(), from,
                             [](int64_t rv, const WatchLine& l) { return rv < l.resource_version; });
  for (; it != lines_.end(); ++it) {
    if (Matches(*it, options)) out.push_back(*it);
  }
  *newest = std::max(from, last_);
  return true;
}

Status WatchHub::Follow(const store::ListOptions& options, int64_t from,
                        std::chrono::steady_clock::time_point until,
                        const std::function<bool(const WatchLine&)>& send,
                        const std::function<bool()>& alive) {
  {
    MutexLock lock(mutex_);
    if (!started_) {
      started_ = true;
      // The window starts at the current version: nothing older is kept.
      auto rv = store_.CurrentResourceVersion();
      if (!rv.ok()) return rv.status();
      base_ = last_ = *rv;
      thread_ = std::thread([this] { Run(); });
    }
  }
  int64_t seen = from;
  std::vector<WatchLine> batch;
  auto steady = std::chrono::steady_clock::now;
  auto last_alive = steady();
  while (steady() < until) {
    batch.clear();
    bool in_window;
    {
      MutexLock lock(mutex_);
      int64_t newest = seen;
      in_window = CopyAfter(seen, options, batch, &newest);
      if (in_window && batch.empty()) {
        // Nothing new for this watcher: wait for the hub to grow.
        seen = newest;
        auto wake = std::min(until, last_alive + kAliveCheck);
        lock.WaitUntil(grown_, wake, [&] {
          mutex_.AssertHeld();  // WaitUntil calls this with the lock held
          return stopping_ || last_ > seen;
        });
        if (stopping_) return Status::Ok();
      } else if (in_window) {
        seen = newest;
      }
    }
    if (!in_window) {
      // Behind the window: read the log directly, encoding here.
      auto changes = store_.ChangesSince(seen, kPage);
      if (!changes.ok()) return changes.status();
      if (changes->empty()) {
        MutexLock lock(mutex_);
        seen = std::max(seen, base_);  // nothing of this watcher's before the window
      }
      for (const auto& c : *changes) {
        seen = c.resource_version;
        WatchLine line = MakeWatchLine(c);
        if (Matches(line, options) && !send(line)) return Status::Ok();
      }
      continue;
    }
    for (const auto& line : batch) {
      if (!send(line)) return Status::Ok();
      last_alive = steady();
    }
    if (batch.empty() && steady() - last_alive >= kAliveCheck) {
      if (!alive()) return Status::Ok();
      last_alive = steady();
    }
  }
  return Status::Ok();
}

}  // namespace sesame::controller::api
