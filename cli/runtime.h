#pragma once
// What the controller-side commands (up, controller, logs, exec, attach,
// gc) work with in embedded mode: the store, the providers registered by
// main, and the reconciler over both.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "providers/provider.h"
#include "reconcilers/sandbox_reconciler.h"
#include "store/store.h"

namespace sesame::cli {

// Builds the provider registry for a $SESAME_HOME; main supplies it, so that
// providers are registered explicitly in one place.
using RegistryFactory = std::function<std::unique_ptr<providers::Registry>(const std::string& home)>;

struct Runtime {
  std::string home;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<providers::Registry> registry;
  std::unique_ptr<reconcilers::SandboxReconciler> reconciler;
};

// Opens $SESAME_HOME's store (or `db_path` when given). The store and
// `private_paths` (a token file) are hidden from every secured sandbox.
Result<std::unique_ptr<Runtime>> OpenRuntime(const RegistryFactory& factory,
                                             const std::string& db_path = "",
                                             std::vector<std::string> private_paths = {});

// Blocks SIGINT and SIGTERM in this thread and in every thread it starts
// afterwards. Call first thing, before any thread exists, so that the
// signals reach only OnTerminationSignal's thread.
void BlockTerminationSignals();

// Blocks SIGINT and SIGTERM and calls `on_signal` from a helper thread when
// one arrives. Threads started before BlockTerminationSignals() could
// still take the signal, so call that first.
void OnTerminationSignal(std::function<void()> on_signal);

}  // namespace sesame::cli
