#include "controller/memory_metrics.h"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

#include "store/sqlite_memory.h"

namespace sesame::controller {

namespace {

double ResidentBytes() {
  // statm's second field: resident pages.
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

void RegisterMemoryMetrics(Metrics& metrics) {
  metrics.AddGauge("sesame_memory_bytes",
                   "The controller's memory: resident set, heap in use and held free by malloc, and "
                   "SQLite's part of the heap.",
                   {"part"}, [] {
                     struct mallinfo2 m = ::mallinfo2();
                     return std::vector<std::pair<LabelValues, double>>{
                         {{"resident"}, ResidentBytes()},
                         {{"heap_in_use"}, static_cast<double>(m.uordblks + m.hblkhd)},
                         {{"heap_free"}, static_cast<double>(m.fordblks)},
                         {{"sqlite"}, static_cast<double>(store::SqliteMemoryUsed())},
                     };
                   });
}

}  // namespace sesame::controller
