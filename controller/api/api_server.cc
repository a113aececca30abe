// The only file of controller/ that includes cpp-httplib (a heavy header).
#include "controller/api/api_server.h"

#include <httplib.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <regex>
#include <thread>

#include "common/elastic_thread_pool.h"
#include "common/logging.h"
#include "common/number.h"
#include "controller/api/api_errors.h"
#include "controller/api/body_budget.h"
#include "controller/api/console.h"
#include "controller/api/peer_socket.h"
#include "reconcilers/sandbox_handle.h"
#include "specs/codec.h"

namespace sesame::controller::api {

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

namespace {

HttpRequest Convert(const httplib::Request& req, std::string body) {
  HttpRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) r.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[lower] = v;
  }
  r.body = std::move(body);
  r.remote_address = req.remote_addr;
  return r;
}

struct Counted {  // one more in `n` while it lives
  std::atomic<int64_t>& n;
  explicit Counted(std::atomic<int64_t>& counter) : n(counter) { ++n; }
  ~Counted() { --n; }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
};

// A stream (from.stream) ends when the client goes away: every write, and
// an empty one used as a probe, then returns false.
void Send(const HttpResponse& from, httplib::Response& to, ApiLoad& load) {
  to.status = from.status;
  for (const auto& [k, v] : from.headers) to.set_header(k, v);
  if (from.shared_body) {
    auto body = from.shared_body;
    to.set_content_provider(body->size(), from.content_type,
                            [body](size_t offset, size_t length, httplib::DataSink& sink) {
                              return sink.write(body->data() + offset, std::min<size_t>(length, 1 << 16));
                            });
    return;
  }
  if (!from.stream) {
    to.set_content(from.body, from.content_type);
    return;
  }
  auto stream = from.stream;
  to.set_chunked_content_provider(from.content_type, [stream, &load](size_t, httplib::DataSink& sink) {
    Counted open(load.open_streams);
    ChunkWriter write = [&sink](std::string_view chunk) {
      if (chunk.empty()) return sink.is_writable();
      return sink.write(chunk.data(), chunk.size());
    };
    stream(write);
    sink.done();
    return true;
  });
}

// Sends `from` and then ends the connection: the rest of a refused body
// must not be read as the next request.
void SendAndClose(const HttpResponse& from, httplib::Response& to, PeerSocket peer) {
  to.status = from.status;
  for (const auto& [k, v] : from.headers) to.set_header(k, v);
  to.set_header("Connection", "close");
  auto body = std::make_shared<std::string>(from.body);
  peer.fd();  // looked up now, while the connection is surely open
  to.set_content_provider(body->size(), from.content_type,
                          [body, peer](size_t offset, size_t length, httplib::DataSink& sink) mutable {
                            sink.write(body->data() + offset, length);
                            if (offset + length >= body->size()) peer.EndConnection();
                            return true;
                          });
}

ConnectionAddress AddressOf(const httplib::Request& req) {
  return {req.local_addr, req.local_port, req.remote_addr, req.remote_port};
}

// The namespace a path acts in ("" when it spans namespaces or none).
std::string NamespaceOf(const std::string& path) {
  static const std::regex kNs(R"(^/(?:v1/namespaces|preview)/([^/]+))");
  std::smatch m;
  return std::regex_search(path, m, kNs) ? m[1].str() : "";
}

bool IsProbe(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/version";
}

// cpp-httplib compresses every text and JSON response for a client that
// accepts it, preferring brotli at its slowest level: 2 s for the 1 MB list
// of 1,000 sandboxes that a browser asks for (120 ms plain). Over loopback
// compression only costs time; elsewhere gzip, which is cheap, stays. The
// library has no per-response switch and hands handlers the request it
// owns (not a const object) as const.
void LimitCompression(const httplib::Request& req) {
  auto& headers = const_cast<httplib::Request&>(req).headers;
  auto [begin, end] = headers.equal_range("Accept-Encoding");
  bool gzip = false;
  for (auto it = begin; it != end; ++it) gzip = gzip || it->second.find("gzip") != std::string::npos;
  headers.erase(begin, end);
  if (gzip && !IsLoopbackHost(req.remote_addr)) headers.emplace("Accept-Encoding", "gzip");
}

// cpp-httplib's task queue (a job per accepted connection) on an
// ElasticThreadPool.
class ElasticTaskQueue final : public httplib::TaskQueue {
 public:
  explicit ElasticTaskQueue(const ElasticThreadPool::Options& options) : pool_(options) {}
  void enqueue(std::function<void()> fn) override { pool_.Enqueue(std::move(fn)); }
  void shutdown() override { pool_.Shutdown(); }

 private:
  ElasticThreadPool pool_;
};

class HttplibApiServer final : public ApiServer {
 public:
  HttplibApiServer(ApiHandlers& handlers, std::optional<TokenTable> tokens, const ApiServerOptions& o,
                   std::unique_ptr<httplib::Server> server)
      : handlers_(handlers),
        tokens_(std::move(tokens)),
        options_(o),
        server_holder_(std::move(server)),
        server_(*server_holder_),
        load_(handlers.load()),
        budget_(load_.body_bytes, static_cast<int64_t>(o.max_body_bytes),
                static_cast<int64_t>(std::max(o.max_buffered_bytes, o.max_body_bytes))),
        console_(handlers, tokens_ ? &*tokens_ : nullptr, !o.tls_cert.empty()) {}
  ~HttplibApiServer() override { Stop(); }

  Status Bind(const std::string& host, int port) {
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_read_timeout(std::chrono::seconds(30));
    server_.set_write_timeout(std::chrono::seconds(30));
    // Threads as connections come (a fixed pool of `threads` would keep
    // them all even when idle), back to a few when they are gone.
    ElasticThreadPool::Options pool;
    pool.min_threads = 2;
    pool.max_threads = static_cast<size_t>(options_.threads);
    pool.idle_timeout = std::chrono::seconds(10);
    server_.new_task_queue = [pool] { return new ElasticTaskQueue(pool); };
    // A client that asks before sending (Expect: 100-continue, as curl does
    // for large bodies) learns at once that a body past the limit is not
    // wanted, and sends none of it.
    server_.set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
      BufferedBody body(budget_);
      if (DeclaredLengthFits(req, body)) return 100;
      HttpResponse refused = BodyRefused(body.refusal());
      Count(req, refused.status, std::chrono::steady_clock::now());
      SendAndClose(refused, res, PeerSocket(AddressOf(req)));
      return refused.status;
    });
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return PreRoute(req, res);
    });
    server_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty() || res.content_provider_) return;
      // Refused by the HTTP library itself (413, 400...): Serve never ran.
      Count(req, res.status, std::chrono::steady_clock::now());
      std::string message = res.status == 413
                                ? "the body is larger than " + std::to_string(options_.max_body_bytes) + " bytes"
                                : "request failed";
      Send(ErrorResponse(res.status, message), res, load_);
    });
    // This cpp-httplib listens with a backlog of 5 and closes a keep-alive
    // connection after 5 requests: under 64 clients, refused SYNs cost a
    // 1 s retransmit each. Keep connections longer and re-listen (Linux
    // updates the backlog of a listening socket) with the system's maximum;
    // and no Nagle delay.
    server_.set_keep_alive_max_count(1000);
    server_.set_socket_options([this](int sock) {
      httplib::default_socket_options(sock);
      // Inherited by accepted sockets: without it, a response written in
      // pieces (headers, body, each watch line) waits on the peer's
      // delayed ACK, 40 ms a time.
      int yes = 1;
      setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      listen_fd_ = sock;
    });
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { Serve(req, res, nullptr); };
    // Requests with a body read it through Serve, which enforces the limits
    // as the bytes arrive (the library's own limit skips chunked bodies).
    auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) { Serve(req, res, &reader); };
    for (const char* pattern : {".*"}) {
      server_.Get(pattern, handler);
      server_.Post(pattern, with_body);
      server_.Put(pattern, with_body);
      server_.Patch(pattern, with_body);
      server_.Delete(pattern, with_body);
    }
    if (port == 0) {
      port_ = server_.bind_to_any_port(host);
      if (port_ <= 0) return UnavailableError("cannot listen on " + host);
    } else {
      if (!server_.bind_to_port(host, port)) {
        return UnavailableError("cannot listen on " + host + ":" + std::to_string(port) +
                                " (is another controller running there?)");
      }
      port_ = port;
    }
    if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs: wait for it, so that a
    // quick Stop() cannot leave the thread listening forever.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Status::Ok();
  }

  int port() const override { return port_; }
  void Stop() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res) {
    if (load_.requests_in_flight.load() >= options_.max_in_flight) {
      Send(ErrorResponse(429, "too many requests in flight; retry shortly"), res, load_);
      res.set_header("Retry-After", "1");
      Count(req, 429, std::chrono::steady_clock::now());
      return httplib::Server::HandlerResponse::Handled;
    }
    // A Git host's webhook carries a signature instead of a token: the
    // handler checks it.
    bool webhook =
        req.path == "/v1/sync" && (req.has_header("X-Hub-Signature-256") || req.has_header("X-Gitlab-Token"));
    bool open = !tokens_ || IsProbe(req.path) || webhook ||
                Console::IsPublic(req.method, req.path, req.get_header_value("Accept"));
    if (!open && tokens_->Authorize(console_.Credential(req.get_header_value("Authorization"),
                                                        req.get_header_value("Cookie")),
                                    NamespaceOf(req.path)) == TokenTable::Decision::kUnauthenticated) {
      Send(ErrorResponse(401, "a valid bearer token is required (Authorization: Bearer TOKEN)"), res, load_);
      res.set_header("WWW-Authenticate", "Bearer");
      Count(req, 401, std::chrono::steady_clock::now());
      return httplib::Server::HandlerResponse::Handled;
    }
    // kForbidden is decided per namespace by the handlers (apply spans several).
    // A POST without Content-Length or chunked encoding (`curl -X POST`)
    // has no body; the HTTP library would wait for the connection to close
    // to read one, then refuse it.
    bool bodyless = !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding");
    if (bodyless && (req.method == "POST" || req.method == "PUT" || req.method == "PATCH")) {
      Serve(req, res, nullptr);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  // Metrics, and a debug line without the query (which may carry names a
  // caller considers private) or any header.
  void Count(const httplib::Request& req, int status, std::chrono::steady_clock::time_point started) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    handlers_.CountRequest(req.method, req.path, status, seconds);
    if (LogEnabled(LogLevel::kDebug)) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.2f", seconds * 1e3);
      LogDebug("api " + req.method + " " + req.path + " " + std::to_string(status) + " " + ms + " ms");
    }
  }

  // `reader` is set for methods with a body, which is read here under the
  // limits: a refused body ends the connection after the error response.
  void Serve(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader) {
    auto started = std::chrono::steady_clock::now();
    LimitCompression(req);
    Counted in_flight(load_.requests_in_flight);
    PeerSocket peer(AddressOf(req));
    BufferedBody body(budget_);
    if (reader != nullptr && !ReadBody(req, *reader, body)) {
      HttpResponse refused = BodyRefused(body.refusal());
      Count(req, refused.status, started);
      SendAndClose(refused, res, peer);
      return;
    }
    HttpRequest request = Convert(req, body.Take());
    request.client_gone = [&peer] { return peer.Gone(); };
    std::string authorization = console_.Credential(request.Header("authorization"), request.Header("cookie"));
    bool change = IsChange(request.method);
    auto allowed = [&](const std::string& ns) {
      return !tokens_ || tokens_->Authorize(authorization, ns, change) == TokenTable::Decision::kAllowed;
    };
    std::optional<HttpResponse> console = console_.RefuseForgery(request);
    if (!console) console = console_.Handle(request, allowed);
    HttpResponse response = console                                   ? std::move(*console)
                            : request.path.rfind("/preview/", 0) == 0 ? (allowed(NamespaceOf(request.path))
                                                                            ? Preview(request)
                                                                            : ErrorResponse(403, "forbidden"))
                                                                      : handlers_.Handle(request, allowed);
    Count(req, response.status, started);
    Send(response, res, load_);
  }

  // A declared Content-Length, checked before any byte is read (false:
  // past the limit, or not a number).
  static bool DeclaredLengthFits(const httplib::Request& req, BufferedBody& body) {
    if (!req.has_header("Content-Length")) return true;
    auto length = ParseInteger(req.get_header_value("Content-Length"), "Content-Length", 0);
    return length.ok() && body.Expect(*length);
  }

  bool ReadBody(const httplib::Request& req, const httplib::ContentReader& reader, BufferedBody& body) {
    if (!DeclaredLengthFits(req, body)) return false;
    return reader([&body](const char* data, size_t n) { return body.Append(data, n); });
  }

  HttpResponse BodyRefused(BufferedBody::Refusal refusal) const {
    switch (refusal) {
      case BufferedBody::Refusal::kTooLarge:
        return ErrorResponse(413, "the body is larger than " + std::to_string(budget_.per_request()) + " bytes");
      case BufferedBody::Refusal::kServerFull: {
        HttpResponse busy = ErrorResponse(503, "the server holds too many request bodies; retry shortly");
        busy.headers["Retry-After"] = "1";
        return busy;
      }
      case BufferedBody::Refusal::kNone:
        break;
    }
    return ErrorResponse(400, "the request body could not be read (malformed, or the client went away)");
  }

  // ANY /preview/NS/NAME/PORT/REST -> the sandbox's endpoint for PORT, REST.
  HttpResponse Preview(const HttpRequest& r) {
    static const std::regex kPreview(R"(^/preview/([a-z0-9-]+)/([a-z0-9-]+)/(\d+)(/.*)?$)");
    std::smatch m;
    if (!std::regex_match(r.path, m, kPreview)) {
      return ErrorResponse(404, "use /preview/NAMESPACE/NAME/PORT/PATH");
    }
    auto port = ParsePort(m[3].str(), "preview");
    if (!port.ok()) return ErrorResponse(port.status());
    auto target = handlers_.PreviewTarget(m[1], m[2], *port);
    if (!target.ok()) return ErrorResponse(target.status());
    std::string path = m[4].matched ? m[4].str() : "/";
    if (target->rfind("https://", 0) == 0) {
      // A cloud sandbox's public preview link: the client goes there.
      HttpResponse redirect = ErrorResponse(307, "the preview of port " + m[3].str() + " is at " + *target);
      redirect.headers["Location"] = *target + path;
      return redirect;
    }
    httplib::Client client(*target);
    client.set_connection_timeout(std::chrono::seconds(5));
    client.set_read_timeout(std::chrono::seconds(60));
    if (!r.query.empty()) {
      std::string q;
      for (const auto& [k, v] : r.query) {
        q += (q.empty() ? "?" : "&") + httplib::detail::encode_query_param(k) + "=" +
             httplib::detail::encode_query_param(v);
      }
      path += q;
    }
    httplib::Headers headers;
    for (const auto& [k, v] : r.headers) {
      if (k != "host" && k != "authorization" && k != "content-length") headers.emplace(k, v);
    }
    std::string type = r.Header("content-type");
    httplib::Result upstream = r.method == "GET"      ? client.Get(path, headers)
                               : r.method == "DELETE" ? client.Delete(path, headers)
                               : r.method == "PUT"    ? client.Put(path, headers, r.body, type)
                               : r.method == "PATCH"  ? client.Patch(path, headers, r.body, type)
                                                      : client.Post(path, headers, r.body, type);
    if (!upstream) {
      return ErrorResponse(502, "the sandbox's port " + m[3].str() + " did not answer: " +
                                    httplib::to_string(upstream.error()));
    }
    HttpResponse out;
    out.status = upstream->status;
    out.body = upstream->body;
    out.content_type = upstream->get_header_value("Content-Type");
    return out;
  }

  ApiHandlers& handlers_;
  std::optional<TokenTable> tokens_;
  ApiServerOptions options_;
  std::unique_ptr<httplib::Server> server_holder_;  // a Server or an SSLServer
  httplib::Server& server_;
  std::thread thread_;
  int port_ = 0;
  int listen_fd_ = -1;  // owned by server_
  ApiLoad& load_;
  BodyBudget budget_;
  Console console_;
};

}  // namespace

Result<std::unique_ptr<ApiServer>> ApiServer::Start(const ApiServerOptions& options,
                                                    ApiHandlers& handlers) {
  auto address = ParseHostPort(options.listen, "--listen");
  if (!address.ok()) return address.status();
  const std::string& host = address->host;
  int port = address->port;
  std::optional<TokenTable> tokens;
  if (!options.token_file.empty()) {
    auto loaded = TokenTable::Load(options.token_file);
    if (!loaded.ok()) return loaded.status();
    tokens = std::move(loaded).value();
  } else if (!IsLoopbackHost(host)) {
    return InvalidError("--listen " + options.listen +
                        " is not a loopback address: it needs --token-file (lines: TOKEN NAMESPACE...)");
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return InvalidError("--tls-cert and --tls-key go together");
  }
  std::unique_ptr<httplib::Server> http;
  if (!options.tls_cert.empty()) {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid()) {
      return InvalidError("--tls-cert/--tls-key: cannot load " + options.tls_cert + " and " +
                          options.tls_key);
    }
    http = std::move(tls);
#else
    return UnsupportedError("--tls-cert: this build's HTTP library has no TLS support");
#endif
  } else {
    http = std::make_unique<httplib::Server>();
  }
  auto server =
      std::make_unique<HttplibApiServer>(handlers, std::move(tokens), options, std::move(http));
  SESAME_RETURN_IF_ERROR(server->Bind(host, port));
  return std::unique_ptr<ApiServer>(std::move(server));
}

}  // namespace sesame::controller::api
