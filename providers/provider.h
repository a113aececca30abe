#pragma once
// The one interface every provider implements (filesystem, docker, e2b,
// daytona, vercel), and the registry that finds them by name.
//
// Contract for every provider:
// - Every resource it creates carries the owning object's uid (a label,
//   metadata entry or state file), so Create is idempotent (a second Create
//   for the same uid adopts the existing resource) and ListOwned finds
//   resources whose object is gone (orphans).
// - Failures are values: kUnavailable/kRateLimited are retried with backoff
//   (honouring Status::retry_after_ms), kTerminal and kInvalid are not,
//   kUnsupported names the provider's limit ("e2b sandboxes have no stdin").
// - Methods may be called from several worker threads at once, but never
//   for the same uid at the same time (the work queue guarantees that).
// - Secrets (SandboxRequest::env values) are never logged or stored in
//   plain text outside the running resource.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "security/policy.h"
#include "specs/object.h"
#include "specs/sandbox.h"

namespace sesame::providers {

// Everything a provider needs to create or update one sandbox.
struct SandboxRequest {
  specs::ObjectKey key;
  std::string uid;
  int64_t generation = 0;
  specs::SandboxSpec spec;  // effective spec: template merged, defaults filled
  // The workspace directory on the host (resolved: spec.workspace.path made
  // absolute, or $SESAME_HOME/sandboxes/NS/NAME).
  std::string workspace_dir;
  // Environment with valueFrom.hostEnv resolved. Holds secrets.
  std::vector<std::pair<std::string, std::string>> env;
  // Per-field fingerprints of the spec (see FieldHashes), recorded with the
  // resource so a later plan can tell which fields changed.
  std::map<std::string, std::string> field_hashes;
  // The effective OS-level security policy (security/policy.h). Providers
  // that sandbox on this host enforce it when policy.enabled; a default
  // (disabled, no reason) request runs unsecured, as before.
  security::SandboxPolicy policy;
};

// Whether OS-level sandboxing holds for a resource, for the
// SecurityEnforced condition.
struct SecurityReport {
  bool enforced = false;
  // Enforced | Unsupported | DisabledByAdmin | DisabledBySpec
  std::string reason;
  std::string message;  // e.g. the backend: "native (namespaces, landlock ABI 7, ...)"
};

// Progress of the runtimes and dependency installs of a sandbox with
// runtimes.mise: auto, for the RuntimeReady condition.
// The phases of RuntimeReport the controller tells apart.
inline constexpr char kRuntimeReady[] = "Ready";
inline constexpr char kRuntimeFailed[] = "Failed";

struct RuntimeReport {
  // Detecting | Installing | InstallingDependencies | Ready | Failed
  std::string phase;
  // The condition's reason: the phase, or a more precise failure
  // ("MiseMissing").
  std::string reason;
  // What is being installed; for Failed the failing command and the last
  // lines of its output.
  std::string message;
  bool ready() const { return phase == kRuntimeReady; }
};

enum class ResourceState {
  kCreating,  // exists but not yet running
  kRunning,
  kSuspended, // paused or stopped on request, resumable
  kExited,    // the session command ended (see exit_code)
  kUnknown,
};
const char* ToString(ResourceState s);

// What a provider reports about one resource it owns.
struct Observed {
  std::string id;   // the provider's id (pid, container id, sandbox id)
  std::string uid;  // the owning object's uid
  specs::ObjectKey key;  // kind/namespace/name recorded at create
  ResourceState state = ResourceState::kUnknown;
  std::optional<int> exit_code;
  std::optional<Time> started_at;
  std::optional<Time> finished_at;
  // Last output, exec or attach: for lifetime.idleTimeout.
  std::optional<Time> last_activity;
  std::vector<specs::Endpoint> endpoints;
  // Field fingerprints the resource was created or last updated with.
  std::map<std::string, std::string> field_hashes;
  std::string message;  // human detail, e.g. "exited with code 3"
  // nullopt: the provider does not report OS-level security.
  std::optional<SecurityReport> security;
  // nullopt: the provider does not install runtimes (or runtimes.mise is off).
  std::optional<RuntimeReport> runtime;
};

// How a provider makes a sandbox's ports reachable (DESIGN.md §6).
enum class PortPreviews {
  kNone,
  kLocalhost,  // on this host's loopback, at the sandbox's own port
  kDynamic,    // any port the session opens, at a URL the provider gives
  kDeclared,   // only spec.ports, fixed at create (a change recreates)
};
const char* ToString(PortPreviews p);

// What a sandbox's files outlive (DESIGN.md §6).
enum class Persistence {
  kNone,          // nothing: a restart starts from scratch
  kHostDirectory, // full: the workspace is a directory on this host
  kVolume,        // optional: spec.persistence.volume, a named volume
  kUntilCleanup,  // the provider keeps it until deleted or timed out
};
const char* ToString(Persistence p);

// What a provider supports, as data (DESIGN.md §9): the reconciler, the
// API and the conformance suite read these and never compare provider
// names. The JSON names are the ones the design gives.
struct Capabilities {
  // Fields (names as in FieldHashes) changed without recreating.
  std::set<std::string> in_place_fields;
  // osSecurity: enforces SandboxRequest::policy on this host (namespaces or
  // a hardened container, the filtering proxy) and reports SecurityEnforced.
  // false: the provider isolates by its own means and gets no policy.
  bool os_security = false;
  // violationMonitoring: blocked attempts come back from DrainViolations.
  bool violation_monitoring = false;
  // stdin: spec.stdin, attach and exec with input.
  bool stdin = false;
  bool suspend = true;
  PortPreviews ports = PortPreviews::kNone;
  Persistence persistence = Persistence::kNone;
  // fileOps: ReadFile/WriteFile work.
  bool file_ops = false;
  // images: the spec field that picks what the sandbox runs ("image" for a
  // docker image, e2b template or daytona snapshot, "runtime" for a Vercel
  // runtime); empty when the provider runs on the host as it is.
  std::string images;
  // resources: the spec.resources fields the provider applies.
  std::set<std::string> resources;
};
// {"osSecurity": true, "ports": "dynamic", ...} for the API.
std::string EncodeCapabilities(const Capabilities& c);

struct ExecRequest {
  std::vector<std::string> command;
  std::vector<std::pair<std::string, std::string>> env;
  bool stdin_open = false;
  std::optional<Millis> timeout;
  // A pseudo-terminal for the command (exec -t): its stdin, stdout and
  // stderr are the terminal, so output arrives on stdout only.
  bool tty = false;
};

// Byte streams of a running command. The provider calls `on_stdout` and
// `on_stderr` from its own thread as data arrives, and pulls stdin with
// `read_stdin` (returns false at end of input) when stdin is open.
struct Streams {
  std::function<void(std::string_view)> on_stdout;
  std::function<void(std::string_view)> on_stderr;
  std::function<bool(std::string& chunk)> read_stdin;
  // Set to true by the caller to stop a follow or attach.
  std::function<bool()> cancelled = [] { return false; };
};

struct LogOptions {
  bool follow = false;
  std::optional<Time> since;
  std::optional<size_t> tail;  // last N lines
  bool timestamps = false;
  // The output of the run before the last restart (logs --previous), for
  // providers that keep it; the others answer kUnsupported.
  bool previous = false;
};

// A blocked attempt reported by a sandbox (see store::Violation).
struct ViolationRecord {
  std::string uid;
  specs::ObjectKey key;
  int64_t seq = 0;  // increasing per sandbox; the store ignores repeats
  Time time{};
  std::string kind, operation, target, rule;
};

// Called by a provider, from a thread of its own, when a resource changed
// out of band (it died, was removed or paused outside Sesame), with the
// object key and uid recorded on the resource: the controller reconciles
// that object at once instead of at its next resync.
using ChangeListener = std::function<void(const specs::ObjectKey& key, const std::string& uid)>;

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string name() const = 0;
  virtual Capabilities capabilities() const = 0;

  // Creates the resource, or adopts the one that already carries
  // request.uid. Returns it as observed right after.
  virtual Result<Observed> Create(const SandboxRequest& request) = 0;
  // The resource of `uid`, or nullopt when there is none.
  virtual Result<std::optional<Observed>> Observe(const std::string& uid) = 0;
  // Every resource this provider made (for resync and orphan collection).
  virtual Result<std::vector<Observed>> ListOwned() = 0;
  // Applies the in-place fields of `request` (those in capabilities()).
  virtual Status Update(const Observed& current, const SandboxRequest& request) = 0;
  virtual Status Suspend(const Observed& current) = 0;
  virtual Status Resume(const Observed& current) = 0;
  // Starts the session command again (restartPolicy), keeping the resource.
  virtual Status Restart(const Observed& current, const SandboxRequest& request) = 0;
  // Removes the resource; succeeds when it is already gone.
  virtual Status Delete(const Observed& current) = 0;
  // Removes what a resource keeps across recreations (docker: its
  // persistence volume), once the object is gone for good: after Delete
  // under deletionPolicy Delete, and for orphans. Default: nothing kept.
  virtual Status Purge(const Observed& current) {
    (void)current;
    return Status::Ok();
  }
  // Providers that watch their resources call `listener` for each change
  // seen; the others never do. nullptr stops the calls.
  virtual void SetChangeListener(ChangeListener listener) { (void)listener; }
  // Starts `request`'s session (its command, env, stdin) in `current`, an
  // idle warm sandbox of a pool that the request's object has just claimed
  // (the resource already carries request.uid), and records
  // request.field_hashes. This default makes the resource again; providers
  // that can start a command in an existing resource do it in place.
  virtual Status StartSession(const Observed& current, const SandboxRequest& request) {
    SESAME_RETURN_IF_ERROR(Delete(current));
    return Create(request).status();
  }

  // Runs a command inside the sandbox; returns its exit code.
  virtual Result<int> Exec(const Observed& current, const ExecRequest& request,
                           Streams& streams) = 0;
  // The session's output; with follow, returns when cancelled or the
  // session ends.
  virtual Status Logs(const Observed& current, const LogOptions& options, Streams& streams) = 0;
  // Connects to the session's stdin and output (spec.stdin: true).
  virtual Status Attach(const Observed& current, Streams& streams) = 0;
  virtual Result<std::string> ReadFile(const Observed& current, const std::string& path) = 0;
  virtual Status WriteFile(const Observed& current, const std::string& path,
                           const std::string& content) = 0;

  // A URL on this host that reaches `port` inside the sandbox, for a port
  // that is not in status.endpoints (one the agent opened later: a dynamic
  // preview). kUnsupported where the provider has no such route.
  virtual Result<std::string> PreviewUrl(const Observed& current, int port) {
    (void)current;
    return UnsupportedError(name() + " sandboxes have no preview for undeclared port " +
                            std::to_string(port));
  }

  // Hides the host directory `path` (the workspace of a sandbox being
  // made) from every running sandbox of this provider that enforces
  // OS-level security, except those whose own workspace holds it or lies
  // in it. Sandboxes that see no host paths (containers) need nothing.
  virtual Status HideFromRunning(const std::string& path) {
    (void)path;
    return Status::Ok();
  }

  // Violations its sandboxes recorded since the last call (after a
  // restart: all that are still kept). Providers without OS-level
  // sandboxing have none.
  virtual Result<std::vector<ViolationRecord>> DrainViolations() {
    return std::vector<ViolationRecord>{};
  }
};

// Providers by name, registered explicitly from main (self-registration
// vanishes from static libraries).
class Registry {
 public:
  // Two providers under one name are a programmer error:
  // std::invalid_argument.
  void Register(std::unique_ptr<Provider> provider);
  // nullptr when no provider has that name.
  Provider* Find(const std::string& name) const;
  std::vector<Provider*> All() const;

 private:
  std::map<std::string, std::unique_ptr<Provider>> providers_;
};

// Per-field fingerprints of a spec, of the fields the provider resource is
// made from (specs::ResourceFieldNames: "image", "command", "env", ...).
// Env values from hostEnv are hashed by name only (the secret itself is not
// part of the fingerprint).
std::map<std::string, std::string> FieldHashes(const specs::SandboxSpec& spec);

// A create refused because this host cannot enforce the sandbox's security
// (terminal; the status says SecurityEnforced=False/Unsupported), and the
// test for it.
Status SecurityUnsupportedError(std::string message);
bool IsSecurityUnsupported(const Status& s);

}  // namespace sesame::providers
