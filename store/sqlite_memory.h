#pragma once
// What SQLite has allocated in this process (page caches, schemas,
// prepared statements of every connection), for the controller's memory
// metrics.

#include <cstdint>

namespace sesame::store {

int64_t SqliteMemoryUsed();

}  // namespace sesame::store
