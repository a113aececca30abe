// Warm pools and quotas through the `sesame` binary and a real controller:
// a claim takes a warm filesystem sandbox and starts its session, the pool
// refills, a pool never fills past its quota, concurrent claims never share
// a warm sandbox, and kill -9 during a fill never overfills.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

using nlohmann::json;

std::string Pool(const std::string& name, int replicas, const std::string& extra = "") {
  return "apiVersion: sesame.dev/v1alpha1\nkind: SandboxPool\nmetadata:\n  name: " + name +
         "\nspec:\n  replicas: " + std::to_string(replicas) + "\n" + extra +
         "  template:\n    provider: filesystem\n";
}

std::string Claim(const std::string& name, const std::string& pool, const std::string& extra = "") {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name +
         "\nspec:\n  poolRef: " + pool +
         "\n  command: [\"sh\", \"-c\", \"echo claimed-$GREETING; sleep 3600\"]\n"
         "  env: [{name: GREETING, value: hello}]\n" + extra;
}

std::string Quota(int sandboxes) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: SandboxQuota\nmetadata:\n  name: team\nspec:\n"
         "  hard: {sandboxes: " + std::to_string(sandboxes) + ", pids: 100000}\n";
}

class PoolTest : public E2eTest {
 protected:
  // Live sandboxes: distinct state directories among this home's processes
  // (a secured session entered into a warm sandbox has a helper process
  // that shows its supervisor's command line too).
  int LiveSandboxes() {
    auto r = testing::RunCommand({"pgrep", "-a", "-f", home() + "/run/"});
    std::set<std::string> dirs;
    std::string needle = "--state-dir ";
    for (size_t at = r.out.find(needle); at != std::string::npos; at = r.out.find(needle, at + 1)) {
      size_t start = at + needle.size();
      dirs.insert(r.out.substr(start, r.out.find(' ', start) - start));
    }
    return static_cast<int>(dirs.size());
  }
  json GetJson(const std::string& resource, const std::string& name) {
    auto r = Sesame({"get", resource, name, "-o", "json"});
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  int64_t Warm(const std::string& pool) {
    json p = GetJson("pool", pool);
    return p.is_null() ? -1 : p.value("status", json::object()).value("warm", int64_t{-1});
  }
  // The uids of the pool's warm Sandbox objects.
  std::set<std::string> WarmUids(const std::string& pool) {
    auto r = Sesame({"get", "sandboxes", "-l", "sesame.dev/pool=" + pool, "-o", "json"});
    std::set<std::string> uids;
    if (r.exit_code != 0) return uids;
    json list = json::parse(r.out);
    for (const json& item : list["items"]) uids.insert(item["metadata"]["uid"].get<std::string>());
    return uids;
  }
  std::string Claimed(const json& sandbox) {
    for (const json& c : sandbox.value("status", json::object()).value("conditions", json::array())) {
      if (c.value("type", "") == "Claimed") return c.value("status", "") + "/" + c.value("reason", "");
    }
    return "<none>";
  }
};

TEST_F(PoolTest, ClaimTakesAWarmSandboxStartsItsSessionAndThePoolRefills) {
  auto controller = StartController();
  Apply(Pool("warm", 2));
  ASSERT_TRUE(Eventually([&] { return Warm("warm") == 2; }, 60000)) << ControllerLogs();
  EXPECT_EQ(LiveSandboxes(), 2);
  std::set<std::string> warm = WarmUids("warm");
  ASSERT_EQ(warm.size(), 2u);

  auto applied = Sesame({"apply", "-f", "-", "--wait", "--timeout", "60s"}, Claim("job", "warm"));
  ASSERT_EQ(applied.exit_code, 0) << applied.err << ControllerLogs();
  json job = Get("job");
  EXPECT_TRUE(warm.count(job["metadata"]["uid"].get<std::string>())) << job.dump();
  EXPECT_EQ(Claimed(job), "True/Claimed") << job.dump();
  EXPECT_EQ(Phase("job"), "Running");
  ASSERT_TRUE(Eventually([&] { return Sesame({"logs", "job"}).out.find("claimed-hello") != std::string::npos; },
                         30000))
      << Sesame({"logs", "job"}).out << ControllerLogs();
  // The claimed one is no longer warm; the pool makes another.
  EXPECT_FALSE(WarmUids("warm").count(job["metadata"]["uid"].get<std::string>()));
  ASSERT_TRUE(Eventually([&] { return Warm("warm") == 2 && LiveSandboxes() == 3; }, 60000))
      << ControllerLogs();
  auto pools = Sesame({"get", "pools"});
  EXPECT_NE(pools.out.find("WARM"), std::string::npos) << pools.out;
  // Metrics: the claim counted, the pool's sizes as gauges.
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  std::string metrics;
  EXPECT_TRUE(Eventually([&] {
    metrics = testing::RunCommand({"curl", "-s", url + "/metrics"}).out;
    return metrics.find(R"(sesame_pool_claims_total{namespace="default",pool="warm",result="claimed"} 1)") !=
               std::string::npos &&
           metrics.find(R"(sesame_pool_sandboxes{namespace="default",pool="warm",state="claimed"} 1)") !=
               std::string::npos &&
           metrics.find(R"(sesame_pool_sandboxes{namespace="default",pool="warm",state="wanted"} 2)") !=
               std::string::npos;
  }, 30000)) << metrics;
  auto described = Sesame({"describe", "sandbox", "job"});
  EXPECT_NE(described.out.find("took warm sandbox"), std::string::npos) << described.out;

  // Deleting the pool takes its warm sandboxes along; the claimed one stays.
  ASSERT_EQ(Sesame({"delete", "pool", "warm"}).exit_code, 0);
  ASSERT_TRUE(Eventually([&] { return WarmUids("warm").empty() && LiveSandboxes() == 1; }, 60000))
      << ControllerLogs();
  EXPECT_EQ(Phase("job"), "Running");
}

// What a session can see of its own confinement and what it can reach, as
// lines between report-begin and report-end (nothing sandbox-specific: the
// sandbox's own uid, its workspace path and pipe numbers are left out).
std::string ConfinementReport(const std::string& state_db) {
  return R"SH(
echo report-begin
uid=$(id -u)
echo "root: $([ "$uid" = 0 ] && echo yes || echo no)"
echo "uid of the sandbox's init: $([ "$uid" = "$(awk '/^Uid:/ {print $2}' /proc/1/status)" ] && echo yes || echo no)"
echo "gid = uid: $([ "$(id -g)" = "$uid" ] && echo yes || echo no), groups: $(id -G | wc -w)"
grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status
for fd in 0 1 2; do echo "fd $fd $(readlink /proc/$$/fd/$fd | tr -d 0-9)"; done
echo "fds of a child: $(ls /proc/self/fd | tr '\n' ' ')"
env | grep -v '^PWD=' | sort
echo x > /etc/sesame-claim-escape 2>/dev/null && echo etc-written || echo etc-refused
cat )SH" + state_db + R"SH( >/dev/null 2>&1 && echo state-db-read || echo state-db-hidden
echo x > "$HOME/home-file" 2>/dev/null && echo home-writable || echo home-refused
echo x > workspace-file 2>/dev/null && echo workspace-writable || echo workspace-refused
python3 -c 'import socket, errno
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    print("netlink-opened")
except OSError as e:
    print("netlink", errno.errorcode[e.errno])
try:
    socket.create_connection(("192.0.2.1", 80), timeout=5)
    print("direct-connected")
except OSError as e:
    print("direct", errno.errorcode.get(e.errno, e.errno))'
echo report-end
sleep 3600
)SH";
}

// The report's lines in the sandbox's output, "" until report-end.
std::string ReportIn(const std::string& logs) {
  size_t begin = logs.find("report-begin\n"), end = logs.find("report-end\n");
  if (begin == std::string::npos || end == std::string::npos) return "";
  return logs.substr(begin, end - begin);
}

// With each OS-sandboxing backend (security/probe.h): the warm sandbox's
// worker enters it as a session started the slow way would.
class ClaimConfinementTest : public PoolTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override { extra_env_["SESAME_SECURITY_BACKEND"] = GetParam(); }
};

TEST_P(ClaimConfinementTest, AClaimedSessionIsConfinedExactlyAsAColdOne) {
  auto controller = StartController();
  Apply(Pool("warm", 1));
  ASSERT_TRUE(Eventually([&] { return Warm("warm") == 1; }, 60000)) << ControllerLogs();
  std::string script = ConfinementReport(home() + "/state.db");
  // The same session twice: into the warm sandbox, and created cold.
  auto sandbox = [&](const std::string& name, const std::string& placement) {
    json command = json::array({"sh", "-c", script});
    return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: " + name + "}\nspec:\n  " +
           placement + "\n  command: " + command.dump() + "\n  env: [{name: GREETING, value: \"a b=c\"}]\n";
  };
  auto claimed = Sesame({"apply", "-f", "-", "--wait", "--timeout", "60s"}, sandbox("claimed", "poolRef: warm"));
  ASSERT_EQ(claimed.exit_code, 0) << claimed.err << ControllerLogs();
  EXPECT_EQ(Claimed(Get("claimed")), "True/Claimed");
  auto cold = Sesame({"apply", "-f", "-", "--wait", "--timeout", "60s"}, sandbox("cold", "provider: filesystem"));
  ASSERT_EQ(cold.exit_code, 0) << cold.err << ControllerLogs();
  std::string claimed_report, cold_report;
  ASSERT_TRUE(Eventually([&] {
    claimed_report = ReportIn(Sesame({"logs", "claimed"}).out);
    cold_report = ReportIn(Sesame({"logs", "cold"}).out);
    return !claimed_report.empty() && !cold_report.empty();
  }, 60000)) << Sesame({"logs", "claimed"}).out << Sesame({"logs", "cold"}).out << ControllerLogs();
  // Every line, the inheritable capability set too: under bubblewrap the
  // cold session's launcher (bwrap, asked to keep capabilities for the
  // helper) fills it, and the session must not keep any of them.
  EXPECT_EQ(claimed_report, cold_report);
  // And that confinement is the sandbox's: unprivileged, filtered, only
  // its stdio open, nothing of the host reachable.
  for (const char* line : {"CapInh:\t0000000000000000\n", "root: no\n", "uid of the sandbox's init: yes\n", "gid = uid: yes, groups: 1\n",
                           "CapEff:\t0000000000000000\n", "CapBnd:\t0000000000000000\n", "NoNewPrivs:\t1\n",
                           "Seccomp:\t2\n", "fd 0 /dev/null\n", "fd 1 pipe:[]\n", "fd 2 pipe:[]\n",
                           "fds of a child: 0 1 2 3 \n", "GREETING=a b=c\n", "SANDBOX_RUNTIME=1\n",
                           "etc-refused\n", "state-db-hidden\n", "workspace-writable\n", "netlink EPERM\n"}) {
    EXPECT_NE(claimed_report.find(line), std::string::npos) << line << " not in:\n" << claimed_report;
  }
  EXPECT_EQ(claimed_report.find("direct-connected"), std::string::npos) << claimed_report;
  // The refused netlink socket went through the seccomp monitor of the
  // claimed sandbox's supervisor.
  std::string violations;
  EXPECT_TRUE(Eventually([&] {
    violations = Sesame({"get", "violations", "claimed"}).out;
    return violations.find("AF_NETLINK") != std::string::npos;
  }, 30000)) << violations;
  std::string enforced;  // names the backend in use
  json claimed_object = Get("claimed");
  for (const json& c : claimed_object["status"]["conditions"]) {
    if (c.value("type", "") == "SecurityEnforced") enforced = c.value("status", "") + " " + c.value("message", "");
  }
  EXPECT_EQ(enforced.rfind("True " + std::string(GetParam()) + " (", 0), 0u) << enforced;
}

INSTANTIATE_TEST_SUITE_P(Backends, ClaimConfinementTest, ::testing::Values("native", "bubblewrap"),
                         [](const auto& info) { return std::string(info.param); });

TEST_F(PoolTest, EmptyPoolOrIncompatibleSpecFallsBackToACreate) {
  auto controller = StartController();
  Apply(Pool("empty", 0));
  auto applied = Sesame({"apply", "-f", "-", "--wait", "--timeout", "60s"}, Claim("cold", "empty"));
  ASSERT_EQ(applied.exit_code, 0) << applied.err << ControllerLogs();
  EXPECT_EQ(Claimed(Get("cold")), "False/PoolEmpty");
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  std::string metrics;
  EXPECT_TRUE(Eventually([&] {
    metrics = testing::RunCommand({"curl", "-s", url + "/metrics"}).out;
    return metrics.find(R"(sesame_pool_claims_total{namespace="default",pool="empty",result="fallback"} 1)") !=
           std::string::npos;
  }, 30000)) << metrics;
  auto described = Sesame({"describe", "sandbox", "cold"});
  EXPECT_NE(described.out.find("PoolEmpty"), std::string::npos) << described.out;

  Apply(Pool("one", 1));
  ASSERT_TRUE(Eventually([&] { return Warm("one") == 1; }, 60000)) << ControllerLogs();
  // A spec the warm sandbox was not made with (stdin) cannot claim it.
  applied = Sesame({"apply", "-f", "-", "--wait", "--timeout", "60s"}, Claim("odd", "one", "  stdin: true\n"));
  ASSERT_EQ(applied.exit_code, 0) << applied.err << ControllerLogs();
  json odd = Get("odd");
  EXPECT_EQ(Claimed(odd), "False/PoolEmpty");
  EXPECT_FALSE(WarmUids("one").count(odd["metadata"]["uid"].get<std::string>()));
  EXPECT_EQ(Warm("one"), 1);
}

TEST_F(PoolTest, QuotaRefusesAnApplyAndAPoolNeverFillsPastIt) {
  auto controller = StartController();
  Apply(Quota(3));
  Apply(Pool("big", 5));
  ASSERT_TRUE(Eventually([&] {
    json p = GetJson("pool", "big");
    return Warm("big") == 3 && p.dump().find("QuotaExceeded") != std::string::npos;
  }, 60000)) << ControllerLogs();
  EXPECT_EQ(WarmUids("big").size(), 3u);
  EXPECT_EQ(LiveSandboxes(), 3);

  auto refused = Sesame({"apply", "-f", "-"}, Claim("over", "none"));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("exceeded quota sandboxquota/team"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("sandboxes: 4 > 3"), std::string::npos) << refused.err;
  EXPECT_TRUE(Get("over").is_null());
  // Over HTTP: 403 with the same message.
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  auto http = testing::RunCommand({"curl", "-s", "-o", "/dev/stderr", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/yaml",
                                   "--data-binary", "@-", url + "/v1/apply"},
                                  {}, Claim("over", "none"));
  EXPECT_EQ(http.out, "403") << http.err;
  EXPECT_NE(http.err.find("sandboxes: 4 > 3"), std::string::npos) << http.err;
  auto quotas = Sesame({"get", "quotas"});
  EXPECT_NE(quotas.out.find("sandboxes: 3/3"), std::string::npos) << quotas.out;
}

TEST_F(PoolTest, QuotaRefusesAGitOpsApplyWithItsNumbers) {
  std::string repo = dir_.path() + "/fleet";
  auto git = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"git", "-C", repo, "-c", "user.name=Test", "-c", "user.email=test@example.com"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = testing::RunCommand(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  auto sandbox = [](const std::string& name) {
    return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: " + name +
           "}\nspec:\n  provider: filesystem\n  security: {enabled: false}\n  command: [sleep, \"3600\"]\n";
  };
  std::filesystem::create_directories(repo);
  ASSERT_NO_FATAL_FAILURE(git({"init", "-q", "-b", "main"}));
  dir_.Write("fleet/one.yaml", sandbox("one"));
  dir_.Write("fleet/two.yaml", sandbox("two"));
  ASSERT_NO_FATAL_FAILURE(git({"add", "-A"}));
  ASSERT_NO_FATAL_FAILURE(git({"commit", "-q", "-m", "two sandboxes"}));
  Apply(Quota(1));
  auto controller = StartController({"--git", "file://" + repo, "--interval", "1s"});
  auto sync = [&] {
    auto r = Sesame({"get", "syncs", "-o", "json"});
    json list = json::parse(r.out, nullptr, false);
    return list.is_object() && !list["items"].empty() ? list["items"][0].value("status", json::object())
                                                      : json::object();
  };
  ASSERT_TRUE(Eventually([&] { return sync().value("phase", "") == "Failed"; }, 60000)) << ControllerLogs();
  std::string message = sync().value("message", "");
  EXPECT_NE(message.find("exceeded quota sandboxquota/team"), std::string::npos) << message;
  EXPECT_NE(message.find("sandboxes: 2 > 1"), std::string::npos) << message;
  // All or nothing: neither sandbox was made.
  EXPECT_TRUE(Get("one").is_null());
  EXPECT_TRUE(Get("two").is_null());
  auto table = Sesame({"get", "syncs"});
  EXPECT_NE(table.out.find("sandboxes: 2 > 1"), std::string::npos) << table.out;

  // Within the quota: synced.
  std::filesystem::remove(repo + "/two.yaml");
  ASSERT_NO_FATAL_FAILURE(git({"add", "-A"}));
  ASSERT_NO_FATAL_FAILURE(git({"commit", "-q", "-m", "one sandbox"}));
  ASSERT_TRUE(Eventually([&] { return sync().value("phase", "") == "Synced" && !Get("one").is_null(); }, 60000))
      << sync().dump() << ControllerLogs();
  EXPECT_TRUE(Get("two").is_null());
}

TEST_F(PoolTest, ConcurrentClaimsNeverShareAWarmSandbox) {
  const int kWarm = 3, kClaims = 10;
  auto controller = StartController();
  Apply(Pool("race", kWarm, "  maxReplicas: " + std::to_string(kWarm) + "\n"));
  ASSERT_TRUE(Eventually([&] { return Warm("race") == kWarm; }, 60000)) << ControllerLogs();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kClaims; ++i) {
    threads.emplace_back([&, i] {
      if (Sesame({"apply", "-f", "-"}, Claim("c" + std::to_string(i), "race")).exit_code != 0) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures, 0);
  int claimed = 0, fallback = 0;
  std::set<std::string> uids;
  for (int i = 0; i < kClaims; ++i) {
    std::string name = "c" + std::to_string(i);
    ASSERT_EQ(Sesame({"wait", "sandbox/" + name, "--timeout", "60s"}).exit_code, 0) << ControllerLogs();
    json s = Get(name);
    uids.insert(s["metadata"]["uid"].get<std::string>());
    std::string c = Claimed(s);
    claimed += c == "True/Claimed";
    fallback += c == "False/PoolEmpty";
  }
  EXPECT_EQ(claimed, kWarm);
  EXPECT_EQ(fallback, kClaims - kWarm);
  EXPECT_EQ(uids.size(), static_cast<size_t>(kClaims));
  // maxReplicas counts claimed ones: nothing to refill.
  ASSERT_TRUE(Eventually([&] { return LiveSandboxes() == kClaims; }, 30000)) << ControllerLogs();
  std::set<int> pids;
  for (int i = 0; i < kClaims; ++i) pids.insert(Pid("c" + std::to_string(i)));
  EXPECT_EQ(pids.size(), static_cast<size_t>(kClaims));
}

TEST_F(PoolTest, KillDuringFillNeverOverfills) {
  const int kPools = 2, kReplicas = 3, kTotal = kPools * kReplicas;
  std::atomic<bool> sampling{true};
  std::atomic<int> most{0};
  std::thread sampler([&] {
    while (sampling) {
      most = std::max(most.load(), LiveSandboxes());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (int p = 0; p < kPools; ++p) Apply(Pool("p" + std::to_string(p), kReplicas));
  std::mt19937 random(7);
  for (int round = 0; round < 4; ++round) {
    auto controller = StartController();
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + random() % 500));
    controller->Signal(SIGKILL);
    controller->Wait();
  }
  auto controller = StartController();
  bool filled = Eventually([&] {
    for (int p = 0; p < kPools; ++p) {
      if (Warm("p" + std::to_string(p)) != kReplicas) return false;
    }
    return true;
  }, 90000);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // a resync or two: nothing more appears
  sampling = false;
  sampler.join();
  ASSERT_TRUE(filled) << ControllerLogs();
  EXPECT_EQ(LiveSandboxes(), kTotal);
  EXPECT_LE(most.load(), kTotal);
  int objects = 0;
  for (int p = 0; p < kPools; ++p) objects += static_cast<int>(WarmUids("p" + std::to_string(p)).size());
  EXPECT_EQ(objects, kTotal);
}

}  // namespace
}  // namespace sesame::e2e
