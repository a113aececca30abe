#pragma once
// A real controller in this process, wired as `sesame controller` wires it:
// the SQLite store at HOME/state.db, the filesystem provider (supervisor:
// the built `sesame __supervise`, state in HOME/run), the sandbox
// reconciler and the manager running on its own thread. A ReadyWatcher on
// a second connection notes when each sandbox is seen Ready
// (ready_watcher.h); the provider is wrapped to note when its Create ran
// (timing_provider.h).

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "bench/ready_watcher.h"
#include "bench/timing_provider.h"
#include "common/status.h"
#include "controller/manager.h"
#include "providers/provider.h"
#include "reconcilers/sandbox_reconciler.h"

namespace sesame::bench {

struct HarnessOptions {
  std::string home;               // a TempHome's path
  std::string supervisor_binary;  // absolute path of the built `sesame`
  int workers = 4;
  // How often the ReadyWatcher polls the database.
  std::chrono::microseconds watch_poll{100};
  // The provider to run sandboxes on (wrapped in a TimingProvider); empty:
  // the filesystem provider described above.
  std::function<std::unique_ptr<providers::Provider>()> make_provider = nullptr;
};

// One line for a benchmark's header: workers, poll interval, whether
// OS-level sandboxing is on (SANDBOX_SECURITY_ENABLED), the supervisor.
std::string Describe(const HarnessOptions& options);

class ControllerHarness {
 public:
  // Builds everything, starts the manager and waits (up to 10 s) until it
  // holds the lease.
  static Result<std::unique_ptr<ControllerHarness>> Start(const HarnessOptions& options);
  // Stops the manager and joins its thread. Sandbox processes are left to
  // the TempHome.
  ~ControllerHarness();
  ControllerHarness(const ControllerHarness&) = delete;
  ControllerHarness& operator=(const ControllerHarness&) = delete;

  store::Store& store() { return *store_; }
  ReadyWatcher& watcher() { return *watcher_; }
  TimingProvider& provider() { return *provider_; }
  // Tells the manager that this process wrote to the store (as `sesame up`
  // does after its own apply).
  void Notify() { manager_->Notify(); }

 private:
  ControllerHarness() = default;

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ReadyWatcher> watcher_;
  providers::Registry registry_;
  TimingProvider* provider_ = nullptr;  // owned by registry_
  std::unique_ptr<reconcilers::SandboxReconciler> reconciler_;
  std::unique_ptr<controller::Manager> manager_;
  std::thread thread_;
};

}  // namespace sesame::bench
