#include "store/sqlite_memory.h"

#include <sqlite3.h>

namespace sesame::store {

int64_t SqliteMemoryUsed() { return sqlite3_memory_used(); }

}  // namespace sesame::store
