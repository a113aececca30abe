#pragma once
// Typed Sandbox and SandboxTemplate specs and the Sandbox status, as in
// DESIGN.md section 2. A decoded spec is complete: defaults are filled.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "specs/object.h"
#include "specs/quantity.h"
#include "specs/status_vocabulary.h"

namespace sesame::specs {

struct EnvVar {
  std::string name;
  std::optional<std::string> value;
  // valueFrom.hostEnv: read from the controller's environment when the
  // sandbox starts; never stored, printed or logged.
  std::optional<std::string> host_env;
  bool operator==(const EnvVar&) const = default;
};

struct Workspace {
  std::string path;  // empty: a fresh dir under $SESAME_HOME/sandboxes/NS/NAME
  std::string mount_path = "/workspace";
  bool operator==(const Workspace&) const = default;
};

struct Resources {
  std::optional<Quantity> cpu;
  std::optional<Quantity> memory;
  std::optional<Quantity> disk;
  std::optional<int64_t> pids;
  bool operator==(const Resources&) const = default;
};

struct Lifetime {
  std::optional<Duration> ttl;
  std::optional<Duration> idle_timeout;
  std::optional<Time> expires_at;
  bool operator==(const Lifetime&) const = default;
};

struct Persistence {
  std::string volume;
  bool operator==(const Persistence&) const = default;
};

struct RuntimesSpec {
  std::string mise = "off";  // off | auto
  bool install_dependencies = true;
  bool operator==(const RuntimesSpec&) const = default;
};

struct FilesystemRules {
  std::vector<std::string> allow_write, deny_read, deny_write;
  bool operator==(const FilesystemRules&) const = default;
};

struct NetworkRules {
  std::vector<std::string> allowed_domains, denied_domains;
  bool operator==(const NetworkRules&) const = default;
};

struct SecuritySpec {
  std::optional<bool> enabled;  // absent: the controller's setting
  FilesystemRules filesystem;
  NetworkRules network;
  bool operator==(const SecuritySpec&) const = default;
};

enum class RestartPolicy { kNever, kOnFailure, kAlways };
enum class DeletionPolicy { kDelete, kOrphan };

struct SandboxSpec {
  std::string provider = "filesystem";
  std::string template_ref;
  std::string pool_ref;  // a SandboxPool to claim a warm sandbox from (specs/pool.h)
  std::string image;
  std::string runtime;
  std::string agent;
  Workspace workspace;
  std::vector<std::string> command;  // empty: an idle sandbox
  std::vector<EnvVar> env;
  bool stdin_open = false;  // "stdin"
  std::vector<int> ports;
  Resources resources;
  Lifetime lifetime;
  RestartPolicy restart_policy = RestartPolicy::kNever;
  bool suspend = false;
  Persistence persistence;
  RuntimesSpec runtimes;
  SecuritySpec security;
  DeletionPolicy deletion_policy = DeletionPolicy::kDelete;
  bool operator==(const SandboxSpec&) const = default;
};

const char* ToString(RestartPolicy p);
const char* ToString(DeletionPolicy p);

struct Condition {
  std::string type;    // a ConditionType's text for a Sandbox (specs/status_vocabulary.h)
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;  // a Reason's text, or a provider's or an error's own
  std::string message;
  std::optional<Time> last_transition_time;
  int64_t observed_generation = 0;
  bool operator==(const Condition&) const = default;
};

struct Endpoint {
  int port = 0;
  std::string url;
  bool operator==(const Endpoint&) const = default;
};

struct ProviderRef {
  std::string provider;
  std::string id;
  bool operator==(const ProviderRef&) const = default;
};

struct SandboxStatus {
  Phase phase = Phase::kPending;
  int64_t observed_generation = 0;
  std::optional<ProviderRef> provider_ref;
  std::vector<Condition> conditions;
  std::vector<Endpoint> endpoints;
  std::optional<Time> started_at;
  std::optional<Time> expires_at;
  std::optional<int> exit_code;
  int restarts = 0;
  // The value of the restart annotation (kRestartedAtAnnotation) the
  // controller last acted on; a different value asks for a restart.
  std::string restarted_at;
  bool operator==(const SandboxStatus&) const = default;

  const Condition* FindCondition(const std::string& type) const;
  const Condition* FindCondition(ConditionType type) const { return FindCondition(ToString(type)); }
};

struct Sandbox {
  ObjectMeta metadata;
  SandboxSpec spec;
  SandboxStatus status;
};

struct SandboxTemplate {
  ObjectMeta metadata;
  SandboxSpec spec;
};

}  // namespace sesame::specs
