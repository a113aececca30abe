#pragma once
// Random (version 4) UUIDs for object uids.

#include <string>

namespace sesame::store {

// "3f2a9c1e-5b7d-4e21-9a0c-8d6f4b2e1a7c", from the OS entropy source
// (getrandom). Processes forked from one parent never repeat a uid.
std::string NewUuid();

}  // namespace sesame::store
