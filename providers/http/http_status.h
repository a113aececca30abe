#pragma once
// The one place where HTTP status codes become Status codes for the cloud
// providers, so the controller's retry rules see the same kinds everywhere:
// 400/422 kInvalid; 401/402/403 kTerminal (credentials, billing, policy);
// 404/410 kNotFound; 408/409/5xx kUnavailable (retried); 429 kRateLimited
// with the Retry-After hint (1 s when the server gave none).

#include <string>

#include "common/status.h"
#include "providers/http/http_client.h"

namespace sesame::providers::http {

// `message` is the server's text (already redacted by the caller); `reason`
// overrides the default CamelCase reason for the status code.
Status StatusFromHttp(const Response& response, const std::string& message,
                      const std::string& reason = "");

// The default reason for a status code: "Unauthorized", "RateLimited", ...
std::string ReasonForHttpStatus(int status);

// "sandbox_capacity_unavailable" -> "SandboxCapacityUnavailable".
std::string CamelCaseReason(const std::string& snake_or_upper);

// The status a missing API key gives: kTerminal, reason MissingCredentials.
Status MissingCredentials(const std::string& provider, const std::string& variable);

}  // namespace sesame::providers::http
