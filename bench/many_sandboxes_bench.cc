// 1,000 filesystem sandboxes (sleep 3600) applied in one Store::Apply to a
// real controller in this process: how long until all are Ready, then,
// after deleting them all, how long until every process recorded in
// status.providerRef.id has exited and every row is gone. Everything the
// run started is killed when it ends, whether it succeeded or not.
//
// Usage: bench_many_sandboxes [--count N] [--workers N]
#include <sys/resource.h>

#include <cstdio>
#include <set>
#include <thread>

#include "bench/bench_support.h"
#include "bench/controller_harness.h"
#include "specs/codec.h"

namespace {

using namespace sesame;
using namespace sesame::bench;

constexpr auto kPhaseTimeout = std::chrono::minutes(5);
constexpr char kNamespace[] = "bench";

// This process's CPU time (user + system), in ms: the controller's share
// (and the Ready watcher's, a small part).
double CpuMillis() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

Result<std::vector<specs::Object>> ListSandboxes(store::Store& store) {
  return store.List({specs::kKindSandbox, kNamespace, {}});
}

// The pids of status.providerRef.id of sandboxes that are Ready.
Result<std::vector<pid_t>> ReadyPids(store::Store& store) {
  auto list = ListSandboxes(store);
  if (!list.ok()) return list.status();
  std::vector<pid_t> pids;
  for (const auto& o : *list) {
    auto status = specs::DecodeSandboxStatus(o.status);
    if (!status.ok() || !StatusIsReady(o.status) || !status->provider_ref) continue;
    pids.push_back(static_cast<pid_t>(std::stol(status->provider_ref->id)));
  }
  return pids;
}

struct Phase {
  double wall_ms = -1;
  double cpu_ms = 0;
};

Result<Phase> ApplyAll(ControllerHarness& h, const std::vector<specs::Object>& sandboxes,
                       double* apply_ms) {
  double cpu = CpuMillis();
  auto start = SteadyClock::now();
  auto applied = h.store().Apply(sandboxes, {});
  *apply_ms = MillisSince(start);
  if (!applied.ok()) return applied.status();
  h.Notify();
  if (Status s = h.watcher().WaitReadyCount(sandboxes.size(), kPhaseTimeout); !s.ok()) {
    return Status(s.code(), s.message() + " (" + std::to_string(h.watcher().ReadyCount()) + " of " +
                                std::to_string(sandboxes.size()) + " were Ready)");
  }
  return Phase{MillisBetween(start, *h.watcher().LastReady()), CpuMillis() - cpu};
}

// Polls every 5 ms until `done`; the elapsed ms since `start`, or -1.
template <typename Predicate>
double PollUntil(SteadyClock::time_point start, Predicate done) {
  while (!done()) {
    if (SteadyClock::now() - start > kPhaseTimeout) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return MillisSince(start);
}

struct DeletePhase {
  double delete_calls_ms = 0;  // the Store::Delete calls themselves
  double processes_gone_ms = -1;
  double rows_gone_ms = -1;
  double cpu_ms = 0;
};

Result<DeletePhase> DeleteAll(ControllerHarness& h, const std::vector<specs::Object>& sandboxes,
                              std::vector<pid_t> pids) {
  DeletePhase d;
  double cpu = CpuMillis();
  auto start = SteadyClock::now();
  // One Delete per object, as `sesame delete` does.
  for (const auto& o : sandboxes) {
    if (Status s = h.store().Delete(specs::KeyOf(o), 0); !s.ok()) return s;
  }
  d.delete_calls_ms = MillisSince(start);
  h.Notify();
  d.processes_gone_ms = PollUntil(start, [&] {
    std::erase_if(pids, ProcessGone);
    return pids.empty();
  });
  if (d.processes_gone_ms < 0) {
    return UnavailableError(std::to_string(pids.size()) + " sandbox processes still running");
  }
  d.rows_gone_ms = PollUntil(start, [&] {
    auto list = ListSandboxes(h.store());
    return list.ok() && list->empty();
  });
  if (d.rows_gone_ms < 0) return UnavailableError("sandbox rows still in the store");
  d.cpu_ms = CpuMillis() - cpu;
  return d;
}

int Run(const std::string& home, int count, int workers) {
  // Polling for Ready every 1 ms is precise enough for figures in seconds
  // and leaves the cores to the controller and the supervisors.
  HarnessOptions options{home, SESAME_BINARY, workers, std::chrono::milliseconds(1)};
  auto harness = ControllerHarness::Start(options);
  if (!harness.ok()) return std::fprintf(stderr, "%s\n", harness.status().ToString().c_str()), 1;
  ControllerHarness& h = **harness;
  auto sandboxes = MakeSandboxes(kNamespace, "many", count, R"(["sleep", "3600"])");
  if (!sandboxes.ok()) return std::fprintf(stderr, "%s\n", sandboxes.status().ToString().c_str()), 1;

  std::printf("%d filesystem sandboxes (sleep 3600) in one apply\n%s\n\n", count,
              Describe(options).c_str());
  double apply_ms = 0;
  auto up = ApplyAll(h, *sandboxes, &apply_ms);
  if (!up.ok()) return std::fprintf(stderr, "up: %s\n", up.status().ToString().c_str()), 1;
  auto pids = ReadyPids(h.store());
  if (!pids.ok()) return std::fprintf(stderr, "%s\n", pids.status().ToString().c_str()), 1;
  size_t alive = std::count_if(pids->begin(), pids->end(), [](pid_t p) { return !ProcessGone(p); });
  size_t distinct = std::set<pid_t>(pids->begin(), pids->end()).size();
  std::printf("Store::Apply of %d objects:       %9.1f ms\n", count, apply_ms);
  std::printf("apply -> all Ready:               %9.1f ms  (%.0f sandboxes/s; controller CPU %.0f ms)\n",
              up->wall_ms, count / (up->wall_ms / 1e3), up->cpu_ms);
  std::printf("  Ready in the store: %zu, distinct pids %zu, alive %zu\n", pids->size(), distinct, alive);

  auto down = DeleteAll(h, *sandboxes, *pids);
  if (!down.ok()) return std::fprintf(stderr, "down: %s\n", down.status().ToString().c_str()), 1;
  std::printf("Store::Delete x %d:               %9.1f ms\n", count, down->delete_calls_ms);
  std::printf("delete -> all processes gone:     %9.1f ms  (controller CPU %.0f ms)\n",
              down->processes_gone_ms, down->cpu_ms);
  std::printf("delete -> all rows gone:          %9.1f ms\n", down->rows_gone_ms);
  harness->reset();
  std::printf("processes of the home left after the controller stopped: %d\n", CountProcessesOf(home));
  std::printf("\n(targets: < 10 s each way on 2 cores)\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int count = IntFlag(argc, argv, "count", 1000);
  int workers = IntFlag(argc, argv, "workers", 4);
  return RunInTempHome("bench_many_sandboxes",
                       [&](const std::string& home) { return Run(home, count, workers); });
}
