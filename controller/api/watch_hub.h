#pragma once
// One reader of the change log for every watch of the API: a thread wakes
// on the store's change signal, reads each change once, encodes it once as
// a watch line ({"type":"ADDED","object":{...}}, the Kubernetes watch
// event) and keeps the newest ones in memory; each watcher filters those
// and writes the shared text. A watcher that starts (or falls) behind the
// kept window reads the log itself until it catches up. Reusable by every
// route that serves a watch.
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/mutex.h"
#include "store/store.h"

namespace sesame::controller::api {

struct WatchLine {
  int64_t resource_version = 0;
  store::WatchType type = store::WatchType::kAdded;
  std::string kind, namespace_, name;
  specs::StringMap labels;
  std::shared_ptr<const std::string> text;  // without a newline
};

bool Matches(const WatchLine& line, const store::ListOptions& options);

// The watch line of a change (ADDED for an object of a list).
WatchLine MakeWatchLine(const store::WatchEvent& e);

class WatchHub {
 public:
  // Keeps up to `window` changes; the thread starts with the first Follow.
  explicit WatchHub(store::Store& store, size_t window = 20000);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Calls `send` with every change after `from` that matches `options`, in
  // order, as written, until `send` returns false, `until` passes, or the
  // change log no longer reaches back to `from` (kNotFound: list again).
  // `alive` is called about once a second while nothing matches, to
  // notice a client that went away (returning false ends the follow).
  Status Follow(const store::ListOptions& options, int64_t from,
                std::chrono::steady_clock::time_point until,
                const std::function<bool(const WatchLine&)>& send, const std::function<bool()>& alive)
      EXCLUDES(mutex_);

 private:
  void Run();
  // Lines after `from` that the window holds, when it reaches back that
  // far (else false).
  bool CopyAfter(int64_t from, const store::ListOptions& options, std::vector<WatchLine>& out,
                 int64_t* newest) REQUIRES(mutex_);

  store::Store& store_;
  const size_t window_;
  Mutex mutex_;
  std::condition_variable_any grown_;
  std::deque<WatchLine> lines_ GUARDED_BY(mutex_);  // oldest first
  // Every change with base_ < resourceVersion <= last_ is in lines_.
  int64_t base_ GUARDED_BY(mutex_) = 0;
  int64_t last_ GUARDED_BY(mutex_) = 0;
  bool started_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_ GUARDED_BY(mutex_);  // started by the first Follow
};

}  // namespace sesame::controller::api
