// How long one filesystem sandbox takes from `apply` to Ready, with a real
// controller in this process, next to what a bare fork+exec costs on the
// same machine in the same run. Each run applies one Sandbox (sleep 3600)
// through Store::Apply and Manager::Notify, waits until a second connection
// to the database sees it Ready=True (ready_watcher.h, polling every
// 0.1 ms), then deletes it and waits until its process and its row are
// gone, so runs never overlap.
//
// Usage: bench_ready_latency [--runs N] [--workers N]
#include <cstdio>
#include <thread>

#include "bench/bench_support.h"
#include "bench/controller_harness.h"
#include "specs/codec.h"

namespace {

using namespace sesame;
using namespace sesame::bench;

constexpr auto kTimeout = std::chrono::seconds(20);

struct RunTimes {
  double apply_call = 0;      // Store::Apply alone
  double ready = 0;           // Apply called -> Ready=True seen
  double before_create = 0;   // Apply called -> provider Create called
  double create = 0;          // inside Create (supervisor launched, command started)
  double after_create = 0;    // Create returned -> Ready=True seen
  double started = 0;         // Apply called -> status.startedAt (wall clock, 1 ms resolution)
  double deleted = 0;         // Delete called -> process gone and row removed
};

Result<specs::SandboxStatus> StatusOf(store::Store& store, const specs::ObjectKey& key) {
  auto object = store.Get(key);
  if (!object.ok()) return object.status();
  auto status = specs::DecodeSandboxStatus(object->status);
  if (!status.ok()) return status.status();
  if (!status->provider_ref || !status->started_at) {
    return InternalError(key.ToString() + " is Ready without providerRef or startedAt");
  }
  return status;
}

// Polls every 0.2 ms until `done` or the timeout; the elapsed ms, or -1.
template <typename Predicate>
double PollUntil(SteadyClock::time_point start, Predicate done) {
  while (!done()) {
    if (SteadyClock::now() - start > kTimeout) return -1;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return MillisSince(start);
}

Result<RunTimes> RunOnce(ControllerHarness& h, const specs::Object& sandbox) {
  RunTimes t;
  specs::ObjectKey key = specs::KeyOf(sandbox);
  auto wall_start = std::chrono::system_clock::now();
  auto start = SteadyClock::now();
  auto applied = h.store().Apply({sandbox}, {});
  t.apply_call = MillisSince(start);
  if (!applied.ok()) return applied.status();
  h.Notify();
  auto ready = h.watcher().WaitReady(key, kTimeout);
  if (!ready.ok()) return ready.status();
  t.ready = MillisBetween(start, *ready);
  if (auto create = h.provider().CreateTimingOf(key)) {
    t.before_create = MillisBetween(start, create->start);
    t.create = MillisBetween(create->start, create->end);
    t.after_create = MillisBetween(create->end, *ready);
  }

  auto status = StatusOf(h.store(), key);
  if (!status.ok()) return status.status();
  t.started = std::chrono::duration<double, std::milli>(*status->started_at - wall_start).count();
  auto pid = static_cast<pid_t>(std::stol(status->provider_ref->id));
  auto delete_start = SteadyClock::now();
  if (Status s = h.store().Delete(key, 0); !s.ok()) return s;
  h.Notify();
  t.deleted = PollUntil(delete_start, [&] {
    return ProcessGone(pid) && h.store().Get(key).status().code() == Code::kNotFound;
  });
  if (t.deleted < 0) return UnavailableError(key.ToString() + " was not deleted");
  return t;
}

void PrintLine(const char* label, const std::vector<double>& sample) {
  std::printf("%-40s %s\n", label, FormatSummary(Summarize(sample)).c_str());
}

int Run(const std::string& home, int runs, int workers) {
  HarnessOptions options{home, SESAME_BINARY, workers};
  auto harness = ControllerHarness::Start(options);
  if (!harness.ok()) return std::fprintf(stderr, "%s\n", harness.status().ToString().c_str()), 1;
  auto sandboxes = MakeSandboxes("bench", "box", runs + 1, R"(["sleep", "3600"])");
  if (!sandboxes.ok()) return std::fprintf(stderr, "%s\n", sandboxes.status().ToString().c_str()), 1;

  std::vector<RunTimes> times;
  std::vector<double> fork_true, fork_sesame;
  // Run 0 is a warm-up (page cache, first fork of the sesame binary).
  for (int i = 0; i <= runs; ++i) {
    auto t = RunOnce(**harness, (*sandboxes)[static_cast<size_t>(i)]);
    if (!t.ok()) return std::fprintf(stderr, "run %d: %s\n", i, t.status().ToString().c_str()), 1;
    // Interleaved, so both see the same machine load.
    double bare = ForkExecMillis({"/bin/true"});
    double binary = ForkExecMillis({SESAME_BINARY, "version"});
    if (i == 0) continue;
    times.push_back(*t);
    fork_true.push_back(bare);
    fork_sesame.push_back(binary);
  }

  auto column = [&](double RunTimes::*field) {
    std::vector<double> v;
    for (const auto& t : times) v.push_back(t.*field);
    return v;
  };
  std::printf("apply -> Ready of one filesystem sandbox (sleep 3600): %d runs after 1 warm-up\n", runs);
  std::printf("%s\n\n", Describe(options).c_str());
  PrintLine("apply -> Ready=True seen in the store", column(&RunTimes::ready));
  PrintLine("  apply -> provider Create called", column(&RunTimes::before_create));
  PrintLine("  inside filesystem Create", column(&RunTimes::create));
  PrintLine("  Create returned -> Ready seen", column(&RunTimes::after_create));
  PrintLine("  (apply -> status.startedAt, 1 ms res.)", column(&RunTimes::started));
  PrintLine("  (Store::Apply call alone)", column(&RunTimes::apply_call));
  PrintLine("delete -> process and row gone", column(&RunTimes::deleted));
  PrintLine("fork+exec+waitpid /bin/true", fork_true);
  PrintLine("fork+exec+waitpid `sesame version`", fork_sesame);
  double median = Summarize(column(&RunTimes::ready)).median;
  std::printf("\napply -> Ready median is %.1fx a bare fork+exec of /bin/true (target: < 20 ms)\n",
              median / Summarize(fork_true).median);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = IntFlag(argc, argv, "runs", 50);
  int workers = IntFlag(argc, argv, "workers", 2);
  return RunInTempHome("bench_ready_latency",
                       [&](const std::string& home) { return Run(home, runs, workers); });
}
