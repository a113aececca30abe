// How long a docker sandbox takes from `apply` to Ready, through a real
// controller in this process (bench/controller_harness.h with the docker
// provider), next to `docker run -d` of the same image and command through
// the docker CLI on the same engine, in the same run.
//
// One at a time (--runs, after one warm-up run of each): apply one Sandbox
// (IMAGE, `sleep 3600`), wait until a second connection to the database
// sees Ready=True (bench/ready_watcher.h), delete it and wait until its row
// is gone; then `docker run -d --init IMAGE sleep 3600` (the sandbox's
// container runs under an init too), timed until the CLI returns (it
// returns once the container is started), and `docker rm -f` it untimed.
// Then --parallel at once: that many Sandboxes in one apply until the last
// is Ready, next to that many `docker run -d` started together until the
// last returns.
//
// Only this run's containers are touched: the sandboxes carry an owner
// label unique to the run and the CLI's containers a label of their own;
// whatever is left at the end (after a failure, say) is removed by label.
//
//   bench_docker_ready [--runs 20] [--parallel 50] [--workers 4]
//                      [--image sesame-test-busybox:latest]
//                      [--socket /var/run/docker.sock]
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "bench/bench_support.h"
#include "bench/controller_harness.h"
#include "providers/docker/docker_provider.h"
#include "specs/manifest.h"

namespace {

using namespace sesame;
using namespace sesame::bench;

constexpr auto kTimeout = std::chrono::seconds(120);

struct Flags {
  int runs = 20;
  int parallel = 50;
  int workers = 4;
  std::string image = "sesame-test-busybox:latest";
  std::string socket = "/var/run/docker.sock";
};

// Runs argv; its exit code and stdout (trailing newline dropped).
std::pair<int, std::string> Capture(const std::vector<std::string>& argv) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return {-1, ""};
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, text};
}

class Bench {
 public:
  Bench(const Flags& flags, std::string home)
      : flags_(flags),
        home_(std::move(home)),
        run_id_("bench-" + std::to_string(getpid()) + "-" + std::to_string(std::time(nullptr))) {}
  ~Bench() { RemoveLeftovers(); }

  int Run();

 private:
  std::vector<std::string> Docker(std::vector<std::string> args) const {
    args.insert(args.begin(), {"docker", "-H", "unix://" + flags_.socket});
    return args;
  }
  // `docker run -d`: the ms until the CLI returned, or -1; the id in *id.
  double DockerRun(std::string* id) const;
  Result<std::vector<specs::Object>> Sandboxes(const std::string& prefix, int count) const;
  // Deletes `keys` from the store and waits until their rows are gone (the
  // finalizer goes once the container is removed).
  Status DeleteAndWait(const std::vector<specs::ObjectKey>& keys);
  int RunOneAtATime();
  int RunParallel();
  void RemoveLeftovers();

  const Flags flags_;
  const std::string home_;
  const std::string run_id_;  // the sandboxes' owner label and the CLI containers' label
  std::unique_ptr<ControllerHarness> harness_;
};

double Bench::DockerRun(std::string* id) const {
  auto start = SteadyClock::now();
  auto [code, out] = Capture(Docker({"run", "-d", "--init", "--label", "dev.sesame.bench=" + run_id_,
                                     flags_.image, "sleep", "3600"}));
  double ms = MillisSince(start);
  if (code != 0) return -1;
  *id = out;
  return ms;
}

Result<std::vector<specs::Object>> Bench::Sandboxes(const std::string& prefix, int count) const {
  std::string yaml;
  for (int i = 0; i < count; ++i) {
    yaml += "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + prefix + "-" +
            std::to_string(i) + "\n  namespace: bench\nspec:\n  provider: docker\n  image: " +
            flags_.image + "\n  command: [\"sleep\", \"3600\"]\n---\n";
  }
  specs::ParsedManifests parsed = specs::ParseManifests(yaml, "<bench>");
  if (!parsed.ok()) return InvalidError(parsed.ErrorText());
  return std::move(parsed.objects);
}

Status Bench::DeleteAndWait(const std::vector<specs::ObjectKey>& keys) {
  for (const auto& key : keys) SESAME_RETURN_IF_ERROR(harness_->store().Delete(key, 0));
  harness_->Notify();
  auto start = SteadyClock::now();
  for (const auto& key : keys) {
    while (harness_->store().Get(key).status().code() != Code::kNotFound) {
      if (SteadyClock::now() - start > kTimeout) return UnavailableError(key.ToString() + " was not deleted");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return Status::Ok();
}

void PrintLine(const char* label, const std::vector<double>& sample) {
  std::printf("%-44s %s\n", label, FormatSummary(Summarize(sample)).c_str());
}

int Bench::RunOneAtATime() {
  auto sandboxes = Sandboxes("box", flags_.runs + 1);
  if (!sandboxes.ok()) return std::fprintf(stderr, "%s\n", sandboxes.status().ToString().c_str()), 1;
  std::vector<double> ready, before_create, create, after_create, cli;
  for (int i = 0; i <= flags_.runs; ++i) {  // run 0 warms both paths up
    const specs::Object& sandbox = (*sandboxes)[static_cast<size_t>(i)];
    specs::ObjectKey key = specs::KeyOf(sandbox);
    auto start = SteadyClock::now();
    auto applied = harness_->store().Apply({sandbox}, {});
    if (!applied.ok()) return std::fprintf(stderr, "%s\n", applied.status().ToString().c_str()), 1;
    harness_->Notify();
    auto seen = harness_->watcher().WaitReady(key, kTimeout);
    if (!seen.ok()) {
      auto object = harness_->store().Get(key);
      std::fprintf(stderr, "run %d: %s\nstatus: %s\n", i, seen.status().ToString().c_str(),
                   object.ok() ? object->status.c_str() : object.status().ToString().c_str());
      return 1;
    }
    if (Status s = DeleteAndWait({key}); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;

    std::string id;
    double cli_ms = DockerRun(&id);
    if (cli_ms < 0) return std::fprintf(stderr, "run %d: docker run -d failed\n", i), 1;
    (void)Capture(Docker({"rm", "-f", id}));
    if (i == 0) continue;
    ready.push_back(MillisBetween(start, *seen));
    if (auto t = harness_->provider().CreateTimingOf(key)) {
      before_create.push_back(MillisBetween(start, t->start));
      create.push_back(MillisBetween(t->start, t->end));
      after_create.push_back(MillisBetween(t->end, *seen));
    }
    cli.push_back(cli_ms);
  }
  std::printf("one docker sandbox at a time (%s, sleep 3600): %d runs after 1 warm-up\n",
              flags_.image.c_str(), flags_.runs);
  PrintLine("apply -> Ready=True seen in the store", ready);
  PrintLine("  apply -> provider Create called", before_create);
  PrintLine("  inside docker Create", create);
  PrintLine("  Create returned -> Ready seen", after_create);
  PrintLine("docker run -d --init (CLI returns)", cli);
  Summary s = Summarize(ready), d = Summarize(cli);
  std::printf("ratio of medians: %.2fx, of p90s: %.2fx (target: within 1.2x)\n\n",
              s.median / d.median, s.p90 / d.p90);
  return 0;
}

int Bench::RunParallel() {
  auto sandboxes = Sandboxes("many", flags_.parallel);
  if (!sandboxes.ok()) return std::fprintf(stderr, "%s\n", sandboxes.status().ToString().c_str()), 1;
  size_t ready_before = harness_->watcher().ReadyCount();
  auto start = SteadyClock::now();
  auto applied = harness_->store().Apply(*sandboxes, {});
  if (!applied.ok()) return std::fprintf(stderr, "%s\n", applied.status().ToString().c_str()), 1;
  harness_->Notify();
  Status all = harness_->watcher().WaitReadyCount(ready_before + sandboxes->size(), kTimeout);
  if (!all.ok()) return std::fprintf(stderr, "%s\n", all.ToString().c_str()), 1;
  double sesame_ms = MillisBetween(start, *harness_->watcher().LastReady());
  std::vector<specs::ObjectKey> keys;
  std::vector<double> creates;
  double last_called = 0;
  for (const auto& o : *sandboxes) {
    keys.push_back(specs::KeyOf(o));
    if (auto t = harness_->provider().CreateTimingOf(keys.back())) {
      creates.push_back(MillisBetween(t->start, t->end));
      last_called = std::max(last_called, MillisBetween(start, t->start));
    }
  }
  if (Status s = DeleteAndWait(keys); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;

  std::vector<std::string> ids(static_cast<size_t>(flags_.parallel));
  std::vector<double> ms(ids.size());
  std::vector<std::thread> threads;
  start = SteadyClock::now();
  for (size_t i = 0; i < ids.size(); ++i) threads.emplace_back([&, i] { ms[i] = DockerRun(&ids[i]); });
  for (auto& t : threads) t.join();
  double cli_ms = MillisSince(start);
  int failed = 0;
  for (double m : ms) failed += m < 0;
  std::printf("%d at once (%d workers):\n", flags_.parallel, flags_.workers);
  std::printf("  one apply -> all Ready seen               %9.1f ms\n", sesame_ms);
  std::printf("  %d parallel docker run -d -> all returned %9.1f ms%s\n", flags_.parallel, cli_ms,
              failed ? " (some failed)" : "");
  std::printf("  ratio                                     %9.2fx\n", sesame_ms / cli_ms);
  std::printf("  (the last Create called after %.1f ms; each Create %s)\n", last_called,
              FormatSummary(Summarize(creates)).c_str());
  return failed ? 1 : 0;
}

void Bench::RemoveLeftovers() {
  for (const std::string& label : {"dev.sesame.bench=" + run_id_, "dev.sesame.owner=" + run_id_}) {
    auto [code, out] = Capture(Docker({"ps", "-aq", "--filter", "label=" + label}));
    if (code != 0 || out.empty()) continue;
    std::vector<std::string> rm = Docker({"rm", "-f"});
    for (size_t at = 0, nl; at < out.size(); at = nl + 1) {
      nl = out.find('\n', at);
      if (nl == std::string::npos) nl = out.size();
      rm.push_back(out.substr(at, nl - at));
    }
    (void)Capture(rm);
  }
}

int Bench::Run() {
  HarnessOptions options;
  options.home = home_;
  options.workers = flags_.workers;
  options.make_provider = [this] {
    providers::docker::DockerOptions docker;
    docker.socket_path = flags_.socket;
    docker.owner = run_id_;
    docker.state_root = home_ + "/docker";
    docker.pull_missing_images = false;
    return providers::docker::NewDockerProvider(docker);
  };
  auto harness = ControllerHarness::Start(options);
  if (!harness.ok()) return std::fprintf(stderr, "%s\n", harness.status().ToString().c_str()), 1;
  harness_ = std::move(harness).value();
  std::printf("docker engine at %s; controller in-process: %d workers, woken by the store's change "
              "signal; Ready seen by polling the database every %lld us\n\n",
              flags_.socket.c_str(), options.workers, static_cast<long long>(options.watch_poll.count()));
  int rc = RunOneAtATime();
  if (rc == 0) rc = RunParallel();
  harness_.reset();  // the controller stops before the leftovers go
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  flags.runs = IntFlag(argc, argv, "runs", flags.runs);
  flags.parallel = IntFlag(argc, argv, "parallel", flags.parallel);
  flags.workers = IntFlag(argc, argv, "workers", flags.workers);
  flags.image = StringFlag(argc, argv, "image", flags.image);
  flags.socket = StringFlag(argc, argv, "socket", flags.socket);
  return RunInTempHome("bench_docker_ready", [&](const std::string& home) {
    Bench bench(flags, home);
    return bench.Run();
  });
}
