#include "common/thread_group.h"

#include <utility>

namespace sesame {

void ThreadGroup::Spawn(std::function<void()> work) {
  std::vector<std::thread> done;
  {
    MutexLock lock(mutex_);
    done.swap(finished_);
    uint64_t id = next_id_++;
    // The thread's Finished() takes the lock, so it cannot look for its
    // entry before the entry exists.
    running_.emplace(id, std::thread([this, id, work = std::move(work)] {
      work();
      Finished(id);
    }));
  }
  for (std::thread& t : done) t.join();  // they have ended or are returning
}

void ThreadGroup::Finished(uint64_t id) {
  MutexLock lock(mutex_);
  auto it = running_.find(id);
  if (it == running_.end()) return;  // JoinAll holds it and joins it
  finished_.push_back(std::move(it->second));
  running_.erase(it);
}

void ThreadGroup::JoinAll() {
  for (;;) {
    std::vector<std::thread> all;
    {
      MutexLock lock(mutex_);
      all.swap(finished_);
      for (auto& [id, t] : running_) all.push_back(std::move(t));
      running_.clear();
    }
    if (all.empty()) return;
    for (std::thread& t : all) t.join();
  }
}

size_t ThreadGroup::running() const {
  MutexLock lock(mutex_);
  return running_.size();
}

}  // namespace sesame
