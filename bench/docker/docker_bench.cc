// Time from the docker provider's Create to a Running container (median of
// --runs), next to what `docker run -d` does on the same engine in the same
// run (POST /containers/create + POST /containers/{id}/start, no labels,
// no look-ups), interleaved so both see the same conditions; then
// --parallel sandboxes created at once from as many threads.
//
//   bench_docker [--image sesame-test-busybox:latest] [--runs 20]
//                [--parallel 50] [--socket /var/run/docker.sock]

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/docker/docker_provider.h"
#include "providers/docker/engine_client.h"

namespace sesame::providers::docker {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string image = "sesame-test-busybox:latest";
  std::string socket = "/var/run/docker.sock";
  int runs = 20;
  int parallel = 50;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

SandboxRequest Request(const Flags& f, const std::string& name, int i) {
  SandboxRequest r;
  r.key = {"Sandbox", "bench", name + "-" + std::to_string(i)};
  r.uid = "bench" + std::to_string(::getpid()) + "x" + name + std::to_string(i);
  r.spec.provider = "docker";
  r.spec.image = f.image;
  r.field_hashes = FieldHashes(r.spec);
  return r;
}

// `docker run -d IMAGE sleep infinity` as the engine sees it.
Result<std::string> RawRun(EngineClient& engine, const Flags& f) {
  nlohmann::json body = {{"Image", f.image},
                         {"Entrypoint", {"sleep", "infinity"}},
                         {"HostConfig", {{"Init", true}}}};
  HttpRequest create{"POST", "/containers/create", body.dump(), "application/json", {}};
  Result<HttpResponse> made = engine.Call(create);
  if (!made.ok()) return made.status();
  if (made->status != 201) return InternalError("create: " + made->body);
  std::string id = nlohmann::json::parse(made->body)["Id"];
  HttpRequest start{"POST", "/containers/" + id + "/start", "", "application/json", {}};
  Result<HttpResponse> started = engine.Call(start);
  if (!started.ok()) return started.status();
  if (started->status != 204) return InternalError("start: " + started->body);
  return id;
}

void RawRemove(EngineClient& engine, const std::string& id) {
  HttpRequest rm{"DELETE", "/containers/" + id + "?force=1", "", "application/json", {}};
  (void)engine.Call(rm);
}

int Run(const Flags& f) {
  DockerOptions options;
  options.socket_path = f.socket;
  options.stop_timeout = Millis(0);
  std::unique_ptr<Provider> provider = NewDockerProvider(options);
  EngineClient engine(f.socket, Millis(60000));

  std::vector<double> sesame_ms, raw_ms;
  for (int i = -1; i < f.runs; ++i) {  // run -1 warms both paths up
    SandboxRequest r = Request(f, "one", i + 1);
    auto t0 = Clock::now();
    Result<Observed> o = provider->Create(r);
    auto t1 = Clock::now();
    if (!o.ok() || o->state != ResourceState::kRunning) {
      std::fprintf(stderr, "provider create failed: %s\n", o.status().ToString().c_str());
      return 1;
    }
    (void)provider->Delete(*o);
    auto t2 = Clock::now();
    Result<std::string> id = RawRun(engine, f);
    auto t3 = Clock::now();
    if (!id.ok()) {
      std::fprintf(stderr, "raw run failed: %s\n", id.status().ToString().c_str());
      return 1;
    }
    RawRemove(engine, *id);
    if (i < 0) continue;
    sesame_ms.push_back(Ms(t1 - t0));
    raw_ms.push_back(Ms(t3 - t2));
  }
  double s = Median(sesame_ms), d = Median(raw_ms);
  std::printf("one sandbox, median of %d:\n", f.runs);
  std::printf("  sesame docker provider Create -> Running  %8.1f ms\n", s);
  std::printf("  docker run -d (create + start)            %8.1f ms\n", d);
  std::printf("  ratio                                      %8.2fx\n", d > 0 ? s / d : 0);

  std::vector<Result<Observed>> results(f.parallel, Result<Observed>(Observed{}));
  std::vector<std::thread> threads;
  auto t0 = Clock::now();
  for (int i = 0; i < f.parallel; ++i) {
    threads.emplace_back([&, i] { results[i] = provider->Create(Request(f, "many", i)); });
  }
  for (auto& t : threads) t.join();
  auto t1 = Clock::now();
  int running = 0;
  for (auto& r : results) running += r.ok() && r->state == ResourceState::kRunning;
  threads.clear();
  for (auto& r : results) {
    if (r.ok()) threads.emplace_back([&provider, &r] { (void)provider->Delete(*r); });
  }
  for (auto& t : threads) t.join();
  std::printf("%d sandboxes at once: %d running after %.1f ms (%.1f ms per sandbox)\n", f.parallel,
              running, Ms(t1 - t0), Ms(t1 - t0) / f.parallel);
  return running == f.parallel ? 0 : 1;
}

}  // namespace
}  // namespace sesame::providers::docker

int main(int argc, char** argv) {
  sesame::providers::docker::Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--image") f.image = v;
    else if (k == "--socket") f.socket = v;
    else if (k == "--runs") f.runs = std::atoi(v.c_str());
    else if (k == "--parallel") f.parallel = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  return sesame::providers::docker::Run(f);
}
