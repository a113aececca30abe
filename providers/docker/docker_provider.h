#pragma once
// The docker provider: a sandbox is a container, driven through the Docker
// Engine API on a unix socket (no docker CLI). container_config.h says how
// a spec maps onto a container.
//
// Choices, for users to rely on:
// - Create is idempotent: it first lists containers by the uid label and
//   adopts the one it finds (starting it if a crash left it created).
// - suspend pauses the container (cgroup freezer): processes keep their
//   memory and resume where they were; a paused container still holds its
//   memory. resume unpauses (or starts a container stopped out of band).
// - restartPolicy is the controller's: containers have Docker's policy "no",
//   and Restart starts the session command again in the same container.
// - In place: "resources" (POST /update: memory, CPUs, pids; the disk size
//   is fixed at create) and "lifetime" (the controller's business). Every
//   other field recreates. The hashes of in-place updates live in a state
//   file per uid under `state_root` (labels cannot change after create);
//   limits changed out of band show as a changed "resources" hash, so the
//   controller puts them back.
// - A disk limit (StorageOpt size) needs overlay2 on xfs with project
//   quotas; elsewhere the container is created without it and
//   Observed.message says so.
// - Delete stops (SIGTERM, then SIGKILL after stop_timeout) and removes the
//   container with its anonymous volumes; named volumes (persistence.volume)
//   are kept.
// - With the request's security policy enabled the container is hardened
//   (hardening.h: read-only root, no capabilities, no network but the
//   filtering proxy of its egress guard, egress_guard.h). The guard is
//   started after every container start and, after a controller restart,
//   by the next Observe; its refusals come out of DrainViolations. Needs
//   the controller to run as root (the guard enters the container's
//   network namespace).
// - Dynamic previews (PreviewUrl): an unsecured container is reached at its
//   address on Docker's bridge network (a server listening on 0.0.0.0
//   inside); a hardened one through a forwarder into its network namespace
//   (a server listening on 127.0.0.1 or 0.0.0.0 inside).
//
// Thread-safe for different uids (the contract in providers/provider.h).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/time.h"
#include "providers/provider.h"

namespace sesame::providers::docker {

struct DockerOptions {
  std::string socket_path = "/var/run/docker.sock";
  // Labels this installation's containers (dev.sesame.owner) and limits
  // ListOwned (orphan collection) to them; empty: every Sesame container.
  std::string owner;
  // The image of a sandbox without spec.image. Built locally, never pulled.
  std::string default_image = "sesame-sandbox:latest";
  // Where the per-uid state files live (e.g. $SESAME_HOME/docker); empty:
  // memory only (and no hardened sandboxes: their egress guards keep a
  // directory each under <state_root>/sandboxes).
  std::string state_root;
  // The argv prefix that runs RunEgressGuard (egress_guard.h), e.g.
  // {"/usr/bin/sesame", "__docker-guard"}; argv[0] an absolute path. Empty:
  // hardened sandboxes are refused (reason Unsupported).
  std::vector<std::string> guard_command;
  // Where persistence.volume is mounted (the default image's home).
  std::string volume_mount_path = "/home/sesame";
  // Pull spec.image when the engine does not have it.
  bool pull_missing_images = true;
  // Timeout of one request/response call (not of streams or pulls).
  Millis request_timeout{60000};
  // Grace between SIGTERM and SIGKILL on Delete and Restart.
  Millis stop_timeout{10000};
  // Progress of slow steps (image pulls): (uid, reason, message). Called
  // from the calling thread; may be empty.
  std::function<void(const std::string&, const std::string&, const std::string&)> on_progress;
  const Clock* clock = &Clock::Real();
};

std::unique_ptr<Provider> NewDockerProvider(DockerOptions options);

// The build commands named when the default image is missing:
// "scripts/build-image (or, with internet access: docker build -t
// sesame-sandbox:latest images/sesame-sandbox)".
std::string DefaultImageBuildCommand(const std::string& image);

}  // namespace sesame::providers::docker
