#include "providers/http/response_fields.h"
#include "providers/e2b/e2b_provider.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "common/mutex.h"
#include "providers/e2b/envd_client.h"
#include "providers/http/cloud_support.h"
#include "providers/http/http_status.h"

namespace sesame::providers::e2b {

using nlohmann::json;

namespace {

constexpr char kUidKey[] = "sesame_uid";
constexpr char kManagedKey[] = "sesame_managed";
constexpr char kInstallationKey[] = "sesame_installation";
constexpr char kSessionTag[] = "sesame-session";
// An Observe that found nothing this recently lets Create skip its lookup
// (the reconciler always observes right before creating).

Status Malformed(const std::string& what) {
  return http::MalformedResponse("e2b: malformed response from the API: ", what);
}

// {"code":404,"message":"...","error_code":"..."} -> Status.
Status ApiError(const http::HttpClient& client, const http::Response& r, const std::string& what,
                const std::vector<std::string>& secrets = {}) {
  json body = json::parse(r.body, nullptr, false);
  std::string message, reason;
  if (body.is_object()) {
    if (body.contains("message") && body["message"].is_string()) message = body["message"];
    if (body.contains("error_code") && body["error_code"].is_string()) {
      reason = http::CamelCaseReason(body["error_code"].get<std::string>());
    }
  }
  if (message.empty()) message = r.body.empty() ? "no details" : "unreadable error body";
  return http::StatusFromHttp(r, client.Redact("e2b: " + what + ": " + message, secrets), reason);
}

std::string Str(const json& j, const char* key) {
  return http::StringField(j, key);
}

class E2bProvider final : public Provider {
 public:
  explicit E2bProvider(E2bOptions options) : options_(std::move(options)) {
    http::HttpOptions h = options_.http;
    h.name = "e2b";
    h.secrets.push_back(options_.api_key);
    h.default_headers.emplace_back("X-API-Key", options_.api_key);
    h.default_headers.emplace_back("User-Agent", "sesame");
    http_ = http::NewCurlHttpClient(std::move(h));
    while (!options_.api_url.empty() && options_.api_url.back() == '/') options_.api_url.pop_back();
  }

  std::string name() const override { return "e2b"; }
  Capabilities capabilities() const override {
    Capabilities c;
    c.in_place_fields = {"lifetime", "ports"};
    c.ports = PortPreviews::kDynamic;
    c.persistence = Persistence::kUntilCleanup;  // until deleted or timed out
    c.file_ops = true;
    c.images = "image";  // the template
    return c;  // resources come with the template
  }

  Result<Observed> Create(const SandboxRequest& request) override;
  Result<std::optional<Observed>> Observe(const std::string& uid) override;
  Result<std::vector<Observed>> ListOwned() override;
  Status Update(const Observed& current, const SandboxRequest& request) override;
  Status Suspend(const Observed& current) override;
  Status Resume(const Observed& current) override;
  Status Restart(const Observed& current, const SandboxRequest& request) override;
  Status Delete(const Observed& current) override;
  Result<int> Exec(const Observed& current, const ExecRequest& request, Streams& streams) override;
  Status Logs(const Observed& current, const LogOptions& options, Streams& streams) override;
  Status Attach(const Observed& current, Streams& streams) override {
    return UnsupportedError(
        "e2b: attach is not supported: Sesame runs E2B sessions without stdin (use exec, or the "
        "filesystem or docker provider for stdin: true)");
  }
  Result<std::string> ReadFile(const Observed& current, const std::string& path) override;
  // Every port of a running sandbox has a URL on its domain.
  Result<std::string> PreviewUrl(const Observed& current, int port) override {
    std::string domain;
    {
      MutexLock lock(mu_);
      domain = KnownFor(current.id).domain;
    }
    if (domain.empty()) domain = options_.domain;
    return "https://" + std::to_string(port) + "-" + current.id + "." + domain;
  }
  Status WriteFile(const Observed& current, const std::string& path,
                   const std::string& content) override;

 private:
  struct Known {  // what this process learned about a sandbox
    std::string token;
    std::string domain;
    bool session_checked = false;
    long timeout_seconds = 0;
    std::map<std::string, std::string> hash_overrides;  // metadata is immutable
    std::optional<std::vector<int>> ports;
  };

  Status CheckKey() const {
    return options_.api_key.empty() ? http::MissingCredentials("e2b", "E2B_API_KEY") : Status::Ok();
  }
  std::string Url(const std::string& path) const { return options_.api_url + path; }
  Result<http::Response> Call(const std::string& method, const std::string& path,
                              const std::string& body = "", bool idempotent = true) {
    http::Request req;
    req.method = method;
    req.url = Url(path);
    req.body = body;
    req.idempotent = idempotent;
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    return http_->Send(req);
  }
  // Lists sandboxes matching metadata `key=value`, every page.
  Result<std::vector<json>> List(const std::string& key, const std::string& value);
  Result<std::optional<Observed>> Lookup(const std::string& uid);
  Result<Observed> ToObserved(const json& s);
  Result<EnvdTarget> Target(const Observed& o);
  Status LaunchSession(const Observed& o, const std::vector<std::string>& command, bool force);
  void EnsureSession(Observed& o, const json& metadata);
  Known& KnownFor(const std::string& id) REQUIRES(mu_) { return known_[id]; }

  E2bOptions options_;
  std::unique_ptr<http::HttpClient> http_;
  Mutex mu_;
  std::map<std::string, Known> known_ GUARDED_BY(mu_);  // by sandbox id
  http::RecentlyAbsent absent_;
};

Result<std::vector<json>> E2bProvider::List(const std::string& key, const std::string& value) {
  std::vector<json> out;
  std::string token;
  // The metadata filter is itself a query string, encoded once more as the value.
  std::string metadata = http::UrlEncode(key) + "=" + http::UrlEncode(value);
  for (int page = 0; page < 10000; ++page) {
    std::vector<std::pair<std::string, std::string>> q = {
        {"metadata", metadata}, {"state", "running,paused"}, {"limit", "100"}};
    if (!token.empty()) q.emplace_back("nextToken", token);
    auto r = Call("GET", "/v2/sandboxes?" + http::QueryString(q));
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*http_, *r, "listing sandboxes");
    json body = json::parse(r->body, nullptr, false);
    if (!body.is_array()) return Malformed("the sandbox list is not a JSON array");
    for (auto& s : body) out.push_back(std::move(s));
    token = r->Header("x-next-token");
    if (token.empty()) return out;
  }
  return Malformed("the sandbox list never ends");
}

Result<Observed> E2bProvider::ToObserved(const json& s) {
  if (!s.is_object() || !s.contains("sandboxID") || !s["sandboxID"].is_string()) {
    return Malformed("a sandbox without sandboxID");
  }
  Observed o;
  o.id = s["sandboxID"];
  json metadata = s.contains("metadata") && s["metadata"].is_object() ? s["metadata"] : json::object();
  o.uid = Str(metadata, kUidKey);
  o.key = {Str(metadata, "sesame_kind"), Str(metadata, "sesame_namespace"), Str(metadata, "sesame_name")};
  if (o.key.kind.empty()) o.key.kind = "Sandbox";
  o.field_hashes = http::DecodeHashes(Str(metadata, "sesame_hashes"));
  std::string state = Str(s, "state");
  o.state = state == "running" ? ResourceState::kRunning
            : state == "paused" ? ResourceState::kSuspended
            : state.empty() ? ResourceState::kRunning  // create response: running
                            : ResourceState::kUnknown;
  if (auto t = ParseTime(Str(s, "startedAt"))) o.started_at = t;
  std::string end = Str(s, "endAt");
  if (!end.empty()) o.message = "expires at " + end;
  std::vector<int> ports = http::DecodePorts(Str(metadata, "sesame_ports"));
  std::string domain = Str(s, "domain");
  {
    MutexLock lock(mu_);
    Known& k = KnownFor(o.id);
    if (domain.empty()) domain = k.domain.empty() ? options_.domain : k.domain;
    k.domain = domain;
    for (const auto& [f, h] : k.hash_overrides) o.field_hashes[f] = h;
    if (k.ports) ports = *k.ports;
    std::string token = Str(s, "envdAccessToken");
    if (!token.empty()) k.token = token;
  }
  for (int p : ports) o.endpoints.push_back({p, "https://" + std::to_string(p) + "-" + o.id + "." + domain});
  return o;
}

Result<std::optional<Observed>> E2bProvider::Lookup(const std::string& uid) {
  auto list = List(kUidKey, uid);
  if (!list.ok()) return list.status();
  for (const auto& s : *list) {
    auto o = ToObserved(s);
    if (!o.ok()) return o.status();
    if (o->uid != uid) continue;  // a filter the server ignored
    EnsureSession(*o, s.value("metadata", json::object()));
    return std::optional<Observed>(std::move(*o));
  }
  return std::optional<Observed>();
}

Result<std::optional<Observed>> E2bProvider::Observe(const std::string& uid) {
  if (options_.api_key.empty()) return std::optional<Observed>();  // Create reports it
  auto found = Lookup(uid);
  if (found.ok() && !found->has_value()) absent_.Note(uid);
  return found;
}

Result<std::vector<Observed>> E2bProvider::ListOwned() {
  if (options_.api_key.empty()) return std::vector<Observed>();
  // Only this installation's: another one using the same account keeps
  // objects this store does not know, which are not orphans.
  auto list = options_.installation.empty() ? List(kManagedKey, "true")
                                            : List(kInstallationKey, options_.installation);
  if (!list.ok()) return list.status();
  std::vector<Observed> out;
  for (const auto& s : *list) {
    auto o = ToObserved(s);
    if (!o.ok()) return o.status();
    if (!o->uid.empty()) out.push_back(std::move(*o));
  }
  return out;
}

Result<Observed> E2bProvider::Create(const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  if (!absent_.Take(request.uid)) {
    auto found = Lookup(request.uid);
    if (!found.ok()) return found.status();
    if (found->has_value()) return std::move(**found);
  }
  long timeout = http::LifetimeSeconds(request.spec, Clock::Real().Now())
                     .value_or(options_.default_timeout_seconds);
  json env = json::object();
  for (const auto& [k, v] : request.env) env[k] = v;
  std::vector<std::string> secrets = http::SecretValues(request.env);
  json metadata = {{kUidKey, request.uid},
                   {kManagedKey, "true"},
                   {"sesame_kind", request.key.kind},
                   {"sesame_namespace", request.key.namespace_},
                   {"sesame_name", request.key.name},
                   {"sesame_hashes", http::EncodeHashes(request.field_hashes)},
                   {"sesame_ports", http::EncodePorts(request.spec.ports)},
                   {"sesame_session", request.spec.command.empty() ? "" : "1"},
                   {"sesame_command", json(request.spec.command).dump()}};
  if (!options_.installation.empty()) metadata[kInstallationKey] = options_.installation;
  json body = {{"templateID", request.spec.image.empty() ? "base" : request.spec.image},
               {"timeout", timeout},
               {"autoPause", false},
               {"secure", true},
               {"metadata", metadata},
               {"envVars", env}};
  // A create is not repeated blindly: after an ambiguous failure (timeout,
  // 5xx) the sandbox may exist, so look it up by uid first.
  Result<http::Response> r = Status(Code::kInternal, "not sent");
  for (int attempt = 0; attempt < 3; ++attempt) {
    r = Call("POST", "/sandboxes", body.dump(), /*idempotent=*/false);
    // No answer: the create may still be running server-side, so a lookup
    // now proves nothing. Give up this round; the next reconcile observes.
    if (!r.ok()) return r.status();
    if (r->status < 500) break;
    auto found = Lookup(request.uid);
    if (!found.ok()) return found.status();  // unknown outcome: do not send it again
    if (found->has_value()) return std::move(**found);
  }
  if (!r.ok()) return r.status();
  if (!r->ok()) {
    std::string what = "creating a sandbox from template \"" + body["templateID"].get<std::string>() + "\"";
    Status s = ApiError(*http_, *r, what, secrets);
    if (r->status == 404) s = Status(Code::kTerminal, s.message()).WithReason("TemplateNotFound");
    return s;
  }
  json created = json::parse(r->body, nullptr, false);
  if (!created.is_object()) return Malformed("the create response is not a JSON object");
  created["metadata"] = metadata;
  auto o = ToObserved(created);
  if (!o.ok()) return o.status();
  o->started_at = Clock::Real().Now();
  {
    MutexLock lock(mu_);
    known_[o->id].timeout_seconds = timeout;
  }
  if (!request.spec.command.empty()) {
    SESAME_RETURN_IF_ERROR(LaunchSession(*o, request.spec.command, false));
  }
  return o;
}

Result<EnvdTarget> E2bProvider::Target(const Observed& o) {
  std::string token, domain;
  {
    MutexLock lock(mu_);
    Known& k = KnownFor(o.id);
    token = k.token;
    domain = k.domain;
  }
  if (token.empty()) {  // learned after a restart: only the detail call has it
    auto r = Call("GET", "/sandboxes/" + http::UrlEncode(o.id));
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*http_, *r, "reading sandbox " + o.id);
    json detail = json::parse(r->body, nullptr, false);
    if (!detail.is_object()) return Malformed("the sandbox detail is not a JSON object");
    token = Str(detail, "envdAccessToken");
    if (!Str(detail, "domain").empty()) domain = Str(detail, "domain");
    MutexLock lock(mu_);
    KnownFor(o.id).token = token;
    KnownFor(o.id).domain = domain;
  }
  if (domain.empty()) domain = options_.domain;
  std::string base = options_.envd_url;
  if (base.empty()) {
    base = options_.api_url == E2bOptions().api_url ? "https://sandbox." + domain : options_.api_url;
  }
  return EnvdTarget{base, o.id, token, options_.user};
}

Status E2bProvider::LaunchSession(const Observed& o, const std::vector<std::string>& command,
                                  bool force) {
  auto target = Target(o);
  if (!target.ok()) return target.status();
  EnvdClient envd(*http_, *target);
  Streams none;
  ProcessSpec spec{{"-l", "-c", http::SessionScript(command, force)}, {}, kSessionTag, Millis(0)};
  auto started = envd.Run(spec, none, /*detach=*/true, {});
  if (!started.ok()) return started.status();
  MutexLock lock(mu_);
  KnownFor(o.id).session_checked = true;
  return Status::Ok();
}

// After a controller restart the session may never have been launched (a
// crash between create and launch): launch it once, guarded in the sandbox.
void E2bProvider::EnsureSession(Observed& o, const json& metadata) {
  if (o.state != ResourceState::kRunning || Str(metadata, "sesame_session") != "1") return;
  {
    MutexLock lock(mu_);
    if (KnownFor(o.id).session_checked) return;
  }
  json command = json::parse(Str(metadata, "sesame_command"), nullptr, false);
  std::vector<std::string> argv;
  if (command.is_array()) {
    for (const auto& a : command) {
      if (a.is_string()) argv.push_back(a);
    }
  }
  // Guarded inside the sandbox: a session that already started is left alone.
  if (!argv.empty() && LaunchSession(o, argv, false).ok()) return;
}

Status E2bProvider::Update(const Observed& current, const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto changed = [&](const char* f) { return http::FieldChanged(request.field_hashes, current.field_hashes, f); };
  if (changed("lifetime")) {
    long timeout = http::LifetimeSeconds(request.spec, Clock::Real().Now())
                       .value_or(options_.default_timeout_seconds);
    auto r = Call("POST", "/sandboxes/" + http::UrlEncode(current.id) + "/timeout",
                  json{{"timeout", timeout}}.dump());
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*http_, *r, "setting the timeout of " + current.id);
    MutexLock lock(mu_);
    KnownFor(current.id).timeout_seconds = timeout;
  }
  MutexLock lock(mu_);
  Known& k = KnownFor(current.id);
  for (const char* f : {"lifetime", "ports"}) {
    auto it = request.field_hashes.find(f);
    if (it != request.field_hashes.end()) k.hash_overrides[f] = it->second;
  }
  k.ports = request.spec.ports;
  return Status::Ok();
}

Status E2bProvider::Suspend(const Observed& current) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto r = Call("POST", "/sandboxes/" + http::UrlEncode(current.id) + "/pause", "");
  if (!r.ok()) return r.status();
  if (r->ok()) return Status::Ok();
  if (r->status == 409) {  // already paused, or pausing
    auto now = Lookup(current.uid);
    if (now.ok() && now->has_value() && (*now)->state == ResourceState::kSuspended) return Status::Ok();
  }
  return ApiError(*http_, *r, "pausing " + current.id);
}

Status E2bProvider::Resume(const Observed& current) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  long timeout;
  {
    MutexLock lock(mu_);
    timeout = KnownFor(current.id).timeout_seconds;
  }
  if (timeout <= 0) timeout = options_.default_timeout_seconds;
  auto r = Call("POST", "/sandboxes/" + http::UrlEncode(current.id) + "/connect",
                json{{"timeout", timeout}}.dump());
  if (!r.ok()) return r.status();
  if (!r->ok()) return ApiError(*http_, *r, "resuming " + current.id);
  json s = json::parse(r->body, nullptr, false);
  if (s.is_object() && !Str(s, "envdAccessToken").empty()) {
    MutexLock lock(mu_);
    KnownFor(current.id).token = Str(s, "envdAccessToken");
  }
  return Status::Ok();
}

Status E2bProvider::Restart(const Observed& current, const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto target = Target(current);
  if (!target.ok()) return target.status();
  SESAME_RETURN_IF_ERROR(EnvdClient(*http_, *target).KillTag(kSessionTag));
  if (request.spec.command.empty()) return Status::Ok();
  return LaunchSession(current, request.spec.command, true);
}

Status E2bProvider::Delete(const Observed& current) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto r = Call("DELETE", "/sandboxes/" + http::UrlEncode(current.id));
  if (!r.ok()) return r.status();
  if (r->ok() || r->status == 404) {
    MutexLock lock(mu_);
    known_.erase(current.id);
    return Status::Ok();
  }
  return ApiError(*http_, *r, "killing " + current.id);
}

Result<int> E2bProvider::Exec(const Observed& current, const ExecRequest& request, Streams& streams) {
  if (request.tty) return UnsupportedError("e2b sandboxes have no terminal for exec -t");
  SESAME_RETURN_IF_ERROR(CheckKey());
  if (request.stdin_open) {
    return UnsupportedError("e2b: exec with stdin is not supported: Sesame's E2B client streams "
                            "output only (no stdin)");
  }
  if (request.command.empty()) return InvalidError("e2b: exec needs a command");
  auto target = Target(current);
  if (!target.ok()) return target.status();
  std::vector<std::string> secrets;
  for (const auto& [k, v] : request.env) secrets.push_back(v);
  ProcessSpec spec{{"-l", "-c", http::ShellJoin(request.command)}, request.env, "",
                   request.timeout.value_or(options_.exec_timeout)};
  return EnvdClient(*http_, *target).Run(spec, streams, false, secrets);
}

Status E2bProvider::Logs(const Observed& current, const LogOptions& options, Streams& streams) {
  if (options.previous) return UnsupportedError("e2b sandboxes keep no previous run's output: logs --previous is not available");
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto target = Target(current);
  if (!target.ok()) return target.status();
  EnvdClient envd(*http_, *target);
  if (options.follow) {
    std::string n = options.tail ? std::to_string(*options.tail) : "+1";
    ProcessSpec spec{{"-l", "-c", "mkdir -p " + std::string(http::kSessionDir) + " && touch " +
                                      http::kSessionLog + " && exec tail -n " + n + " -F " +
                                      http::kSessionLog},
                     {}, "", Millis(0)};
    auto r = envd.Run(spec, streams, false, {});
    return r.ok() ? Status::Ok() : r.status();
  }
  auto text = envd.ReadFile(http::kSessionLog);
  if (!text.ok()) return text.status().code() == Code::kNotFound ? Status::Ok() : text.status();
  std::string_view out = *text;
  if (options.tail) out = out.substr(http::TailStart(out, *options.tail));
  if (streams.on_stdout && !out.empty()) streams.on_stdout(out);
  return Status::Ok();
}

Result<std::string> E2bProvider::ReadFile(const Observed& current, const std::string& path) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto target = Target(current);
  if (!target.ok()) return target.status();
  return EnvdClient(*http_, *target).ReadFile(path);
}

Status E2bProvider::WriteFile(const Observed& current, const std::string& path,
                              const std::string& content) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto target = Target(current);
  if (!target.ok()) return target.status();
  return EnvdClient(*http_, *target).WriteFile(path, content);
}

}  // namespace

E2bOptions E2bOptionsFromEnv() {
  E2bOptions o;
  o.api_key = http::EnvOr("E2B_API_KEY");
  if (!http::EnvOr("E2B_API_URL").empty()) o.api_url = http::EnvOr("E2B_API_URL");
  o.envd_url = http::EnvOr("E2B_ENVD_URL");
  return o;
}

std::unique_ptr<Provider> NewE2bProvider(E2bOptions options) {
  return std::make_unique<E2bProvider>(std::move(options));
}

}  // namespace sesame::providers::e2b
