// HttpClient over libcurl: one easy handle per thread, reused (and with it
// its connection cache), retries and the token bucket around each attempt.

#include "providers/http/curl_library.h"

#include <sys/random.h>

#include <algorithm>
#include <chrono>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "common/mutex.h"
#include "providers/http/curl_transfer.h"
#include "providers/http/http_client.h"
#include "providers/http/token_bucket.h"

namespace sesame::providers::http {
namespace {

// The backoff jitter's seed, from getrandom(2): std::random_device's set-up
// (CPUID, slow in a virtual machine) cost every start of the CLI, which
// makes each cloud provider's client, about 3% of a `sesame get`.
uint64_t JitterSeed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof seed)) {
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return seed;
}

// The calling thread's easy handle. A nested request on the same thread
// (from inside a stream callback) gets a handle of its own.
class HandleLease {
 public:
  HandleLease() {
    thread_local Slot slot;
    if (!slot.busy) {
      slot_ = &slot;
      slot.busy = true;
      if (slot.handle == nullptr) slot.handle = libcurl::easy_init();
      handle_ = slot.handle;
      libcurl::easy_reset(handle_);  // keeps the connection cache
    } else {
      handle_ = libcurl::easy_init();
    }
  }
  ~HandleLease() {
    if (slot_ != nullptr) {
      slot_->busy = false;
    } else {
      libcurl::easy_cleanup(handle_);
    }
  }
  HandleLease(const HandleLease&) = delete;
  HandleLease& operator=(const HandleLease&) = delete;
  CURL* get() const { return handle_; }

 private:
  struct Slot {
    CURL* handle = nullptr;
    bool busy = false;
    ~Slot() {
      if (handle != nullptr) libcurl::easy_cleanup(handle);
    }
  };
  Slot* slot_ = nullptr;
  CURL* handle_ = nullptr;
};

class RealClock final : public Clock {
 public:
  Time Now() const override { return Clock::Real().Now(); }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return Clock::Real().SteadyNow();
  }
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpOptions options)
      : options_(std::move(options)),
        bucket_(options_.requests_per_second, options_.burst,
                options_.clock ? *options_.clock : Clock::Real(),
                options_.sleep ? options_.sleep : [](Millis d) { std::this_thread::sleep_for(d); }) {
    if (!options_.sleep) options_.sleep = [](Millis d) { std::this_thread::sleep_for(d); };
    if (!options_.log && std::getenv("SESAME_HTTP_LOG") != nullptr) {
      options_.log = [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
      };
    }
  }

  Result<Response> Send(const Request& request) override { return Run(request, nullptr); }
  Result<Response> Stream(const Request& request, const ChunkCallback& on_chunk) override {
    return Run(request, &on_chunk);
  }
  std::string Redact(std::string text, const std::vector<std::string>& extra) const override {
    text = RedactSecrets(std::move(text), options_.secrets);
    return RedactSecrets(std::move(text), extra);
  }
  long request_count() const override { return requests_.load(); }

 private:
  struct Attempt {
    Status transport;         // not ok: no HTTP response
    bool connect_failed = false;  // the server never saw the request
    bool delivered = false;
  };

  Result<Response> Run(const Request& request, const ChunkCallback* on_chunk);
  Attempt Perform(const Request& request, const ChunkCallback* on_chunk, Response& response);
  Millis Backoff(int attempt);
  void Log(const std::string& line) const {
    if (options_.log) options_.log(Redact(line, {}));
  }

  HttpOptions options_;
  TokenBucket bucket_;
  std::atomic<long> requests_{0};
  std::atomic<long> next_id_{1};
  Mutex rng_mu_;
  std::mt19937_64 rng_ GUARDED_BY(rng_mu_) = std::mt19937_64(JitterSeed());
};

Millis CurlHttpClient::Backoff(int attempt) {
  // Full jitter: uniform in [base/2, base], base doubling per attempt.
  long base = options_.initial_backoff.count();
  for (int i = 0; i < attempt && base < options_.max_backoff.count(); ++i) base *= 2;
  base = std::min(base, static_cast<long>(options_.max_backoff.count()));
  MutexLock lock(rng_mu_);
  std::uniform_int_distribution<long> dist(base / 2, std::max(base / 2, base));
  return Millis(dist(rng_));
}

CurlHttpClient::Attempt CurlHttpClient::Perform(const Request& request,
                                                const ChunkCallback* on_chunk,
                                                Response& response) {
  HandleLease lease;
  CURL* curl = lease.get();
  CurlTransfer t;
  t.headers = &response.headers;
  t.body = &response.body;
  t.on_chunk = on_chunk;
  t.cancelled = request.cancelled ? &request.cancelled : nullptr;
  libcurl::easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  libcurl::easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  libcurl::easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") libcurl::easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    libcurl::easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    libcurl::easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* headers = nullptr;
  auto add = [&](const std::string& name, const std::string& value) {
    headers = libcurl::slist_append(headers, (name + ": " + value).c_str());
  };
  for (const auto& [n, v] : options_.default_headers) add(n, v);
  for (const auto& [n, v] : request.headers) add(n, v);
  headers = libcurl::slist_append(headers, "Expect:");  // no 100-continue round trip
  libcurl::easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  libcurl::easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  Millis total = request.timeout.value_or(options_.total_timeout);
  libcurl::easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  t.Install(curl);
  // Compression would hold a stream's pieces back until the server flushes.
  if (on_chunk == nullptr) libcurl::easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  CURLcode rc = libcurl::easy_perform(curl);
  libcurl::slist_free_all(headers);
  long code = 0;
  libcurl::easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  response.status = static_cast<int>(code);
  Attempt a;
  a.delivered = t.delivered;
  if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && t.stopped)) return a;
  if (t.cancelled_hit) rc = CURLE_ABORTED_BY_CALLBACK;
  std::string what = libcurl::easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      a.connect_failed = true;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      what = "no response within " + std::to_string(total.count()) + " ms";
      // Nothing sent (a connect timeout) proves the server did nothing.
      if (code == 0) {
        long sent = 0;
        libcurl::easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &sent);
        if (sent == 0) {
          a.connect_failed = true;
          what = "could not connect within " + std::to_string(options_.connect_timeout.count()) + " ms";
        }
      }
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      what = "cancelled";
      break;
    default:
      break;
  }
  a.transport = UnavailableError(what);
  if (rc == CURLE_ABORTED_BY_CALLBACK) a.transport.WithReason("Cancelled");
  return a;
}

Result<Response> CurlHttpClient::Run(const Request& request, const ChunkCallback* on_chunk) {
  std::string id = "r" + std::to_string(next_id_.fetch_add(1));
  std::string what = request.method + " " + request.url;
  for (int attempt = 0;; ++attempt) {
    bucket_.Acquire();
    requests_.fetch_add(1);
    Response response;
    response.request_id = id;
    response.attempts = attempt + 1;
    auto started = std::chrono::steady_clock::now();
    Attempt a = Perform(request, on_chunk, response);
    long ms = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started).count();
    bool last = attempt + 1 >= options_.max_attempts || a.delivered ||
                (request.cancelled && request.cancelled());
    std::string prefix = "[" + options_.name + " " + id + "] " + what;
    std::optional<Millis> wait;
    if (!a.transport.ok()) {
      Log(prefix + " failed after " + std::to_string(ms) + " ms (attempt " +
          std::to_string(attempt + 1) + "): " + a.transport.message());
      bool retry = a.transport.reason() != "Cancelled" && (a.connect_failed || request.idempotent);
      if (last || !retry) {
        Status s(Code::kUnavailable, Redact(options_.name + ": " + request.method + " " +
                                                request.url + ": " + a.transport.message(), {}));
        if (!a.transport.reason().empty()) s.WithReason(a.transport.reason());
        return s;
      }
      wait = Backoff(attempt);
    } else {
      std::string server_id = response.Header("x-request-id");
      if (server_id.empty()) server_id = response.Header("x-vercel-id");
      Log(prefix + " -> " + std::to_string(response.status) + " in " + std::to_string(ms) +
          " ms (attempt " + std::to_string(attempt + 1) + ")" +
          (server_id.empty() ? "" : " server-request-id=" + server_id));
      bool server_error = response.status == 500 || response.status == 502 ||
                          response.status == 503 || response.status == 504;
      if (response.status == 429) {
        auto hint = response.RetryAfterMs();
        if (last || (hint && Millis(*hint) > options_.max_retry_after)) return response;
        wait = hint ? Millis(*hint) : Backoff(attempt);
      } else if (server_error && request.idempotent && !last) {
        wait = Backoff(attempt);
        if (auto hint = response.RetryAfterMs(); hint && Millis(*hint) <= options_.max_retry_after) {
          wait = std::max(*wait, Millis(*hint));
        }
      } else {
        return response;
      }
    }
    options_.sleep(*wait);
  }
}

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(HttpOptions options) {
  return std::make_unique<CurlHttpClient>(std::move(options));
}

}  // namespace sesame::providers::http
