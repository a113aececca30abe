#pragma once
// The egress guard of one hardened docker container: a small detached
// process (the hidden `sesame __docker-guard` command) that outlives the
// controller, as the filesystem provider's supervisor does. It
//   - enters the container's network namespace (/proc/<pid>/ns/net, setns
//     on one thread only; needs root) to listen on 127.0.0.1:3128 and
//     :1080 there, and runs the filtering proxy (security/proxy.h) on those
//     listeners with the sandbox's network policy, dialing out from the
//     host's namespace; refusals go to violations.jsonl;
//   - forwards spec.ports from 127.0.0.1 on the host into the container
//     (security/port_forward.h) and records the host ports in guard.json;
//   - opens the start gate (a FIFO the container's entrypoint reads, see
//     hardening.h) once it listens, for every reader that comes;
//   - exits when the container's process is gone (a restarted container
//     has a new network namespace and gets a new guard) or on SIGTERM.
// One guard per sandbox directory: it holds guard.lock; a second one for
// the same container process reports success and leaves.
//
// Usage: <argv0> [__docker-guard] --state-dir DIR --container-pid PID
// (guard_files.h describes DIR). The first process returns once the guard
// listens (exit 0) or failed (exit 1, the reason on stderr); the guard
// itself goes on in the background, in its own session, stdio on
// /dev/null.

namespace sesame::providers::docker {

// The guard's main. Returns the process exit status.
int RunEgressGuard(int argc, char** argv);

}  // namespace sesame::providers::docker
