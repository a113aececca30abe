#pragma once
// Small helpers the cloud providers share for reading their APIs' answers
// and their configuration. Included only by .cc files that already use
// nlohmann::json.

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace sesame::providers::http {

// The environment variable, or "" when unset.
inline std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// A string field of a JSON object, or "" when absent or not a string.
inline std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// `prefix` + `what` ("e2b: malformed response from the API: ..."), reason
// MalformedResponse.
inline Status MalformedResponse(const std::string& prefix, const std::string& what) {
  Status s(Code::kInternal, prefix + what);
  s.WithReason("MalformedResponse");
  return s;
}

}  // namespace sesame::providers::http
