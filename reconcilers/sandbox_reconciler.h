#pragma once
// Reconciles one Sandbox by key: reads desired state from the store and
// observed state from its provider, plans one action, carries it out, and
// writes status and events. Idempotent and level-triggered: calling it again
// with nothing changed does nothing.
//
// Thread safety: Reconcile may run on several threads at once for different
// keys (never for the same key: the work queue guarantees that).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/mutex.h"
#include "common/status.h"
#include "common/time.h"
#include "providers/provider.h"
#include "reconcilers/field_hash_set.h"
#include "reconcilers/lru_cache.h"
#include "reconcilers/workspace_registry.h"
#include "security/admin_settings.h"
#include "specs/object.h"
#include "store/store.h"

namespace sesame::reconcilers {

struct ReconcileOutcome {
  // OK; a retryable error (backoff, honouring retry_after_ms); or kTerminal,
  // kInvalid, kUnsupported: not retried until the object changes.
  Status status;
  std::optional<Millis> requeue_after;
};

struct ReconcilerOptions {
  std::string home;  // $SESAME_HOME: default workspaces live under it
  // Reads the controller's environment (valueFrom.hostEnv); replaceable in tests.
  std::function<std::optional<std::string>(const std::string&)> host_env;
  // The administrator's sandbox-security settings; by default enabled
  // unless SANDBOX_SECURITY_ENABLED=false.
  security::AdminSettings admin = security::AdminSettingsFromEnv();
  // The controller's own files that no sandbox may read, besides
  // $SESAME_HOME: a store or token file kept elsewhere.
  std::vector<std::string> private_paths;
};

// The effective Sandbox of a stored object: its template merged and
// defaults filled. A missing template is kTerminal, except for an object
// being deleted (its own spec is enough to clean up).
Result<specs::Sandbox> ResolveSandbox(store::Store& store, const specs::Object& object);

class SandboxReconciler {
 public:
  SandboxReconciler(store::Store& store, const providers::Registry& registry, const Clock& clock,
                    ReconcilerOptions options);

  ReconcileOutcome Reconcile(const specs::ObjectKey& key);
  // The providers it reconciles with (the controller listens to their
  // changes).
  const providers::Registry& registry() const { return registry_; }

  // Provider resources whose object is gone, deleted unless `dry_run`.
  // A provider that cannot list its resources (docker not running) is
  // reported and skipped, so the others are still collected.
  struct Orphans {
    std::vector<std::string> found;  // "filesystem 1234 (default/old-box)"
    std::vector<std::string> unlisted;  // "docker: cannot connect to ..."
  };
  Result<Orphans> CollectOrphans(bool dry_run);

  // Moves the violations the providers' sandboxes reported into the store;
  // returns how many.
  Result<int> CollectViolations();

 public:
  struct Context;  // one reconcile's state (sandbox_reconciler.cc)

 private:
  ReconcileOutcome ReconcileObject(const specs::Object& object);
  Status Execute(Context& ctx);
  Result<providers::SandboxRequest> BuildRequest(const Context& ctx) const;
  Status WriteStatus(Context& ctx);
  // Before a create: hides a custom workspace from the secured sandboxes
  // that already run (those made later hide it from the start).
  Status HideWorkspaceFromOthers(const providers::SandboxRequest& request);
  // Writes `status` unless it encodes to what is stored; a conflicting
  // write is kUnavailable (reconcile again with fresh state).
  Status StoreStatus(Context& ctx, const specs::SandboxStatus& status);
  // The provider could not say what it runs for this object: Ready=False
  // with the error's reason, a Warning event, and the error returned for
  // the work queue's backoff.
  ReconcileOutcome ObserveFailed(Context& ctx, const Status& error);
  void RecordEvent(const specs::Object& object, bool warning, const std::string& reason,
                   const std::string& message);
  // An event when the runtimes install moved on (RuntimeReady changed).
  void RecordRuntimeEvent(const specs::Object& object, const Context& ctx);

  // The effective sandbox and its field fingerprints, decoded once per
  // version of the object (and of its template): reconciling an unchanged
  // object again soon after costs a store read and an Observe, not JSON
  // decoding.
  struct Decoded {
    int64_t object_version = 0;
    int64_t template_version = 0;  // 0: no template
    specs::Sandbox sandbox;
    FieldHashSet hashes;
  };
  // A spec of its own (no template, no pool) decoded, by its stored text:
  // sandboxes applied together share one, and a miss of the cache above
  // decodes only the status.
  struct DecodedSpec {
    specs::SandboxSpec spec;
    FieldHashSet hashes;  // without the warm marker (a label's, per object)
  };
  // Shared, so that a cache hit copies nothing.
  Result<std::shared_ptr<const Decoded>> Decode(const specs::Object& object);
  // The sandbox of an object with a spec of its own, through decoded_specs_;
  // nullptr when it names a template or pool (ResolveSandbox's business).
  Result<std::shared_ptr<const Decoded>> DecodeOwnSpec(const specs::Object& object);
  // The template's resourceVersion (0 when it has none or it is missing).
  int64_t TemplateVersion(const specs::Object& object, const std::string& template_ref);

  store::Store& store_;
  const providers::Registry& registry_;
  const Clock& clock_;
  ReconcilerOptions options_;
  mutable WorkspaceRegistry workspaces_;  // a cache, synchronized inside
  // Small and least-recently-used first out: the objects being worked on
  // stay decoded; memory does not grow with the number stored (each entry
  // is a few KB).
  static constexpr size_t kDecodedCapacity = 64;
  static constexpr size_t kDecodedSpecCapacity = 64;
  // By ObjectKey::ToString.
  Guarded<LruCache<std::shared_ptr<const Decoded>>> decoded_{kDecodedCapacity};
  // By the stored spec's text.
  Guarded<LruCache<std::shared_ptr<const DecodedSpec>>> decoded_specs_{kDecodedSpecCapacity};
};

}  // namespace sesame::reconcilers
