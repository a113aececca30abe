#include "controller/api/api_handlers.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "common/number.h"
#include "controller/api/api_errors.h"
#include "controller/api/object_writes.h"
#include "controller/api/webhook.h"
#include "controller/sync_status.h"
#include "reconcilers/sandbox_handle.h"
#include "security/probe.h"
#include "specs/codec.h"
#include "specs/gitsync.h"
#include "specs/manifest.h"
#include "specs/pool.h"
#include "specs/status_vocabulary.h"

namespace sesame::controller::api {

using nlohmann::json;

std::string HttpRequest::Query(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

std::vector<std::string> HttpRequest::QueryAll(const std::string& name) const {
  std::vector<std::string> out;
  auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

Result<int64_t> HttpRequest::QueryInteger(const std::string& name, int64_t fallback, int64_t min,
                                          int64_t max) const {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  return ParseInteger(it->second, name, min, max);
}

Result<int64_t> HttpRequest::ResumeFrom(const std::string& name, int64_t min) const {
  std::string last = Header("last-event-id");
  return last.empty() ? QueryInteger(name, 0, min) : ParseInteger(last, "Last-Event-ID", min);
}

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

namespace {

HttpResponse JsonResponse(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.body = body + "\n";
  return r;
}

std::string KindFor(const std::string& resource) {
  if (resource == "gitsyncs") return specs::kKindGitSync;
  if (resource == "pools") return specs::kKindSandboxPool;
  if (resource == "quotas") return specs::kKindSandboxQuota;
  return resource == "templates" ? specs::kKindSandboxTemplate : specs::kKindSandbox;
}

// YAML or JSON bodies only; a missing Content-Type is read as YAML, which
// also covers JSON.
bool AcceptableBody(const HttpRequest& r, bool patch) {
  std::string type = r.Header("content-type");
  type = type.substr(0, type.find(';'));
  if (type.empty()) return true;
  static const char* const kTypes[] = {"application/json", "application/yaml", "application/x-yaml",
                                       "text/yaml", "text/x-yaml"};
  for (const char* t : kTypes) {
    if (type == t) return true;
  }
  return patch && type == "application/merge-patch+json";
}

HttpResponse UnsupportedMediaType(const HttpRequest& r) {
  return ErrorResponse(415, "Content-Type \"" + r.Header("content-type") +
                                "\" is not supported (use application/yaml or application/json)");
}

// 422 with each invalid field as a cause, as kubectl expects.
HttpResponse InvalidManifest(const specs::ParsedManifests& parsed) {
  json causes = json::array();
  for (const auto& e : parsed.errors) {
    causes.push_back({{"field", e.field}, {"message", e.message}, {"file", e.pos.file},
                      {"line", e.pos.line}, {"column", e.pos.column}});
  }
  std::string message = parsed.ErrorText();
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return ErrorResponse(422, message, json{{"causes", causes}}.dump());
}

}  // namespace

HttpResponse ApiHandlers::Handle(const HttpRequest& r,
                                 const std::function<bool(const std::string&)>& allowed) {
  static const std::regex kCollection(R"(^/v1/(sandboxes|templates|gitsyncs|pools|quotas|events|violations)$)");
  static const std::regex kNamespaced(
      R"(^/v1/namespaces/([a-z0-9-]+)/(sandboxes|templates|gitsyncs|pools|quotas|events|violations)$)");
  static const std::regex kObject(R"(^/v1/namespaces/([a-z0-9-]+)/(sandboxes|templates|gitsyncs|pools|quotas)/([a-z0-9-]+)$)");
  static const std::regex kSub(R"(^/v1/namespaces/([a-z0-9-]+)/sandboxes/([a-z0-9-]+)/(logs|exec|attach|files|portforward)$)");
  static const std::regex kStdin(R"(^/v1/namespaces/([a-z0-9-]+)/sandboxes/([a-z0-9-]+)/stdin/([0-9a-f]+)$)");
  const std::string& m = r.method;
  std::smatch match;
  if (r.path == "/healthz") return JsonResponse(200, R"({"status":"ok"})");
  if (r.path == "/readyz") return Readyz();
  if (r.path == "/version") return KubeApi::Version(ctx_.version);
  if (KubeApi::Serves(r.path)) return kube_.Handle(r, allowed);
  if (r.path == "/metrics") return Metrics();
  if (r.path == "/v1/providers") return m == "GET" ? Providers() : ErrorResponse(405, "providers are read-only");
  if (r.path == "/admin/sandbox") {
    if (!allowed("")) return ErrorResponse(403, "the admin settings need a token for every namespace");
    return AdminSandbox(r);
  }
  if (r.path == "/v1/sync") return Sync(r, allowed);
  if (r.path == "/v1/syncs") {
    if (!allowed(r.Query("namespace"))) return ErrorResponse(403, "this token may not read these syncs");
    return Syncs(r);
  }
  if (r.path == "/v1/apply") {
    if (m != "POST") return ErrorResponse(405, "use POST /v1/apply");
    return Apply(r, allowed);
  }
  if (std::regex_match(r.path, match, kCollection)) {
    if (!allowed("")) return ErrorResponse(403, "this token may not list across namespaces");
    if (m != "GET") return ErrorResponse(405, m + " is not allowed on " + r.path);
    if (match[1] == "violations") return Violations(r, "");
    return match[1] == "events" ? Events(r, "") : ListOrWatch(r, KindFor(match[1]), "");
  }
  if (std::regex_match(r.path, match, kNamespaced)) {
    std::string ns = match[1];
    if (!allowed(ns)) return ErrorResponse(403, "this token may not act in namespace " + ns);
    if (match[2] == "events") return m == "GET" ? Events(r, ns) : ErrorResponse(405, "events are read-only");
    if (match[2] == "violations") {
      return m == "GET" ? Violations(r, ns) : ErrorResponse(405, "violations are read-only");
    }
    if (m == "GET") return ListOrWatch(r, KindFor(match[2]), ns);
    if (m == "POST") return Create(r, KindFor(match[2]), ns);
    return ErrorResponse(405, m + " is not allowed on " + r.path);
  }
  if (std::regex_match(r.path, match, kObject)) {
    std::string ns = match[1];
    if (!allowed(ns)) return ErrorResponse(403, "this token may not act in namespace " + ns);
    specs::ObjectKey key{KindFor(match[2]), ns, match[3]};
    if (m == "GET") return GetOne(key);
    if (m == "PUT") return Replace(r, key);
    if (m == "PATCH") return Patch(r, key);
    if (m == "DELETE") return Remove(r, key);
    return ErrorResponse(405, m + " is not allowed on " + r.path);
  }
  if (std::regex_match(r.path, match, kSub)) {
    std::string ns = match[1], name = match[2], what = match[3];
    if (!allowed(ns)) return ErrorResponse(403, "this token may not act in namespace " + ns);
    if (what == "logs") return m == "GET" ? Logs(r, ns, name) : ErrorResponse(405, "use GET for logs");
    if (what == "exec" || what == "attach") {
      return m == "POST" ? Exec(r, ns, name, what == "attach") : ErrorResponse(405, "use POST for " + what);
    }
    if (what == "portforward") return m == "GET" ? PortForward(r, ns, name) : ErrorResponse(405, "use GET for portforward");
    return Files(r, ns, name);
  }
  if (std::regex_match(r.path, match, kStdin)) {
    std::string ns = match[1], owner = match[1].str() + "/" + match[2].str();
    if (!allowed(ns)) return ErrorResponse(403, "this token may not act in namespace " + ns);
    if (m != "POST") return ErrorResponse(405, "use POST to send input");
    return stdin_.Input(match[3], r.body, r.Query("end") == "true",
                        [&](const std::string& of) -> std::optional<HttpResponse> {
                          if (of == owner) return std::nullopt;
                          return ErrorResponse(404, "no such input stream for this sandbox");
                        });
  }
  return ErrorResponse(404, "no route for " + m + " " + r.path);
}

HttpResponse ApiHandlers::Apply(const HttpRequest& r,
                                const std::function<bool(const std::string&)>& allowed) {
  if (!AcceptableBody(r, false)) return UnsupportedMediaType(r);
  store::ApplyOptions options;
  options.dry_run = r.Query("dryRun") == "true" || r.Query("dryRun") == "All";
  options.prune = r.Query("prune") == "true";
  options.applyset = r.Query("applyset");
  options.force_conflicts = r.Query("force") == "true" || r.Query("forceConflicts") == "true";
  if (options.prune && options.applyset.empty()) {
    return ErrorResponse(400, "prune=true needs applyset=NAME: it deletes only what that applyset applied");
  }
  auto parsed = specs::ParseManifests(r.body, "<request>");
  if (!parsed.ok()) return InvalidManifest(parsed);
  for (const auto& o : parsed.objects) {
    if (!allowed(o.metadata.namespace_)) {
      return ErrorResponse(403, "this token may not act in namespace " + o.metadata.namespace_);
    }
  }
  // Pruning may delete objects anywhere the applyset reached.
  if (options.prune && !allowed("")) return ErrorResponse(403, "prune needs a token for every namespace");
  auto outcomes = ctx_.store->Apply(parsed.objects, options);
  if (!outcomes.ok()) return ErrorResponse(outcomes.status());
  if (!options.dry_run) Wrote();
  json items = json::array();
  for (const auto& o : *outcomes) {
    items.push_back({{"kind", o.key.kind},
                     {"namespace", o.key.namespace_},
                     {"name", o.key.name},
                     {"action", store::ToString(o.action)},
                     {"resourceVersion", std::to_string(o.object.metadata.resource_version)},
                     {"generation", o.object.metadata.generation}});
  }
  return JsonResponse(200, json{{"apiVersion", specs::kApiVersion}, {"kind", "ApplyResult"},
                                {"dryRun", options.dry_run}, {"items", items}}.dump());
}

Result<store::ListOptions> ListOptionsFrom(const HttpRequest& r, const std::string& kind,
                                          const std::string& ns) {
  auto selector = store::Selector::Parse(r.Query("labelSelector"));
  if (!selector.ok()) return InvalidError("labelSelector: " + selector.status().message());
  store::ListOptions options{kind, ns, *selector, ""};
  if (std::string fields = r.Query("fieldSelector"); !fields.empty()) {
    static const std::regex kName(R"(^metadata\.name==?([a-z0-9]([-a-z0-9]*[a-z0-9])?)$)");
    std::smatch m;
    if (!std::regex_match(fields, m, kName)) {
      return InvalidError("fieldSelector: \"" + fields + "\" (only metadata.name=NAME is supported)");
    }
    options.name = m[1];
  }
  return options;
}

HttpResponse ApiHandlers::ListOrWatch(const HttpRequest& r, const std::string& kind,
                                      const std::string& ns) {
  if (r.Query("watch") == "true" || r.Query("watch") == "1") return Watch(r, kind, ns);
  return List(r, kind, ns);
}

HttpResponse ApiHandlers::List(const HttpRequest& r, const std::string& kind, const std::string& ns,
                               const ListCache::Projection* projection) {
  if (!ctx_.store) return ErrorResponse(503, "no store");
  // A list is always current; the version is only checked to be a number.
  if (auto version = r.QueryInteger("resourceVersion", 0, 0); !version.ok()) {
    return ErrorResponse(version.status());
  }
  auto options = ListOptionsFrom(r, kind, ns);
  if (!options.ok()) return ErrorResponse(400, options.status().message());
  auto body = lists_.Get(*ctx_.store, *options, projection);
  if (!body.ok()) return ErrorResponse(body.status());
  // Nobody would read the list (499: the client closed the request).
  if (r.ClientGone()) return ErrorResponse(499, "the client went away");
  HttpResponse response;
  response.shared_body = std::move(body).value();
  return response;
}

HttpResponse ApiHandlers::Events(const HttpRequest& r, const std::string& ns) {
  store::EventFilter filter;
  filter.namespace_ = ns;
  auto events = ctx_.store->ListEvents(filter);
  if (!events.ok()) return ErrorResponse(events.status());
  json items = json::array();
  for (const auto& e : *events) items.push_back(json::parse(EventToJson(e)));
  return JsonResponse(200, json{{"apiVersion", specs::kApiVersion}, {"kind", "EventList"},
                                {"items", items}}.dump());
}

HttpResponse ApiHandlers::Create(const HttpRequest& r, const std::string& kind, const std::string& ns) {
  if (!AcceptableBody(r, false)) return UnsupportedMediaType(r);
  specs::ParsedManifests parsed;
  auto object = ObjectFromBody(r.body, {kind, ns, ""}, &parsed);
  if (!parsed.ok()) return InvalidManifest(parsed);
  if (!object.ok()) return ErrorResponse(400, object.status().message());
  auto created = CreateObject(*ctx_.store, *object, false);
  if (!created.ok()) return ErrorResponse(created.status());
  Wrote();
  return JsonResponse(201, specs::ObjectToJson(*created, false));
}

HttpResponse ApiHandlers::GetOne(const specs::ObjectKey& key) {
  auto object = ctx_.store->Get(key);
  if (!object.ok()) return ErrorResponse(object.status());
  return JsonResponse(200, specs::ObjectToJson(*object, false));
}

HttpResponse ApiHandlers::Replace(const HttpRequest& r, const specs::ObjectKey& key) {
  if (!AcceptableBody(r, false)) return UnsupportedMediaType(r);
  specs::ParsedManifests parsed;
  auto object = ObjectFromBody(r.body, key, &parsed);
  if (!parsed.ok()) return InvalidManifest(parsed);
  if (!object.ok()) return ErrorResponse(400, object.status().message());
  auto updated = ReplaceObject(*ctx_.store, *object, false);
  if (!updated.ok()) return ErrorResponse(updated.status());
  Wrote();
  return JsonResponse(200, specs::ObjectToJson(*updated, false));
}

HttpResponse ApiHandlers::Patch(const HttpRequest& r, const specs::ObjectKey& key) {
  if (!AcceptableBody(r, true)) return UnsupportedMediaType(r);
  json patch = json::parse(r.body, nullptr, false);
  if (patch.is_discarded() || !patch.is_object()) {
    return ErrorResponse(400, "a merge patch must be a JSON object (RFC 7386)");
  }
  specs::ParsedManifests parsed;
  auto updated = EditObject(*ctx_.store, key, false, [&](const specs::Object& current) {
    json merged = json::parse(specs::ObjectToJson(current, false));
    merged.erase("status");
    merged.merge_patch(patch);
    return ObjectFromBody(merged.dump(), key, &parsed);
  });
  if (!parsed.ok()) return InvalidManifest(parsed);
  if (!updated.ok()) return ErrorResponse(updated.status());
  Wrote();
  return JsonResponse(200, specs::ObjectToJson(*updated, false));
}

HttpResponse ApiHandlers::Remove(const HttpRequest& r, const specs::ObjectKey& key) {
  auto rv = r.QueryInteger("resourceVersion", 0, 0);
  if (!rv.ok()) return ErrorResponse(rv.status());
  Status status = ctx_.store->Delete(key, *rv);
  if (!status.ok()) return ErrorResponse(status);
  Wrote();
  auto still = ctx_.store->Get(key);
  if (still.ok()) return JsonResponse(200, specs::ObjectToJson(*still, false));
  return JsonResponse(200, json{{"apiVersion", "v1"}, {"kind", "Status"}, {"status", "Success"},
                                {"code", 200}, {"details", {{"name", key.name}}}}.dump());
}

// POST /v1/sync[?namespace=NS&name=NAME]: the webhook a Git host calls on
// push (or `sesame sync`). Every GitSync (or the one named) syncs at once;
// the caller follows it with GET /v1/syncs.
HttpResponse ApiHandlers::Sync(const HttpRequest& r, const std::function<bool(const std::string&)>& allowed) {
  WebhookAuth webhook = VerifyWebhook(r, ctx_.webhook_secret);
  if (webhook == WebhookAuth::kInvalid) {
    return ErrorResponse(ctx_.webhook_secret.empty() ? 403 : 401,
                         ctx_.webhook_secret.empty()
                             ? "webhook signatures need a shared secret: start the controller with --webhook-secret-file"
                             : "the webhook's signature (X-Hub-Signature-256) or token (X-Gitlab-Token) does not match "
                               "the shared secret");
  }
  if (webhook == WebhookAuth::kNone && !allowed("")) {
    return ErrorResponse(403, "syncs need a token for every namespace, or a signed webhook");
  }
  if (r.method != "POST") return ErrorResponse(405, "use POST /v1/sync");
  std::string ns = r.Query("namespace"), name = r.Query("name");
  auto asked = controller::RequestSync(*ctx_.store, ns, name);
  if (!asked.ok()) return ErrorResponse(asked.status());
  if (*asked == 0) {
    return ErrorResponse(404, "no GitSync to sync: apply one (kind: GitSync) or start the controller with --git");
  }
  Wrote();
  return JsonResponse(202, json{{"kind", "Status"}, {"apiVersion", "v1"}, {"code", 202}, {"status", "Success"},
                                {"message", "sync requested for " + std::to_string(*asked) + " GitSync" +
                                                (*asked == 1 ? "" : "s")}}
                               .dump());
}

// GET /v1/syncs[?namespace=NS]: every GitSync and directory sync, as a List.
HttpResponse ApiHandlers::Syncs(const HttpRequest& r) {
  auto list = controller::ListSyncs(*ctx_.store, r.Query("namespace"));
  if (!list.ok()) return ErrorResponse(list.status());
  json items = json::array();
  for (const auto& o : *list) items.push_back(json::parse(specs::ObjectToJson(o, false)));
  return JsonResponse(200, json{{"apiVersion", specs::kApiVersion}, {"kind", "List"}, {"items", items}}.dump());
}

HttpResponse ApiHandlers::Readyz() {
  bool leader = ctx_.is_leader && ctx_.is_leader();
  auto rv = ctx_.store ? ctx_.store->CurrentResourceVersion() : Result<int64_t>(UnavailableError("no store"));
  const auto& probe = security::CachedProbe();
  json body = {{"status", !rv.ok() ? "unavailable" : leader ? "ok" : "standby"},
               {"role", leader ? "leader" : "standby"},
               {"leader", leader},
               {"store", rv.ok() ? "ok" : rv.status().message()},
               {"security", probe.Summary()}};
  return JsonResponse(rv.ok() && leader ? 200 : 503, body.dump());
}

HttpResponse ApiHandlers::Providers() {
  json items = json::array();
  if (ctx_.registry) {
    for (const providers::Provider* p : ctx_.registry->All()) {
      items.push_back({{"name", p->name()},
                       {"capabilities", json::parse(providers::EncodeCapabilities(p->capabilities()))}});
    }
  }
  return JsonResponse(200, json{{"kind", "ProviderList"}, {"items", items}}.dump());
}

// GET .../sandboxes/{name}/portforward?port=N: where on this host the
// sandbox's port N is reached, for `sesame port-forward` on the same host
// (the API listens on loopback) to relay a local port to.
HttpResponse ApiHandlers::PortForward(const HttpRequest& r, const std::string& ns, const std::string& name) {
  auto port = r.QueryInteger("port", 0, 1, 65535);
  if (!port.ok()) return ErrorResponse(port.status());
  if (*port == 0) return ErrorResponse(400, "portforward needs ?port=N (1-65535)");
  auto url = PreviewTarget(ns, name, static_cast<int>(*port));
  if (!url.ok()) return ErrorResponse(url.status());
  return JsonResponse(200, json{{"kind", "PortForward"}, {"port", *port}, {"url", *url}}.dump());
}

Result<std::string> ApiHandlers::PreviewTarget(const std::string& ns, const std::string& name, int port) {
  auto handle = reconcilers::FindSandboxResource(*ctx_.store, *ctx_.registry, ns, name);
  if (!handle.ok()) return handle.status();
  return reconcilers::PortUrl(*handle, port);
}

ApiHandlers::ApiHandlers(ApiContext context)
    : ctx_(std::move(context)),
      local_metrics_(std::make_unique<controller::Metrics>()),
      metrics_(ctx_.metrics ? *ctx_.metrics : *local_metrics_),
      requests_(metrics_.AddCounter("sesame_api_requests_total", "API requests by method, route and status code.",
                                    {"method", "route", "code"})),
      request_seconds_(metrics_.AddHistogram("sesame_api_request_duration_seconds",
                                             "API request latency, until the response or a stream's headers.",
                                             {"method", "route"}, Histogram::LatencyBuckets())),
      kube_(ctx_.store, [this] { Wrote(); }) {
  if (ctx_.store) watches_ = std::make_unique<WatchHub>(*ctx_.store);
  // Read at scrape time through `this`: kept in the handlers' own registry,
  // which cannot outlive them.
  local_metrics_->AddGauge("sesame_sandboxes", "Sandboxes by phase and provider.", {"phase", "provider"},
                    [this] { return SandboxCounts(); });
  local_metrics_->AddGauge("sesame_leader", "Whether this controller is the acting one.", {}, [this] {
    double leader = ctx_.is_leader && ctx_.is_leader() ? 1 : 0;
    return std::vector<std::pair<LabelValues, double>>{{{}, leader}};
  });
  auto gauge = [this](const char* name, const char* help, std::atomic<int64_t> ApiLoad::*value) {
    local_metrics_->AddGauge(name, help, {}, [this, value] {
      return std::vector<std::pair<LabelValues, double>>{{{}, static_cast<double>((load_.*value).load())}};
    });
  };
  gauge("sesame_api_requests_in_flight", "API requests being read or handled (streams excluded).",
        &ApiLoad::requests_in_flight);
  gauge("sesame_api_request_body_bytes", "Bytes of request bodies the API holds now.", &ApiLoad::body_bytes);
  gauge("sesame_api_open_streams", "Watch, logs, exec and attach responses streaming now.",
        &ApiLoad::open_streams);
}

std::string ApiHandlers::RoutePattern(const std::string& path) {
  static const char* const kFixed[] = {"/healthz", "/readyz", "/version", "/metrics", "/v1/apply",
                                       "/v1/sync", "/admin/sandbox", "/v1/providers",
                                       "/console/sandboxes"};
  for (const char* fixed : kFixed) {
    if (path == fixed) return fixed;
  }
  static const std::pair<std::regex, const char*> kPatterns[] = {
      {std::regex(R"(^/v1/(sandboxes|templates|gitsyncs|pools|quotas|events|violations|syncs)$)"), "/v1/$1"},
      {std::regex(R"(^/v1/namespaces/[^/]+/(sandboxes|templates|gitsyncs|pools|quotas|events|violations)$)"),
       "/v1/namespaces/{ns}/$1"},
      {std::regex(R"(^/v1/namespaces/[^/]+/(sandboxes|templates|gitsyncs|pools|quotas)/[^/]+$)"),
       "/v1/namespaces/{ns}/$1/{name}"},
      {std::regex(R"(^/v1/namespaces/[^/]+/sandboxes/[^/]+/(logs|exec|attach|files)$)"),
       "/v1/namespaces/{ns}/sandboxes/{name}/$1"},
      {std::regex(R"(^/v1/namespaces/[^/]+/sandboxes/[^/]+/stdin/[^/]+$)"),
       "/v1/namespaces/{ns}/sandboxes/{name}/stdin/{id}"},
      {std::regex(R"(^/preview/.*)"), "/preview/{ns}/{name}/{port}/{path}"},
      {std::regex(R"(^/apis/sesame\.dev/v1alpha1/namespaces/[^/]+/([a-z]+)$)"),
       "/apis/sesame.dev/v1alpha1/namespaces/{ns}/$1"},
      {std::regex(R"(^/apis/sesame\.dev/v1alpha1/namespaces/[^/]+/([a-z]+)/[^/]+$)"),
       "/apis/sesame.dev/v1alpha1/namespaces/{ns}/$1/{name}"},
      {std::regex(R"(^/apis/sesame\.dev/v1alpha1/namespaces/[^/]+/([a-z]+)/[^/]+/status$)"),
       "/apis/sesame.dev/v1alpha1/namespaces/{ns}/$1/{name}/status"},
      {std::regex(R"(^/(api|apis|apis/sesame\.dev|apis/sesame\.dev/v1alpha1|openapi/v2|openapi/v3|openapi/v3/apis/sesame\.dev/v1alpha1)$)"),
       "/$1"},
      {std::regex(R"(^/apis/sesame\.dev/v1alpha1/([a-z]+)$)"), "/apis/sesame.dev/v1alpha1/$1"},
  };
  std::smatch m;
  for (const auto& [pattern, format] : kPatterns) {
    if (std::regex_match(path, m, pattern)) return m.format(format);
  }
  return "other";
}

void ApiHandlers::CountRequest(const std::string& method, const std::string& path, int status,
                               double seconds) {
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
  std::string route = RoutePattern(path);
  const std::string& m = kMethods.count(method) ? method : "other";
  requests_.Add({m, route, std::to_string(status)});
  request_seconds_.Observe({m, route}, seconds);
}

std::vector<std::pair<LabelValues, double>> ApiHandlers::SandboxCounts() {
  std::map<LabelValues, double> counts;
  auto list = ctx_.store ? ctx_.store->List({specs::kKindSandbox, "", {}})
                         : Result<std::vector<specs::Object>>(UnavailableError("no store"));
  if (!list.ok()) return {};
  std::map<std::string, std::optional<specs::Object>> templates;  // "ns/name"
  for (const auto& o : *list) {
    auto status = specs::DecodeSandboxStatus(o.status);
    std::string phase = o.metadata.deletion_timestamp ? specs::ToString(specs::Phase::kTerminating)
                        : status.ok()                ? specs::ToString(status->phase)
                                                     : specs::kConditionUnknown;
    std::string provider = status.ok() && status->provider_ref ? status->provider_ref->provider : "";
    if (provider.empty()) {
      // Not created yet: the provider the spec (or its template) names.
      auto spec = specs::DecodeSandboxSpec(o.spec);
      std::optional<specs::Object>* tmpl = nullptr;
      if (spec.ok() && !spec->template_ref.empty()) {
        std::string k = o.metadata.namespace_ + "/" + spec->template_ref;
        if (!templates.count(k)) {
          auto got = ctx_.store->Get({specs::kKindSandboxTemplate, o.metadata.namespace_, spec->template_ref});
          templates[k] = got.ok() ? std::optional<specs::Object>(*got) : std::nullopt;
        }
        tmpl = &templates[k];
      }
      auto sandbox = specs::DecodeSandbox(o, tmpl && *tmpl ? &**tmpl : nullptr);
      provider = sandbox.ok() ? sandbox->spec.provider : "unknown";
    }
    counts[{phase, provider}] += 1;
  }
  return {counts.begin(), counts.end()};
}

HttpResponse ApiHandlers::Metrics() {
  std::string out = metrics_.Render();
  if (&metrics_ != local_metrics_.get()) out += local_metrics_->Render();
  out += "# HELP sesame_violations_total Blocked attempts recorded, by kind.\n";
  out += "# TYPE sesame_violations_total counter\n";
  std::string dropped = "# HELP sesame_violations_dropped_total Violations dropped to keep the per-sandbox limit.\n"
                        "# TYPE sesame_violations_dropped_total counter\n";
  if (auto totals = ctx_.store->ViolationTotals(); totals.ok()) {
    for (const auto& t : *totals) {
      out += "sesame_violations_total{kind=\"" + t.kind + "\"} " + std::to_string(t.recorded) + "\n";
      dropped += "sesame_violations_dropped_total{kind=\"" + t.kind + "\"} " + std::to_string(t.dropped) + "\n";
    }
  }
  out += dropped;
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = out;
  return r;
}

void ApiHandlers::Wrote() {
  if (ctx_.on_write) ctx_.on_write();
}

}  // namespace sesame::controller::api
