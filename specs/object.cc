#include "specs/object.h"

#include <algorithm>
#include <cctype>

namespace sesame::specs {

std::string ResourceName(const std::string& kind) {
  std::string out = kind;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string ObjectKey::ToString() const { return kind + "/" + namespace_ + "/" + name; }

}  // namespace sesame::specs
