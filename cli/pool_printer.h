#pragma once
// The status part of `describe pool|quota`.

#include <ostream>

#include "specs/object.h"

namespace sesame::cli {

void DescribePoolStatus(std::ostream& out, const specs::Object& object);

}  // namespace sesame::cli
