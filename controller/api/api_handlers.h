#pragma once
// The routes of DESIGN.md section 5, over HttpRequest/HttpResponse: objects
// (list, watch, get, create, replace, merge-patch, delete, apply), events,
// a sandbox's logs, exec, attach and files, and the probes. Wire formats
// are documented in docs/api.md.
//
// Thread safety: Handle may be called from many threads at once.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/time.h"
#include "controller/api/auth.h"
#include "controller/api/http_types.h"
#include "controller/api/kube_api.h"
#include "controller/api/list_cache.h"
#include "controller/api/stdin_queues.h"
#include "controller/api/watch_hub.h"
#include "controller/metrics.h"
#include "providers/provider.h"
#include "controller/api/record_json.h"
#include "store/store.h"

namespace sesame::controller::api {

struct ApiContext {
  store::Store* store = nullptr;
  const providers::Registry* registry = nullptr;
  // Called after every write, so the controller looks at it at once.
  std::function<void()> on_write;
  // Whether this process is the acting controller (for /readyz).
  std::function<bool()> is_leader;
  // The shared secret of Git host webhooks on POST /v1/sync
  // (controller/api/webhook.h); empty: signed webhooks are refused.
  std::string webhook_secret;
  std::string version;
  // Where the API's metrics go and what /metrics renders (the manager's
  // registry, so one scrape shows both). Borrowed; null: the handlers keep
  // a registry of their own.
  controller::Metrics* metrics = nullptr;
};

// What the API server holds at this moment, kept here for /metrics and
// updated by the server: sesame_api_requests_in_flight,
// sesame_api_request_body_bytes, sesame_api_open_streams.
struct ApiLoad {
  std::atomic<int64_t> requests_in_flight{0};  // handlers running (streams excluded)
  std::atomic<int64_t> body_bytes{0};          // request bodies read and held
  std::atomic<int64_t> open_streams{0};        // watch, logs, exec and attach responses
};

class ApiHandlers {
 public:
  explicit ApiHandlers(ApiContext context);

  // `allowed(ns)` says whether the caller may act in namespace `ns` ("" for
  // every namespace); the server has already checked authentication.
  HttpResponse Handle(const HttpRequest& request,
                      const std::function<bool(const std::string& ns)>& allowed);

  // The URL ("http://127.0.0.1:41234") that serves a sandbox's `port`, for
  // the preview proxy.
  Result<std::string> PreviewTarget(const std::string& ns, const std::string& name, int port);
  HttpResponse PortForward(const HttpRequest& r, const std::string& ns, const std::string& name);

  // Counts a finished request for /metrics: sesame_api_requests_total
  // {method,route,code} and sesame_api_request_duration_seconds
  // {method,route}, where route is RoutePattern(path). `seconds` runs until
  // the response (or, for a stream, its headers) is ready.
  void CountRequest(const std::string& method, const std::string& path, int status, double seconds);

  // The route a path matched, as a pattern with placeholders
  // ("/v1/namespaces/{ns}/sandboxes/{name}"); "other" for no route, so
  // that labels stay a small set whatever clients send.
  static std::string RoutePattern(const std::string& path);

  // GET of a collection of `kind` in `ns` ("" = every namespace), with its
  // labelSelector and fieldSelector, from the shared list cache; each item
  // as `projection` makes it, if given. The caller checks `allowed`.
  HttpResponse List(const HttpRequest& r, const std::string& kind, const std::string& ns,
                    const ListCache::Projection* projection = nullptr);

  ApiLoad& load() { return load_; }
  // The store and providers the handlers act on (for the console's terminal).
  const ApiContext& context() const { return ctx_; }

 private:
  HttpResponse Apply(const HttpRequest& r, const std::function<bool(const std::string&)>& allowed);
  HttpResponse ListOrWatch(const HttpRequest& r, const std::string& kind, const std::string& ns);
  HttpResponse Watch(const HttpRequest& r, const std::string& kind, const std::string& ns);
  HttpResponse Events(const HttpRequest& r, const std::string& ns);
  HttpResponse Create(const HttpRequest& r, const std::string& kind, const std::string& ns);
  HttpResponse GetOne(const specs::ObjectKey& key);
  HttpResponse Replace(const HttpRequest& r, const specs::ObjectKey& key);
  HttpResponse Patch(const HttpRequest& r, const specs::ObjectKey& key);
  HttpResponse Remove(const HttpRequest& r, const specs::ObjectKey& key);
  HttpResponse Logs(const HttpRequest& r, const std::string& ns, const std::string& name);
  HttpResponse Exec(const HttpRequest& r, const std::string& ns, const std::string& name, bool attach);
  HttpResponse Files(const HttpRequest& r, const std::string& ns, const std::string& name);
  HttpResponse AdminSandbox(const HttpRequest& r);
  // The registered providers and their capabilities (DESIGN.md §9).
  HttpResponse Providers();
  HttpResponse Violations(const HttpRequest& r, const std::string& ns);
  HttpResponse Sync(const HttpRequest& r, const std::function<bool(const std::string&)>& allowed);
  HttpResponse Syncs(const HttpRequest& r);
  HttpResponse Metrics();
  // sesame_sandboxes series: ({phase, provider}, count).
  std::vector<std::pair<LabelValues, double>> SandboxCounts();
  HttpResponse Readyz();
  void Wrote();

  ApiContext ctx_;
  // Gauges read through `this` at scrape time, and everything else too
  // when ctx_.metrics is null.
  std::unique_ptr<controller::Metrics> local_metrics_;
  controller::Metrics& metrics_;
  Counter& requests_;
  Histogram& request_seconds_;
  ApiLoad load_;
  KubeApi kube_;  // /api, /apis, /openapi
  ListCache lists_;
  std::unique_ptr<WatchHub> watches_;  // when there is a store
  StdinQueues stdin_;  // of interactive exec and attach, owned by "NS/NAME"
};

// The filter of a list or watch request: labelSelector, and fieldSelector
// metadata.name=NAME (kInvalid for anything else).
Result<store::ListOptions> ListOptionsFrom(const HttpRequest& r, const std::string& kind,
                                          const std::string& ns);

// Stream frames of exec and attach: one byte of stream id, four bytes of
// big-endian length, then the payload (as Docker multiplexes streams).
enum class Frame : char { kStdout = 1, kStderr = 2, kExit = 3, kError = 4 };
std::string EncodeFrame(Frame stream, std::string_view payload);

}  // namespace sesame::controller::api
