#include "providers/http/http_status.h"

#include <cctype>

namespace sesame::providers::http {

std::string ReasonForHttpStatus(int status) {
  switch (status) {
    case 400: return "InvalidRequest";
    case 401: return "Unauthorized";
    case 402: return "PaymentRequired";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 408: return "Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 422: return "InvalidRequest";
    case 429: return "RateLimited";
    default: return status >= 500 ? "ProviderUnavailable" : "ProviderError";
  }
}

std::string CamelCaseReason(const std::string& text) {
  std::string out;
  bool upper = true;
  for (char c : text) {
    if (c == '_' || c == '-' || c == '.' || c == ' ') {
      upper = true;
      continue;
    }
    unsigned char u = static_cast<unsigned char>(c);
    out += static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
    upper = false;
  }
  return out;
}

Status StatusFromHttp(const Response& response, const std::string& message,
                      const std::string& reason) {
  int s = response.status;
  std::string r = reason.empty() ? ReasonForHttpStatus(s) : reason;
  std::string text = message + " (HTTP " + std::to_string(s) + ")";
  Code code = Code::kInternal;
  if (s == 400 || s == 422) {
    code = Code::kInvalid;
  } else if (s == 401 || s == 402 || s == 403) {
    code = Code::kTerminal;
  } else if (s == 404 || s == 410) {
    code = Code::kNotFound;
  } else if (s == 408 || s == 409 || s >= 500) {
    code = Code::kUnavailable;
  } else if (s == 429) {
    Status st(Code::kRateLimited, text);
    st.WithRetryAfterMs(response.RetryAfterMs().value_or(1000)).WithReason(r);
    return st;
  }
  Status st(code, text);
  st.WithReason(r);
  return st;
}

Status MissingCredentials(const std::string& provider, const std::string& variable) {
  Status s(Code::kTerminal, provider + ": no API key: set " + variable +
                                " in the controller's environment");
  s.WithReason("MissingCredentials");
  return s;
}

}  // namespace sesame::providers::http
