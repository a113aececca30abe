#pragma once
// A client for the Docker Engine API on a unix socket, over libcurl.
//
// Paths are given without the version prefix ("/containers/json"); the
// client negotiates the API version once (GET /_ping: the server's
// Api-Version header, capped at kMaxApiVersion, refused below
// kMinApiVersion) and prefixes every request with "/v<version>".
//
// Errors: a daemon that cannot be reached (no socket, connection refused,
// timeout) is kUnavailable with reason "DaemonUnavailable"; a response with
// any HTTP status is returned as a value, and StatusFromResponse maps the
// non-2xx ones to a Status with the engine's own message.
//
// Thread-safe: requests may run from several threads at once. Finished
// request handles are kept (with their connection) for reuse.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "common/time.h"

namespace sesame::providers::docker {

inline constexpr char kMinApiVersion[] = "1.40";
inline constexpr char kMaxApiVersion[] = "1.44";

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // "/containers/json?all=1", without the version prefix
  std::string body;
  std::string content_type = "application/json";
  std::optional<Millis> timeout;  // absent: the client's default
};

class EngineClient {
 public:
  EngineClient(std::string socket_path, Millis default_timeout);
  ~EngineClient();
  EngineClient(const EngineClient&) = delete;
  EngineClient& operator=(const EngineClient&) = delete;

  const std::string& socket_path() const { return socket_path_; }

  // "1.41": negotiated on first use and kept; a failed negotiation is tried
  // again on the next call.
  Result<std::string> ApiVersion();

  // One request, the whole response read.
  Result<HttpResponse> Call(const HttpRequest& request);

  // A request whose response body is delivered as it arrives (logs, pull).
  // `on_data` returns false to stop reading; `cancelled` is polled about
  // every 100 ms. A non-2xx response is not streamed: its body is returned
  // in the HttpResponse. A stop by `on_data` or `cancelled` is not an error.
  Result<HttpResponse> Stream(const HttpRequest& request,
                              const std::function<bool(std::string_view)>& on_data,
                              const std::function<bool()>& cancelled);

 private:
  Result<HttpResponse> Perform(const HttpRequest& request, bool versioned,
                               const std::function<bool(std::string_view)>* on_data,
                               const std::function<bool()>* cancelled);
  void* TakeHandle();
  void ReturnHandle(void* handle);

  const std::string socket_path_;
  const Millis default_timeout_;
  Mutex mutex_;
  std::optional<std::string> api_version_ GUARDED_BY(mutex_);
  std::vector<void*> idle_handles_ GUARDED_BY(mutex_);  // CURL*
};

// The "message" of an engine error body, or the body itself.
std::string EngineMessage(const std::string& body);

// OK for 2xx (and 304, "nothing to do"); otherwise a Status that names
// `what`: 404 kNotFound, 400 kInvalid, 409 kTerminal, 5xx kUnavailable.
Status StatusFromResponse(const HttpResponse& response, const std::string& what);

// Percent-encodes a query value.
std::string UrlEncode(std::string_view text);

// Compares "1.41" and "1.9" numerically: <0, 0, >0.
int CompareVersions(std::string_view a, std::string_view b);

// A kUnavailable Status for a daemon that cannot be reached.
Status DaemonUnavailable(const std::string& socket_path, const std::string& detail);

}  // namespace sesame::providers::docker
