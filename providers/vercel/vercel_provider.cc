#include "providers/http/response_fields.h"
#include "providers/vercel/vercel_provider.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "providers/http/cloud_support.h"
#include "providers/http/http_status.h"
#include "providers/http/stream_decoders.h"
#include "providers/vercel/journal.h"
#include "providers/vercel/tar_gz.h"

namespace sesame::providers::vercel {

using nlohmann::json;

namespace {

constexpr int kMaxPorts = 4;
constexpr char kSandboxCwd[] = "/vercel/sandbox";
// How far before the recorded intent a candidate's createdAt may be (clock skew).
constexpr long long kSkewMs = 60 * 1000;

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             Clock::Real().Now().time_since_epoch())
      .count();
}

Status Malformed(const std::string& what) {
  return http::MalformedResponse("vercel: malformed response: ", what);
}

std::string Str(const json& j, const char* key) {
  return http::StringField(j, key);
}

long long Num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<long long>() : 0;
}

bool Alive(const std::string& status) { return status == "pending" || status == "running"; }

class VercelProvider final : public Provider {
 public:
  explicit VercelProvider(VercelOptions options)
      : options_(std::move(options)), journal_(options_.state_dir) {
    http::HttpOptions h = options_.http;
    h.name = "vercel";
    h.secrets.push_back(options_.token);
    h.default_headers = {{"Authorization", "Bearer " + options_.token}};
    http_ = http::NewCurlHttpClient(std::move(h));
    while (!options_.api_url.empty() && options_.api_url.back() == '/') options_.api_url.pop_back();
  }

  std::string name() const override { return "vercel"; }
  Capabilities capabilities() const override {
    Capabilities c;
    c.in_place_fields = {"lifetime"};
    c.suspend = false;
    c.ports = PortPreviews::kDeclared;
    c.persistence = Persistence::kNone;
    c.file_ops = true;
    c.images = "runtime";
    c.resources = {"cpu"};  // vCPUs; the timeout is lifetime's
    return c;
  }
  Result<Observed> Create(const SandboxRequest& request) override;
  Result<std::optional<Observed>> Observe(const std::string& uid) override;
  Result<std::vector<Observed>> ListOwned() override;
  Status Update(const Observed& current, const SandboxRequest& request) override;
  Status Suspend(const Observed&) override { return NoSuspend(); }
  Status Resume(const Observed&) override { return NoSuspend(); }
  Status Restart(const Observed& current, const SandboxRequest& request) override;
  Status Delete(const Observed& current) override;
  Result<int> Exec(const Observed& current, const ExecRequest& request, Streams& streams) override;
  Status Logs(const Observed& current, const LogOptions& options, Streams& streams) override;
  Status Attach(const Observed&, Streams&) override {
    return UnsupportedError("vercel: attach is not supported: Vercel's command API has no stdin");
  }
  Result<std::string> ReadFile(const Observed& current, const std::string& path) override;
  Status WriteFile(const Observed& current, const std::string& path, const std::string& content) override;

 private:
  static Status NoSuspend() {
    return UnsupportedError("vercel: sandboxes cannot be suspended: a stopped Vercel sandbox "
                            "cannot be started again");
  }
  Status CheckConfig() const {
    if (options_.token.empty()) return http::MissingCredentials("vercel", "VERCEL_TOKEN");
    if (options_.project_id.empty()) {
      return Status(Code::kTerminal, "vercel: no project: set VERCEL_PROJECT_ID in the controller's "
                                     "environment")
          .WithReason("MissingCredentials");
    }
    if (options_.state_dir.empty()) return InternalError("vercel: no state directory for the journal");
    return Status::Ok();
  }
  std::string Url(const std::string& path, std::vector<std::pair<std::string, std::string>> q = {}) const {
    if (!options_.team_id.empty()) q.emplace_back("teamId", options_.team_id);
    return options_.api_url + path + (q.empty() ? "" : "?" + http::QueryString(q));
  }
  http::Request Req(const std::string& method, const std::string& url, const std::string& body = "") const {
    http::Request r;
    r.method = method;
    r.url = url;
    r.body = body;
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    return r;
  }
  Status ApiError(const http::Response& r, const std::string& what,
                  const std::vector<std::string>& secrets = {}) const;
  // GET /v1/sandboxes/{id}: nullopt when gone (404, 410, stopped).
  Result<std::optional<json>> Get(const std::string& id);
  Observed ToObserved(const JournalEntry& e, const json& sandbox, const json& routes) const;
  // Sandboxes of the project created since `since_ms`, every page.
  Result<std::vector<json>> List(long long since_ms);
  // The sandbox an interrupted create made, if exactly one fits.
  Result<std::optional<std::string>> Recover(const JournalEntry& e);
  Status LaunchSession(JournalEntry& e, bool force);
  Result<std::string> StartCommand(const std::string& id, const std::vector<std::string>& argv,
                                   const std::vector<std::pair<std::string, std::string>>& env,
                                   const std::vector<std::string>& secrets);
  Result<int> StreamCommand(const std::string& id, const std::string& cmd_id, Streams& streams,
                            bool follow_until_cancelled);
  Result<std::optional<Observed>> ObserveEntry(JournalEntry e);

  VercelOptions options_;
  Journal journal_;
  std::unique_ptr<http::HttpClient> http_;
};

Status VercelProvider::ApiError(const http::Response& r, const std::string& what,
                                const std::vector<std::string>& secrets) const {
  json body = json::parse(r.body, nullptr, false);
  std::string message, reason;
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    message = Str(body["error"], "message");
    reason = http::CamelCaseReason(Str(body["error"], "code"));
  }
  if (message.empty()) message = r.body.empty() ? "no details" : "unreadable error body";
  if (r.status == 402 && reason.empty()) reason = "PaymentRequired";
  return http::StatusFromHttp(r, http_->Redact("vercel: " + what + ": " + message, secrets), reason);
}

Result<std::optional<json>> VercelProvider::Get(const std::string& id) {
  auto r = http_->Send(Req("GET", Url("/v1/sandboxes/" + http::UrlEncode(id))));
  if (!r.ok()) return r.status();
  if (r->status == 404 || r->status == 410) return std::optional<json>();
  if (!r->ok()) return ApiError(*r, "reading sandbox " + id);
  json body = json::parse(r->body, nullptr, false);
  if (!body.is_object() || !body.contains("sandbox") || !body["sandbox"].is_object()) {
    return Malformed("the sandbox response has no sandbox object");
  }
  if (!Alive(Str(body["sandbox"], "status"))) return std::optional<json>();
  return std::optional<json>(std::move(body));
}

Observed VercelProvider::ToObserved(const JournalEntry& e, const json& s, const json& routes) const {
  Observed o;
  o.id = Str(s, "id");
  o.uid = e.uid;
  o.key = e.key;
  o.field_hashes = e.hashes;
  std::string status = Str(s, "status");
  o.state = status == "running" ? ResourceState::kRunning : ResourceState::kCreating;
  long long started = Num(s, "startedAt") ? Num(s, "startedAt") : Num(s, "createdAt");
  if (started) o.started_at = Time(std::chrono::milliseconds(started));
  if (routes.is_array()) {
    for (const auto& r : routes) {
      if (r.is_object() && r.contains("port") && r["port"].is_number()) {
        o.endpoints.push_back({r["port"].get<int>(), Str(r, "url")});
      }
    }
  }
  o.message = "vercel status " + status;
  return o;
}

Result<std::vector<json>> VercelProvider::List(long long since_ms) {
  std::vector<json> out;
  std::optional<long long> until;
  for (int page = 0; page < 10000; ++page) {
    std::vector<std::pair<std::string, std::string>> q = {{"project", options_.project_id},
                                                          {"limit", "100"}};
    if (since_ms > 0) q.emplace_back("since", std::to_string(since_ms));
    if (until) q.emplace_back("until", std::to_string(*until));
    auto r = http_->Send(Req("GET", Url("/v1/sandboxes", q)));
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*r, "listing sandboxes");
    json body = json::parse(r->body, nullptr, false);
    if (!body.is_object() || !body.contains("sandboxes") || !body["sandboxes"].is_array()) {
      return Malformed("the sandbox list has no sandboxes array");
    }
    for (auto& s : body["sandboxes"]) out.push_back(std::move(s));
    const json& p = body.value("pagination", json::object());
    if (!p.contains("next") || !p["next"].is_number()) return out;
    until = p["next"].get<long long>();
  }
  return Malformed("the sandbox list never ends");
}

Result<std::optional<std::string>> VercelProvider::Recover(const JournalEntry& e) {
  auto list = List(e.intent_ms - kSkewMs);
  if (!list.ok()) return list.status();
  std::set<std::string> claimed;
  for (const auto& other : journal_.All()) {
    if (other.uid != e.uid && !other.sandbox_id.empty()) claimed.insert(other.sandbox_id);
  }
  std::vector<std::string> fits;
  for (const auto& s : *list) {
    std::string id = Str(s, "id");
    if (id.empty() || claimed.count(id) || !Alive(Str(s, "status"))) continue;
    if (Num(s, "createdAt") < e.intent_ms - kSkewMs) continue;
    if (!e.runtime.empty() && Str(s, "runtime") != e.runtime) continue;
    if (e.vcpus && Num(s, "vcpus") != e.vcpus) continue;
    if (Num(s, "timeout") != e.timeout_ms) continue;
    fits.push_back(id);
  }
  if (fits.size() != 1) return std::optional<std::string>();
  return std::optional<std::string>(fits[0]);
}

Result<std::string> VercelProvider::StartCommand(
    const std::string& id, const std::vector<std::string>& argv,
    const std::vector<std::pair<std::string, std::string>>& env, const std::vector<std::string>& secrets) {
  json envs = json::object();
  for (const auto& [k, v] : env) envs[k] = v;
  json body = {{"command", argv[0]},
               {"args", std::vector<std::string>(argv.begin() + 1, argv.end())},
               {"env", envs},
               {"sudo", false}};
  http::Request req = Req("POST", Url("/v1/sandboxes/" + http::UrlEncode(id) + "/cmd"), body.dump());
  req.idempotent = false;
  auto r = http_->Send(req);
  if (!r.ok()) return r.status();
  if (!r->ok()) return ApiError(*r, "starting a command in " + id, secrets);
  json c = json::parse(r->body, nullptr, false);
  if (!c.is_object() || !c.contains("command") || Str(c["command"], "id").empty()) {
    return Malformed("the command response has no command id");
  }
  return Str(c["command"], "id");
}

Result<int> VercelProvider::StreamCommand(const std::string& id, const std::string& cmd_id,
                                          Streams& streams, bool follow_until_cancelled) {
  std::string base = "/v1/sandboxes/" + http::UrlEncode(id) + "/cmd/" + http::UrlEncode(cmd_id);
  Status failure;
  http::LineDecoder lines([&](std::string_view line) {
    if (line.empty() || !failure.ok()) return;
    json l = json::parse(line, nullptr, false);
    if (!l.is_object()) {
      failure = Malformed("a log line is not JSON");
      return;
    }
    std::string stream = Str(l, "stream");
    if (stream == "error") {
      const json& d = l.value("data", json::object());
      failure = Status(Code::kUnavailable, "vercel: command output failed: " +
                                               (d.is_object() ? Str(d, "message") : std::string()))
                    .WithReason(d.is_object() ? http::CamelCaseReason(Str(d, "code")) : "CommandFailed");
      return;
    }
    std::string data = Str(l, "data");
    auto& sink = stream == "stderr" ? streams.on_stderr : streams.on_stdout;
    if (sink && !data.empty()) sink(data);
  });
  http::Request req = Req("GET", Url(base + "/logs"));
  req.timeout = Millis(0);
  if (streams.cancelled) req.cancelled = streams.cancelled;
  auto r = http_->Stream(req, [&](std::string_view chunk) {
    lines.Feed(chunk);
    return failure.ok();
  });
  if (!r.ok()) {
    if (r.status().reason() != "Cancelled") return r.status();
    (void)http_->Send(Req("POST", Url("/v1/sandboxes/" + http::UrlEncode(id) + "/" +
                                          http::UrlEncode(cmd_id) + "/kill"),
                          json{{"signal", 15}}.dump()));
    return 0;
  }
  if (!r->ok()) return ApiError(*r, "reading command output");
  lines.Finish();
  if (!failure.ok()) return failure;
  if (follow_until_cancelled) return 0;
  http::Request wait = Req("GET", Url(base, {{"wait", "true"}}));
  wait.timeout = Millis(0);
  auto done = http_->Send(wait);
  if (!done.ok()) return done.status();
  if (!done->ok()) return ApiError(*done, "waiting for the command");
  json c = json::parse(done->body, nullptr, false);
  if (!c.is_object() || !c.contains("command") || !c["command"].is_object()) {
    return Malformed("the command response has no command object");
  }
  const json& cmd = c["command"];
  if (!cmd.contains("exitCode") || !cmd["exitCode"].is_number_integer()) {
    return Malformed("the finished command has no exit code");
  }
  return cmd["exitCode"].get<int>();
}

Status VercelProvider::LaunchSession(JournalEntry& e, bool force) {
  if (e.command.empty()) return Status::Ok();
  auto cmd = StartCommand(e.sandbox_id, {"bash", "-lc", http::SessionScript(e.command, force)}, {}, {});
  if (!cmd.ok()) return cmd.status();
  e.session_cmd_id = *cmd;
  return journal_.Put(e);
}

Result<std::optional<Observed>> VercelProvider::ObserveEntry(JournalEntry e) {
  if (e.sandbox_id.empty()) {
    auto found = Recover(e);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return std::optional<Observed>();
    e.sandbox_id = **found;
    SESAME_RETURN_IF_ERROR(journal_.Put(e));
  }
  auto s = Get(e.sandbox_id);
  if (!s.ok()) return s.status();
  if (!s->has_value()) return std::optional<Observed>();
  Observed o = ToObserved(e, (**s)["sandbox"], (**s).value("routes", json::array()));
  if (o.state == ResourceState::kRunning && e.session_cmd_id.empty() && !e.command.empty()) {
    SESAME_RETURN_IF_ERROR(LaunchSession(e, false));  // a crash came between create and launch
  }
  return std::optional<Observed>(std::move(o));
}

Result<std::optional<Observed>> VercelProvider::Observe(const std::string& uid) {
  if (!CheckConfig().ok()) return std::optional<Observed>();  // Create reports it
  auto e = journal_.Get(uid);
  if (!e) return std::optional<Observed>();
  return ObserveEntry(std::move(*e));
}

Result<std::vector<Observed>> VercelProvider::ListOwned() {
  if (!CheckConfig().ok()) return std::vector<Observed>();
  std::vector<JournalEntry> entries = journal_.All();
  std::vector<Observed> out;
  if (entries.empty()) return out;
  auto list = List(0);
  if (!list.ok()) return list.status();
  std::map<std::string, const json*> by_id;
  for (const auto& s : *list) by_id[Str(s, "id")] = &s;
  for (const auto& e : entries) {
    auto it = by_id.find(e.sandbox_id);
    if (it == by_id.end() || !Alive(Str(*it->second, "status"))) continue;
    out.push_back(ToObserved(e, *it->second, json::array()));
  }
  return out;
}

Result<Observed> VercelProvider::Create(const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckConfig());
  const auto& spec = request.spec;
  if (spec.ports.size() > kMaxPorts) {
    return InvalidError("vercel: at most 4 ports can be declared (spec.ports has " +
                        std::to_string(spec.ports.size()) + ")");
  }
  if (!spec.image.empty()) {
    return InvalidError("vercel: spec.image is not supported (Vercel sandboxes run a runtime: set "
                        "spec.runtime, e.g. node22 or python3.13)");
  }
  int vcpus = spec.resources.cpu ? static_cast<int>(http::CeilCores(*spec.resources.cpu)) : 0;
  if (vcpus > 1 && vcpus % 2 != 0) {
    return InvalidError("vercel: resources.cpu must be 1 or an even number of vCPUs (got " +
                        std::to_string(vcpus) + ")");
  }
  if (auto existing = journal_.Get(request.uid)) {
    auto found = ObserveEntry(*existing);
    if (!found.ok()) return found.status();
    if (found->has_value()) return std::move(**found);
  }
  auto seconds = http::LifetimeSeconds(spec, Clock::Real().Now());
  JournalEntry e;
  e.uid = request.uid;
  e.key = request.key;
  e.runtime = spec.runtime;
  e.vcpus = vcpus;
  e.timeout_ms = seconds ? *seconds * 1000 : options_.default_timeout_ms;
  e.ports = spec.ports;
  e.hashes = request.field_hashes;
  e.command = spec.command;
  e.intent_ms = NowMs();
  SESAME_RETURN_IF_ERROR(journal_.Put(e));  // before the call: a crash leaves the intent

  json env = json::object();
  for (const auto& [k, v] : request.env) env[k] = v;
  std::vector<std::string> secrets = http::SecretValues(request.env);
  json body = {{"projectId", options_.project_id}, {"ports", spec.ports}, {"timeout", e.timeout_ms},
               {"env", env}};
  if (!spec.runtime.empty()) body["runtime"] = spec.runtime;
  if (vcpus) body["resources"] = {{"vcpus", vcpus}};
  Result<http::Response> r = Status(Code::kInternal, "not sent");
  for (int attempt = 0; attempt < 3; ++attempt) {
    http::Request req = Req("POST", Url("/v1/sandboxes"), body.dump());
    req.idempotent = false;
    r = http_->Send(req);
    // No answer: the create may still be running server-side, so a lookup
    // now proves nothing. Give up this round; the next reconcile observes.
    if (!r.ok()) return r.status();
    if (r->status < 500) break;
    auto found = Recover(e);  // an ambiguous failure: did it happen?
    if (!found.ok()) return found.status();  // unknown outcome: the intent stays for later
    if (found->has_value()) {
      e.sandbox_id = **found;
      SESAME_RETURN_IF_ERROR(journal_.Put(e));
      auto o = ObserveEntry(e);
      if (!o.ok()) return o.status();
      if (o->has_value()) return std::move(**o);
    }
  }
  if (!r.ok()) return r.status();
  if (!r->ok()) return ApiError(*r, "creating a sandbox", secrets);
  json created = json::parse(r->body, nullptr, false);
  if (!created.is_object() || !created.contains("sandbox") || Str(created["sandbox"], "id").empty()) {
    return Malformed("the create response has no sandbox id");
  }
  e.sandbox_id = Str(created["sandbox"], "id");
  SESAME_RETURN_IF_ERROR(journal_.Put(e));
  Observed o = ToObserved(e, created["sandbox"], created.value("routes", json::array()));
  SESAME_RETURN_IF_ERROR(LaunchSession(e, false));
  return o;
}

Status VercelProvider::Update(const Observed& current, const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckConfig());
  auto e = journal_.Get(current.uid);
  if (!e) return UnavailableError("vercel: no journal entry for " + current.uid);
  auto s = Get(current.id);
  if (!s.ok()) return s.status();
  if (!s->has_value()) return UnavailableError("vercel: sandbox " + current.id + " is gone");
  const json& sb = (**s)["sandbox"];
  long long start = Num(sb, "startedAt") ? Num(sb, "startedAt") : Num(sb, "createdAt");
  long long current_end = start + Num(sb, "timeout");
  auto seconds = http::LifetimeSeconds(request.spec, Clock::Real().Now());
  long long wanted_end = NowMs() + (seconds ? *seconds * 1000 : options_.default_timeout_ms);
  // v1 only extends: a shorter lifetime is enforced by the controller's expiry.
  if (wanted_end - current_end >= 1000) {
    auto r = http_->Send(Req("POST", Url("/v1/sandboxes/" + http::UrlEncode(current.id) + "/extend-timeout"),
                             json{{"duration", wanted_end - current_end}}.dump()));
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*r, "extending the timeout of " + current.id);
  }
  e->hashes["lifetime"] = request.field_hashes.count("lifetime") ? request.field_hashes.at("lifetime") : "";
  return journal_.Put(*e);
}

Status VercelProvider::Restart(const Observed& current, const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckConfig());
  auto e = journal_.Get(current.uid);
  if (!e) return UnavailableError("vercel: no journal entry for " + current.uid);
  if (!e->session_cmd_id.empty()) {
    (void)http_->Send(Req("POST", Url("/v1/sandboxes/" + http::UrlEncode(current.id) + "/" +
                                          http::UrlEncode(e->session_cmd_id) + "/kill"),
                          json{{"signal", 9}}.dump()));
  }
  e->command = request.spec.command;
  return LaunchSession(*e, true);
}

Status VercelProvider::Delete(const Observed& current) {
  SESAME_RETURN_IF_ERROR(CheckConfig());
  if (!current.id.empty()) {
    auto r = http_->Send(Req("POST", Url("/v1/sandboxes/" + http::UrlEncode(current.id) + "/stop")));
    if (!r.ok()) return r.status();
    // 410: already stopped; 422: stopping or snapshotting, on its way out.
    if (!r->ok() && r->status != 404 && r->status != 410 && r->status != 422) {
      return ApiError(*r, "stopping " + current.id);
    }
  }
  return journal_.Remove(current.uid);
}

Result<int> VercelProvider::Exec(const Observed& current, const ExecRequest& request, Streams& streams) {
  if (request.tty) return UnsupportedError("vercel sandboxes have no terminal for exec -t");
  SESAME_RETURN_IF_ERROR(CheckConfig());
  if (request.stdin_open) {
    return UnsupportedError("vercel: exec with stdin is not supported: Vercel's command API has no stdin");
  }
  if (request.command.empty()) return InvalidError("vercel: exec needs a command");
  std::vector<std::string> secrets = http::SecretValues(request.env);
  auto cmd = StartCommand(current.id, request.command, request.env, secrets);
  if (!cmd.ok()) return cmd.status();
  return StreamCommand(current.id, *cmd, streams, false);
}

Status VercelProvider::Logs(const Observed& current, const LogOptions& options, Streams& streams) {
  if (options.previous) return UnsupportedError("vercel sandboxes keep no previous run's output: logs --previous is not available");
  SESAME_RETURN_IF_ERROR(CheckConfig());
  if (options.follow) {
    std::string n = options.tail ? std::to_string(*options.tail) : "+1";
    std::string script = std::string("mkdir -p ") + http::kSessionDir + " && touch " + http::kSessionLog +
                         " && exec tail -n " + n + " -F " + http::kSessionLog;
    auto cmd = StartCommand(current.id, {"bash", "-lc", script}, {}, {});
    if (!cmd.ok()) return cmd.status();
    auto r = StreamCommand(current.id, *cmd, streams, true);
    return r.ok() ? Status::Ok() : r.status();
  }
  auto text = ReadFile(current, http::kSessionLog);
  if (!text.ok()) return text.status().code() == Code::kNotFound ? Status::Ok() : text.status();
  std::string_view out = *text;
  if (options.tail) out = out.substr(http::TailStart(out, *options.tail));
  if (streams.on_stdout && !out.empty()) streams.on_stdout(out);
  return Status::Ok();
}

Result<std::string> VercelProvider::ReadFile(const Observed& current, const std::string& path) {
  SESAME_RETURN_IF_ERROR(CheckConfig());
  auto r = http_->Send(Req("POST", Url("/v1/sandboxes/" + http::UrlEncode(current.id) + "/fs/read"),
                           json{{"path", path}, {"cwd", kSandboxCwd}}.dump()));
  if (!r.ok()) return r.status();
  if (r->ok()) return std::move(r->body);
  if (r->status == 404) return NotFoundError("vercel: " + path + ": no such file in the sandbox");
  return ApiError(*r, "reading " + path);
}

Status VercelProvider::WriteFile(const Observed& current, const std::string& path,
                                 const std::string& content) {
  SESAME_RETURN_IF_ERROR(CheckConfig());
  std::string absolute = path.starts_with("/") ? path : std::string(kSandboxCwd) + "/" + path;
  auto tgz = TarGzOneFile(absolute.substr(1), content);
  if (!tgz.ok()) return tgz.status();
  http::Request req = Req("POST", Url("/v1/sandboxes/" + http::UrlEncode(current.id) + "/fs/write"));
  req.body = *tgz;
  req.headers = {{"Content-Type", "application/gzip"}, {"x-cwd", "/"}};
  auto r = http_->Send(req);
  if (!r.ok()) return r.status();
  if (!r->ok()) return ApiError(*r, "writing " + path);
  return Status::Ok();
}

}  // namespace

VercelOptions VercelOptionsFromEnv() {
  VercelOptions o;
  o.token = http::EnvOr("VERCEL_TOKEN");
  o.team_id = http::EnvOr("VERCEL_TEAM_ID");
  o.project_id = http::EnvOr("VERCEL_PROJECT_ID");
  if (!http::EnvOr("VERCEL_API_URL").empty()) o.api_url = http::EnvOr("VERCEL_API_URL");
  std::string home = http::EnvOr("SESAME_HOME");
  if (home.empty()) home = http::EnvOr("HOME") + "/.sesame";
  o.state_dir = home + "/providers/vercel";
  return o;
}

std::unique_ptr<Provider> NewVercelProvider(VercelOptions options) {
  return std::make_unique<VercelProvider>(std::move(options));
}

}  // namespace sesame::providers::vercel
