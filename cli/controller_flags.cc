#include "cli/controller_flags.h"

#include "specs/quantity.h"

namespace sesame::cli {

std::vector<FlagSpec> ControllerFlags() {
  return {{"db", 0, true, "the database (default: $SESAME_HOME/state.db)", "FILE"},
          {"workers", 0, true, "reconcile workers (default 2)", "N"},
          {"resync", 0, true, "how often every sandbox is observed again (default 30s)", "DURATION"},
          {"lease", 0, true, "how long a controller's leadership lasts unrenewed (default 10s)",
           "DURATION"}};
}

Result<controller::ManagerOptions> ManagerOptionsFromFlags(const ParsedFlags& flags) {
  controller::ManagerOptions options;
  std::string workers = flags.Get("workers", "2");
  try {
    size_t used = 0;
    options.workers = std::stoi(workers, &used);
    if (used != workers.size() || options.workers < 1 || options.workers > 64) throw 0;
  } catch (...) {
    return InvalidError("--workers: \"" + workers + "\" is not a number from 1 to 64");
  }
  auto resync = specs::ParseDuration(flags.Get("resync", "30s"));
  if (!resync.ok()) return InvalidError("--resync: " + resync.status().message());
  if (resync->value < std::chrono::seconds(1)) return InvalidError("--resync: at least 1s");
  options.resync_period = resync->value;
  auto lease = specs::ParseDuration(flags.Get("lease", "10s"));
  if (!lease.ok()) return InvalidError("--lease: " + lease.status().message());
  if (lease->value < std::chrono::seconds(1)) return InvalidError("--lease: at least 1s");
  options.lease_duration = lease->value;
  return options;
}

}  // namespace sesame::cli
