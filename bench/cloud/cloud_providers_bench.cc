// Reconciles 500 sandboxes per cloud provider against its fake API with
// 20 ms injected latency per call, from 16 worker threads (the
// controller's pool): each sandbox is observed (absent), created, then
// observed once more in steady state. Prints wall time and API calls per
// created sandbox and per steady-state observe.
//
//   bench_cloud_providers [sandboxes=500] [latency_ms=20] [workers=16]

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "providers/daytona/daytona_provider.h"
#include "providers/e2b/e2b_provider.h"
#include "providers/vercel/vercel_provider.h"
#include "tests/providers/fakes/daytona_fake.h"
#include "tests/providers/fakes/e2b_fake.h"
#include "tests/providers/fakes/vercel_fake.h"

namespace sesame {
namespace {

using providers::Provider;
using providers::SandboxRequest;
using Clock = std::chrono::steady_clock;

struct Figures {
  double create_s = 0, observe_s = 0;
  int create_calls = 0, observe_calls = 0, failures = 0;
};

void Parallel(int n, int workers, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& t : threads) t.join();
}

SandboxRequest Request(const std::string& provider, int i) {
  SandboxRequest r;
  r.uid = "bench-uid-" + std::to_string(i);
  r.key = {"Sandbox", "bench", "box-" + std::to_string(i)};
  r.spec.provider = provider;
  r.spec.command = {"sleep", "infinity"};
  if (provider == "e2b") r.spec.image = "base";
  if (provider == "daytona") r.spec.image = "snapshot:daytona-small";
  if (provider == "vercel") r.spec.runtime = "node22";
  r.field_hashes = providers::FieldHashes(r.spec);
  return r;
}

Figures Run(Provider& p, fakes::FakeServer& fake, int n, int workers) {
  Figures f;
  std::atomic<int> failures{0};
  fake.ClearRequests();
  auto t0 = Clock::now();
  Parallel(n, workers, [&](int i) {
    SandboxRequest r = Request(p.name(), i);
    auto o = p.Observe(r.uid);  // as the reconciler does before it creates
    if (!o.ok() || o->has_value() || !p.Create(r).ok()) ++failures;
  });
  f.create_s = std::chrono::duration<double>(Clock::now() - t0).count();
  f.create_calls = fake.CountRequests("");
  fake.ClearRequests();
  t0 = Clock::now();
  Parallel(n, workers, [&](int i) {
    auto o = p.Observe(Request(p.name(), i).uid);
    if (!o.ok() || !o->has_value()) ++failures;
  });
  f.observe_s = std::chrono::duration<double>(Clock::now() - t0).count();
  f.observe_calls = fake.CountRequests("");
  f.failures = failures.load();
  return f;
}

template <typename Options>
void Tune(Options& o) {
  o.http.requests_per_second = 200;  // the bucket still paces; 200/s stays under the latency bound
  o.http.burst = 50;
  o.http.total_timeout = std::chrono::milliseconds(5000);
}

void Print(const char* name, const Figures& f, int n) {
  std::printf("%-8s create: %6.2f s, %5d calls, %.2f calls/sandbox (observe+create) | "
              "steady observe: %5.2f s, %.2f calls/observe | failures %d\n",
              name, f.create_s, f.create_calls, double(f.create_calls) / n, f.observe_s,
              double(f.observe_calls) / n, f.failures);
}

}  // namespace
}  // namespace sesame

int main(int argc, char** argv) {
  using namespace sesame;
  int n = argc > 1 ? std::atoi(argv[1]) : 500;
  int latency = argc > 2 ? std::atoi(argv[2]) : 20;
  int workers = argc > 3 ? std::atoi(argv[3]) : 16;
  std::printf("%d sandboxes per provider, %d ms latency per call, %d workers\n", n, latency, workers);
  {
    fakes::E2bFake fake("e2b_bench_key");
    fake.Start();
    fake.SetLatency(std::chrono::milliseconds(latency));
    providers::e2b::E2bOptions o;
    o.api_key = "e2b_bench_key";
    o.api_url = fake.url();
    Tune(o);
    auto p = providers::e2b::NewE2bProvider(o);
    Print("e2b", Run(*p, fake, n, workers), n);
  }
  {
    fakes::DaytonaFake fake("dtn_bench_key");
    fake.Start();
    fake.SetLatency(std::chrono::milliseconds(latency));
    providers::daytona::DaytonaOptions o;
    o.api_key = "dtn_bench_key";
    o.api_url = fake.url() + "/api";
    Tune(o);
    auto p = providers::daytona::NewDaytonaProvider(o);
    Print("daytona", Run(*p, fake, n, workers), n);
  }
  {
    std::string dir = (std::filesystem::temp_directory_path() /
                       ("sesame-bench-vercel-" + std::to_string(::getpid()))).string();
    fakes::VercelFake fake("vercel_bench_token", "team_bench");
    fake.Start();
    fake.SetLatency(std::chrono::milliseconds(latency));
    providers::vercel::VercelOptions o;
    o.token = "vercel_bench_token";
    o.team_id = "team_bench";
    o.project_id = "prj_bench";
    o.api_url = fake.url();
    o.state_dir = dir;
    Tune(o);
    auto p = providers::vercel::NewVercelProvider(o);
    Print("vercel", Run(*p, fake, n, workers), n);
    std::filesystem::remove_all(dir);
  }
  return 0;
}
