#pragma once
// Lists as the API's JSON text, built straight from the stored columns
// (store::Store::ListJson) once per filter and resourceVersion, and shared
// by every request for the same list until something is written: 64
// clients polling 1,000 sandboxes cost one build, not 64 parses and
// re-encodings. Reusable by every route that serves a list.
//
// Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace sesame::controller::api {

class ListCache {
 public:
  // The list's JSON text (a trailing newline included), as
  // specs::ListToJson(kind, items, rv, false) would write it.
  Result<std::shared_ptr<const std::string>> Get(store::Store& store, const store::ListOptions& options);

  // Builds the same text without the cache.
  static Result<std::string> Build(store::Store& store, const store::ListOptions& options,
                                   size_t size_hint = 0);

 private:
  struct Entry {
    int64_t resource_version = 0;
    std::shared_ptr<const std::string> body;
  };
  std::mutex build_mutex_;  // one build at a time: concurrent misses wait for it
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // by filter; guarded by mutex_
};

}  // namespace sesame::controller::api
