// sesame controller: the controller alone, in the foreground.
#include <memory>
#include <mutex>

#include "cli/command.h"
#include "cli/controller_flags.h"
#include "common/logging.h"

namespace sesame::cli {
namespace {

int RunController(Context& ctx, const ParsedFlags& flags) {
  auto options = ManagerOptionsFromFlags(flags);
  if (!options.ok()) return ctx.Fail(options.status());
  auto git = GitSyncOptionsFromFlags(flags);
  if (!git.ok()) return ctx.Fail(git.status());
  // Before any thread starts (the API server's, the workers'), so that
  // Ctrl-C reaches the thread that stops the controller cleanly.
  BlockTerminationSignals();
  auto runtime = ctx.runtime(flags.Get("db"));
  if (!runtime.ok()) return ctx.Fail(runtime.status());
  std::mutex log_mutex;
  auto log = [&ctx, &log_mutex](const std::string& line) {
    std::lock_guard lock(log_mutex);
    LogInfo(line);  // spdlog: --log-format, --log-level
  };
  options->log = log;
  controller::Manager manager(*(*runtime)->store, *(*runtime)->reconciler, *options);
  // Declared after the manager and before the API: stopped before the
  // manager goes, and outlives the API's trigger.
  std::unique_ptr<GitSync> sync;
  std::function<Status()> trigger;
  if (*git) {
    (*git)->active = [&manager] { return manager.IsLeader(); };
    sync = std::make_unique<GitSync>(*(*runtime)->store, std::move(**git), log, [&manager] { manager.Notify(); });
    trigger = [s = sync.get()] { return s->Trigger(); };
  }
  auto api = StartApi(flags, **runtime, manager, trigger);
  if (!api.ok()) return ctx.Fail(api.status());
  LogInfo("API listening on " + api->url);
  if (sync) {
    log("syncing " + flags.Get("git") + " (branch " + flags.Get("branch", "main") + ") as applyset " +
        sync->applyset());
    sync->Start();
  }
  OnTerminationSignal([&manager] { manager.Stop(); });
  Status status = manager.Run();
  if (sync) sync->Stop();
  if (!status.ok()) return ctx.Fail(status);
  ctx.err << "controller stopped; sandboxes keep running and are re-adopted on the next start\n";
  return kExitOk;
}

std::vector<FlagSpec> ControllerCommandFlags() {
  std::vector<FlagSpec> flags = ControllerFlags();
  for (auto& f : GitFlags()) flags.push_back(f);
  flags.push_back({"applyset", 0, true, "the applyset --git is applied as (default: git-REPONAME)", "NAME"});
  return flags;
}

}  // namespace

Command ControllerCommand() {
  return {"controller",
          "Run the controller in the foreground",
          "sesame controller [--listen 127.0.0.1:7777] [--token-file F] [--workers N] [--resync 30s]\n"
          "                  [--git REPO [--branch main] [--path DIR] [--interval 30s] [--applyset NAME]]",
          "One controller acts per database: a second one waits as a standby and\n"
          "takes over when the first stops. Ctrl-C stops the controller; sandboxes\n"
          "keep running and are re-adopted when a controller starts again.\n\n"
          "With --git, the acting controller keeps the store equal to the branch's\n"
          "manifests (applied with prune under applyset git-REPONAME); a fetch or\n"
          "parse error changes nothing. `sesame get syncs` shows the applied commit;\n"
          "POST /v1/sync (a push webhook) syncs at once.",
          ControllerCommandFlags(),
          RunController};
}

}  // namespace sesame::cli
