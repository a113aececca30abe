#include "controller/api/api_errors.h"

#include <nlohmann/json.hpp>

namespace sesame::controller::api {

int HttpCodeFor(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalid: return 400;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists:
    case Code::kConflict: return 409;
    case Code::kUnavailable: return 503;
    case Code::kRateLimited: return 429;
    case Code::kTerminal: return 422;
    case Code::kUnsupported: return 501;
    case Code::kPermissionDenied: return 403;
    case Code::kInternal: return 500;
  }
  return 500;
}

namespace {

const char* ReasonFor(int http_code) {
  switch (http_code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 501: return "NotImplemented";
    case 503: return "ServiceUnavailable";
    default: return "InternalError";
  }
}

}  // namespace

HttpResponse ErrorResponse(int http_code, const std::string& message,
                           const std::string& details_json) {
  nlohmann::json body = {{"apiVersion", "v1"},     {"kind", "Status"},
                         {"status", "Failure"},     {"code", http_code},
                         {"reason", ReasonFor(http_code)}, {"message", message}};
  if (!details_json.empty()) body["details"] = nlohmann::json::parse(details_json, nullptr, false);
  HttpResponse r;
  r.status = http_code;
  r.body = body.dump() + "\n";
  return r;
}

HttpResponse ErrorResponse(const Status& status) {
  HttpResponse r = ErrorResponse(HttpCodeFor(status.code()), status.message());
  if (auto ms = status.retry_after_ms()) r.headers["Retry-After"] = std::to_string((*ms + 999) / 1000);
  return r;
}

}  // namespace sesame::controller::api
