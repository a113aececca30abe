#include "controller/api/api_handlers.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "controller/api/api_errors.h"
#include "reconcilers/sandbox_handle.h"
#include "specs/codec.h"
#include "specs/manifest.h"

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

// Exactly one object of `key`'s kind, name and namespace from a body.
Result<specs::Object> OneObject(const HttpRequest& r, const specs::ObjectKey& key,
                                specs::ParsedManifests* parsed) {
  *parsed = specs::ParseManifests(r.body, "<request>");
  if (!parsed->ok()) return InvalidError("invalid manifest");
  if (parsed->objects.size() != 1) return InvalidError("the body must hold exactly one object");
  specs::Object o = parsed->objects[0];
  if (o.kind != key.kind) return InvalidError("the body is a " + o.kind + ", the URL names a " + key.kind);
  if (o.metadata.namespace_ != key.namespace_) {
    return InvalidError("metadata.namespace \"" + o.metadata.namespace_ +
                        "\" does not match the URL's \"" + key.namespace_ + "\"");
  }
  if (!key.name.empty() && o.metadata.name != key.name) {
    return InvalidError("metadata.name \"" + o.metadata.name + "\" does not match the URL's \"" +
                        key.name + "\"");
  }
  return o;
}

}  // namespace

HttpResponse ApiHandlers::Handle(const HttpRequest& r,
                                 const std::function<bool(const std::string&)>& allowed) {
  static const std::regex kCollection(R"(^/v1/(sandboxes|templates|events)$)");
  static const std::regex kNamespaced(R"(^/v1/namespaces/([a-z0-9-]+)/(sandboxes|templates|events)$)");
  static const std::regex kObject(R"(^/v1/namespaces/([a-z0-9-]+)/(sandboxes|templates)/([a-z0-9-]+)$)");
  static const std::regex kSub(R"(^/v1/namespaces/([a-z0-9-]+)/sandboxes/([a-z0-9-]+)/(logs|exec|attach|files)$)");
  const std::string& m = r.method;
  std::smatch match;
  if (r.path == "/healthz") return JsonResponse(200, R"({"status":"ok"})");
  if (r.path == "/readyz") return Readyz();
  if (r.path == "/version") return JsonResponse(200, json{{"version", ctx_.version}}.dump());
  if (r.path == "/metrics") return Metrics();
  if (r.path == "/v1/apply") {
    if (m != "POST") return ErrorResponse(405, "use POST /v1/apply");
    return Apply(r, allowed);
  }
  if (std::regex_match(r.path, match, kCollection)) {
    if (!allowed("")) return ErrorResponse(403, "this token may not list across namespaces");
    if (m != "GET") return ErrorResponse(405, m + " is not allowed on " + r.path);
    return match[1] == "events" ? Events(r, "") : ListOrWatch(r, KindFor(match[1]), "");
  }
  if (std::regex_match(r.path, match, kNamespaced)) {
    std::string ns = match[1];
    if (!allowed(ns)) return ErrorResponse(403, "this token may not act in namespace " + ns);
    if (match[2] == "events") return m == "GET" ? Events(r, ns) : ErrorResponse(405, "events are read-only");
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
    return Files(r, ns, name);
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

HttpResponse ApiHandlers::ListOrWatch(const HttpRequest& r, const std::string& kind,
                                      const std::string& ns) {
  if (r.Query("watch") == "true" || r.Query("watch") == "1") return Watch(r, kind, ns);
  auto selector = store::Selector::Parse(r.Query("labelSelector"));
  if (!selector.ok()) return ErrorResponse(400, "labelSelector: " + selector.status().message());
  auto rv = ctx_.store->CurrentResourceVersion();
  if (!rv.ok()) return ErrorResponse(rv.status());
  auto items = ctx_.store->List({kind, ns, *selector});
  if (!items.ok()) return ErrorResponse(items.status());
  return JsonResponse(200, specs::ListToJson(kind, *items, *rv, false));
}

HttpResponse ApiHandlers::Events(const HttpRequest& r, const std::string& ns) {
  store::EventFilter filter;
  filter.namespace_ = ns;
  auto events = ctx_.store->ListEvents(filter);
  if (!events.ok()) return ErrorResponse(events.status());
  json items = json::array();
  for (const auto& e : *events) {
    items.push_back({{"involvedObject",
                      {{"kind", e.object.kind}, {"namespace", e.object.namespace_},
                       {"name", e.object.name}, {"uid", e.object_uid}}},
                     {"type", e.type},
                     {"reason", e.reason},
                     {"message", e.message},
                     {"count", e.count},
                     {"firstTimestamp", FormatTime(e.first_timestamp, true)},
                     {"lastTimestamp", FormatTime(e.last_timestamp, true)}});
  }
  return JsonResponse(200, json{{"apiVersion", specs::kApiVersion}, {"kind", "EventList"},
                                {"items", items}}.dump());
}

HttpResponse ApiHandlers::Create(const HttpRequest& r, const std::string& kind, const std::string& ns) {
  if (!AcceptableBody(r, false)) return UnsupportedMediaType(r);
  specs::ParsedManifests parsed;
  auto object = OneObject(r, {kind, ns, ""}, &parsed);
  if (!parsed.ok()) return InvalidManifest(parsed);
  if (!object.ok()) return ErrorResponse(400, object.status().message());
  if (ctx_.store->Get(specs::KeyOf(*object)).ok()) {
    return ErrorResponse(409, specs::ResourceName(kind) + "/" + object->metadata.name + " already exists");
  }
  auto outcomes = ctx_.store->Apply({*object}, {});
  if (!outcomes.ok()) return ErrorResponse(outcomes.status());
  Wrote();
  return JsonResponse(201, specs::ObjectToJson((*outcomes)[0].object, false));
}

HttpResponse ApiHandlers::GetOne(const specs::ObjectKey& key) {
  auto object = ctx_.store->Get(key);
  if (!object.ok()) return ErrorResponse(object.status());
  return JsonResponse(200, specs::ObjectToJson(*object, false));
}

HttpResponse ApiHandlers::Replace(const HttpRequest& r, const specs::ObjectKey& key) {
  if (!AcceptableBody(r, false)) return UnsupportedMediaType(r);
  specs::ParsedManifests parsed;
  auto object = OneObject(r, key, &parsed);
  if (!parsed.ok()) return InvalidManifest(parsed);
  if (!object.ok()) return ErrorResponse(400, object.status().message());
  auto current = ctx_.store->Get(key);
  if (!current.ok()) return ErrorResponse(current.status());
  // Finalizers belong to the controller: a PUT cannot drop them.
  object->metadata.finalizers = current->metadata.finalizers;
  auto updated = ctx_.store->Update(*object);
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
  // Optimistic: re-read and retry when another writer got in between.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = ctx_.store->Get(key);
    if (!current.ok()) return ErrorResponse(current.status());
    json merged = json::parse(specs::ObjectToJson(*current, false));
    merged.erase("status");
    merged.merge_patch(patch);
    HttpRequest as_put = r;
    as_put.body = merged.dump();
    specs::ParsedManifests parsed;
    auto object = OneObject(as_put, key, &parsed);
    if (!parsed.ok()) return InvalidManifest(parsed);
    if (!object.ok()) return ErrorResponse(400, object.status().message());
    object->metadata.finalizers = current->metadata.finalizers;
    object->metadata.resource_version = current->metadata.resource_version;
    auto updated = ctx_.store->Update(*object);
    if (updated.ok()) {
      Wrote();
      return JsonResponse(200, specs::ObjectToJson(*updated, false));
    }
    if (updated.status().code() != Code::kConflict) return ErrorResponse(updated.status());
  }
  return ErrorResponse(409, "the object kept changing; try again");
}

HttpResponse ApiHandlers::Remove(const HttpRequest& r, const specs::ObjectKey& key) {
  int64_t rv = 0;
  if (std::string text = r.Query("resourceVersion"); !text.empty()) rv = std::atoll(text.c_str());
  Status status = ctx_.store->Delete(key, rv);
  if (!status.ok()) return ErrorResponse(status);
  Wrote();
  auto still = ctx_.store->Get(key);
  if (still.ok()) return JsonResponse(200, specs::ObjectToJson(*still, false));
  return JsonResponse(200, json{{"apiVersion", "v1"}, {"kind", "Status"}, {"status", "Success"},
                                {"code", 200}, {"details", {{"name", key.name}}}}.dump());
}

HttpResponse ApiHandlers::Readyz() {
  bool leader = ctx_.is_leader && ctx_.is_leader();
  json body = {{"status", leader ? "ok" : "standby"}, {"leader", leader}};
  return JsonResponse(leader ? 200 : 503, body.dump());
}

Result<std::string> ApiHandlers::PreviewTarget(const std::string& ns, const std::string& name, int port) {
  auto handle = reconcilers::FindSandboxResource(*ctx_.store, *ctx_.registry, ns, name);
  if (!handle.ok()) return handle.status();
  for (const auto& e : handle->observed.endpoints) {
    if (e.port == port) return e.url;
  }
  // A port the agent opened later: on the filesystem provider it is on the
  // host's loopback.
  if (handle->sandbox.spec.provider == "filesystem") return "http://127.0.0.1:" + std::to_string(port);
  return NotFoundError("sandbox/" + name + " has no preview for port " + std::to_string(port));
}

void ApiHandlers::CountRequest(int status) {
  std::lock_guard lock(metrics_mutex_);
  requests_by_status_[status]++;
}

HttpResponse ApiHandlers::Metrics() {
  std::string out = "# HELP sesame_sandboxes Sandboxes by phase.\n# TYPE sesame_sandboxes gauge\n";
  std::map<std::string, int> phases;
  if (auto list = ctx_.store->List({specs::kKindSandbox, "", {}}); list.ok()) {
    for (const auto& o : *list) {
      auto status = specs::DecodeSandboxStatus(o.status);
      phases[o.metadata.deletion_timestamp ? "Terminating" : status.ok() ? status->phase : "Unknown"]++;
    }
  }
  for (const auto& [phase, n] : phases) {
    out += "sesame_sandboxes{phase=\"" + phase + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP sesame_leader Whether this controller is the acting one.\n# TYPE sesame_leader gauge\n";
  out += std::string("sesame_leader ") + (ctx_.is_leader && ctx_.is_leader() ? "1" : "0") + "\n";
  out += "# HELP sesame_http_requests_total HTTP requests by status code.\n";
  out += "# TYPE sesame_http_requests_total counter\n";
  {
    std::lock_guard lock(metrics_mutex_);
    for (const auto& [code, n] : requests_by_status_) {
      out += "sesame_http_requests_total{code=\"" + std::to_string(code) + "\"} " + std::to_string(n) + "\n";
    }
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = out;
  return r;
}

void ApiHandlers::Wrote() {
  if (ctx_.on_write) ctx_.on_write();
}

}  // namespace sesame::controller::api
