#include "bench/controller_harness.h"

#include <cstdio>

#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/supervisor_command.h"
#include "security/admin_settings.h"

namespace sesame::bench {

std::string Describe(const HarnessOptions& options) {
  return "controller in-process: " + std::to_string(options.workers) +
         " workers, woken by the store's change signal; Ready seen by polling every " +
         std::to_string(options.watch_poll.count()) + " us; OS-level sandboxing " +
         (security::AdminSettingsFromEnv().enabled ? "on" : "off (SANDBOX_SECURITY_ENABLED)") +
         "; supervisor " + providers::filesystem::SupervisorCommandFor(options.supervisor_binary)[0];
}

Result<std::unique_ptr<ControllerHarness>> ControllerHarness::Start(const HarnessOptions& options) {
  std::unique_ptr<ControllerHarness> h(new ControllerHarness());
  std::string db_path = options.home + "/state.db";
  auto opened = store::Store::Open(db_path);
  if (!opened.ok()) return opened.status();
  h->store_ = std::move(opened).value();
  auto watcher = ReadyWatcher::Start(db_path, options.watch_poll);
  if (!watcher.ok()) return watcher.status();
  h->watcher_ = std::move(watcher).value();

  std::unique_ptr<providers::Provider> inner;
  if (options.make_provider) {
    inner = options.make_provider();
  } else {
    providers::filesystem::FilesystemOptions fs;
    fs.state_root = options.home + "/run";
    fs.supervisor_command = providers::filesystem::SupervisorCommandFor(options.supervisor_binary);
    inner = providers::filesystem::NewFilesystemProvider(fs);
  }
  auto timing = std::make_unique<TimingProvider>(std::move(inner));
  h->provider_ = timing.get();
  h->registry_.Register(std::move(timing));

  h->reconciler_ = std::make_unique<reconcilers::SandboxReconciler>(
      *h->store_, h->registry_, Clock::Real(), reconcilers::ReconcilerOptions{options.home, nullptr});
  controller::ManagerOptions m;
  m.workers = options.workers;
  m.resync_period = std::chrono::hours(1);  // no resync in the middle of a measurement
  m.log = [](const std::string& line) { std::fprintf(stderr, "controller: %s\n", line.c_str()); };
  h->manager_ = std::make_unique<controller::Manager>(*h->store_, *h->reconciler_, m);
  h->thread_ = std::thread([m = h->manager_.get()] { (void)m->Run(); });

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!h->manager_->IsLeader()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return UnavailableError("the controller did not become leader");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return h;
}

ControllerHarness::~ControllerHarness() {
  if (manager_) manager_->Stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sesame::bench
