#include "providers/docker/docker_provider.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "common/crash_point.h"
#include "providers/docker/docker_provider_impl.h"
#include "providers/docker/frame_decoder.h"
#include "providers/docker/guard_files.h"
#include "providers/docker/pull_progress.h"
#include "providers/docker/runtime_wrapper.h"
#include "providers/warm.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

constexpr Millis kProgressInterval(2000);

bool Contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// A start failure that will not go away by retrying (a missing command).
bool PermanentStartFailure(const std::string& message) {
  return Contains(message, "executable file not found") || Contains(message, "no such file") ||
         Contains(message, "permission denied") || Contains(message, "not a directory");
}

// The object a hardened sandbox's guard directory belongs to.
std::optional<specs::ObjectKey> GuardKey(const std::string& dir) {
  Result<GuardConfig> config = ReadGuardConfig(GuardPaths{dir});
  return config.ok() ? std::optional<specs::ObjectKey>(config->key) : std::nullopt;
}

std::string StopPath(const std::string& id, Millis grace) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(grace).count();
  return "/containers/" + id + "/stop?t=" + std::to_string(seconds);
}

bool WantsRuntimes(const SandboxRequest& r) { return r.spec.runtimes.mise == "auto"; }

// The sandboxes' runtimes directories (runtime_wrapper.h); stateless.
ContainerRuntimes RuntimesOf(const DockerOptions& o) {
  return ContainerRuntimes(RuntimesRootUnder(o.state_root));
}

WrapperOptions WrapperOptionsFor(const SandboxRequest& r, const DockerOptions& o) {
  return {r.spec.image.empty() ? o.default_image : r.spec.image, o.default_image,
          DefaultImageBuildCommand(o.default_image), r.spec.runtimes.install_dependencies};
}

}  // namespace

std::string DefaultImageBuildCommand(const std::string& image) {
  std::string offline = image == "sesame-sandbox:latest" ? "scripts/build-image" : "scripts/build-image " + image;
  return offline + " (or, with internet access: docker build -t " + image + " images/sesame-sandbox)";
}

std::unique_ptr<Provider> NewDockerProvider(DockerOptions options) {
  return std::make_unique<DockerProvider>(std::move(options));
}

DockerProvider::DockerProvider(DockerOptions options)
    : options_(std::move(options)),
      client_(options_.socket_path, options_.request_timeout),
      state_(options_.state_root),
      violations_(options_.state_root.empty() ? "" : GuardRoot(options_.state_root), GuardKey),
      events_(options_.socket_path, options_.owner) {}

Capabilities DockerProvider::capabilities() const {
  Capabilities c;
  c.in_place_fields = {"resources", "lifetime"};
  // Hardened containers (hardening.h) with the egress guard's proxy.
  c.os_security = true;
  c.violation_monitoring = true;
  c.stdin = true;
  c.ports = PortPreviews::kDynamic;
  c.persistence = Persistence::kVolume;
  c.file_ops = true;
  c.images = "image";
  // disk too where the storage driver allows it (Provisioned says so).
  c.resources = {"cpu", "memory", "pids"};
  return c;
}

Result<json> DockerProvider::CallJson(const HttpRequest& request, const std::string& what) {
  Result<HttpResponse> r = client_.Call(request);
  if (!r.ok()) return r.status();
  SESAME_RETURN_IF_ERROR(StatusFromResponse(*r, what));
  json j = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InternalError(what + ": the engine answered with invalid JSON");
  return j;
}

Status DockerProvider::CallOk(const std::string& method, const std::string& path,
                              const std::string& what, const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.path = path;
  request.body = body;
  Result<HttpResponse> r = client_.Call(request);
  if (!r.ok()) return r.status();
  return StatusFromResponse(*r, what);
}

Result<std::vector<json>> DockerProvider::FindByUid(const std::string& uid) {
  HttpRequest list;
  list.path = "/containers/json?all=1&filters=" + OwnedFilter(uid);
  Result<json> found = CallJson(list, "listing containers");
  if (!found.ok()) return found.status();
  std::vector<json> out(found->begin(), found->end());
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a.value("Created", int64_t{0}) > b.value("Created", int64_t{0});
  });
  return out;
}

Result<json> DockerProvider::Inspect(const std::string& id) {
  HttpRequest inspect;
  inspect.path = "/containers/" + id + "/json";
  return CallJson(inspect, "inspecting container " + id.substr(0, 12));
}

Result<std::string> DockerProvider::IdOf(const Observed& current) {
  if (!current.id.empty()) return current.id;
  Result<std::vector<json>> found = FindByUid(current.uid);
  if (!found.ok()) return found.status();
  if (found->empty()) return NotFoundError("no container for uid " + current.uid);
  return found->front().value("Id", "");
}

Result<Observed> DockerProvider::ObserveContainer(const std::string& id, bool with_activity) {
  Result<json> inspect = Inspect(id);
  if (!inspect.ok()) return inspect.status();
  Observed o = ObservedFromInspect(*inspect);
  const json& config = (*inspect)["Config"];
  json labels = config.is_object() ? config.value("Labels", json::object()) : json::object();
  if (!labels.is_object()) labels = json::object();
  Limits applied = ParseLimitsJson(labels.value(kLimitsLabel, ""));
  std::optional<ContainerRecord> record = state_.Get(o.uid, o.id);
  if (record) {
    for (const auto& [field, hash] : record->field_hashes) o.field_hashes[field] = hash;
    if (record->claimed_by) {  // a warm container running a claim's session
      o.field_hashes.erase(kWarmHashKey);
      o.key = *record->claimed_by;
    }
    if (!record->applied_resources.empty()) applied = ParseLimitsJson(record->applied_resources);
    o.last_activity = record->last_activity;
  }
  Limits actual = LimitsOfHostConfig((*inspect)["HostConfig"]);
  if (actual != applied) {
    // Someone ran `docker update`: report a hash no spec has, so the
    // controller applies the spec's limits again.
    o.field_hashes["resources"] = "changed-out-of-band";
    o.message += (o.message.empty() ? "" : "; ") + std::string("limits changed out of band");
  }
  ObserveSecurity(*inspect, o);
  ApplyRuntimeReport(RuntimesOf(options_).Report(o.uid), o);
  if (with_activity && o.state == ResourceState::kRunning) {
    std::optional<Time> output = LastOutput(id);
    if (output && (!o.last_activity || *output > *o.last_activity)) o.last_activity = output;
  }
  return o;
}

std::optional<Time> DockerProvider::LastOutput(const std::string& id) {
  HttpRequest logs;
  logs.path = "/containers/" + id + "/logs?stdout=1&stderr=1&tail=1&timestamps=1";
  Result<HttpResponse> r = client_.Call(logs);
  if (!r.ok() || r->status != 200) return std::nullopt;
  std::optional<Time> last;
  FrameDecoder decoder;
  decoder.Feed(r->body, [&last](StreamType, std::string_view payload) {
    size_t space = payload.find(' ');
    if (space == std::string_view::npos) return;
    std::optional<Time> t = ParseTime(payload.substr(0, space));
    if (t && (!last || *t > *last)) last = t;
  });
  return last;
}

void DockerProvider::TouchActivity(const std::string& uid, const std::string& id) {
  ContainerRecord record = state_.Get(uid, id).value_or(ContainerRecord{});
  record.container_id = id;
  record.last_activity = options_.clock->Now();
  (void)state_.Put(uid, record);  // best effort: activity is a hint
}

namespace {

// A container made but never started: its creator was killed between
// create and start, and nothing else starts it. Seen as absent, so the
// reconciler creates the sandbox, and Create finds it by uid and starts it
// (instead of waiting for it to come up forever).
bool NeverStarted(const Observed& o) { return o.state == ResourceState::kCreating && !o.started_at; }

}  // namespace

Result<std::optional<Observed>> DockerProvider::Observe(const std::string& uid) {
  std::string cached;
  {
    MutexLock lock(mutex_);
    auto it = ids_.find(uid);
    if (it != ids_.end()) cached = it->second;
  }
  if (!cached.empty()) {
    Result<Observed> o = ObserveContainer(cached, /*with_activity=*/true);
    if (o.ok() && o->uid == uid) {
      return NeverStarted(*o) ? std::optional<Observed>() : std::optional<Observed>(*std::move(o));
    }
    if (!o.ok() && o.status().code() != Code::kNotFound) return o.status();
  }
  Result<std::vector<json>> found = FindByUid(uid);
  if (!found.ok()) return found.status();
  if (found->empty()) {
    MutexLock lock(mutex_);
    ids_.erase(uid);
    return std::optional<Observed>();
  }
  std::string id = found->front().value("Id", "");
  Result<Observed> o = ObserveContainer(id, /*with_activity=*/true);
  if (!o.ok()) {
    if (o.status().code() == Code::kNotFound) return std::optional<Observed>();
    return o.status();
  }
  if (NeverStarted(*o)) return std::optional<Observed>();
  if (found->size() > 1) {
    o->message += (o->message.empty() ? "" : "; ") + std::to_string(found->size()) +
                  " containers carry this uid";
  }
  MutexLock lock(mutex_);
  ids_[uid] = id;
  return std::optional<Observed>(*std::move(o));
}

Result<std::vector<Observed>> DockerProvider::ListOwned() {
  HttpRequest list;
  list.path = "/containers/json?all=1&filters=" + OwnedFilter("", options_.owner);
  Result<json> found = CallJson(list, "listing containers");
  if (!found.ok()) return found.status();
  std::vector<Observed> out;
  std::set<std::string> uids;
  for (const json& summary : *found) {
    out.push_back(ObservedFromSummary(summary));
    uids.insert(out.back().uid);
  }
  // Volumes whose container is gone (deletionPolicy Orphan, or removed
  // out of band) are owned too, so their orphans are collected.
  Result<std::vector<Observed>> volumes = OwnedVolumes();
  if (!volumes.ok()) return volumes.status();
  for (Observed& v : *volumes) {
    if (uids.insert(v.uid).second) out.push_back(std::move(v));
  }
  return out;
}

Result<Observed> DockerProvider::Create(const SandboxRequest& request) {
  if (request.uid.empty()) return InvalidError("a docker sandbox needs the object's uid");
  if (request.policy.enabled) SESAME_RETURN_IF_ERROR(PrepareGuard(request));
  Result<std::vector<json>> existing = FindByUid(request.uid);
  if (!existing.ok()) return existing.status();
  std::string id;
  if (!existing->empty()) {
    // Adopt: a controller killed after the create must not make a second one.
    id = existing->front().value("Id", "");
    if (existing->front().value("State", "") == "created") {
      SESAME_RETURN_IF_ERROR(StartContainer(id));  // its guard too
    } else {
      SESAME_RETURN_IF_ERROR(EnsureGuardOf(id));  // a guard lost with the controller
    }
  } else {
    std::string image = request.spec.image.empty() ? options_.default_image : request.spec.image;
    Result<json> image_json = EnsureImage(image, request.uid);
    if (!image_json.ok()) return image_json.status();
    SESAME_RETURN_IF_ERROR(EnsureVolume(request));
    if (!request.workspace_dir.empty()) {
      std::error_code ec;  // the engine creates it otherwise, owned by root
      std::filesystem::create_directories(request.workspace_dir, ec);
    }
    Result<std::string> created = CreateContainer(request, image, *image_json);
    if (!created.ok()) return created.status();
    id = *created;
    CrashPoint("docker.after-create");
    SESAME_RETURN_IF_ERROR(StartContainer(id));  // its guard too
  }
  {
    MutexLock lock(mutex_);
    ids_[request.uid] = id;
  }
  return ObserveContainer(id, /*with_activity=*/false);
}

Result<json> DockerProvider::EnsureImage(const std::string& image, const std::string& uid) {
  HttpRequest inspect;
  inspect.path = "/images/" + image + "/json";
  Result<HttpResponse> r = client_.Call(inspect);
  if (!r.ok()) return r.status();
  if (r->status == 200) {
    json j = json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return InternalError("inspecting image " + image + ": malformed answer");
    return j;
  }
  if (r->status != 404) return StatusFromResponse(*r, "inspecting image " + image);
  if (image == options_.default_image) {
    return TerminalError("the default image " + image + " is not on this host; build it with: " +
                         DefaultImageBuildCommand(image))
        .WithReason("ImageNotFound");
  }
  if (!options_.pull_missing_images) {
    return TerminalError("image \"" + image + "\" is not on this host (pulling is off)")
        .WithReason("ImageNotFound");
  }
  SESAME_RETURN_IF_ERROR(Pull(image, uid));
  return CallJson(inspect, "inspecting image " + image);
}

Status DockerProvider::Pull(const std::string& image, const std::string& uid) {
  ImageRef ref = ParseImageRef(image);
  HttpRequest pull;
  pull.method = "POST";
  pull.path = "/images/create?fromImage=" + UrlEncode(ref.name);
  if (!ref.tag.empty()) pull.path += "&tag=" + UrlEncode(ref.tag);
  Progress(uid, "Pulling", "pulling image " + image);
  PullProgress progress;
  auto last = std::chrono::steady_clock::now();
  Result<HttpResponse> r = client_.Stream(
      pull,
      [&](std::string_view data) {
        progress.Feed(data);
        auto now = std::chrono::steady_clock::now();
        if (now - last >= kProgressInterval && !progress.Summary().empty()) {
          last = now;
          Progress(uid, "Pulling", "pulling image " + image + ": " + progress.Summary());
        }
        return true;
      },
      [] { return false; });
  if (!r.ok()) return r.status();
  if (r->status != 200) return PullFailure(image, EngineMessage(r->body));
  if (progress.error()) return PullFailure(image, *progress.error());
  Progress(uid, "Pulled", "pulled image " + image);
  return Status::Ok();
}

Result<std::string> DockerProvider::CreateContainer(const SandboxRequest& request,
                                                    const std::string& image,
                                                    const json& image_inspect) {
  CreateParams params;
  params.image = image;
  params.volume_mount_path = options_.volume_mount_path;
  params.owner = options_.owner;
  Hardening hardening = HardeningFor(request, image_inspect);
  if (WantsRuntimes(request)) {  // the image's PATH and MISE_DATA_DIR
    Result<RuntimeMounts> runtime = RuntimesOf(options_).Prepare(
        request, WrapperOptionsFor(request, options_), ImageEnv(image_inspect));
    if (!runtime.ok()) return runtime.status();
    params.runtime_binds = runtime->binds;
    params.runtime_env = runtime->env;
    params.runtime_wrapper = runtime->wrapper;
  }
  {
    MutexLock lock(mutex_);
    params.disk_limit = disk_limit_supported_;
    if (request.spec.resources.disk && !disk_limit_supported_) params.disk_note = disk_note_;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    HttpRequest create;
    create.method = "POST";
    create.path = "/containers/create?name=" + UrlEncode(ContainerName(request));
    json body = CreateBody(request, params);
    ApplySecurity(body, request.policy, hardening);
    create.body = body.dump();
    Result<HttpResponse> r = client_.Call(create);
    if (!r.ok()) return r.status();
    if (r->status == 201) {
      json j = json::parse(r->body, nullptr, false);
      if (j.is_object() && j.contains("Id")) return j["Id"].get<std::string>();
      return InternalError("container create: no Id in the answer");
    }
    std::string message = EngineMessage(r->body);
    if (Contains(message, "storage-opt") || Contains(message, "StorageOpt")) {
      MutexLock lock(mutex_);
      disk_limit_supported_ = false;
      disk_note_ = "disk limit not applied: the storage driver refused it (" + message + ")";
      params.disk_limit = false;
      params.disk_note = disk_note_;
      continue;
    }
    if (r->status == 404 && Contains(message, "image")) {
      SESAME_RETURN_IF_ERROR(EnsureImage(image, request.uid).status());  // removed since the check
      continue;
    }
    if (r->status == 409) {  // our name: a concurrent or earlier create of this uid
      Result<std::vector<json>> found = FindByUid(request.uid);
      if (found.ok() && !found->empty()) return found->front().value("Id", "");
    }
    return StatusFromResponse(*r, "creating the container for " + request.key.namespace_ + "/" +
                                      request.key.name);
  }
  return InternalError("container create: gave up after retries");
}

Status DockerProvider::StartContainer(const std::string& id) {
  HttpRequest start;
  start.method = "POST";
  start.path = "/containers/" + id + "/start";
  Result<HttpResponse> r = client_.Call(start);
  if (!r.ok()) return r.status();
  Status s = StatusFromResponse(*r, "starting the container");
  if (!s.ok() && PermanentStartFailure(s.message())) {
    return TerminalError(s.message()).WithReason("StartFailed");
  }
  if (!s.ok()) return s;
  // A hardened container waits at its gate for a guard in its new network
  // namespace.
  return EnsureGuardOf(id);
}

Result<HostFacts> DockerProvider::Facts() {
  {
    MutexLock lock(mutex_);
    if (facts_) return *facts_;
  }
  HttpRequest info;
  info.path = "/info";
  Result<json> j = CallJson(info, "reading engine info");
  if (!j.ok()) return j.status();
  HostFacts f{j->value("MemTotal", int64_t{0}), j->value("NCPU", int64_t{0})};
  MutexLock lock(mutex_);
  facts_ = f;
  return f;
}

Status DockerProvider::Update(const Observed& current, const SandboxRequest& request) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<HostFacts> facts = Facts();
  if (!facts.ok()) return facts.status();
  UpdatePlan plan = PlanUpdate(LimitsFor(request.spec.resources), *facts);
  SESAME_RETURN_IF_ERROR(CallOk("POST", "/containers/" + *id + "/update",
                                "updating the container's limits", plan.body.dump()));
  ContainerRecord record = state_.Get(request.uid, *id).value_or(ContainerRecord{});
  record.container_id = *id;
  record.applied_resources = LimitsJson(plan.applied);
  for (const char* field : {"resources", "lifetime"}) {
    auto it = request.field_hashes.find(field);
    if (it != request.field_hashes.end()) record.field_hashes[field] = it->second;
  }
  return state_.Put(request.uid, record);
}

Status DockerProvider::Suspend(const Observed& current) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<json> inspect = Inspect(*id);
  if (!inspect.ok()) return inspect.status();
  std::string status = (*inspect)["State"].value("Status", "");
  if (status == "paused") return Status::Ok();
  if (status != "running") {
    return TerminalError("cannot suspend: the container is " + status + ", not running");
  }
  return CallOk("POST", "/containers/" + *id + "/pause", "pausing the container");
}

Status DockerProvider::Resume(const Observed& current) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<json> inspect = Inspect(*id);
  if (!inspect.ok()) return inspect.status();
  std::string status = (*inspect)["State"].value("Status", "");
  if (status == "paused") return CallOk("POST", "/containers/" + *id + "/unpause", "unpausing");
  if (status == "running") return Status::Ok();
  return StartContainer(*id);
}

Status DockerProvider::Restart(const Observed& current, const SandboxRequest& request) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<json> inspect = Inspect(*id);
  if (!inspect.ok()) return inspect.status();
  // A pool's container would wait for its session again: made anew.
  if ((*inspect)["Config"].value("StdinOnce", false)) return Remake(current, request);
  std::string status = (*inspect)["State"].value("Status", "");
  if (status == "paused") SESAME_RETURN_IF_ERROR(CallOk("POST", "/containers/" + *id + "/unpause", "unpausing"));
  if (status == "running" || status == "paused") {
    SESAME_RETURN_IF_ERROR(CallOk("POST", StopPath(*id, options_.stop_timeout), "stopping"));
  }
  MarkRunEnded(current.uid, *id);
  if (request.policy.enabled && IsHardened(ContainerLabels(*inspect))) {
    SESAME_RETURN_IF_ERROR(PrepareGuard(request));  // the policy as it is now
  }
  if (WantsRuntimes(request)) {  // the wrapper follows the workspace as it is now
    Result<RuntimeMounts> runtime =
        RuntimesOf(options_).Prepare(request, WrapperOptionsFor(request, options_), {});
    if (!runtime.ok()) return runtime.status();
  }
  Status started = StartContainer(*id);
  // A start that the engine's own shutdown cut short can leave containerd
  // with the container's old task ("task ...: already exists") or its
  // bundle directory ("failed to start shim: mkdir ...: file exists"), and
  // the engine then refuses every start of that container for good. A new
  // container is the way out; the reconciler's event names both.
  if (!started.ok() && (Contains(started.message(), "already exists") ||
                        Contains(started.message(), "file exists"))) {
    return Remake(current, request);
  }
  return started;
}

Status DockerProvider::Delete(const Observed& current) {
  std::vector<std::string> ids;
  if (!current.id.empty() && !IsVolumeId(current.id)) ids.push_back(current.id);
  if (!current.uid.empty()) {
    Result<std::vector<json>> found = FindByUid(current.uid);
    if (!found.ok()) return found.status();
    for (const json& c : *found) {
      std::string id = c.value("Id", "");
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  for (const std::string& id : ids) {
    Result<json> inspect = Inspect(id);
    if (!inspect.ok() && inspect.status().code() == Code::kNotFound) continue;
    if (!inspect.ok()) return inspect.status();
    std::string status = (*inspect)["State"].value("Status", "");
    if (status == "paused") (void)CallOk("POST", "/containers/" + id + "/unpause", "unpausing");
    if (status == "running" || status == "paused") {
      Status stopped = CallOk("POST", StopPath(id, options_.stop_timeout), "stopping");
      if (!stopped.ok() && stopped.code() != Code::kNotFound) return stopped;
    }
    Status removed = CallOk("DELETE", "/containers/" + id + "?force=1&v=1", "removing the container");
    if (!removed.ok() && removed.code() != Code::kNotFound &&
        !Contains(removed.message(), "already in progress")) {
      return removed;
    }
  }
  if (!current.uid.empty()) {
    ForgetSecurity(current.uid);
    RuntimesOf(options_).Remove(current.uid);
    state_.Remove(current.uid);
    MutexLock lock(mutex_);
    ids_.erase(current.uid);
  }
  return Status::Ok();
}

void DockerProvider::Progress(const std::string& uid, const std::string& reason,
                              const std::string& message) {
  if (options_.on_progress) options_.on_progress(uid, reason, message);
}

}  // namespace sesame::providers::docker
