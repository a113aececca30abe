#pragma once
// Watches a store database from a connection of its own, as another
// process would, and notes when each Sandbox is first seen Ready=True (or
// Failed). A thread polls PRAGMA data_version every `poll` and reads the
// change log when it moved, so a Ready status is seen within about one poll
// period of its commit, without taking the controller's store lock and
// without decoding anything but the changed objects.
//
// Thread safety: every method may be called from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "common/mutex.h"
#include "common/status.h"
#include "store/store.h"

namespace sesame::bench {

class ReadyWatcher {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Opens `db_path` (already created) and starts watching from its current
  // resourceVersion.
  static Result<std::unique_ptr<ReadyWatcher>> Start(const std::string& db_path,
                                                     std::chrono::microseconds poll);
  // Stops and joins the thread.
  ~ReadyWatcher();
  ReadyWatcher(const ReadyWatcher&) = delete;
  ReadyWatcher& operator=(const ReadyWatcher&) = delete;

  // When `key` was first seen Ready=True, waiting up to `timeout`. An error
  // on timeout, or at once when a sandbox was seen with phase Failed (the
  // error carries its Ready message).
  Result<TimePoint> WaitReady(const store::ObjectKey& key, std::chrono::milliseconds timeout);
  // Waits until `count` sandboxes have been seen Ready; errors as above.
  Status WaitReadyCount(size_t count, std::chrono::milliseconds timeout);
  size_t ReadyCount();
  // The latest first-Ready instant (when the last sandbox got ready).
  std::optional<TimePoint> LastReady();

 private:
  ReadyWatcher(std::unique_ptr<store::Store> store, std::chrono::microseconds poll, int64_t from)
      : store_(std::move(store)), poll_(poll), seen_version_(from) {}
  void Run();
  // Reads the changes after seen_version_, noting them as seen at `now`.
  void ReadChanges(TimePoint now);
  void Note(const store::Object& object, TimePoint now);
  // Waits until `done` (true) or the timeout (false); an error when a
  // sandbox has failed. `lock` holds mutex_.
  Result<bool> WaitFor(MutexLock& lock, std::chrono::milliseconds timeout, const std::function<bool()>& done)
      REQUIRES(mutex_);

  const std::unique_ptr<store::Store> store_;  // used by the thread only
  const std::chrono::microseconds poll_;
  int64_t seen_version_;                       // used by the thread only
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  Mutex mutex_;
  std::condition_variable_any changed_;
  std::map<store::ObjectKey, TimePoint> ready_ GUARDED_BY(mutex_);
  std::map<store::ObjectKey, std::string> failed_ GUARDED_BY(mutex_);  // Ready message
};

// Whether a stored status (canonical JSON) has the condition Ready=True.
bool StatusIsReady(const std::string& status_json);

}  // namespace sesame::bench
