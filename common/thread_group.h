#pragma once
// An owner for threads that come and go (one per connection, one per
// request): Spawn starts one, finished ones are joined as new ones start,
// and JoinAll (or the destructor) waits for every one. Instead of detached
// threads and a counter polled with sleeps: the owner that shuts down knows
// when its last thread has stopped touching it.

#include <cstdint>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include "common/mutex.h"

namespace sesame {

class ThreadGroup {
 public:
  ThreadGroup() = default;
  ~ThreadGroup() { JoinAll(); }
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;

  void Spawn(std::function<void()> work);
  // Waits until every thread spawned so far (and any they spawn) has ended.
  // The caller must first make them end (close what they wait on).
  void JoinAll();
  // Threads that have not finished their work yet.
  size_t running() const;

 private:
  void Finished(uint64_t id);

  mutable Mutex mutex_;
  uint64_t next_id_ GUARDED_BY(mutex_) = 0;
  std::map<uint64_t, std::thread> running_ GUARDED_BY(mutex_);
  std::vector<std::thread> finished_ GUARDED_BY(mutex_);  // ended, not joined yet
};

}  // namespace sesame
