// 100 watchers x 1,000 changes through the HTTP API of a running
// controller: every watcher must see every change once and in order; the
// delay of each delivery is measured from the moment the write was sent.
// Usage: bench_watch_fanout URL [WATCHERS] [CHANGES]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int LabelN(const std::string& line) {
  auto at = line.find("\"n\":\"");
  return at == std::string::npos ? -1 : std::atoi(line.c_str() + at + 5);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: bench_watch_fanout URL [WATCHERS] [CHANGES]\n"), 2;
  std::string url = argv[1];
  int watchers = argc > 2 ? std::atoi(argv[2]) : 100;
  int changes = argc > 3 ? std::atoi(argv[3]) : 1000;
  httplib::Client api(url);
  api.set_read_timeout(std::chrono::seconds(60));
  auto applied = api.Post("/v1/apply",
                          "apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\nmetadata: {name: fanout}\n"
                          "spec: {provider: filesystem}\n",
                          "application/yaml");
  if (!applied || applied->status != 200) return std::fprintf(stderr, "apply failed\n"), 1;
  auto listed = api.Get("/v1/namespaces/default/templates");
  if (!listed) return 1;
  auto at = listed->body.rfind("\"resourceVersion\":\"");
  long long from = std::atoll(listed->body.c_str() + at + 19);

  std::vector<Clock::time_point> sent(changes);
  std::vector<std::vector<double>> delays(watchers);
  std::vector<int> in_order(watchers, 1), received(watchers, 0);
  std::atomic<int> connected{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < watchers; ++w) {
    threads.emplace_back([&, w] {
      httplib::Client c(url);
      c.set_read_timeout(std::chrono::seconds(120));
      std::string buffer;
      int expect = 0;
      c.Get("/v1/namespaces/default/templates?watch=true&resourceVersion=" + std::to_string(from),
            [&](const httplib::Response&) {
              ++connected;
              return true;
            },
            [&](const char* data, size_t n) {
              auto now = Clock::now();
              buffer.append(data, n);
              for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
                int v = LabelN(buffer.substr(0, nl));
                buffer.erase(0, nl + 1);
                if (v < 0) continue;
                if (v != expect) in_order[w] = 0;
                expect = v + 1;
                delays[w].push_back(std::chrono::duration<double, std::milli>(now - sent[v]).count());
                ++received[w];
              }
              return received[w] < changes;
            });
    });
  }
  while (connected < watchers) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto started = Clock::now();
  for (int i = 0; i < changes; ++i) {
    sent[i] = Clock::now();
    auto r = api.Patch("/v1/namespaces/default/templates/fanout",
                       "{\"metadata\":{\"labels\":{\"n\":\"" + std::to_string(i) + "\"}}}",
                       "application/merge-patch+json");
    if (!r || r->status != 200) return std::fprintf(stderr, "patch %d failed\n", i), 1;
  }
  double writing = std::chrono::duration<double>(Clock::now() - started).count();
  for (auto& t : threads) t.join();
  std::vector<double> all;
  int ordered = 0, complete = 0;
  for (int w = 0; w < watchers; ++w) {
    all.insert(all.end(), delays[w].begin(), delays[w].end());
    ordered += in_order[w];
    complete += received[w] == changes;
  }
  std::sort(all.begin(), all.end());
  auto p = [&](double q) { return all.empty() ? 0 : all[std::min(all.size() - 1, size_t(q * all.size()))]; };
  std::printf("%d watchers x %d changes (written in %.2f s): %d/%d complete, %d/%d in order; delay from the "
              "write's send: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              watchers, changes, writing, complete, watchers, ordered, watchers, p(0.5), p(0.99),
              all.empty() ? 0 : all.back());
  api.Delete("/v1/namespaces/default/templates/fanout");
  return complete == watchers && ordered == watchers ? 0 : 1;
}
