// Typed specs and statuses <-> JSON. Decoding trusts nothing: stored text
// may come from an older version, so every mismatch is an error, not a crash.

#include "specs/codec.h"

#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "specs/codec_json.h"
#include "specs/object_json.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

// Thrown inside the decoders and turned into a Status at their edge.
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The member `key` of the object `j`, or nullptr.
const json* Find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string Str(const json& j, const char* key, std::string fallback = "") {
  const json* v = Find(j, key);
  return v != nullptr ? v->get<std::string>() : fallback;
}

template <typename T>
std::optional<T> Opt(const json& j, const char* key) {
  const json* v = Find(j, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return v->get<T>();
}

const json& Sub(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const json* v = Find(j, key);
  return v != nullptr ? *v : kEmpty;
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
Result<T> Decode(const json& j, const char* what, F decode) {
  try {
    return decode(j);
  } catch (const std::exception& e) {
    return InvalidError(std::string(what) + ": " + e.what());
  }
}

template <typename T, typename F>
Result<T> Guarded(std::string_view text, const char* what, F decode) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidError(std::string(what) + " is not valid JSON");
  return Decode<T>(j, what, decode);
}

// Canonical JSON text written directly, as CompactJson would print the
// same value, without building one. Members must be written in sorted key
// order (nlohmann's objects are std::maps).
class JsonWriter {
 public:
  JsonWriter() { out_.reserve(512); }
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key) {
    Separate();
    out_ += '"';
    out_.append(key);
    out_ += "\":";
    first_ = true;
  }
  void String(std::string_view s);
  void Int(int64_t v) { Value(std::to_string(v)); }
  void Bool(bool b) { Value(b ? "true" : "false"); }
  void Strings(const std::vector<std::string>& items) {
    BeginArray();
    for (const std::string& s : items) String(s);
    EndArray();
  }
  std::string Take() { return std::move(out_); }

 private:
  void Separate() {
    if (!first_) out_ += ',';
  }
  void Open(char c) {
    Separate();
    out_ += c;
    first_ = true;
  }
  void Close(char c) {
    out_ += c;
    first_ = false;
  }
  void Value(std::string_view text) {
    Separate();
    out_.append(text);
    first_ = false;
  }

  std::string out_;
  bool first_ = true;  // no comma before the next member or item
};

void JsonWriter::String(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      return Value(CompactJson(json(std::string(s))));  // escapes, invalid UTF-8
    }
  }
  Separate();
  out_ += '"';
  out_.append(s);
  out_ += '"';
  first_ = false;
}

void EncodeEnv(const std::vector<EnvVar>& env, JsonWriter& w) {
  w.BeginArray();
  for (const EnvVar& e : env) {
    w.BeginObject();
    w.Key("name");
    w.String(e.name);
    if (e.value) {
      w.Key("value");
      w.String(*e.value);
    }
    if (e.host_env) {
      w.Key("valueFrom");
      w.BeginObject();
      w.Key("hostEnv");
      w.String(*e.host_env);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
}

void StringsIfNotEmpty(const char* key, const std::vector<std::string>& items, JsonWriter& w) {
  if (items.empty()) return;
  w.Key(key);
  w.Strings(items);
}

void EncodeSecurity(const SecuritySpec& s, JsonWriter& w) {
  const FilesystemRules& fs = s.filesystem;
  const NetworkRules& net = s.network;
  bool has_fs = !fs.allow_write.empty() || !fs.deny_read.empty() || !fs.deny_write.empty();
  bool has_net = !net.allowed_domains.empty() || !net.denied_domains.empty();
  if (!s.enabled && !has_fs && !has_net) return;
  w.Key("security");
  w.BeginObject();
  if (s.enabled) {
    w.Key("enabled");
    w.Bool(*s.enabled);
  }
  if (has_fs) {
    w.Key("filesystem");
    w.BeginObject();
    StringsIfNotEmpty("allowWrite", fs.allow_write, w);
    StringsIfNotEmpty("denyRead", fs.deny_read, w);
    StringsIfNotEmpty("denyWrite", fs.deny_write, w);
    w.EndObject();
  }
  if (has_net) {
    w.Key("network");
    w.BeginObject();
    StringsIfNotEmpty("allowedDomains", net.allowed_domains, w);
    StringsIfNotEmpty("deniedDomains", net.denied_domains, w);
    w.EndObject();
  }
  w.EndObject();
}

void EncodeResources(const Resources& r, JsonWriter& w) {
  if (!r.cpu && !r.memory && !r.disk && !r.pids) return;
  w.Key("resources");
  w.BeginObject();
  if (r.cpu) {
    w.Key("cpu");
    w.String(r.cpu->text);
  }
  if (r.disk) {
    w.Key("disk");
    w.String(r.disk->text);
  }
  if (r.memory) {
    w.Key("memory");
    w.String(r.memory->text);
  }
  if (r.pids) {
    w.Key("pids");
    w.Int(*r.pids);
  }
  w.EndObject();
}

void EncodeLifetime(const Lifetime& l, JsonWriter& w) {
  if (!l.ttl && !l.idle_timeout && !l.expires_at) return;
  w.Key("lifetime");
  w.BeginObject();
  if (l.expires_at) {
    w.Key("expiresAt");
    w.String(TimeText(*l.expires_at));
  }
  if (l.idle_timeout) {
    w.Key("idleTimeout");
    w.String(l.idle_timeout->text);
  }
  if (l.ttl) {
    w.Key("ttl");
    w.String(l.ttl->text);
  }
  w.EndObject();
}

void StringIfNotEmpty(const char* key, const std::string& value, JsonWriter& w) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value);
}

}  // namespace

Result<SandboxSpec> DecodeSandboxSpec(std::string_view spec_json) {
  return Guarded<SandboxSpec>(spec_json, "spec", DecodeSpecJson);
}

// Scalars with a default are always written; empty strings, lists and
// absent optionals are left out, which decodes to the same spec. Keys go
// in sorted order.
std::string EncodeSandboxSpec(const SandboxSpec& s) {
  JsonWriter w;
  w.BeginObject();
  StringIfNotEmpty("agent", s.agent, w);
  StringsIfNotEmpty("command", s.command, w);
  w.Key("deletionPolicy");
  w.String(ToString(s.deletion_policy));
  if (!s.env.empty()) {
    w.Key("env");
    EncodeEnv(s.env, w);
  }
  StringIfNotEmpty("image", s.image, w);
  EncodeLifetime(s.lifetime, w);
  if (!s.persistence.volume.empty()) {
    w.Key("persistence");
    w.BeginObject();
    w.Key("volume");
    w.String(s.persistence.volume);
    w.EndObject();
  }
  if (!s.ports.empty()) {
    w.Key("ports");
    w.BeginArray();
    for (int p : s.ports) w.Int(p);
    w.EndArray();
  }
  w.Key("provider");
  w.String(s.provider);
  EncodeResources(s.resources, w);
  w.Key("restartPolicy");
  w.String(ToString(s.restart_policy));
  StringIfNotEmpty("runtime", s.runtime, w);
  w.Key("runtimes");
  w.BeginObject();
  w.Key("installDependencies");
  w.Bool(s.runtimes.install_dependencies);
  w.Key("mise");
  w.String(s.runtimes.mise);
  w.EndObject();
  EncodeSecurity(s.security, w);
  w.Key("stdin");
  w.Bool(s.stdin_open);
  w.Key("suspend");
  w.Bool(s.suspend);
  StringIfNotEmpty("templateRef", s.template_ref, w);
  w.Key("workspace");
  w.BeginObject();
  w.Key("mountPath");
  w.String(s.workspace.mount_path);
  StringIfNotEmpty("path", s.workspace.path, w);
  w.EndObject();
  w.EndObject();
  return w.Take();
}

Result<SandboxSpec> DecodeSandboxSpecJson(const json& spec) {
  return Decode<SandboxSpec>(spec, "spec", DecodeSpecJson);
}

std::string CanonicalJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? std::string(text) : CompactJson(j);
}

}  // namespace sesame::specs
