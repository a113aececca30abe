#pragma once
// Kubernetes-style error bodies: {"kind":"Status","code":409,
// "reason":"Conflict","message":"...","details":{...}}. The one place where
// Status codes become HTTP status codes.

#include <string>

#include "common/status.h"
#include "controller/api/http_types.h"

namespace sesame::controller::api {

int HttpCodeFor(Code code);
// A Status response; `details_json` is a JSON object text or empty.
HttpResponse ErrorResponse(int http_code, const std::string& message,
                           const std::string& details_json = "");
HttpResponse ErrorResponse(const Status& status);

}  // namespace sesame::controller::api
