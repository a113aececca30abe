#include "providers/http/response_fields.h"
#include "providers/daytona/daytona_provider.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/mutex.h"
#include "providers/daytona/toolbox_client.h"
#include "providers/http/cloud_support.h"
#include "providers/http/http_status.h"

namespace sesame::providers::daytona {

using nlohmann::json;

namespace {

constexpr char kUidLabel[] = "sesame.uid";
constexpr char kManagedLabel[] = "sesame.managed";
constexpr char kInstallationLabel[] = "sesame.installation";
constexpr char kSnapshotPrefix[] = "snapshot:";

Status Malformed(const std::string& what) {
  return http::MalformedResponse("daytona: malformed response from the API: ", what);
}

std::string Str(const json& j, const char* key) {
  return http::StringField(j, key);
}

ResourceState StateOf(const std::string& s) {
  if (s == "started" || s == "resizing") return ResourceState::kRunning;
  if (s == "stopped" || s == "archived" || s == "paused" || s == "stopping" || s == "archiving" ||
      s == "pausing") {
    return ResourceState::kSuspended;
  }
  if (s == "error" || s == "build_failed" || s == "unknown") return ResourceState::kUnknown;
  return ResourceState::kCreating;
}

Result<std::string> Language(const std::string& runtime) {
  if (runtime.empty()) return std::string();
  if (runtime.rfind("python", 0) == 0) return std::string("python");
  if (runtime.rfind("typescript", 0) == 0 || runtime.rfind("ts", 0) == 0) return std::string("typescript");
  if (runtime.rfind("node", 0) == 0 || runtime.rfind("javascript", 0) == 0) return std::string("javascript");
  return InvalidError("daytona: spec.runtime \"" + runtime +
                      "\" is not a Daytona language (python, typescript or javascript)");
}

class DaytonaProvider final : public Provider {
 public:
  explicit DaytonaProvider(DaytonaOptions options) : options_(std::move(options)) {
    http::HttpOptions h = options_.http;
    h.name = "daytona";
    h.secrets.push_back(options_.api_key);
    h.default_headers = {{"Authorization", "Bearer " + options_.api_key},
                         {"X-Daytona-Source", "sesame"},
                         {"X-Daytona-SDK-Version", options_.sdk_version}};
    sleep_ = h.sleep ? h.sleep : [](Millis d) { std::this_thread::sleep_for(d); };
    http_ = http::NewCurlHttpClient(std::move(h));
    while (!options_.api_url.empty() && options_.api_url.back() == '/') options_.api_url.pop_back();
  }

  std::string name() const override { return "daytona"; }
  Capabilities capabilities() const override {
    Capabilities c;
    c.in_place_fields = {"lifetime", "resources", "ports"};
    c.ports = PortPreviews::kDynamic;
    c.persistence = Persistence::kUntilCleanup;  // or until auto-stop
    c.file_ops = true;
    c.images = "image";  // a container image or snapshot:NAME
    c.resources = {"cpu", "memory", "disk"};
    return c;
  }
  Result<Observed> Create(const SandboxRequest& request) override;
  Result<std::optional<Observed>> Observe(const std::string& uid) override;
  Result<std::vector<Observed>> ListOwned() override;
  Status Update(const Observed& current, const SandboxRequest& request) override;
  Status Suspend(const Observed& current) override { return Lifecycle(current, "stop"); }
  Status Resume(const Observed& current) override { return Lifecycle(current, "start"); }
  Status Restart(const Observed& current, const SandboxRequest& request) override;
  Status Delete(const Observed& current) override;
  Result<int> Exec(const Observed& current, const ExecRequest& request, Streams& streams) override;
  Status Logs(const Observed& current, const LogOptions& options, Streams& streams) override;
  Status Attach(const Observed&, Streams&) override {
    return UnsupportedError("daytona: attach is not supported: Sesame runs Daytona sessions without "
                            "stdin (use exec, or the filesystem or docker provider for stdin: true)");
  }
  // The API gives a preview link for any port of a running sandbox.
  Result<std::string> PreviewUrl(const Observed& current, int port) override {
    auto r = Call("GET", "/sandbox/" + http::UrlEncode(current.id) + "/ports/" + std::to_string(port) +
                             "/preview-url");
    if (!r.ok()) return r.status();
    json p = json::parse(r->body, nullptr, false);
    if (!r->ok() || !p.is_object() || Str(p, "url").empty()) {
      return UnavailableError("daytona: no preview link for port " + std::to_string(port));
    }
    return Str(p, "url");
  }
  Result<std::string> ReadFile(const Observed& current, const std::string& path) override {
    auto tb = Toolbox(current);
    if (!tb.ok()) return tb.status();
    return tb->Download(path);
  }
  Status WriteFile(const Observed& current, const std::string& path, const std::string& content) override {
    auto tb = Toolbox(current);
    if (!tb.ok()) return tb.status();
    return tb->Upload(path, content);
  }

 private:
  struct Known {
    std::string toolbox_url;
    bool session_checked = false;
    std::map<int, std::string> previews;
  };

  Status CheckKey() const {
    return options_.api_key.empty() ? http::MissingCredentials("daytona", "DAYTONA_API_KEY") : Status::Ok();
  }
  Result<http::Response> Call(const std::string& method, const std::string& path,
                              const std::string& body = "", bool idempotent = true) {
    http::Request req;
    req.method = method;
    req.url = options_.api_url + path;
    req.body = body;
    req.idempotent = idempotent;
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    return http_->Send(req);
  }
  Status ApiError(const http::Response& r, const std::string& what,
                  const std::vector<std::string>& secrets = {}) const {
    return DaytonaError(*http_, r, what, secrets);
  }
  Result<std::vector<json>> List(const json& labels);
  Result<std::optional<Observed>> Lookup(const std::string& uid);
  Result<Observed> ToObserved(const json& s);
  void Enrich(Observed& o, const json& labels);
  Result<ToolboxClient> Toolbox(const Observed& o);
  Status LaunchSession(const Observed& o, const std::vector<std::string>& command, bool force);
  Status Lifecycle(const Observed& current, const std::string& op);
  json Labels(const SandboxRequest& request) const;

  DaytonaOptions options_;
  std::function<void(Millis)> sleep_;
  std::unique_ptr<http::HttpClient> http_;
  Mutex mu_;
  std::map<std::string, Known> known_ GUARDED_BY(mu_);  // by sandbox id
  http::RecentlyAbsent absent_;
};

Result<std::vector<json>> DaytonaProvider::List(const json& labels) {
  std::vector<json> out;
  std::string cursor;
  for (int page = 0; page < 10000; ++page) {
    std::vector<std::pair<std::string, std::string>> q = {{"labels", labels.dump()}, {"limit", "100"}};
    if (!cursor.empty()) q.emplace_back("cursor", cursor);
    auto r = Call("GET", "/sandbox?" + http::QueryString(q));
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*r, "listing sandboxes");
    json body = json::parse(r->body, nullptr, false);
    if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
      return Malformed("the sandbox list has no items array");
    }
    for (auto& s : body["items"]) {
      std::string state = Str(s, "state");
      if (state == "destroyed" || state == "destroying") continue;
      out.push_back(std::move(s));
    }
    cursor = Str(body, "nextCursor");
    if (cursor.empty()) return out;
  }
  return Malformed("the sandbox list never ends");
}

Result<Observed> DaytonaProvider::ToObserved(const json& s) {
  if (!s.is_object() || Str(s, "id").empty()) return Malformed("a sandbox without id");
  Observed o;
  o.id = Str(s, "id");
  json labels = s.contains("labels") && s["labels"].is_object() ? s["labels"] : json::object();
  o.uid = Str(labels, kUidLabel);
  o.key = {Str(labels, "sesame.kind"), Str(labels, "sesame.namespace"), Str(labels, "sesame.name")};
  if (o.key.kind.empty()) o.key.kind = "Sandbox";
  o.field_hashes = http::DecodeHashes(Str(labels, "sesame.hashes"));
  std::string state = Str(s, "state");
  o.state = StateOf(state);
  o.started_at = ParseTime(Str(s, "createdAt"));
  o.last_activity = ParseTime(Str(s, "lastActivityAt"));
  o.message = "daytona state " + state;
  if (!Str(s, "errorReason").empty()) o.message += ": " + Str(s, "errorReason");
  MutexLock lock(mu_);
  if (!Str(s, "toolboxProxyUrl").empty()) known_[o.id].toolbox_url = Str(s, "toolboxProxyUrl");
  return o;
}

// Preview links (fetched once per port) and a session launch after a
// controller restart; both only while the sandbox runs.
void DaytonaProvider::Enrich(Observed& o, const json& labels) {
  if (o.state != ResourceState::kRunning) return;
  for (int port : http::DecodePorts(Str(labels, "sesame.ports"))) {
    std::string url;
    {
      MutexLock lock(mu_);
      url = known_[o.id].previews[port];
    }
    if (url.empty()) {
      auto r = Call("GET", "/sandbox/" + http::UrlEncode(o.id) + "/ports/" + std::to_string(port) +
                               "/preview-url");
      if (!r.ok() || !r->ok()) continue;
      json p = json::parse(r->body, nullptr, false);
      if (!p.is_object()) continue;
      url = Str(p, "url");
      MutexLock lock(mu_);
      known_[o.id].previews[port] = url;
    }
    if (!url.empty()) o.endpoints.push_back({port, url});
  }
  bool checked;
  {
    MutexLock lock(mu_);
    checked = known_[o.id].session_checked;
  }
  if (checked) return;
  json command = json::parse(Str(labels, "sesame.command"), nullptr, false);
  std::vector<std::string> argv;
  if (command.is_array()) {
    for (const auto& a : command) {
      if (a.is_string()) argv.push_back(a);
    }
  }
  if (argv.empty() || LaunchSession(o, argv, false).ok()) {
    MutexLock lock(mu_);
    known_[o.id].session_checked = true;
  }
}

Result<std::optional<Observed>> DaytonaProvider::Lookup(const std::string& uid) {
  auto list = List(json{{kUidLabel, uid}});
  if (!list.ok()) return list.status();
  for (const auto& s : *list) {
    auto o = ToObserved(s);
    if (!o.ok()) return o.status();
    if (o->uid != uid) continue;
    Enrich(*o, s["labels"]);
    return std::optional<Observed>(std::move(*o));
  }
  return std::optional<Observed>();
}

Result<std::optional<Observed>> DaytonaProvider::Observe(const std::string& uid) {
  if (options_.api_key.empty()) return std::optional<Observed>();
  auto found = Lookup(uid);
  if (found.ok() && !found->has_value()) absent_.Note(uid);
  return found;
}

Result<std::vector<Observed>> DaytonaProvider::ListOwned() {
  if (options_.api_key.empty()) return std::vector<Observed>();
  // Only this installation's: another one using the same account keeps
  // objects this store does not know, which are not orphans.
  json mine = options_.installation.empty() ? json{{kManagedLabel, "true"}}
                                            : json{{kManagedLabel, "true"}, {kInstallationLabel, options_.installation}};
  auto list = List(mine);
  if (!list.ok()) return list.status();
  std::vector<Observed> out;
  for (const auto& s : *list) {
    auto o = ToObserved(s);
    if (!o.ok()) return o.status();
    if (!o->uid.empty()) out.push_back(std::move(*o));
  }
  return out;
}

json DaytonaProvider::Labels(const SandboxRequest& request) const {
  json labels = {{kUidLabel, request.uid},
                 {kManagedLabel, "true"},
                 {"sesame.kind", request.key.kind},
                 {"sesame.namespace", request.key.namespace_},
                 {"sesame.name", request.key.name},
                 {"sesame.hashes", http::EncodeHashes(request.field_hashes)},
                 {"sesame.ports", http::EncodePorts(request.spec.ports)},
                 {"sesame.command", json(request.spec.command).dump()}};
  if (!options_.installation.empty()) labels[kInstallationLabel] = options_.installation;
  auto language = Language(request.spec.runtime);
  if (language.ok() && !language->empty()) labels["code-toolbox-language"] = *language;
  return labels;
}

Result<Observed> DaytonaProvider::Create(const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  const auto& spec = request.spec;
  auto language = Language(spec.runtime);
  if (!language.ok()) return language.status();
  bool from_image = !spec.image.empty() && spec.image.rfind(kSnapshotPrefix, 0) != 0;
  const auto& res = spec.resources;
  if (!from_image && (res.cpu || res.memory || res.disk)) {
    return InvalidError(
        "daytona: spec.resources cannot be set when creating from a snapshot (the API rejects "
        "it): set spec.image to a container image, or drop resources");
  }
  if (!absent_.Take(request.uid)) {
    auto found = Lookup(request.uid);
    if (!found.ok()) return found.status();
    if (found->has_value()) return std::move(**found);
  }
  json env = json::object();
  for (const auto& [k, v] : request.env) env[k] = v;
  std::vector<std::string> secrets = http::SecretValues(request.env);
  json body = {{"env", env}, {"labels", Labels(request)}};
  if (from_image) {
    body["buildInfo"] = {{"dockerfileContent", "FROM " + spec.image + "\n"}};
    if (res.cpu) body["cpu"] = http::CeilCores(*res.cpu);
    if (res.memory) body["memory"] = http::CeilGiB(*res.memory);
    if (res.disk) body["disk"] = http::CeilGiB(*res.disk);
  } else if (!spec.image.empty()) {
    body["snapshot"] = spec.image.substr(std::string(kSnapshotPrefix).size());
  }
  const auto& idle = spec.lifetime.idle_timeout;
  body["autoStopInterval"] =
      idle ? std::max<long>(1, static_cast<long>((idle->value.count() + 59999) / 60000)) : 0;
  if (!options_.target.empty()) body["target"] = options_.target;

  Result<http::Response> r = Status(Code::kInternal, "not sent");
  for (int attempt = 0; attempt < 3; ++attempt) {
    r = Call("POST", "/sandbox", body.dump(), /*idempotent=*/false);
    // No answer: the create may still be running server-side, so a lookup
    // now proves nothing. Give up this round; the next reconcile observes.
    if (!r.ok()) return r.status();
    if (r->status < 500) break;
    auto found = Lookup(request.uid);  // an ambiguous failure: did it happen?
    if (!found.ok()) return found.status();  // unknown outcome: do not send it again
    if (found->has_value()) return std::move(**found);
  }
  if (!r.ok()) return r.status();
  if (!r->ok()) {
    Status s = ApiError(*r, "creating a sandbox", secrets);
    if (r->status == 404) s = Status(Code::kTerminal, s.message()).WithReason("SnapshotNotFound");
    return s;
  }
  json created = json::parse(r->body, nullptr, false);
  if (!created.is_object()) return Malformed("the create response is not a JSON object");
  auto o = ToObserved(created);
  if (!o.ok()) return o.status();
  if (o->state == ResourceState::kRunning && !spec.command.empty()) {
    SESAME_RETURN_IF_ERROR(LaunchSession(*o, spec.command, false));
  } else if (o->state == ResourceState::kRunning || spec.command.empty()) {
    MutexLock lock(mu_);
    known_[o->id].session_checked = true;
  }
  return o;
}

Result<ToolboxClient> DaytonaProvider::Toolbox(const Observed& o) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  std::string url;
  {
    MutexLock lock(mu_);
    url = known_[o.id].toolbox_url;
  }
  if (url.empty()) {
    auto r = Call("GET", "/sandbox/" + http::UrlEncode(o.id));
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*r, "reading sandbox " + o.id);
    json s = json::parse(r->body, nullptr, false);
    if (!s.is_object()) return Malformed("the sandbox is not a JSON object");
    url = Str(s, "toolboxProxyUrl");
    if (url.empty()) return Malformed("the sandbox has no toolboxProxyUrl");
    MutexLock lock(mu_);
    known_[o.id].toolbox_url = url;
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return ToolboxClient(*http_, url + "/" + o.id, options_.poll_interval, sleep_);
}

Status DaytonaProvider::LaunchSession(const Observed& o, const std::vector<std::string>& command,
                                      bool force) {
  auto tb = Toolbox(o);
  if (!tb.ok()) return tb.status();
  std::string script = http::SessionScript(command, force);
  SESAME_RETURN_IF_ERROR(
      tb->Execute("nohup bash -c " + http::ShellQuote(script) + " > /dev/null 2>&1 &"));
  MutexLock lock(mu_);
  known_[o.id].session_checked = true;
  return Status::Ok();
}

Status DaytonaProvider::Update(const Observed& current, const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto changed = [&](const char* f) { return http::FieldChanged(request.field_hashes, current.field_hashes, f); };
  std::string id = http::UrlEncode(current.id);
  if (changed("lifetime")) {
    const auto& idle = request.spec.lifetime.idle_timeout;
    long minutes = idle ? std::max<long>(1, static_cast<long>((idle->value.count() + 59999) / 60000)) : 0;
    auto r = Call("POST", "/sandbox/" + id + "/autostop/" + std::to_string(minutes));
    if (!r.ok()) return r.status();
    if (!r->ok()) return ApiError(*r, "setting auto-stop of " + current.id);
  }
  if (changed("resources")) {
    const auto& res = request.spec.resources;
    bool from_image = !request.spec.image.empty() && request.spec.image.rfind(kSnapshotPrefix, 0) != 0;
    if (!from_image && (res.cpu || res.memory || res.disk)) {
      return InvalidError("daytona: spec.resources cannot be set on a sandbox made from a snapshot");
    }
    json body = json::object();
    if (res.cpu) body["cpu"] = http::CeilCores(*res.cpu);
    if (res.memory) body["memory"] = http::CeilGiB(*res.memory);
    if (res.disk) body["disk"] = http::CeilGiB(*res.disk);
    if (!body.empty()) {
      auto r = Call("POST", "/sandbox/" + id + "/resize", body.dump());
      if (!r.ok()) return r.status();
      if (!r->ok()) return ApiError(*r, "resizing " + current.id + " (disk can only grow)");
    }
  }
  {
    MutexLock lock(mu_);
    known_[current.id].previews.clear();
  }
  // Last: the labels record the fingerprints of what was applied.
  auto r = Call("PUT", "/sandbox/" + id + "/labels", json{{"labels", Labels(request)}}.dump());
  if (!r.ok()) return r.status();
  if (!r->ok()) return ApiError(*r, "updating the labels of " + current.id);
  return Status::Ok();
}

Status DaytonaProvider::Lifecycle(const Observed& current, const std::string& op) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto r = Call("POST", "/sandbox/" + http::UrlEncode(current.id) + "/" + op);
  if (!r.ok()) return r.status();
  if (!r->ok()) return ApiError(*r, (op == "stop" ? "stopping " : "starting ") + current.id);
  if (op == "start") {
    MutexLock lock(mu_);
    known_[current.id].session_checked = true;  // a resumed session is not relaunched
  }
  return Status::Ok();
}

Status DaytonaProvider::Restart(const Observed& current, const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  if (request.spec.command.empty()) return Status::Ok();
  return LaunchSession(current, request.spec.command, true);
}

Status DaytonaProvider::Delete(const Observed& current) {
  SESAME_RETURN_IF_ERROR(CheckKey());
  auto r = Call("DELETE", "/sandbox/" + http::UrlEncode(current.id));
  if (!r.ok()) return r.status();
  if (r->ok() || r->status == 404) {
    MutexLock lock(mu_);
    known_.erase(current.id);
    return Status::Ok();
  }
  return ApiError(*r, "deleting " + current.id);
}

Result<int> DaytonaProvider::Exec(const Observed& current, const ExecRequest& request, Streams& streams) {
  if (request.tty) return UnsupportedError("daytona sandboxes have no terminal for exec -t");
  if (request.stdin_open) {
    return UnsupportedError("daytona: exec with stdin is not supported: Sesame's Daytona client "
                            "polls output only (no stdin)");
  }
  if (request.command.empty()) return InvalidError("daytona: exec needs a command");
  auto tb = Toolbox(current);
  if (!tb.ok()) return tb.status();
  std::string command;
  std::vector<std::string> secrets;
  for (const auto& [k, v] : request.env) {
    command += "export " + k + "=" + http::ShellQuote(v) + "; ";
    secrets.push_back(v);
  }
  command += http::ShellJoin(request.command);
  return tb->Run("bash -lc " + http::ShellQuote(command), streams, request.timeout, secrets);
}

Status DaytonaProvider::Logs(const Observed& current, const LogOptions& options, Streams& streams) {
  if (options.previous) return UnsupportedError("daytona sandboxes keep no previous run's output: logs --previous is not available");
  auto tb = Toolbox(current);
  if (!tb.ok()) return tb.status();
  size_t sent = 0;
  for (bool first = true;; first = false) {
    auto text = tb->Download(http::kSessionLog);
    if (!text.ok() && text.status().code() != Code::kNotFound) return text.status();
    std::string_view out = text.ok() ? std::string_view(*text) : std::string_view();
    if (first && options.tail) sent = http::TailStart(out, *options.tail);
    if (out.size() > sent && streams.on_stdout) streams.on_stdout(out.substr(sent));
    sent = std::max(sent, out.size());
    if (!options.follow) return Status::Ok();
    if (streams.cancelled && streams.cancelled()) return Status::Ok();
    sleep_(options_.poll_interval);
    if (streams.cancelled && streams.cancelled()) return Status::Ok();
  }
}

}  // namespace

DaytonaOptions DaytonaOptionsFromEnv() {
  DaytonaOptions o;
  o.api_key = http::EnvOr("DAYTONA_API_KEY");
  if (!http::EnvOr("DAYTONA_API_URL").empty()) o.api_url = http::EnvOr("DAYTONA_API_URL");
  o.target = http::EnvOr("DAYTONA_TARGET");
  return o;
}

std::unique_ptr<Provider> NewDaytonaProvider(DaytonaOptions options) {
  return std::make_unique<DaytonaProvider>(std::move(options));
}

}  // namespace sesame::providers::daytona
