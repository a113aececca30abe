#pragma once
// Hardened ("secured") docker sandboxes, as pure functions over the create
// body, so each rule is testable on its own. A sandbox is hardened when its
// request's policy is enabled (security/policy.h); its container then gets
//   - a read-only root filesystem; writable are the workspace bind mount,
//     persistence.volume, a tmpfs at /tmp and a tmpfs at the image's $HOME
//     (unless persistence.volume is mounted there);
//   - no capabilities at all (CapDrop ALL: nothing is added back; a root
//     user inside is root over its own files only) and no-new-privileges
//     (setuid binaries and file capabilities give nothing);
//   - NetworkMode "none": only a loopback interface. Egress goes through
//     the filtering proxy (security/proxy.h) that the container's egress
//     guard (egress_guard.h) hosts on 127.0.0.1:3128 (HTTP) and :1080
//     (SOCKS5) inside the container's network namespace, named by the same
//     proxy variables a secured filesystem sandbox gets; spec.ports are
//     forwarded by the guard (Docker cannot publish ports without a
//     network);
//   - the start gate: the command runs only once the guard listens, so the
//     agent's first request cannot race the proxy's start (GatedEntrypoint).
// Docker's init stays (Init: true) and runs the gate, which then execs the
// command.
//
// Whether security held is the kSecurityLabel label, fixed at create:
// "Enforced", or the reason it is off ("DisabledByAdmin", "DisabledBySpec");
// no label: the request carried no decision and nothing is reported.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "providers/provider.h"
#include "security/policy.h"

namespace sesame::providers::docker {

inline constexpr char kSecurityLabel[] = "dev.sesame.security";
// Where the gate's directory (a host directory holding the FIFO `gate`) is
// bind-mounted, read-only, inside the container.
inline constexpr char kGateMountPath[] = "/.sesame";

// The label value for `policy`; empty for a request without a decision.
std::string SecurityLabelFor(const security::SandboxPolicy& policy);
// The SecurityEnforced report a container's labels record.
std::optional<SecurityReport> SecurityFromLabels(const nlohmann::json& labels);
bool IsHardened(const nlohmann::json& labels);
// Config.Labels of an inspect, an empty object when there are none.
nlohmann::json ContainerLabels(const nlohmann::json& inspect);

// Where $HOME is in an image, and who owns it, from GET /images/{name}/json:
// HOME from Config.Env, else /root for a root user. `tmpfs_options` own the
// tmpfs by a numeric Config.User ("uid=1000,gid=1000"), else leave it open
// to everyone (mode 1777) since a user name cannot be resolved from here.
struct ImageHome {
  std::string path;  // empty: unknown, no tmpfs
  std::string tmpfs_options;
};
ImageHome HomeOfImage(const nlohmann::json& image_inspect);

struct Hardening {
  std::string gate_dir;  // host directory with the FIFO, bind-mounted at kGateMountPath
  ImageHome home;
};

// Labels the body with `policy`'s decision and, when it is enabled,
// hardens it as the file comment says. Applied to CreateBody's result.
void ApplySecurity(nlohmann::json& body, const security::SandboxPolicy& policy,
                   const Hardening& hardening);

// ["/bin/sh", "-c", "<wait for the gate>; exec \"$@\"", "sesame-gate", entrypoint...]:
// runs `entrypoint` (any argv, e.g. a runtime-install wrapper) once the
// guard has opened the gate. Needs /bin/sh in the image.
nlohmann::json GatedEntrypoint(const nlohmann::json& entrypoint);

}  // namespace sesame::providers::docker
