#include "providers/docker/hardening.h"

#include <cctype>

#include "security/namespace_launch.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

constexpr char kTmpfsOptions[] = "rw,nosuid,nodev";

bool Numeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string LabelOf(const json& labels) {
  if (!labels.is_object()) return "";
  auto it = labels.find(kSecurityLabel);
  return it != labels.end() && it->is_string() ? it->get<std::string>() : "";
}

// True when a bind or mount of `host` already targets `path`.
bool Mounted(const json& host, const std::string& path) {
  if (host.contains("Binds") && host["Binds"].is_array()) {
    for (const auto& b : host["Binds"]) {
      std::string bind = b.is_string() ? b.get<std::string>() : "";
      size_t colon = bind.find(':');
      std::string target = colon == std::string::npos ? "" : bind.substr(colon + 1);
      target = target.substr(0, target.find(':'));
      if (target == path) return true;
    }
  }
  if (host.contains("Mounts") && host["Mounts"].is_array()) {
    for (const auto& m : host["Mounts"]) {
      if (m.is_object() && m.value("Target", "") == path) return true;
    }
  }
  return false;
}

}  // namespace

std::string SecurityLabelFor(const security::SandboxPolicy& policy) {
  if (policy.enabled) return "Enforced";
  return policy.disabled_reason;
}

bool IsHardened(const json& labels) { return LabelOf(labels) == "Enforced"; }

json ContainerLabels(const json& inspect) {
  if (!inspect.is_object() || !inspect.contains("Config") || !inspect["Config"].is_object()) {
    return json::object();
  }
  const json& config = inspect["Config"];
  json labels = config.contains("Labels") ? config["Labels"] : json::object();
  return labels.is_object() ? labels : json::object();
}

std::optional<SecurityReport> SecurityFromLabels(const json& labels) {
  std::string label = LabelOf(labels);
  if (label.empty()) return std::nullopt;
  SecurityReport r;
  r.reason = label;
  if (label == "Enforced") {
    r.enforced = true;
    r.message = "docker: read-only root, no capabilities, no-new-privileges, egress only through "
                "the filtering proxy";
  } else if (label == "DisabledByAdmin") {
    r.message = "sandbox security is turned off by the administrator: the container runs with "
                "Docker's defaults (writable root, default capabilities, unfiltered network)";
  } else {
    r.message = "spec.security.enabled is false: the container runs with Docker's defaults "
                "(writable root, default capabilities, unfiltered network)";
  }
  return r;
}

ImageHome HomeOfImage(const json& image) {
  ImageHome home;
  const json config = image.is_object() && image.contains("Config") && image["Config"].is_object()
                          ? image["Config"]
                          : json::object();
  std::string user = config.value("User", "");
  if (config.contains("Env") && config["Env"].is_array()) {
    for (const auto& e : config["Env"]) {
      std::string var = e.is_string() ? e.get<std::string>() : "";
      if (var.starts_with("HOME=")) home.path = var.substr(5);
    }
  }
  std::string uid = user.substr(0, user.find(':'));
  std::string gid = user.find(':') == std::string::npos ? uid : user.substr(user.find(':') + 1);
  bool root = user.empty() || uid == "root" || uid == "0";
  if (home.path.empty() && root) home.path = "/root";
  if (root) {
    home.tmpfs_options = "mode=0700";
  } else if (Numeric(uid)) {
    home.tmpfs_options = "mode=0700,uid=" + uid + (Numeric(gid) ? ",gid=" + gid : "");
  } else {
    home.tmpfs_options = "mode=1777";
  }
  if (home.path.empty() || home.path[0] != '/' || home.path == "/") home = {};
  return home;
}

json GatedEntrypoint(const json& entrypoint) {
  json out = json::array({"/bin/sh", "-c",
                          std::string("read _ < ") + kGateMountPath + "/gate && exec \"$@\"",
                          "sesame-gate"});
  if (entrypoint.is_array()) {
    for (const auto& arg : entrypoint) out.push_back(arg);
  }
  return out;
}

void ApplySecurity(json& body, const security::SandboxPolicy& policy, const Hardening& hardening) {
  std::string label = SecurityLabelFor(policy);
  if (label.empty()) return;
  if (!body.contains("Labels") || !body["Labels"].is_object()) body["Labels"] = json::object();
  body["Labels"][kSecurityLabel] = label;
  if (!policy.enabled) return;

  json& host = body["HostConfig"];
  if (!host.is_object()) host = json::object();
  host["ReadonlyRootfs"] = true;
  host["CapDrop"] = json::array({"ALL"});
  host["SecurityOpt"] = json::array({"no-new-privileges"});
  host["NetworkMode"] = "none";
  host.erase("PortBindings");  // the guard forwards spec.ports
  json tmpfs = {{"/tmp", std::string(kTmpfsOptions) + ",mode=1777"}};
  const ImageHome& home = hardening.home;
  if (!home.path.empty() && home.path != "/tmp" && !Mounted(host, home.path)) {
    tmpfs[home.path] = std::string(kTmpfsOptions) + "," + home.tmpfs_options;
  }
  host["Tmpfs"] = tmpfs;
  if (!host.contains("Binds") || !host["Binds"].is_array()) host["Binds"] = json::array();
  host["Binds"].push_back(hardening.gate_dir + ":" + kGateMountPath + ":ro");

  if (!body.contains("Env") || !body["Env"].is_array()) body["Env"] = json::array();
  for (const auto& [name, value] : security::SandboxEnvironment(home.path)) {
    if (name == "HOME" && home.path.empty()) continue;  // the image's own
    body["Env"].push_back(name + "=" + value);
  }
  body["Entrypoint"] = GatedEntrypoint(body.value("Entrypoint", json::array()));
}

}  // namespace sesame::providers::docker
