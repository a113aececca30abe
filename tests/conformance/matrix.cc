#include "tests/conformance/matrix.h"

#include <algorithm>
#include <sstream>

#include "common/mutex.h"

namespace sesame::conformance {

const std::vector<std::string>& Rows() {
  static const std::vector<std::string> kRows = {
      "output streaming", "stdin",     "port previews",     "persistence",
      "file operations",  "images",    "resources",         "OS-level sandboxing",
      "filesystem restrictions", "network restrictions", "violation monitoring"};
  return kRows;
}

Matrix& Matrix::Get() {
  static Matrix matrix;
  return matrix;
}

void Matrix::Set(const std::string& column, const std::string& row, Cell cell) {
  MutexLock lock(mutex_);
  if (std::find(columns_.begin(), columns_.end(), column) == columns_.end()) columns_.push_back(column);
  cells_[column][row] = std::move(cell);
}

std::string Matrix::Render() const {
  MutexLock lock(mutex_);
  std::ostringstream out;
  out << "| |";
  for (const std::string& c : columns_) out << " " << c << " |";
  out << "\n|---|";
  for (size_t i = 0; i < columns_.size(); ++i) out << "---|";
  out << "\n";
  for (const std::string& row : Rows()) {
    out << "| " << row << " |";
    for (const std::string& c : columns_) {
      const auto& column = cells_.at(c);  // every column has a cell
      auto cell = column.find(row);
      if (cell == column.end()) {
        out << " (not run) |";
      } else if (cell->second.ok) {
        out << " " << cell->second.observed << " |";
      } else {
        out << " " << cell->second.observed << " ≠ " << cell->second.promised << " ✗ |";
      }
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace sesame::conformance
