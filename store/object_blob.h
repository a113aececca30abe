#pragma once
// The change log's encoding of a whole Object: length-prefixed fields
// (varints), which is cheaper to write than JSON and round-trips spec and
// status text byte for byte. Internal to store/; never leaves the database.

#include <string>
#include <string_view>

#include "common/status.h"
#include "specs/object.h"

namespace sesame::store {

std::string EncodeObjectBlob(const specs::Object& object);
// Appends the encoding to `out` (to reuse its buffer).
void EncodeObjectBlob(const specs::Object& object, std::string& out);
// kInternal when the bytes are truncated or malformed.
Result<specs::Object> DecodeObjectBlob(std::string_view bytes);

// Times are stored as integer milliseconds since the Unix epoch.
int64_t ToMillis(Time t);
Time FromMillis(int64_t ms);

}  // namespace sesame::store
