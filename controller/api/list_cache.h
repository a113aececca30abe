#pragma once
// Lists as the API's JSON text, built straight from the stored columns
// (store::Store::ListJson) once per filter and resourceVersion, and shared
// by every request for the same list until something is written: 64
// clients polling 1,000 sandboxes cost one build, not 64 parses and
// re-encodings. A list nobody asked for in kIdle is dropped (a thread,
// started with the first list, looks every kIdle): the list of 10,000
// objects is 10 MB that would otherwise stay for as long as the
// controller runs. Reusable by every route that serves a list.
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "common/mutex.h"
#include "common/status.h"
#include "store/store.h"

namespace sesame::controller::api {

class ListCache {
 public:
  static constexpr std::chrono::seconds kIdle{10};

  // What a list holds of each object: the whole object, or what `append`
  // makes of its JSON text (a cut-down form), cached apart under `name`.
  struct Projection {
    const char* name;
    void (*append)(std::string_view object_json, std::string& out);
  };

  ListCache() = default;
  ~ListCache();
  ListCache(const ListCache&) = delete;
  ListCache& operator=(const ListCache&) = delete;

  // The list's JSON text (a trailing newline included), as
  // specs::ListToJson(kind, items, rv, false) would write it; with a
  // `projection`, each item as it makes it.
  Result<std::shared_ptr<const std::string>> Get(store::Store& store, const store::ListOptions& options,
                                                 const Projection* projection = nullptr);

  // Builds the same text without the cache.
  static Result<std::string> Build(store::Store& store, const store::ListOptions& options,
                                   size_t size_hint = 0, const Projection* projection = nullptr);

 private:
  struct Entry {
    int64_t resource_version = 0;
    std::shared_ptr<const std::string> body;
    std::chrono::steady_clock::time_point used;
  };
  // Drops the entries not used in kIdle, until the cache is destroyed.
  void DropIdle() EXCLUDES(mutex_);

  Mutex build_mutex_;  // one build at a time: concurrent misses wait for it
  Mutex mutex_;
  std::map<std::string, Entry> entries_ GUARDED_BY(mutex_);  // by filter
  std::condition_variable_any stop_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread dropper_ GUARDED_BY(mutex_);  // started by the first build
};

}  // namespace sesame::controller::api
