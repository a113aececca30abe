// sesame gc [--dry-run]: one cleanup pass, for cron.
#include "cli/command.h"
#include "reconcilers/plan.h"
#include "reconcilers/sandbox_reconciler.h"
#include <unistd.h>

namespace sesame::cli {
namespace {

constexpr char kLeaseName[] = "controller";

int RunGc(Context& ctx, const ParsedFlags& flags) {
  bool dry_run = flags.Has("dry-run");
  auto runtime = ctx.runtime();
  if (!runtime.ok()) return ctx.Fail(runtime.status());
  store::Store& store = *(*runtime)->store;
  // Act on providers only when no controller holds the lease: otherwise
  // deleting the objects is enough, and the controller does the rest.
  std::string holder = "gc:" + std::to_string(getpid());
  auto lease = dry_run ? Result<bool>(false)
                       : store.TryAcquireLease(kLeaseName, holder, std::chrono::seconds(60));
  bool act = lease.ok() && *lease;
  auto list = store.List({specs::kKindSandbox, "", {}});
  if (!list.ok()) return ctx.Fail(list.status());
  Time now = Clock::Real().Now();
  int count = 0;
  for (const auto& o : *list) {
    auto sandbox = reconcilers::ResolveSandbox(store, o);
    auto expiry = sandbox.ok() ? reconcilers::ExpiryOf(*sandbox) : std::nullopt;
    bool expired = expiry && *expiry <= now;
    if (!expired && !o.metadata.deletion_timestamp) continue;
    ++count;
    std::string name = "sandbox/" + o.metadata.name + " (" + o.metadata.namespace_ + ")";
    ctx.out << (dry_run ? "would delete " : "deleting ") << name
            << (expired ? " expired at " + FormatTime(*expiry) : " (terminating)") << "\n";
    if (dry_run) continue;
    if (expired && !o.metadata.deletion_timestamp) (void)store.Delete(specs::KeyOf(o));
    // Two passes: delete the provider resource, then drop the finalizer.
    for (int i = 0; act && i < 3; ++i) {
      auto outcome = (*runtime)->reconciler->Reconcile(specs::KeyOf(o));
      if (!outcome.status.ok()) {
        ctx.err << "error: " << name << ": " << outcome.status.message() << "\n";
        break;
      }
    }
  }
  if (act || dry_run) {
    auto orphans = (*runtime)->reconciler->CollectOrphans(dry_run);
    if (!orphans.ok()) return ctx.Fail(orphans.status());
    for (const auto& line : orphans->found) ctx.out << (dry_run ? "would delete orphan " : "deleted orphan ") << line << "\n";
    for (const auto& line : orphans->unlisted) ctx.err << "warning: orphans not collected from " << line << "\n";
    count += static_cast<int>(orphans->found.size());
    if (act) (void)store.ReleaseLease(kLeaseName, holder);
  } else {
    ctx.out << "a controller is running: it finishes the deletions and collects orphans\n";
  }
  if (count == 0) ctx.out << "nothing to collect\n";
  return kExitOk;
}

}  // namespace

Command GcCommand() {
  return {"gc",
          "Delete expired sandboxes and orphaned provider resources once",
          "sesame gc [--dry-run]",
          "For cron. With a controller running, gc marks expired sandboxes deleted and\n"
          "the controller removes them; without one, gc removes them itself.",
          {{"dry-run", 0, false, "print what would be deleted; change nothing"}},
          RunGc};
}

}  // namespace sesame::cli
