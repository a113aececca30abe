// The rows of the spec field table (specs/spec_fields.h). Decoding trusts
// nothing: stored text may come from an older version, so every mismatch
// throws, and the codec turns that into an error.

#include "specs/spec_fields.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "specs/object_json.h"
#include "specs/quantity.h"

namespace sesame::specs {

namespace {

using nlohmann::json;
using namespace schema;  // NOLINT: the builders read as the table's vocabulary

struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- reading members of a JSON object ----

// The member `key` of the object `j`, or nullptr.
const json* Find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string Text(const json& j, const char* key, std::string fallback = "") {
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

// ---- writing ----

void StringIfNotEmpty(const char* key, const std::string& value, JsonWriter& w) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value);
}

void StringsIfNotEmpty(const char* key, const std::vector<std::string>& items, JsonWriter& w) {
  if (items.empty()) return;
  w.Key(key);
  w.Strings(items);
}

template <typename T>
void TextIfSet(const char* key, const std::optional<T>& value, JsonWriter& w) {
  if (!value) return;
  w.Key(key);
  w.String(value->text);
}

// ---- rows for plain members ----

// A string, bool or list member written under its own name. A string with a
// default is always written; otherwise empty strings and lists are left out
// (they decode to the same spec). Bools are always written.
template <typename T>
SpecField Plain(const char* name, T SandboxSpec::*member, Schema schema, FieldOwner owner,
                std::string example, const char* description) {
  SpecField f;
  f.field = {name, std::move(schema), description};
  f.owner = owner;
  f.example = std::move(example);
  f.decode = [name, member](const json& j, SandboxSpec& s) {
    if constexpr (std::is_same_v<T, std::string>) {
      s.*member = Text(j, name, s.*member);
    } else {
      s.*member = j.value(name, s.*member);
    }
  };
  f.encode = [name, member](const SandboxSpec& s, JsonWriter& w) {
    const T& v = s.*member;
    if constexpr (std::is_same_v<T, std::string>) {
      static const bool kHasDefault = !(SandboxSpec{}.*member).empty();
      if (kHasDefault) {
        w.Key(name);
        w.String(v);
      } else {
        StringIfNotEmpty(name, v, w);
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      w.Key(name);
      w.Bool(v);
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      StringsIfNotEmpty(name, v, w);
    } else {
      static_assert(std::is_same_v<T, std::vector<int>>);
      if (v.empty()) return;
      w.Key(name);
      w.BeginArray();
      for (int i : v) w.Int(i);
      w.EndArray();
    }
  };
  return f;
}

// An enum member written as one of `names` (in the enum's order of values).
template <typename E>
SpecField EnumOf(const char* name, E SandboxSpec::*member, std::vector<std::pair<std::string, E>> names,
                 FieldOwner owner, std::string example, const char* description) {
  std::vector<std::string> values;
  for (const auto& [text, value] : names) values.push_back(text);
  SpecField f;
  f.field = {name, Enum(values), description};
  f.owner = owner;
  f.example = std::move(example);
  f.decode = [name, member, names, values](const json& j, SandboxSpec& s) {
    const json* v = Find(j, name);
    if (v == nullptr) return;
    std::string text = v->get<std::string>();
    for (const auto& [t, value] : names) {
      if (t == text) {
        s.*member = value;
        return;
      }
    }
    std::string list;
    for (const std::string& t : values) list += (list.empty() ? "" : ", ") + t;
    throw DecodeError(std::string(name) + ": \"" + text + "\" is not one of " + list);
  };
  f.encode = [name, member, names](const SandboxSpec& s, JsonWriter& w) {
    for (const auto& [t, value] : names) {
      if (value == s.*member) {
        w.Key(name);
        w.String(t);
        return;
      }
    }
  };
  return f;
}

// A row whose decoding and encoding are written out (nested objects).
SpecField Custom(const char* name, Schema schema, FieldOwner owner, std::string example,
                 const char* description,
                 std::function<void(const json&, SandboxSpec&)> decode,
                 std::function<void(const SandboxSpec&, JsonWriter&)> encode) {
  SpecField f;
  f.field = {name, std::move(schema), description};
  f.owner = owner;
  f.example = std::move(example);
  f.decode = std::move(decode);
  f.encode = std::move(encode);
  return f;
}

// ---- nested objects ----

void DecodeWorkspace(const json& j, SandboxSpec& s) {
  s.workspace.path = Text(Sub(j, "workspace"), "path");
  s.workspace.mount_path = Text(Sub(j, "workspace"), "mountPath", s.workspace.mount_path);
}

void EncodeWorkspace(const SandboxSpec& s, JsonWriter& w) {
  w.Key("workspace");
  w.BeginObject();
  w.Key("mountPath");
  w.String(s.workspace.mount_path);
  StringIfNotEmpty("path", s.workspace.path, w);
  w.EndObject();
}

void DecodeEnv(const json& j, SandboxSpec& s) {
  const json& list = Sub(j, "env").is_array() ? j.at("env") : json::array();
  s.env.clear();
  for (const json& e : list) {
    EnvVar var;
    var.name = e.at("name").get<std::string>();
    var.value = Opt<std::string>(e, "value");
    var.host_env = Opt<std::string>(Sub(e, "valueFrom"), "hostEnv");
    s.env.push_back(std::move(var));
  }
}

void EncodeEnv(const SandboxSpec& s, JsonWriter& w) {
  if (s.env.empty()) return;
  w.Key("env");
  w.BeginArray();
  for (const EnvVar& e : s.env) {
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

Schema EnvSchema() {
  Schema entry =
      Obj({{"name", Str(Rule::kEnvName), "The variable's name.", true},
           {"value", Str(), "Its value, written into the sandbox's environment."},
           {"valueFrom",
            Obj({{"hostEnv", Str(Rule::kEnvName),
                  "A variable of the controller's environment, read when the sandbox starts; "
                  "its value is never stored, printed or logged.",
                  true}}),
            "Where the value comes from instead of `value`."}},
          Rule::kEnvEntry);
  Schema list = List(std::move(entry), Rule::kUniqueEnvNames);
  list.merge_key = "name";
  return list;
}

void DecodeResources(const json& j, SandboxSpec& s) {
  const json& res = Sub(j, "resources");
  s.resources = {QuantityField(res, "cpu"), QuantityField(res, "memory"),
                 QuantityField(res, "disk"), Opt<int64_t>(res, "pids")};
}

void EncodeResources(const SandboxSpec& s, JsonWriter& w) {
  const Resources& r = s.resources;
  if (!r.cpu && !r.memory && !r.disk && !r.pids) return;
  w.Key("resources");
  w.BeginObject();
  TextIfSet("cpu", r.cpu, w);
  TextIfSet("disk", r.disk, w);
  TextIfSet("memory", r.memory, w);
  if (r.pids) {
    w.Key("pids");
    w.Int(*r.pids);
  }
  w.EndObject();
}

void DecodeLifetime(const json& j, SandboxSpec& s) {
  const json& life = Sub(j, "lifetime");
  s.lifetime = {DurationField(life, "ttl"), DurationField(life, "idleTimeout"),
                TimeField(life, "expiresAt")};
}

void EncodeLifetime(const SandboxSpec& s, JsonWriter& w) {
  const Lifetime& l = s.lifetime;
  if (!l.ttl && !l.idle_timeout && !l.expires_at) return;
  w.Key("lifetime");
  w.BeginObject();
  if (l.expires_at) {
    w.Key("expiresAt");
    w.String(TimeText(*l.expires_at));
  }
  TextIfSet("idleTimeout", l.idle_timeout, w);
  TextIfSet("ttl", l.ttl, w);
  w.EndObject();
}

void DecodePersistence(const json& j, SandboxSpec& s) {
  s.persistence.volume = Text(Sub(j, "persistence"), "volume");
}

void EncodePersistence(const SandboxSpec& s, JsonWriter& w) {
  if (s.persistence.volume.empty()) return;
  w.Key("persistence");
  w.BeginObject();
  w.Key("volume");
  w.String(s.persistence.volume);
  w.EndObject();
}

void DecodeRuntimes(const json& j, SandboxSpec& s) {
  s.runtimes.mise = Text(Sub(j, "runtimes"), "mise", s.runtimes.mise);
  s.runtimes.install_dependencies = Sub(j, "runtimes").value("installDependencies", true);
}

void EncodeRuntimes(const SandboxSpec& s, JsonWriter& w) {
  w.Key("runtimes");
  w.BeginObject();
  w.Key("installDependencies");
  w.Bool(s.runtimes.install_dependencies);
  w.Key("mise");
  w.String(s.runtimes.mise);
  w.EndObject();
}

void DecodeSecurity(const json& spec, SandboxSpec& out) {
  const json& j = Sub(spec, "security");
  SecuritySpec& s = out.security;
  s.enabled = Opt<bool>(j, "enabled");
  const json& fs = Sub(j, "filesystem");
  s.filesystem.allow_write = fs.value("allowWrite", std::vector<std::string>{});
  s.filesystem.deny_read = fs.value("denyRead", std::vector<std::string>{});
  s.filesystem.deny_write = fs.value("denyWrite", std::vector<std::string>{});
  const json& net = Sub(j, "network");
  s.network.allowed_domains = net.value("allowedDomains", std::vector<std::string>{});
  s.network.denied_domains = net.value("deniedDomains", std::vector<std::string>{});
}

void EncodeSecurity(const SandboxSpec& spec, JsonWriter& w) {
  const SecuritySpec& s = spec.security;
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

Schema SecuritySchema() {
  Schema paths = List(Str());
  return Obj(
      {{"enabled", Of(FieldType::kBool),
        "Enforce the filesystem and network rules; absent: the controller's setting "
        "(SANDBOX_SECURITY_ENABLED)."},
       {"filesystem",
        Obj({{"allowWrite", paths, "Paths the sandbox may write besides its workspace."},
             {"denyRead", paths, "Paths the sandbox may not read."},
             {"denyWrite", paths, "Paths the sandbox may not write, even inside allowWrite."}}),
        "Filesystem rules."},
       {"network",
        Obj({{"allowedDomains", List(Str()),
              "Domains the sandbox may reach (with the agent's preset), e.g. registry.npmjs.org."},
             {"deniedDomains", List(Str()), "Domains the sandbox may never reach."}}),
        "Network rules."}});
}

std::vector<SpecField> BuildTable() {
  using O = FieldOwner;
  std::vector<SpecField> t;
  t.push_back(Plain("provider", &SandboxSpec::provider,
                    Enum({"filesystem", "docker", "e2b", "daytona", "vercel"}), O::kController,
                    R"("docker")",
                    "Where the sandbox runs: filesystem (local processes under OS sandboxing), "
                    "docker, e2b, daytona or vercel."));
  SpecField template_ref =
      Plain("templateRef", &SandboxSpec::template_ref, Str(Rule::kDns1123Label),
            O::kController, R"("node-agent")",
            "A SandboxTemplate in the same namespace whose spec this one overlays; the "
            "sandbox's own fields win.");
  template_ref.sandbox_only = true;
  t.push_back(std::move(template_ref));
  SpecField pool_ref =
      Plain("poolRef", &SandboxSpec::pool_ref, Str(Rule::kDns1123Label), O::kController, R"("warm")",
            "A SandboxPool in the same namespace: the sandbox takes one of its warm sandboxes when "
            "it sets no more than command, env and lifetime beyond the pool's template, and is "
            "created cold otherwise (condition Claimed).");
  pool_ref.sandbox_only = true;
  t.push_back(std::move(pool_ref));
  t.push_back(Plain("image", &SandboxSpec::image, Str(), O::kResource, R"("node:22")",
                    "The image: a docker image, an E2B template or a Daytona snapshot."));
  t.push_back(Plain("runtime", &SandboxSpec::runtime, Str(), O::kResource, R"("node22")",
                    "The Vercel runtime or the Daytona language."));
  t.push_back(Plain("agent", &SandboxSpec::agent, Str(), O::kResource, R"("claude")",
                    "An agent preset (claude, codex, gemini, ...) whose API domains are allowed."));
  t.push_back(Custom(
      "workspace",
      Obj({{"path", Str(),
            "The host project directory (filesystem: the working directory; docker: "
            "bind-mounted at mountPath); empty: a fresh directory under "
            "$SESAME_HOME/sandboxes/NAMESPACE/NAME."},
           {"mountPath", Str(Rule::kAbsolutePath),
            "Where the workspace appears inside the sandbox (default /workspace)."}}),
      O::kResource, R"({"path":"./repos/app"})", "The sandbox's working directory.",
      DecodeWorkspace, EncodeWorkspace));
  t.push_back(Plain("command", &SandboxSpec::command, List(Str()), O::kResource,
                    R"(["bash","-lc","make test"])",
                    "The session's command and arguments; absent: an idle sandbox."));
  t.push_back(Custom("env", EnvSchema(), O::kResource, R"([{"name":"LOG_LEVEL","value":"debug"}])",
                     "Environment variables of the session; merged by name with the template's.",
                     DecodeEnv, EncodeEnv));
  t.push_back(Plain("stdin", &SandboxSpec::stdin_open, Of(FieldType::kBool), O::kResource,
                    "true", "Keep the session's stdin open for `sesame attach`."));
  t.push_back(Plain("ports", &SandboxSpec::ports, List(Int(1, 65535), Rule::kUniquePorts),
                    O::kResource, "[3000]", "Ports of the sandbox served as previews."));
  t.push_back(Custom(
      "resources",
      Obj({{"cpu", Of(FieldType::kQuantity), "CPU cores, e.g. 2 or 500m."},
           {"memory", Of(FieldType::kQuantity), "Memory, e.g. 4Gi."},
           {"disk", Of(FieldType::kQuantity), "Disk space, e.g. 10Gi."},
           {"pids", Int(1), "The most processes at once."}}),
      O::kResource, R"({"cpu":"2"})", "Limits of the sandbox.", DecodeResources,
      EncodeResources));
  t.push_back(Custom(
      "lifetime",
      Obj({{"ttl", Of(FieldType::kDuration),
            "How long after creation the sandbox is garbage-collected, e.g. 2h."},
           {"idleTimeout", Of(FieldType::kDuration),
            "Suspend after no output, exec or attach for this long, e.g. 30m."},
           {"expiresAt", Of(FieldType::kTime), "When the sandbox expires (RFC 3339)."}}),
      O::kResource, R"({"ttl":"2h"})", "When the sandbox ends on its own.", DecodeLifetime,
      EncodeLifetime));
  t.push_back(EnumOf<RestartPolicy>(
      "restartPolicy", &SandboxSpec::restart_policy,
      {{"Never", RestartPolicy::kNever},
       {"OnFailure", RestartPolicy::kOnFailure},
       {"Always", RestartPolicy::kAlways}},
      O::kController, R"("OnFailure")", "Whether the session's command is started again when it ends."));
  t.push_back(Plain("suspend", &SandboxSpec::suspend, Of(FieldType::kBool), O::kController, "true",
                    "Stopped but kept (resumable where the provider can)."));
  t.push_back(Custom("persistence",
                     Obj({{"volume", Str(), "A docker named volume kept across recreation."}}),
                     O::kResource, R"({"volume":"app-cache"})",
                     "What outlives the sandbox's resource (filesystem is always persistent).",
                     DecodePersistence, EncodePersistence));
  t.push_back(Custom(
      "runtimes",
      Obj({{"mise", Enum({"auto", "off"}),
            "auto: install the language runtimes the workspace's mise/asdf files name."},
           {"installDependencies", Of(FieldType::kBool),
            "With mise: auto, also install the project's dependencies (default true)."}}),
      O::kResource, R"({"mise":"auto"})", "Language runtimes installed into the sandbox.",
      DecodeRuntimes, EncodeRuntimes));
  t.push_back(Custom("security", SecuritySchema(), O::kResource, R"({"enabled":true})",
                     "Filesystem and network restrictions of the sandbox.", DecodeSecurity,
                     EncodeSecurity));
  t.push_back(EnumOf<DeletionPolicy>(
      "deletionPolicy", &SandboxSpec::deletion_policy,
      {{"Delete", DeletionPolicy::kDelete}, {"Orphan", DeletionPolicy::kOrphan}},
      O::kController, R"("Orphan")",
      "On deletion, Delete removes the provider's resource; Orphan leaves it."));
  return t;
}

}  // namespace

const std::vector<SpecField>& SpecFields() {
  static const std::vector<SpecField> table = BuildTable();
  return table;
}

const std::vector<const SpecField*>& SpecFieldsByName() {
  static const std::vector<const SpecField*> sorted = [] {
    std::vector<const SpecField*> out;
    for (const SpecField& f : SpecFields()) out.push_back(&f);
    std::sort(out.begin(), out.end(), [](const SpecField* a, const SpecField* b) {
      return a->field.name < b->field.name;
    });
    return out;
  }();
  return sorted;
}

const std::vector<std::string>& ResourceFieldNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const SpecField& f : SpecFields()) {
      if (f.owner == FieldOwner::kResource) out.push_back(f.field.name);
    }
    return out;
  }();
  return names;
}

}  // namespace sesame::specs
