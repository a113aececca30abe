#pragma once
// The conformance matrix: for each provider (with sandbox security on and
// off) and each row of DESIGN.md's feature and security tables, what the
// provider's capabilities promise and what a running sandbox showed.
// Printed as a Markdown table when the suite ends.

#include <map>
#include <string>
#include <vector>

#include "common/mutex.h"

namespace sesame::conformance {

// The rows, in the order of DESIGN.md §6 and §7.
const std::vector<std::string>& Rows();

struct Cell {
  std::string promised;  // from GET /v1/providers ("yes", "no", "dynamic", ...)
  std::string observed;  // what the check saw
  bool ok = false;       // observed keeps the promise
};

class Matrix {
 public:
  static Matrix& Get();
  void Set(const std::string& column, const std::string& row, Cell cell);
  // A Markdown table, one column per provider and security setting; a cell
  // reads "observed" (or "observed ≠ promised ✗").
  std::string Render() const;

 private:
  mutable Mutex mutex_;
  std::vector<std::string> columns_ GUARDED_BY(mutex_);
  std::map<std::string, std::map<std::string, Cell>> cells_ GUARDED_BY(mutex_);
};

}  // namespace sesame::conformance
