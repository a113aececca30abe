#pragma once
// The effective security policy of one sandbox: what it may read, write and
// reach. Computed by a pure function from the spec, the administrator's
// settings and a few host facts, stored with the sandbox (state.json) and
// enforced by the backend (namespace_launch.h) and the proxy (proxy.h).
//
// Filesystem model (paths absolute and lexically normal):
//   - the whole system is visible read-only;
//   - `workspace`, `home` (a synthetic $HOME at the path of the controller's
//     $HOME, backed by a per-sandbox directory), a private /tmp and
//     `allow_write` are writable;
//   - `deny_read` paths are hidden (empty read-only directory or file);
//     deny wins over allow_write, but the workspace and home stay visible;
//   - `deny_write` paths and the `protected_names` inside the workspace and
//     home are read-only even inside writable roots.
// Network model: only loopback inside; everything else through the proxy,
// which allows `allowed_domains` minus `denied_domains` (domain_pattern.h).

#include <string>
#include <vector>

#include "common/status.h"
#include "security/admin_settings.h"
#include "specs/sandbox.h"

namespace sesame::security {

struct FilesystemPolicy {
  std::string workspace;
  std::string home;
  std::vector<std::string> allow_write;
  std::vector<std::string> deny_read;
  std::vector<std::string> deny_write;
  // Relative names ("git/hooks" style: ".git/hooks", ".bashrc") kept
  // read-only inside the workspace and the synthetic home.
  std::vector<std::string> protected_names;
  bool operator==(const FilesystemPolicy&) const = default;
};

struct NetworkPolicy {
  std::vector<std::string> allowed_domains;
  std::vector<std::string> denied_domains;
  bool operator==(const NetworkPolicy&) const = default;
};

struct SandboxPolicy {
  bool enabled = false;
  // When disabled: "DisabledByAdmin" or "DisabledBySpec".
  std::string disabled_reason;
  FilesystemPolicy filesystem;
  NetworkPolicy network;
  std::vector<int> ports;  // spec.ports, forwarded from the host
  bool operator==(const SandboxPolicy&) const = default;
};

struct PolicyInput {
  const specs::SandboxSpec* spec = nullptr;
  std::string workspace;    // absolute
  std::string home;         // the controller's $HOME
  std::string sesame_home;  // the controller's $SESAME_HOME
  AdminSettings admin;
  // Hidden like deny_read: the other sandboxes' workspaces and the
  // controller's private files. One that holds the sandbox's own workspace
  // or lies in it stays visible (sandboxes may share a workspace).
  std::vector<std::string> hidden;
};

// The default deny-read list (before ~ expansion): secrets in the home
// directory and the sockets of privileged daemons.
const std::vector<std::string>& DefaultDenyRead();
// The part of DefaultDenyRead that holds the sockets of privileged daemons
// (docker, containerd, D-Bus, ssh and gpg agents under /run/user): nothing
// in it is needed inside a sandbox, but system libraries look there all
// the time (NSS, nscd), so opens there are hidden without a record.
const std::vector<std::string>& DaemonSocketDirs();
// The names protected inside writable roots (shell rc files, git hooks and
// config, direnv, editor and agent configuration).
const std::vector<std::string>& MandatoryProtectedNames();

// Pure: the same input always gives the same policy.
SandboxPolicy ComputePolicy(const PolicyInput& input);

// `path` with ~ expanded against `home`, made absolute against `base`, and
// lexically normalized (no trailing '/', no "." or ".."). Empty for "".
std::string NormalizePath(const std::string& path, const std::string& home,
                          const std::string& base);
// True when `path` is `root` or lies under it (both normalized).
bool PathWithin(const std::string& path, const std::string& root);

// JSON for state.json and back.
std::string EncodePolicy(const SandboxPolicy& policy);
Result<SandboxPolicy> DecodePolicy(const std::string& json);

}  // namespace sesame::security
