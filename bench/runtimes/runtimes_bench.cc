// Runtimes figures:
//  1. DetectPlan on a generated monorepo of about 5,000 files (50 npm
//     workspace packages with sources, node_modules and .git trees that
//     detection must not walk); target under 50 ms.
//  2. What an up-to-date install (hashes unchanged: no mise install, no
//     npm ci) adds to a filesystem sandbox's start: Restart -> command
//     started, runtimes.mise auto vs off; target under 20 ms. Also the
//     time to the command's exit, which includes `mise exec` itself.
// Usage: bench_runtimes [--secured]   (needs mise and node on the PATH for 2)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/supervisor_command.h"
#include "runtimes/plan.h"
#include "security/policy.h"
#include "security/probe.h"

namespace fs = std::filesystem;
using namespace sesame;
using Steady = std::chrono::steady_clock;

namespace {

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void Write(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << content;
}

// About 5,000 files: 50 packages x (package.json + 40 sources + 40 in
// their node_modules) + 800 in the root node_modules + 200 in .git.
int MakeMonorepo(const fs::path& root) {
  int files = 0;
  auto put = [&](const fs::path& p, const std::string& c) { Write(p, c); ++files; };
  put(root / "package.json", R"({"name":"mono","private":true,"workspaces":["packages/*","apps/**"]})");
  put(root / "package-lock.json", R"({"name":"mono","lockfileVersion":3,"packages":{}})");
  put(root / ".nvmrc", "lts/*\n");
  put(root / ".tool-versions", "python 3.12.1\n");
  for (int i = 0; i < 50; ++i) {
    fs::path pkg = root / "packages" / ("pkg" + std::to_string(i));
    put(pkg / "package.json", "{\"name\":\"pkg" + std::to_string(i) + "\"}");
    for (int f = 0; f < 40; ++f) put(pkg / "src" / ("f" + std::to_string(f) + ".ts"), "export {}\n");
    for (int f = 0; f < 40; ++f) {
      put(pkg / "node_modules" / ("dep" + std::to_string(f)) / "package-lock.json", "{}");
    }
  }
  put(root / "apps/web/requirements.txt", "flask\n");
  for (int f = 0; f < 800; ++f) put(root / "node_modules" / ("m" + std::to_string(f)) / "yarn.lock", "");
  for (int f = 0; f < 200; ++f) put(root / ".git/objects" / ("o" + std::to_string(f)), "x");
  return files;
}

void BenchDetect(const fs::path& base) {
  fs::path root = base / "monorepo";
  int files = MakeMonorepo(root);
  std::vector<double> times;
  runtimes::Plan plan;
  for (int i = 0; i < 50; ++i) {
    auto t0 = Steady::now();
    auto p = runtimes::DetectPlan(root.string());
    times.push_back(Ms(Steady::now() - t0));
    if (p.ok()) plan = *p;
  }
  std::sort(times.begin(), times.end());
  std::printf("detect: %d-file monorepo, %zu members, %zu installs, %zu tools: median %.2f ms, "
              "max %.2f ms (target < 50 ms)\n",
              files, plan.members.size(), plan.installs.size(), plan.tools.size(),
              times[times.size() / 2], times.back());
}

struct StartTimes {
  std::vector<double> start, exit;
};

StartTimes TimeRestarts(providers::Provider& provider, providers::SandboxRequest r, int runs) {
  StartTimes t;
  auto created = provider.Create(r);
  if (!created.ok()) {
    std::fprintf(stderr, "create: %s\n", created.status().ToString().c_str());
    return t;
  }
  providers::Observed o = *created;
  auto wait_exit = [&] {
    for (;;) {
      auto seen = provider.Observe(r.uid);
      if (seen.ok() && *seen && (*seen)->state == providers::ResourceState::kExited) return **seen;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  o = wait_exit();  // the first run installs
  if (o.exit_code != 0) std::fprintf(stderr, "first run failed: %s\n", o.message.c_str());
  for (int i = 0; i < runs; ++i) {
    auto t0 = Steady::now();
    Status st = provider.Restart(o, r);
    t.start.push_back(Ms(Steady::now() - t0));
    if (!st.ok()) std::fprintf(stderr, "restart: %s\n", st.ToString().c_str());
    o = wait_exit();
    t.exit.push_back(Ms(Steady::now() - t0));
  }
  (void)provider.Delete(o);
  return t;
}

double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void BenchStart(const fs::path& base, bool secured) {
  if (secured && security::CachedProbe().backend == security::Backend::kNone) {
    std::printf("start: secured skipped (%s)\n", security::CachedProbe().problem.c_str());
    return;
  }
  // The sandbox's own uid (secured, as root) walks to its workspace and home.
  fs::create_directories(base);
  for (const fs::path& p : {base.parent_path(), base}) {
    fs::permissions(p, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  }
  providers::filesystem::FilesystemOptions options;
  options.state_root = (base / "sesame/run").string();
  options.supervisor_command = providers::filesystem::SupervisorCommandFor(SESAME_BINARY);
  auto provider = providers::filesystem::NewFilesystemProvider(options);
  fs::path ws = base / "work/app";
  std::string node = [] {
    FILE* p = ::popen("node --version", "r");
    char buf[64] = {};
    if (p) {
      (void)!::fgets(buf, sizeof buf, p);
      ::pclose(p);
    }
    std::string v = buf;
    while (!v.empty() && (v.back() == '\n')) v.pop_back();
    return v;
  }();
  Write(ws / ".nvmrc", node + "\n");
  Write(ws / "package.json", R"({"name":"app","version":"1.0.0"})");
  Write(ws / "package-lock.json",
        R"({"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"app","version":"1.0.0"}}})");
  auto request = [&](const std::string& uid, bool runtimes) {
    providers::SandboxRequest r;
    r.key = {"Sandbox", "default", uid};
    r.uid = uid;
    r.spec.command = {"true"};
    r.spec.runtimes.mise = runtimes ? "auto" : "off";
    r.workspace_dir = ws.string();
    if (secured) {
      security::PolicyInput in;
      in.spec = &r.spec;
      in.workspace = ws.string();
      in.home = (base / "home").string();
      in.sesame_home = (base / "sesame").string();
      fs::create_directories(in.home);
      r.policy = security::ComputePolicy(in);
    }
    return r;
  };
  // The machine's node, linked into the sandbox's own mise (no download).
  std::string data = options.state_root + "/with-mise/home/.local/share/mise";
  std::string link = "MISE_DATA_DIR=" + data + " MISE_YES=1 mise link node@" + node.substr(1) +
                     " \"$(dirname \"$(dirname \"$(readlink -f \"$(command -v node)\")\")\")\" >/dev/null 2>&1";
  if (std::system(link.c_str()) != 0) std::fprintf(stderr, "mise link failed\n");
  const int runs = 20;
  StartTimes off = TimeRestarts(*provider, request("without-mise", false), runs);
  StartTimes on = TimeRestarts(*provider, request("with-mise", true), runs);
  const char* mode = secured ? "secured" : "unsecured";
  std::printf("start (%s): restart -> command started, median of %d: runtimes off %.2f ms, "
              "mise auto up to date %.2f ms, added %.2f ms (target < 20 ms)\n",
              mode, runs, Median(off.start), Median(on.start), Median(on.start) - Median(off.start));
  std::printf("start (%s): restart -> `true` exited: off %.2f ms, through `mise exec` %.2f ms\n",
              mode, Median(off.exit), Median(on.exit));
}

}  // namespace

int main(int argc, char** argv) {
  bool secured = argc > 1 && std::string(argv[1]) == "--secured";
  char tmpl[] = "/var/tmp/bench_runtimes.XXXXXX";
  fs::path base = ::mkdtemp(tmpl);
  BenchDetect(base);
  BenchStart(base / "start", false);
  if (secured) BenchStart(base / "start-secured", true);
  fs::remove_all(base);
  return 0;
}
