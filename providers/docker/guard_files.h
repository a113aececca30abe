#pragma once
// The per-sandbox directory a hardened container's egress guard
// (egress_guard.h) shares with the provider, <state_root>/sandboxes/<uid>/:
//
//   guard-config.json  written by the provider at create and restart: the
//                      sandbox's key, its network policy and spec.ports (no
//                      secrets), so a guard started after a controller
//                      restart needs nothing else
//   guard.json         written by the guard once it listens: its pid, the
//                      container process it serves and the host port of
//                      each forwarded spec port (status.endpoints)
//   guard.lock         flock'ed by the running guard for its whole life
//   gate/gate          the start gate, a FIFO; gate/ is bind-mounted
//                      read-only at /.sesame in the container
//   gate/installed     FIFOs of the install window: the runtimes wrapper
//   gate/installed-ack (runtime_wrapper.h) writes to `installed` when its
//                      installs are over and waits for the ack; from then
//                      on the guard no longer allows the install's
//                      registries (installDomains), whatever the container
//                      does later
//   violations.jsonl   the proxy's refusals (security/violation_log.h)
//
// Plain functions over files; thread-safe as far as the files are (writes
// are atomic renames).

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "security/policy.h"
#include "specs/object.h"

namespace sesame::providers::docker {

struct GuardPaths {
  std::string dir;
  std::string config() const { return dir + "/guard-config.json"; }
  std::string state() const { return dir + "/guard.json"; }
  std::string lock() const { return dir + "/guard.lock"; }
  std::string gate_dir() const { return dir + "/gate"; }
  std::string gate() const { return dir + "/gate/gate"; }
  std::string installed() const { return dir + "/gate/installed"; }
  std::string installed_ack() const { return dir + "/gate/installed-ack"; }
};

// <state_root>/sandboxes: the parent of every sandbox's directory.
std::string GuardRoot(const std::string& state_root);
GuardPaths GuardPathsFor(const std::string& state_root, const std::string& uid);

struct GuardConfig {
  specs::ObjectKey key;
  std::string uid;
  security::NetworkPolicy network;
  std::vector<int> ports;
  // Allowed besides `network` until the runtimes' installs are over (the
  // registries the plan needs); empty without runtimes.
  std::vector<std::string> install_domains;
};
// Creates the directory, the gate FIFO and the config file.
Status PrepareGuardDir(const GuardPaths& paths, const GuardConfig& config);
Result<GuardConfig> ReadGuardConfig(const GuardPaths& paths);

struct GuardState {
  pid_t guard_pid = 0;
  pid_t container_pid = 0;
  std::map<int, int> host_ports;  // spec port -> host port
};
Status WriteGuardState(const GuardPaths& paths, const GuardState& state);
std::optional<GuardState> ReadGuardState(const GuardPaths& paths);

// True while a guard holds guard.lock.
bool GuardRunning(const GuardPaths& paths);

}  // namespace sesame::providers::docker
