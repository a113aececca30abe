#pragma once
// The HTTP server of `sesame controller` and `sesame up`: cpp-httplib on
// --listen, bearer-token authentication, body and concurrency limits, and
// the port-preview proxy, in front of ApiHandlers.

#include <memory>
#include <string>

#include "common/status.h"
#include "controller/api/api_handlers.h"

namespace sesame::controller::api {

struct ApiServerOptions {
  std::string listen = "127.0.0.1:7777";  // HOST:PORT; port 0 picks one
  std::string token_file;                 // required off loopback
  size_t max_body_bytes = 8u << 20;       // larger bodies get 413, chunked or sized
  // Request bodies held at once over all requests (at least max_body_bytes);
  // a body that would pass it gets 503 with Retry-After.
  size_t max_buffered_bytes = 64u << 20;
  // Every open connection holds one of these threads: a keep-alive client
  // between requests, and each stream (watch, logs, exec) for its whole
  // life; connections beyond them wait to be accepted. They are started as
  // connections come and end after 10 s idle (2 stay); the work done at
  // once is bounded by max_in_flight.
  int threads = 256;
  int max_in_flight = 64;                 // more concurrent handlers get 429
  std::string tls_cert, tls_key;
};

class ApiServer {
 public:
  virtual ~ApiServer() = default;
  // Binds and starts serving on a background thread. Refuses a non-loopback
  // address without a token file.
  static Result<std::unique_ptr<ApiServer>> Start(const ApiServerOptions& options,
                                                  ApiHandlers& handlers);
  virtual int port() const = 0;
  virtual void Stop() = 0;
};

// "127.0.0.1", "::1", "localhost" and the rest of 127.0.0.0/8.
bool IsLoopbackHost(const std::string& host);

}  // namespace sesame::controller::api
