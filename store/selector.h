#pragma once
// Kubernetes label selectors: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
// `a notin (x)`, `a`, `!a`, joined by commas (all must match).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "specs/object.h"

namespace sesame::store {

class Selector {
 public:
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };

  Selector() = default;  // matches everything
  // Errors name the position: `-l: at column 5: expected ")"`.
  static Result<Selector> Parse(std::string_view text);

  bool Matches(const specs::StringMap& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }
  std::string ToString() const;

 private:
  std::vector<Requirement> requirements_;
};

}  // namespace sesame::store
