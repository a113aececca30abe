// What one periodic resync costs the controller when nothing changed:
// 10,000 Sandboxes, each with a Running resource in an in-process fake
// provider whose field hashes match the spec, so every plan is "nothing".
// After passes that create the resources and settle the statuses, each
// measured pass calls SandboxReconciler::Reconcile for every key (what the
// workers do for the keys a resync enqueues) and reports CPU time
// (getrusage RUSAGE_SELF, user + system) and wall time. The rest of a
// resync (listing every key, collecting orphans) is reported beside it.
//
// Usage: bench_idle_resync [--count N] [--passes N]
#include <sys/resource.h>

#include <cstdio>

#include "bench/bench_support.h"
#include "bench/fake_provider.h"
#include "reconcilers/sandbox_reconciler.h"
#include "store/store.h"

namespace {

using namespace sesame;
using namespace sesame::bench;

double CpuMillis() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

struct Cost {
  double wall_ms = 0;
  double cpu_ms = 0;
};

template <typename Work>
Cost Measure(Work work) {
  double cpu = CpuMillis();
  auto start = SteadyClock::now();
  work();
  return {MillisSince(start), CpuMillis() - cpu};
}

struct Pass {
  Cost cost;
  size_t failed = 0;
  size_t requeued = 0;
  bool wrote = false;  // the store's resourceVersion moved
};

Pass ReconcileAll(reconcilers::SandboxReconciler& reconciler, store::Store& store,
                  const std::vector<specs::ObjectKey>& keys) {
  Pass p;
  auto before = store.CurrentResourceVersion();
  p.cost = Measure([&] {
    for (const auto& key : keys) {
      reconcilers::ReconcileOutcome outcome = reconciler.Reconcile(key);
      p.failed += !outcome.status.ok();
      p.requeued += outcome.requeue_after.has_value();
    }
  });
  auto after = store.CurrentResourceVersion();
  p.wrote = !before.ok() || !after.ok() || *before != *after;
  return p;
}

// The passes that are measured, under a name of their own so a profiler can
// collect them alone: valgrind --tool=callgrind --toggle-collect='*MeasuredPass*'
[[gnu::noinline]] Pass MeasuredPass(reconcilers::SandboxReconciler& reconciler, store::Store& store,
                                    const std::vector<specs::ObjectKey>& keys) {
  return ReconcileAll(reconciler, store, keys);
}

std::string PerObject(const Cost& c, size_t n) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.1f us/object CPU", c.cpu_ms * 1e3 / static_cast<double>(n));
  return buf;
}

int Run(const std::string& home, int count, int passes) {
  auto opened = store::Store::Open(home + "/state.db");
  if (!opened.ok()) return std::fprintf(stderr, "%s\n", opened.status().ToString().c_str()), 1;
  store::Store& store = **opened;
  providers::Registry registry;
  auto fake = std::make_unique<FakeProvider>("filesystem");
  FakeProvider& provider = *fake;
  registry.Register(std::move(fake));
  reconcilers::SandboxReconciler reconciler(store, registry, Clock::Real(), {home, nullptr});

  auto sandboxes = MakeSandboxes("bench", "idle", count, R"(["sleep", "3600"])");
  if (!sandboxes.ok()) return std::fprintf(stderr, "%s\n", sandboxes.status().ToString().c_str()), 1;
  if (auto applied = store.Apply(*sandboxes, {}); !applied.ok()) {
    return std::fprintf(stderr, "%s\n", applied.status().ToString().c_str()), 1;
  }
  std::vector<specs::ObjectKey> keys;
  for (const auto& o : *sandboxes) keys.push_back(specs::KeyOf(o));

  // Pass 1 creates the fake resources; later ones settle the status.
  int settle = 0;
  for (bool wrote = true; wrote && settle < 5; ++settle) {
    Pass p = ReconcileAll(reconciler, store, keys);
    if (p.failed > 0) return std::fprintf(stderr, "%zu reconciles failed while settling\n", p.failed), 1;
    wrote = p.wrote;
  }
  std::printf("idle resync: %d unchanged Sandboxes, fake provider (%zu Running resources); "
              "settled after %d passes\n\n", count, provider.size(), settle);

  std::vector<double> cpu, wall;
  for (int i = 0; i < passes; ++i) {
    Pass p = MeasuredPass(reconciler, store, keys);
    std::printf("pass %d: Reconcile x %d: CPU %8.1f ms  wall %8.1f ms  (%s; %zu failed, %zu requeued, %s)\n",
                i + 1, count, p.cost.cpu_ms, p.cost.wall_ms, PerObject(p.cost, keys.size()).c_str(),
                p.failed, p.requeued, p.wrote ? "WROTE to the store" : "nothing written");
    cpu.push_back(p.cost.cpu_ms);
    wall.push_back(p.cost.wall_ms);
  }
  Cost list = Measure([&] { (void)store.List({specs::kKindSandbox, "", {}}); });
  Cost orphans = Measure([&] { (void)reconciler.CollectOrphans(true); });
  std::printf("\nReconcile of every key, CPU:  %s\n", FormatSummary(Summarize(cpu)).c_str());
  std::printf("Reconcile of every key, wall: %s\n", FormatSummary(Summarize(wall)).c_str());
  std::printf("rest of a resync: List every Sandbox CPU %.1f ms (wall %.1f); "
              "CollectOrphans CPU %.1f ms (wall %.1f)\n",
              list.cpu_ms, list.wall_ms, orphans.cpu_ms, orphans.wall_ms);
  std::printf("(target: < 100 ms for the reconcile pass)\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int count = IntFlag(argc, argv, "count", 10000);
  int passes = IntFlag(argc, argv, "passes", 5);
  return RunInTempHome("bench_idle_resync",
                       [&](const std::string& home) { return Run(home, count, passes); });
}
