// bench_api [--seconds 30] [--clients 64] [--watchers 100] [--burst 1000]
//           [--documents 10000] [--workers 2]
//
// The HTTP API in this process, wired as `sesame controller` wires it: the
// SQLite store in a temporary home, a manager reconciling with the
// in-process fake provider (named "filesystem", so sandboxes need no
// provider field), ApiHandlers sharing the manager's metrics, and the
// ApiServer on a loopback port with its default options. Three workloads,
// each printed as it finishes:
//
//   1. --clients threads, each with one keep-alive httplib::Client, for
//      --seconds: alternately POST /v1/apply of its own sandbox (a label
//      changes every time, so each apply is a real write the controller
//      reconciles) and GET of it. Requests/s, p50/p99 per kind.
//   2. --watchers watch streams on one namespace, then a burst of --burst
//      writes to a sandbox there straight through the store: every watcher
//      must receive every change exactly once; delivery latency is from the
//      write's commit to the line's arrival.
//   3. One POST /v1/apply of --documents Sandbox documents (a fresh
//      namespace, all created): wall time of the request.
//
// Nothing is asserted on a time; the run fails (exit 1) if a request fails
// or a watcher misses an event.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "bench/fake_provider.h"
#include "common/mutex.h"
#include "controller/api/api_handlers.h"
#include "controller/api/api_server.h"
#include "controller/manager.h"
#include "reconcilers/sandbox_reconciler.h"

namespace sesame::bench {
namespace {

using nlohmann::json;

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(i, 1, v.size()) - 1];
}

std::string Line(const char* what, const std::vector<double>& ms) {
  char buffer[200];
  std::snprintf(buffer, sizeof buffer, "  %-28s n=%-8zu p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms", what,
                ms.size(), Percentile(ms, 0.5), Percentile(ms, 0.99), Percentile(ms, 1.0));
  return buffer;
}

std::string SandboxYaml(const std::string& ns, const std::string& name, int64_t n) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\n  labels: {n: \"" + std::to_string(n) + "\"}\nspec:\n  command: [\"sleep\", \"3600\"]\n";
}

// Workload 1.
bool ClientMix(int port, int clients, int seconds) {
  std::vector<std::vector<double>> applies(clients), gets(clients);
  std::atomic<int> failures{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(std::chrono::seconds(30));
      std::string name = "box-" + std::to_string(c);
      for (int64_t i = 0; !stop; ++i) {
        auto start = SteadyClock::now();
        bool apply = i % 2 == 0;
        auto r = apply ? client.Post("/v1/apply", SandboxYaml("bench-mix", name, i), "application/yaml")
                       : client.Get("/v1/namespaces/bench-mix/sandboxes/" + name);
        double ms = MillisSince(start);
        if (!r || r->status != 200) {
          if (failures++ < 5) {
            std::fprintf(stderr, "client %d: %s -> %s\n", c, apply ? "apply" : "get",
                         r ? (std::to_string(r->status) + " " + r->body).c_str() : httplib::to_string(r.error()).c_str());
          }
          continue;
        }
        (apply ? applies : gets)[c].push_back(ms);
      }
    });
  }
  auto start = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = MillisSince(start) / 1000;
  std::vector<double> all_applies, all_gets, all;
  for (int c = 0; c < clients; ++c) {
    all_applies.insert(all_applies.end(), applies[c].begin(), applies[c].end());
    all_gets.insert(all_gets.end(), gets[c].begin(), gets[c].end());
  }
  all = all_applies;
  all.insert(all.end(), all_gets.begin(), all_gets.end());
  std::printf("%d clients for %.1f s: %.0f requests/s, %d failed\n", clients, elapsed,
              static_cast<double>(all.size()) / elapsed, failures.load());
  std::printf("%s\n%s\n%s\n", Line("POST /v1/apply (1 sandbox)", all_applies).c_str(),
              Line("GET one sandbox", all_gets).c_str(), Line("all", all).c_str());
  return failures == 0;
}

// Workload 2.
bool WatchBurst(int port, store::Store& store, const std::function<void()>& notify, int watchers, int burst) {
  const std::string ns = "bench-watch";
  auto first = store.Apply(*MakeSandboxes(ns, "watched", 1, "[\"sleep\", \"3600\"]"), {});
  if (!first.ok()) return std::fprintf(stderr, "%s\n", first.status().ToString().c_str()), false;
  notify();
  // Watch from after the controller's own first writes (finalizer, status).
  for (int i = 0; i < 2000; ++i) {
    auto o = store.Get({specs::kKindSandbox, ns, "watched-0"});
    if (o.ok() && o->status.find("\"Running\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  int64_t from = *store.CurrentResourceVersion();
  Mutex mutex;
  std::map<int64_t, SteadyClock::time_point> committed;  // Guarded by mutex.
  std::vector<std::vector<std::pair<int64_t, SteadyClock::time_point>>> received(watchers);
  std::vector<int> duplicates(watchers, 0);
  std::atomic<int> connected{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < watchers; ++w) {
    threads.emplace_back([&, w] {
      httplib::Client client("127.0.0.1", port);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(std::chrono::seconds(60));
      std::string buffer;
      std::set<int64_t> seen;
      bool counted = false, done = false;
      client.Get(
          "/v1/namespaces/" + ns + "/sandboxes?watch=true&resourceVersion=" + std::to_string(from),
          [&](const httplib::Response&) {
            if (!counted) ++connected, counted = true;
            return true;
          },
          [&](const char* data, size_t n) {
            auto now = SteadyClock::now();
            buffer.append(data, n);
            for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
              std::string line = buffer.substr(0, nl);
              buffer.erase(0, nl + 1);
              if (line.empty()) continue;
              auto e = json::parse(line, nullptr, false);
              if (e.is_discarded() || !e.contains("object")) continue;
              int64_t rv = std::atoll(e["object"]["metadata"]["resourceVersion"].get<std::string>().c_str());
              if (!seen.insert(rv).second) {
                duplicates[w]++;
                continue;
              }
              received[w].emplace_back(rv, now);  // timed once the burst is over
              if (e["object"]["metadata"]["labels"].value("n", "") == std::to_string(burst - 1)) done = true;
            }
            return !done;
          });
    });
  }
  // Every stream has its headers (and so has started polling) before the burst.
  auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (connected < watchers && SteadyClock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (connected < watchers) std::fprintf(stderr, "only %d of %d watchers connected\n", connected.load(), watchers);
  auto current = store.Get({specs::kKindSandbox, ns, "watched-0"});
  auto burst_start = SteadyClock::now();
  for (int i = 0; i < burst && current.ok(); ++i) {
    specs::Object o = *current;
    o.metadata.labels["n"] = std::to_string(i);
    o.metadata.resource_version = 0;
    current = store.Update(o);
    if (current.ok()) {
      MutexLock lock(mutex);
      committed[current->metadata.resource_version] = SteadyClock::now();
    }
  }
  double burst_ms = MillisSince(burst_start);
  if (!current.ok()) return std::fprintf(stderr, "%s\n", current.status().ToString().c_str()), false;
  for (auto& t : threads) t.join();
  double all_delivered_ms = MillisSince(burst_start);
  // Only the burst's writes are timed (not the controller's own).
  std::vector<double> all;
  int complete = 0, dups = 0;
  for (int w = 0; w < watchers; ++w) {
    size_t timed = 0;
    for (const auto& [rv, at] : received[w]) {
      auto it = committed.find(rv);
      if (it == committed.end()) continue;
      ++timed;
      // The commit time is noted just after Update returns: a line can
      // beat it by microseconds (counted as 0).
      all.push_back(std::max(0.0, MillisBetween(it->second, at)));
    }
    complete += timed == static_cast<size_t>(burst);
    dups += duplicates[w];
  }
  std::printf("%d watchers, burst of %d writes (%.1f ms to write): %d/%d watchers got every event, "
              "%zu of %zu events delivered, %d duplicates, all delivered after %.1f ms\n",
              watchers, burst, burst_ms, complete, watchers, all.size(),
              static_cast<size_t>(watchers) * burst, dups, all_delivered_ms);
  std::printf("%s\n", Line("commit -> line received", all).c_str());
  return complete == watchers && dups == 0;
}

// Workload 3.
bool BulkApply(int port, int documents) {
  std::string body;
  for (int i = 0; i < documents; ++i) body += "---\n" + SandboxYaml("bench-bulk", "bulk-" + std::to_string(i), i);
  httplib::Client client("127.0.0.1", port);
  client.set_tcp_nodelay(true);
  client.set_read_timeout(std::chrono::seconds(300));
  auto start = SteadyClock::now();
  auto r = client.Post("/v1/apply", body, "application/yaml");
  double ms = MillisSince(start);
  if (!r || r->status != 200) {
    std::fprintf(stderr, "bulk apply: %s\n", r ? r->body.substr(0, 500).c_str() : httplib::to_string(r.error()).c_str());
    return false;
  }
  size_t items = json::parse(r->body)["items"].size();
  std::printf("one POST /v1/apply of %d documents (%.1f MB): %.0f ms, %zu objects in the answer\n", documents,
              static_cast<double>(body.size()) / 1e6, ms, items);
  return items == static_cast<size_t>(documents);
}

int Main(int argc, char** argv) {
  int seconds = IntFlag(argc, argv, "seconds", 30);
  int clients = IntFlag(argc, argv, "clients", 64);
  int watchers = IntFlag(argc, argv, "watchers", 100);
  int burst = IntFlag(argc, argv, "burst", 1000);
  int documents = IntFlag(argc, argv, "documents", 10000);
  int workers = IntFlag(argc, argv, "workers", 2);
  TempHome home;
  auto opened = store::Store::Open(home.path() + "/state.db");
  if (!opened.ok()) return std::fprintf(stderr, "%s\n", opened.status().ToString().c_str()), 1;
  std::unique_ptr<store::Store> store = std::move(opened).value();
  providers::Registry registry;
  registry.Register(std::make_unique<FakeProvider>("filesystem"));
  reconcilers::SandboxReconciler reconciler(*store, registry, Clock::Real(),
                                            reconcilers::ReconcilerOptions{home.path(), nullptr});
  controller::ManagerOptions m;
  m.workers = workers;
  m.resync_period = std::chrono::hours(1);
  controller::Manager manager(*store, reconciler, m);
  std::thread manager_thread([&] { (void)manager.Run(); });

  controller::api::ApiContext context;
  context.store = store.get();
  context.registry = &registry;
  context.on_write = [&manager] { manager.Notify(); };
  context.is_leader = [&manager] { return manager.IsLeader(); };
  context.version = "bench";
  context.metrics = &manager.metrics();
  controller::api::ApiHandlers handlers(context);
  controller::api::ApiServerOptions options;
  options.listen = "127.0.0.1:0";
  auto server = controller::api::ApiServer::Start(options, handlers);
  if (!server.ok()) return std::fprintf(stderr, "%s\n", server.status().ToString().c_str()), 1;
  std::printf("bench_api: in-process API (%d server threads, %d in flight), SQLite store in %s, manager with "
              "%d workers on a fake provider; %u cores\n",
              options.threads, options.max_in_flight, home.path().c_str(), workers,
              std::thread::hardware_concurrency());
  std::fflush(stdout);

  bool ok = seconds <= 0 || ClientMix((*server)->port(), clients, seconds);
  std::fflush(stdout);
  ok = WatchBurst((*server)->port(), *store, [&manager] { manager.Notify(); }, watchers, burst) && ok;
  std::fflush(stdout);
  ok = BulkApply((*server)->port(), documents) && ok;
  httplib::Client scrape("127.0.0.1", (*server)->port());
  if (auto metrics = scrape.Get("/metrics"); metrics && metrics->status == 200) {
    for (const char* prefix : {"sesame_reconciles_total", "sesame_workqueue_depth "}) {
      for (size_t at = 0; (at = metrics->body.find(prefix, at)) != std::string::npos; ++at) {
        std::printf("  %s\n", metrics->body.substr(at, metrics->body.find('\n', at) - at).c_str());
      }
    }
  }
  (*server)->Stop();
  manager.Stop();
  manager_thread.join();
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace sesame::bench

int main(int argc, char** argv) { return sesame::bench::Main(argc, argv); }
