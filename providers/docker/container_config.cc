#include "providers/docker/container_config.h"

#include <algorithm>
#include <cstdlib>

#include "providers/docker/engine_client.h"
#include "providers/docker/warm_session.h"
#include "providers/warm.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return 0;
  return std::max<int64_t>(0, it->get<int64_t>());
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Label(const json& labels, const char* key) {
  return labels.is_object() ? Str(labels, key) : "";
}

// Fills uid, key and field hashes from a container's labels.
void FromLabels(const json& labels, Observed& o) {
  o.uid = Label(labels, kUidLabel);
  o.key.kind = Label(labels, kKindLabel);
  if (o.key.kind.empty()) o.key.kind = "Sandbox";
  o.key.namespace_ = Label(labels, kNamespaceLabel);
  o.key.name = Label(labels, kNameLabel);
  json hashes = json::parse(Label(labels, kHashesLabel), nullptr, /*allow_exceptions=*/false);
  if (hashes.is_object()) {
    for (auto& [k, v] : hashes.items()) {
      if (v.is_string()) o.field_hashes[k] = v.get<std::string>();
    }
  }
}

std::optional<Time> EngineTime(const std::string& text) {
  if (text.empty() || text.starts_with("0001-01-01")) return std::nullopt;
  return ParseTime(text);
}

void AppendMessage(std::string& message, const std::string& more) {
  if (more.empty()) return;
  message += (message.empty() ? "" : "; ") + more;
}

ResourceState StateOf(const std::string& status) {
  if (status == "running") return ResourceState::kRunning;
  if (status == "paused") return ResourceState::kSuspended;
  if (status == "created" || status == "restarting") return ResourceState::kCreating;
  if (status == "exited" || status == "dead" || status == "removing") return ResourceState::kExited;
  return ResourceState::kUnknown;
}

specs::Endpoint EndpointFor(int port, const std::string& host_port) {
  return {port, "http://127.0.0.1:" + host_port};
}

}  // namespace

Limits LimitsFor(const specs::Resources& r) {
  Limits l;
  if (r.memory) l.memory = r.memory->Value();
  if (r.cpu) l.nano_cpus = r.cpu->milli * 1000000;
  if (r.pids) l.pids = std::max<int64_t>(0, *r.pids);
  return l;
}

std::string LimitsJson(const Limits& l) {
  return json{{"memory", l.memory}, {"nanoCpus", l.nano_cpus}, {"pids", l.pids}}.dump();
}

Limits ParseLimitsJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return {};
  return {Int(j, "memory"), Int(j, "nanoCpus"), Int(j, "pids")};
}

Limits LimitsOfHostConfig(const json& hc) {
  if (!hc.is_object()) return {};
  return {Int(hc, "Memory"), Int(hc, "NanoCpus"), Int(hc, "PidsLimit")};
}

UpdatePlan PlanUpdate(const Limits& want, const HostFacts& host) {
  UpdatePlan plan;
  plan.applied = want;
  if (want.memory == 0) plan.applied.memory = host.memory_bytes;
  if (want.nano_cpus == 0) plan.applied.nano_cpus = host.cpus * 1000000000;
  plan.body = json::object();
  if (plan.applied.memory > 0) {
    plan.body["Memory"] = plan.applied.memory;
    // Equal to Memory (no swap on top); -1 would be refused by cgroup v1
    // when the old swap limit is below the new memory limit.
    plan.body["MemorySwap"] = plan.applied.memory;
  }
  if (plan.applied.nano_cpus > 0) plan.body["NanoCpus"] = plan.applied.nano_cpus;
  plan.body["PidsLimit"] = want.pids > 0 ? want.pids : -1;
  return plan;
}

std::string ContainerName(const SandboxRequest& r) {
  std::string uid8 = r.uid.substr(0, 8);
  return "sesame-" + r.key.namespace_ + "-" + r.key.name + "-" + uid8;
}

std::string VolumeName(const SandboxRequest& r) {
  if (r.spec.persistence.volume.empty()) return "";
  return "sesame-" + r.key.namespace_ + "-" + r.spec.persistence.volume + "-" + r.uid;
}

json OwnerLabels(const SandboxRequest& r, const std::string& owner) {
  json labels = {{kUidLabel, r.uid},
                 {kKindLabel, r.key.kind.empty() ? "Sandbox" : r.key.kind},
                 {kNamespaceLabel, r.key.namespace_},
                 {kNameLabel, r.key.name}};
  if (!owner.empty()) labels[kOwnerLabel] = owner;
  return labels;
}

bool IsWarmContainer(const SandboxRequest& r) { return IsWarm(r.field_hashes) && r.spec.command.empty(); }

json CreateBody(const SandboxRequest& r, const CreateParams& params) {
  const specs::SandboxSpec& spec = r.spec;
  Limits limits = LimitsFor(spec.resources);
  json labels = OwnerLabels(r, params.owner);
  labels[kHashesLabel] = json(r.field_hashes).dump();
  labels[kLimitsLabel] = LimitsJson(limits);
  if (!params.disk_note.empty()) labels[kDiskLabel] = params.disk_note;

  json env = json(params.runtime_env);  // first: the spec's own variables win
  for (const auto& [name, value] : r.env) env.push_back(name + "=" + value);
  std::vector<std::string> command = params.runtime_wrapper;
  bool warm = IsWarmContainer(r);
  if (warm) {
    command.insert(command.end(), {"/bin/sh", "-c", kSessionWaiter, "sesame-warm"});
  } else if (spec.command.empty()) {
    command.insert(command.end(), {"sleep", "infinity"});
  } else {
    command.insert(command.end(), spec.command.begin(), spec.command.end());
  }
  json entrypoint = command;

  json host = {{"Init", true}, {"RestartPolicy", {{"Name", "no"}}}};
  if (limits.memory > 0) {
    host["Memory"] = limits.memory;
    host["MemorySwap"] = limits.memory;
  }
  if (limits.nano_cpus > 0) host["NanoCpus"] = limits.nano_cpus;
  if (limits.pids > 0) host["PidsLimit"] = limits.pids;
  if (spec.resources.disk && params.disk_limit) {
    host["StorageOpt"] = {{"size", std::to_string(spec.resources.disk->Value())}};
  }
  json exposed = json::object(), bindings = json::object();
  for (int port : spec.ports) {
    std::string key = std::to_string(port) + "/tcp";
    exposed[key] = json::object();
    bindings[key] = json::array({{{"HostIp", "127.0.0.1"}, {"HostPort", ""}}});
  }
  if (!bindings.empty()) host["PortBindings"] = bindings;
  json binds = json::array();
  if (!r.workspace_dir.empty()) binds.push_back(r.workspace_dir + ":" + spec.workspace.mount_path);
  for (const std::string& b : params.runtime_binds) binds.push_back(b);
  if (!binds.empty()) host["Binds"] = binds;
  if (!spec.persistence.volume.empty()) {
    host["Mounts"] = json::array({{{"Type", "volume"},
                                   {"Source", VolumeName(r)},
                                   {"Target", params.volume_mount_path}}});
  }

  json body = {{"Image", params.image},   {"Entrypoint", entrypoint}, {"Env", env},
               {"Labels", labels},        {"Tty", false},             {"OpenStdin", spec.stdin_open || warm},
               {"StdinOnce", warm},      {"AttachStdin", false},     {"HostConfig", host},
               {"Hostname", r.key.name.substr(0, 63)}};
  if (!exposed.empty()) body["ExposedPorts"] = exposed;
  if (!r.workspace_dir.empty()) body["WorkingDir"] = spec.workspace.mount_path;
  return body;
}

Observed ObservedFromInspect(const json& inspect) {
  Observed o;
  o.id = Str(inspect, "Id");
  const json& config = inspect.contains("Config") ? inspect["Config"] : json::object();
  FromLabels(config.is_object() ? config.value("Labels", json::object()) : json::object(), o);
  const json& state = inspect.contains("State") ? inspect["State"] : json::object();
  std::string status = Str(state, "Status");
  o.state = StateOf(status);
  o.started_at = EngineTime(Str(state, "StartedAt"));
  if (o.state == ResourceState::kExited) {
    int code = static_cast<int>(state.value("ExitCode", 0));
    o.exit_code = code;
    o.finished_at = EngineTime(Str(state, "FinishedAt"));
    o.message = "exited with code " + std::to_string(code);
    if (state.value("OOMKilled", false)) AppendMessage(o.message, "killed: out of memory");
    AppendMessage(o.message, Str(state, "Error"));
  } else if (o.state == ResourceState::kSuspended) {
    o.message = "paused";
  } else if (o.state == ResourceState::kCreating) {
    o.message = "container " + status;
  }
  if (config.is_object()) {
    AppendMessage(o.message, Label(config.value("Labels", json::object()), kDiskLabel));
  }
  const json& net = inspect.contains("NetworkSettings") ? inspect["NetworkSettings"] : json::object();
  if (net.is_object() && net.contains("Ports") && net["Ports"].is_object()) {
    for (auto& [key, bindings] : net["Ports"].items()) {
      if (!bindings.is_array() || bindings.empty() || !key.ends_with("/tcp")) continue;
      std::string host_port = Str(bindings[0], "HostPort");
      if (!host_port.empty()) o.endpoints.push_back(EndpointFor(std::atoi(key.c_str()), host_port));
    }
  }
  std::sort(o.endpoints.begin(), o.endpoints.end(),
            [](const auto& a, const auto& b) { return a.port < b.port; });
  return o;
}

Observed ObservedFromSummary(const json& summary) {
  Observed o;
  o.id = Str(summary, "Id");
  FromLabels(summary.value("Labels", json::object()), o);
  o.state = StateOf(Str(summary, "State"));
  std::string status = Str(summary, "Status");  // "Exited (3) 5 seconds ago"
  if (o.state == ResourceState::kExited) {
    size_t open = status.find('(');
    o.exit_code = open == std::string::npos ? -1 : std::atoi(status.c_str() + open + 1);
    o.message = "exited with code " + std::to_string(*o.exit_code);
  }
  if (summary.contains("Ports") && summary["Ports"].is_array()) {
    for (const auto& p : summary["Ports"]) {
      int public_port = static_cast<int>(p.value("PublicPort", 0));
      if (public_port == 0 || Str(p, "Type") != "tcp") continue;
      o.endpoints.push_back(EndpointFor(static_cast<int>(p.value("PrivatePort", 0)),
                                        std::to_string(public_port)));
    }
  }
  std::sort(o.endpoints.begin(), o.endpoints.end(),
            [](const auto& a, const auto& b) { return a.port < b.port; });
  return o;
}

std::string OwnedFilter(const std::string& uid, const std::string& owner) {
  std::string label = uid.empty() ? std::string(kUidLabel) : std::string(kUidLabel) + "=" + uid;
  json labels = json::array({label});
  if (!owner.empty()) labels.push_back(std::string(kOwnerLabel) + "=" + owner);
  return UrlEncode(json{{"label", labels}}.dump());
}

}  // namespace sesame::providers::docker
