#pragma once
// sesame_memory_bytes{part}: the controller's memory read at scrape time.
//   resident      the process's resident set (VmRSS)
//   heap_in_use   bytes malloc has handed out and not had back (mallinfo2)
//   heap_free     bytes malloc holds free in its arenas (resident or not)
//   sqlite        what SQLite holds of the heap (page caches, statements)
// heap_in_use - sqlite is the controller's own data; heap_free is what
// fragmentation and per-thread arenas keep.

#include "controller/metrics.h"

namespace sesame::controller {

void RegisterMemoryMetrics(Metrics& metrics);

}  // namespace sesame::controller
