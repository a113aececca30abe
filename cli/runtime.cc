#include "cli/runtime.h"

#include <signal.h>

#include <filesystem>
#include <thread>


namespace sesame::cli {

Result<std::unique_ptr<Runtime>> OpenRuntime(const RegistryFactory& factory,
                                             const std::string& db_path,
                                             std::vector<std::string> private_paths) {
  auto runtime = std::make_unique<Runtime>();
  runtime->home = store::DefaultHome();
  std::string db = db_path.empty() ? store::DefaultDatabasePath() : db_path;
  auto opened = store::Store::Open(db);
  if (!opened.ok()) return opened.status();
  runtime->store = std::move(opened).value();
  runtime->registry = factory ? factory(runtime->home) : std::make_unique<providers::Registry>();
  reconcilers::ReconcilerOptions options{runtime->home, nullptr};
  std::error_code ec;
  std::string absolute_db = std::filesystem::absolute(db, ec).lexically_normal().string();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) private_paths.push_back(absolute_db + suffix);
  for (std::string& p : private_paths) p = std::filesystem::absolute(p, ec).lexically_normal().string();
  options.private_paths = std::move(private_paths);
  runtime->reconciler = std::make_unique<reconcilers::SandboxReconciler>(
      *runtime->store, *runtime->registry, Clock::Real(), std::move(options));
  return runtime;
}

namespace {
sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void OnTerminationSignal(std::function<void()> on_signal) {
  BlockTerminationSignals();
  sigset_t set = TerminationSignals();
  // Detached on purpose: it lives as long as the process, which it may end
  // itself with _exit (nothing to join, nothing to unwind).
  std::thread([set, on_signal = std::move(on_signal)]() mutable {
    int sig = 0;
    sigwait(&set, &sig);
    on_signal();
    // A second signal exits at once, as users expect of Ctrl-C twice.
    sigwait(&set, &sig);
    _exit(130);
  }).detach();
}

}  // namespace sesame::cli
