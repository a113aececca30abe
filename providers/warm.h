#pragma once
// The field-hash key that marks a warm sandbox of a pool (its value: the
// pool's name). A provider resource carries it in its field hashes while it
// waits, unclaimed; a request without it for a resource with it is a claim,
// and the provider starts the request's session in that resource
// (Provider::StartSession).

#include <map>
#include <string>

namespace sesame::providers {

inline constexpr char kWarmHashKey[] = "warm";

inline bool IsWarm(const std::map<std::string, std::string>& field_hashes) {
  return field_hashes.count(kWarmHashKey) != 0;
}

}  // namespace sesame::providers
