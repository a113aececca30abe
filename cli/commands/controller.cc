// sesame controller: the controller alone, in the foreground.
#include "cli/command.h"
#include "cli/controller_flags.h"

namespace sesame::cli {
namespace {

int RunController(Context& ctx, const ParsedFlags& flags) {
  auto options = ManagerOptionsFromFlags(flags);
  if (!options.ok()) return ctx.Fail(options.status());
  auto runtime = ctx.runtime(flags.Get("db"));
  if (!runtime.ok()) return ctx.Fail(runtime.status());
  options->log = [&ctx](const std::string& line) { ctx.err << line << std::endl; };
  controller::Manager manager(*(*runtime)->store, *(*runtime)->reconciler, *options);
  auto api = StartApi(flags, **runtime, manager);
  if (!api.ok()) return ctx.Fail(api.status());
  ctx.err << "API listening on " << api->url << std::endl;
  OnTerminationSignal([&manager] { manager.Stop(); });
  Status status = manager.Run();
  if (!status.ok()) return ctx.Fail(status);
  ctx.err << "controller stopped; sandboxes keep running and are re-adopted on the next start\n";
  return kExitOk;
}

}  // namespace

Command ControllerCommand() {
  return {"controller",
          "Run the controller in the foreground",
          "sesame controller [--listen 127.0.0.1:7777] [--token-file F] [--workers N] [--resync 30s]",
          "One controller acts per database: a second one waits as a standby and\n"
          "takes over when the first stops. Ctrl-C stops the controller; sandboxes\n"
          "keep running and are re-adopted when a controller starts again.",
          ControllerFlags(),
          RunController};
}

}  // namespace sesame::cli
