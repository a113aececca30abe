// Typed specs and statuses <-> JSON. Decoding trusts nothing: stored text
// may come from an older version, so every mismatch is an error, not a crash.

#include "specs/codec.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "specs/object_json.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

// Thrown inside the decoders and turned into a Status at their edge.
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string Str(const json& j, const char* key, std::string fallback = "") {
  return j.contains(key) ? j.at(key).get<std::string>() : fallback;
}

template <typename T>
std::optional<T> Opt(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<T>();
}

const json& Sub(const json& j, const char* key) {
  static const json kEmpty = json::object();
  return j.contains(key) ? j.at(key) : kEmpty;
}

std::optional<Quantity> QuantityField(const json& j, const char* key) {
  auto text = Opt<std::string>(j, key);
  if (!text) return std::nullopt;
  auto q = ParseQuantity(*text);
  if (!q.ok()) throw DecodeError(std::string(key) + ": " + q.status().message());
  return *q;
}

std::optional<Duration> DurationField(const json& j, const char* key) {
  auto text = Opt<std::string>(j, key);
  if (!text) return std::nullopt;
  auto d = ParseDuration(*text);
  if (!d.ok()) throw DecodeError(std::string(key) + ": " + d.status().message());
  return *d;
}

std::optional<Time> TimeField(const json& j, const char* key) {
  auto text = Opt<std::string>(j, key);
  if (!text) return std::nullopt;
  auto t = ParseTime(*text);
  if (!t) throw DecodeError(std::string(key) + ": \"" + *text + "\" is not an RFC 3339 time");
  return t;
}

RestartPolicy ParseRestartPolicy(const std::string& s) {
  if (s == "Never") return RestartPolicy::kNever;
  if (s == "OnFailure") return RestartPolicy::kOnFailure;
  if (s == "Always") return RestartPolicy::kAlways;
  throw DecodeError("restartPolicy: \"" + s + "\" is not one of Never, OnFailure, Always");
}

DeletionPolicy ParseDeletionPolicy(const std::string& s) {
  if (s == "Delete") return DeletionPolicy::kDelete;
  if (s == "Orphan") return DeletionPolicy::kOrphan;
  throw DecodeError("deletionPolicy: \"" + s + "\" is not one of Delete, Orphan");
}

std::vector<EnvVar> DecodeEnv(const json& list) {
  std::vector<EnvVar> env;
  for (const json& e : list) {
    EnvVar var;
    var.name = e.at("name").get<std::string>();
    var.value = Opt<std::string>(e, "value");
    var.host_env = Opt<std::string>(Sub(e, "valueFrom"), "hostEnv");
    env.push_back(std::move(var));
  }
  return env;
}

SecuritySpec DecodeSecurity(const json& j) {
  SecuritySpec s;
  s.enabled = Opt<bool>(j, "enabled");
  const json& fs = Sub(j, "filesystem");
  s.filesystem.allow_write = fs.value("allowWrite", std::vector<std::string>{});
  s.filesystem.deny_read = fs.value("denyRead", std::vector<std::string>{});
  s.filesystem.deny_write = fs.value("denyWrite", std::vector<std::string>{});
  const json& net = Sub(j, "network");
  s.network.allowed_domains = net.value("allowedDomains", std::vector<std::string>{});
  s.network.denied_domains = net.value("deniedDomains", std::vector<std::string>{});
  return s;
}

SandboxSpec DecodeSpecJson(const json& j) {
  if (!j.is_object()) throw DecodeError("the spec is not an object");
  SandboxSpec s;
  s.provider = Str(j, "provider", s.provider);
  s.template_ref = Str(j, "templateRef");
  s.image = Str(j, "image");
  s.runtime = Str(j, "runtime");
  s.agent = Str(j, "agent");
  s.workspace.path = Str(Sub(j, "workspace"), "path");
  s.workspace.mount_path = Str(Sub(j, "workspace"), "mountPath", s.workspace.mount_path);
  s.command = j.value("command", std::vector<std::string>{});
  s.env = DecodeEnv(Sub(j, "env").is_array() ? j.at("env") : json::array());
  s.stdin_open = j.value("stdin", false);
  s.ports = j.value("ports", std::vector<int>{});
  const json& res = Sub(j, "resources");
  s.resources = {QuantityField(res, "cpu"), QuantityField(res, "memory"),
                 QuantityField(res, "disk"), Opt<int64_t>(res, "pids")};
  const json& life = Sub(j, "lifetime");
  s.lifetime = {DurationField(life, "ttl"), DurationField(life, "idleTimeout"),
                TimeField(life, "expiresAt")};
  s.restart_policy = ParseRestartPolicy(Str(j, "restartPolicy", "Never"));
  s.suspend = j.value("suspend", false);
  s.persistence.volume = Str(Sub(j, "persistence"), "volume");
  s.runtimes.mise = Str(Sub(j, "runtimes"), "mise", s.runtimes.mise);
  s.runtimes.install_dependencies = Sub(j, "runtimes").value("installDependencies", true);
  s.security = DecodeSecurity(Sub(j, "security"));
  s.deletion_policy = ParseDeletionPolicy(Str(j, "deletionPolicy", "Delete"));
  return s;
}

// Runs a decoder, turning every exception into an Invalid status.
template <typename T, typename F>
Result<T> Guarded(std::string_view text, const char* what, F decode) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidError(std::string(what) + " is not valid JSON");
  try {
    return decode(j);
  } catch (const std::exception& e) {
    return InvalidError(std::string(what) + ": " + e.what());
  }
}

void PutIfNotEmpty(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

void PutIfNotEmpty(json& j, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) j[key] = value;
}

void PutIfNotEmpty(json& j, const char* key, json value) {
  if (!value.empty()) j[key] = std::move(value);
}

json EncodeEnv(const std::vector<EnvVar>& env) {
  json list = json::array();
  for (const EnvVar& e : env) {
    json item = {{"name", e.name}};
    if (e.value) item["value"] = *e.value;
    if (e.host_env) item["valueFrom"] = {{"hostEnv", *e.host_env}};
    list.push_back(std::move(item));
  }
  return list;
}

json EncodeSecurity(const SecuritySpec& s) {
  json out = json::object();
  if (s.enabled) out["enabled"] = *s.enabled;
  json fs = json::object(), net = json::object();
  PutIfNotEmpty(fs, "allowWrite", s.filesystem.allow_write);
  PutIfNotEmpty(fs, "denyRead", s.filesystem.deny_read);
  PutIfNotEmpty(fs, "denyWrite", s.filesystem.deny_write);
  PutIfNotEmpty(net, "allowedDomains", s.network.allowed_domains);
  PutIfNotEmpty(net, "deniedDomains", s.network.denied_domains);
  PutIfNotEmpty(out, "filesystem", std::move(fs));
  PutIfNotEmpty(out, "network", std::move(net));
  return out;
}

json EncodeResourcesAndLifetime(const SandboxSpec& s, json* lifetime) {
  json res = json::object();
  if (s.resources.cpu) res["cpu"] = s.resources.cpu->text;
  if (s.resources.memory) res["memory"] = s.resources.memory->text;
  if (s.resources.disk) res["disk"] = s.resources.disk->text;
  if (s.resources.pids) res["pids"] = *s.resources.pids;
  *lifetime = json::object();
  if (s.lifetime.ttl) (*lifetime)["ttl"] = s.lifetime.ttl->text;
  if (s.lifetime.idle_timeout) (*lifetime)["idleTimeout"] = s.lifetime.idle_timeout->text;
  if (s.lifetime.expires_at) (*lifetime)["expiresAt"] = TimeText(*s.lifetime.expires_at);
  return res;
}

}  // namespace

Result<SandboxSpec> DecodeSandboxSpec(std::string_view spec_json) {
  return Guarded<SandboxSpec>(spec_json, "spec", DecodeSpecJson);
}

// Scalars with a default are always written; empty strings, lists and
// absent optionals are left out, which decodes to the same spec.
std::string EncodeSandboxSpec(const SandboxSpec& s) {
  json j = json::object();
  j["provider"] = s.provider;
  PutIfNotEmpty(j, "templateRef", s.template_ref);
  PutIfNotEmpty(j, "image", s.image);
  PutIfNotEmpty(j, "runtime", s.runtime);
  PutIfNotEmpty(j, "agent", s.agent);
  j["workspace"] = {{"mountPath", s.workspace.mount_path}};
  PutIfNotEmpty(j["workspace"], "path", s.workspace.path);
  PutIfNotEmpty(j, "command", s.command);
  if (!s.env.empty()) j["env"] = EncodeEnv(s.env);
  j["stdin"] = s.stdin_open;
  if (!s.ports.empty()) j["ports"] = s.ports;
  json lifetime;
  PutIfNotEmpty(j, "resources", EncodeResourcesAndLifetime(s, &lifetime));
  PutIfNotEmpty(j, "lifetime", std::move(lifetime));
  j["restartPolicy"] = ToString(s.restart_policy);
  j["suspend"] = s.suspend;
  if (!s.persistence.volume.empty()) j["persistence"] = {{"volume", s.persistence.volume}};
  j["runtimes"] = {{"mise", s.runtimes.mise},
                   {"installDependencies", s.runtimes.install_dependencies}};
  PutIfNotEmpty(j, "security", EncodeSecurity(s.security));
  j["deletionPolicy"] = ToString(s.deletion_policy);
  return CompactJson(j);
}

std::string CanonicalJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? std::string(text) : CompactJson(j);
}

}  // namespace sesame::specs
