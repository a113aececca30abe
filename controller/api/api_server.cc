// The only file of controller/ that includes cpp-httplib (a heavy header).
#include "controller/api/api_server.h"

#include <httplib.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <regex>
#include <thread>

#include "common/logging.h"
#include "controller/api/api_errors.h"
#include "reconcilers/sandbox_handle.h"
#include "specs/codec.h"

namespace sesame::controller::api {

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

namespace {

HttpRequest Convert(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) r.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[lower] = v;
  }
  r.body = req.body;
  r.remote_address = req.remote_addr;
  return r;
}

void Send(const HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [k, v] : from.headers) to.set_header(k, v);
  if (!from.stream) {
    to.set_content(from.body, from.content_type);
    return;
  }
  auto stream = from.stream;
  to.set_chunked_content_provider(from.content_type, [stream](size_t, httplib::DataSink& sink) {
    ChunkWriter write = [&sink](std::string_view chunk) {
      if (chunk.empty()) return sink.is_writable();
      return sink.write(chunk.data(), chunk.size());
    };
    stream(write);
    sink.done();
    return true;
  });
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

class HttplibApiServer final : public ApiServer {
 public:
  HttplibApiServer(ApiHandlers& handlers, std::optional<TokenTable> tokens, const ApiServerOptions& o,
                   std::unique_ptr<httplib::Server> server)
      : handlers_(handlers),
        tokens_(std::move(tokens)),
        options_(o),
        server_holder_(std::move(server)),
        server_(*server_holder_) {}
  ~HttplibApiServer() override { Stop(); }

  Status Bind(const std::string& host, int port) {
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_read_timeout(std::chrono::seconds(30));
    server_.set_write_timeout(std::chrono::seconds(30));
    int threads = options_.threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return PreRoute(req, res);
    });
    server_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      // Refused by the HTTP library itself (413, 400...): Serve never ran.
      Count(req, res.status, std::chrono::steady_clock::now());
      std::string message = res.status == 413
                                ? "the body is larger than " + std::to_string(options_.max_body_bytes) + " bytes"
                                : "request failed";
      Send(ErrorResponse(res.status, message), res);
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
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { Serve(req, res); };
    for (const char* pattern : {".*"}) {
      server_.Get(pattern, handler);
      server_.Post(pattern, handler);
      server_.Put(pattern, handler);
      server_.Patch(pattern, handler);
      server_.Delete(pattern, handler);
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
    if (in_flight_.load() >= options_.max_in_flight) {
      Send(ErrorResponse(429, "too many requests in flight; retry shortly"), res);
      res.set_header("Retry-After", "1");
      Count(req, 429, std::chrono::steady_clock::now());
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!tokens_ || IsProbe(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    auto decision = tokens_->Authorize(req.get_header_value("Authorization"), NamespaceOf(req.path));
    if (decision == TokenTable::Decision::kUnauthenticated) {
      Send(ErrorResponse(401, "a valid bearer token is required (Authorization: Bearer TOKEN)"), res);
      res.set_header("WWW-Authenticate", "Bearer");
      Count(req, 401, std::chrono::steady_clock::now());
      return httplib::Server::HandlerResponse::Handled;
    }
    // kForbidden is decided per namespace by the handlers (apply spans several).
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

  void Serve(const httplib::Request& req, httplib::Response& res) {
    auto started = std::chrono::steady_clock::now();
    struct InFlight {
      std::atomic<int>& n;
      explicit InFlight(std::atomic<int>& c) : n(c) { ++n; }
      ~InFlight() { --n; }
    } guard(in_flight_);
    std::string authorization = req.get_header_value("Authorization");
    auto allowed = [&](const std::string& ns) {
      return !tokens_ || tokens_->Authorize(authorization, ns) == TokenTable::Decision::kAllowed;
    };
    HttpRequest request = Convert(req);
    HttpResponse response = request.path.rfind("/preview/", 0) == 0
                                ? (allowed(NamespaceOf(request.path)) ? Preview(request)
                                                                      : ErrorResponse(403, "forbidden"))
                                : handlers_.Handle(request, allowed);
    Count(req, response.status, started);
    Send(response, res);
  }

  // ANY /preview/NS/NAME/PORT/REST -> the sandbox's endpoint for PORT, REST.
  HttpResponse Preview(const HttpRequest& r) {
    static const std::regex kPreview(R"(^/preview/([a-z0-9-]+)/([a-z0-9-]+)/(\d+)(/.*)?$)");
    std::smatch m;
    if (!std::regex_match(r.path, m, kPreview)) {
      return ErrorResponse(404, "use /preview/NAMESPACE/NAME/PORT/PATH");
    }
    auto target = handlers_.PreviewTarget(m[1], m[2], std::atoi(m[3].str().c_str()));
    if (!target.ok()) return ErrorResponse(target.status());
    httplib::Client client(*target);
    client.set_connection_timeout(std::chrono::seconds(5));
    client.set_read_timeout(std::chrono::seconds(60));
    std::string path = m[4].matched ? m[4].str() : "/";
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
  std::atomic<int> in_flight_{0};
};

}  // namespace

Result<std::unique_ptr<ApiServer>> ApiServer::Start(const ApiServerOptions& options,
                                                    ApiHandlers& handlers) {
  auto colon = options.listen.rfind(':');
  if (colon == std::string::npos) return InvalidError("--listen: use HOST:PORT, e.g. 127.0.0.1:7777");
  std::string host = options.listen.substr(0, colon);
  int port = std::atoi(options.listen.substr(colon + 1).c_str());
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
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
