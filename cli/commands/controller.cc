// sesame controller: the controller alone, in the foreground.
// (Its flags and help: controller_flags.cc.)
#include <malloc.h>

#include <memory>

#include "cli/command.h"
#include "cli/controller_flags.h"
#include "cli/start_api.h"
#include "cli/git_sync_controller.h"
#include "common/logging.h"
#include "common/mutex.h"

namespace sesame::cli {

int RunController(Context& ctx, const ParsedFlags& flags) {
  auto options = ManagerOptionsFromFlags(flags);
  if (!options.ok()) return ctx.Fail(options.status());
  auto git = GitSyncFromFlags(flags);
  if (!git.ok()) return ctx.Fail(git.status());
  // Before any thread starts (the API server's, the workers'), so that
  // Ctrl-C reaches the thread that stops the controller cleanly.
  BlockTerminationSignals();
  // A fixed threshold: buffers of 256 KiB and more (list bodies, a large
  // apply's text) are mapped and unmapped whole. Left dynamic, glibc raises
  // it to the largest block freed so far, and later bodies of a list of
  // 10,000 objects stay in the arenas, resident, after they are freed.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // Two malloc arenas, not eight per core: each thread's arena kept the
  // free pages of a bulk create pinned by a few live blocks (2 MB more
  // resident with 1,000 sandboxes running); two cores need no more.
  ::mallopt(M_ARENA_MAX, 2);
  std::vector<std::string> private_paths;
  if (!flags.Get("token-file").empty()) private_paths.push_back(flags.Get("token-file"));
  auto runtime = ctx.runtime(flags.Get("db"), private_paths);
  if (!runtime.ok()) return ctx.Fail(runtime.status());
  Mutex log_mutex;
  auto log = [&ctx, &log_mutex](const std::string& line) {
    MutexLock lock(log_mutex);
    LogInfo(line);  // spdlog: --log-format, --log-level
  };
  options->log = log;
  store::Store& store = *(*runtime)->store;
  controller::Manager manager(store, *(*runtime)->reconciler, *options);
  if (*git) {
    Status created = ApplyGitSync(store, **git);
    if (!created.ok()) return ctx.Fail(created);
  }
  // Declared after the manager and before the API: stopped before the
  // manager goes.
  GitSyncController syncs(store, {}, [&manager] { return manager.IsLeader(); }, log,
                          [&manager] { manager.Notify(); });
  auto api = StartApi(flags, **runtime, manager);
  if (!api.ok()) return ctx.Fail(api.status());
  LogInfo("API listening on " + api->url);
  if (*git) {
    log("syncing " + flags.Get("git") + " (branch " + flags.Get("branch", "main") + ") as gitsync/" +
        (*git)->metadata.name);
  }
  syncs.Start();
  OnTerminationSignal([&manager] { manager.Stop(); });
  Status status = manager.Run();
  syncs.Stop();
  if (!status.ok()) return ctx.Fail(status);
  ctx.err << "controller stopped; sandboxes keep running and are re-adopted on the next start\n";
  return kExitOk;
}

}  // namespace sesame::cli
