#pragma once
// The HTTP layer the cloud providers (and Docker) share: one libcurl easy
// handle per thread (connections stay alive between requests), connect and
// total timeouts, retries with exponential backoff and full jitter on 429,
// 5xx and connection failures (Retry-After honoured), a token bucket per
// client so that a burst of reconciles stays under the service's rate
// limit, a request id in every log line, and secrets redacted from every
// log line and error message.
//
// HTTP-level outcomes (any status code, 4xx and 5xx included, once retries
// are exhausted) come back as a Response; only transport failures
// (connection refused, timeout, aborted) are a Status. Mapping a response to
// a Status is the provider's job (see http_status.h).
//
// Thread-safe: Send and Stream may be called from many threads at once.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace sesame::providers::http {

struct Request {
  std::string method = "GET";
  std::string url;  // absolute, query string included
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Total time for one attempt; nullopt: the client's default; 0: none
  // (long-lived streams, which end by cancellation).
  std::optional<Millis> timeout;
  // False for requests that must not run twice (a create): then only
  // failures that prove the server did nothing are retried (429, connection
  // refused); timeouts and 5xx come back to the caller, which looks up
  // what happened before trying again.
  bool idempotent = true;
  // Polled while the request runs; true aborts it (kUnavailable "cancelled").
  std::function<bool()> cancelled;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;  // for Stream: only when the status is not 2xx
  std::string request_id;  // ours, as in the log lines
  int attempts = 1;

  bool ok() const { return status >= 200 && status < 300; }
  // The header's value, or empty.
  std::string Header(const std::string& lower_name) const;
  // Retry-After (seconds or an HTTP date) in milliseconds.
  std::optional<long> RetryAfterMs() const;
};

// Receives a streamed 2xx body piece by piece, split wherever the network
// split it. Return false to stop reading (the request then succeeds with
// what was read).
using ChunkCallback = std::function<bool(std::string_view chunk)>;

struct HttpOptions {
  std::string name = "http";  // in log lines: "[e2b r12] ..."
  Millis connect_timeout{5000};
  Millis total_timeout{30000};
  int max_attempts = 5;
  Millis initial_backoff{200};
  Millis max_backoff{10000};
  // A Retry-After longer than this is not slept through: the 429 comes back
  // at once and the controller requeues the key with the hint.
  Millis max_retry_after{30000};
  // Token bucket: sustained requests per second and burst size; 0: no limit.
  double requests_per_second = 20;
  int burst = 40;
  // Redacted ("[REDACTED]") from every log line and error message.
  std::vector<std::string> secrets;
  // Log sink for one line per attempt; default: stderr when the
  // SESAME_HTTP_LOG environment variable is set, else nothing.
  std::function<void(std::string_view line)> log;
  // Sleeps for backoff and the token bucket; default: the real sleep.
  std::function<void(Millis)> sleep;
  // Steady time for the token bucket; default: the real clock.
  const Clock* clock = nullptr;
  // Extra headers on every request (auth, user agent).
  std::vector<std::pair<std::string, std::string>> default_headers;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<Response> Send(const Request& request) = 0;
  // Like Send, but a 2xx body goes to `on_chunk` as it arrives. A request
  // is retried only until the first chunk has been delivered.
  virtual Result<Response> Stream(const Request& request, const ChunkCallback& on_chunk) = 0;
  // `text` with every secret of the options (and `extra`) replaced.
  virtual std::string Redact(std::string text,
                             const std::vector<std::string>& extra = {}) const = 0;
  // Requests sent so far, retries included (for benchmarks and tests).
  virtual long request_count() const = 0;
};

std::unique_ptr<HttpClient> NewCurlHttpClient(HttpOptions options);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string UrlEncode(std::string_view text);
// "a=1&b=x%20y" from pairs, each encoded.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

// Replaces each non-empty secret in `text` with "[REDACTED]".
std::string RedactSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace sesame::providers::http
