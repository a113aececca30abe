// Warm pools on docker through the `sesame` binary and a real controller
// (the machine's engine and its sesame-test-busybox image): the warm
// containers are hardened and idle; a claim starts its session in the very
// container it took (same container id, its command's output in the logs,
// hardening kept), and the pool refills.
#include <signal.h>
#include <unistd.h>

#include <set>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

using nlohmann::json;

constexpr char kImage[] = "sesame-test-busybox:latest";

class DockerPoolTest : public E2eTest {
 protected:
  json GetJson(const std::string& resource, const std::string& name) {
    auto r = Sesame({"get", resource, name, "-n", ns_, "-o", "json"});
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  int64_t Warm(const std::string& pool) {
    json p = GetJson("pool", pool);
    return p.is_null() ? -1 : p.value("status", json::object()).value("warm", int64_t{-1});
  }
  // Container id -> uid of the pool's warm sandboxes.
  std::map<std::string, std::string> WarmContainers(const std::string& pool) {
    auto r = Sesame({"get", "sandboxes", "-n", ns_, "-l", "sesame.dev/pool=" + pool, "-o", "json"});
    std::map<std::string, std::string> ids;
    if (r.exit_code != 0) return ids;
    json list = json::parse(r.out);
    for (const json& item : list["items"]) {
      std::string id = item.value("status", json::object()).value("providerRef", json::object()).value("id", "");
      ids[id] = item["metadata"]["uid"].get<std::string>();
    }
    return ids;
  }
  std::string Condition(const json& sandbox, const std::string& type) {
    for (const json& c : sandbox.value("status", json::object()).value("conditions", json::array())) {
      if (c.value("type", "") == type) return c.value("status", "") + "/" + c.value("reason", "");
    }
    return "<none>";
  }
  json Inspect(const std::string& id) {
    auto r = testing::RunCommand({"docker", "inspect", id});
    if (r.exit_code != 0) return json();
    json j = json::parse(r.out, nullptr, false);
    return j.is_array() && !j.empty() ? j[0] : json();
  }
  int RunningContainersOfThisHome() {
    // Containers are named sesame-NAMESPACE-NAME-UID8; this test's namespace is its own.
    auto r = testing::RunCommand({"docker", "ps", "-q", "--filter", "name=^sesame-" + ns_ + "-"});
    int n = 0;
    for (char c : r.out) n += c == '\n';
    return n;
  }
  // Whatever a failed test left behind (the controller is gone by now).
  void TearDown() override {
    testing::RunCommand({"sh", "-c", "docker ps -aq --filter name=^sesame-" + ns_ + "- | xargs -r docker rm -f"});
  }
  std::string ns_ = "dpool" + std::to_string(::getpid());
};

TEST_F(DockerPoolTest, ClaimStartsTheSessionInTheWarmHardenedContainer) {
  ASSERT_EQ(::geteuid(), 0u) << "hardened docker sandboxes need a root controller";
  auto controller = StartController();
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: SandboxPool\nmetadata: {name: dwarm, namespace: " + ns_ +
        "}\nspec:\n  replicas: 2\n  template: {provider: docker, image: " + kImage + ", restartPolicy: Always}\n");
  ASSERT_TRUE(Eventually([&] { return Warm("dwarm") == 2; }, 120000))
      << Sesame({"get", "sandboxes", "-n", ns_, "-o", "wide"}).out << ControllerLogs();
  std::map<std::string, std::string> warm = WarmContainers("dwarm");
  ASSERT_EQ(warm.size(), 2u);
  for (const auto& [id, uid] : warm) {
    json c = Inspect(id);
    ASSERT_TRUE(c.is_object()) << id;
    EXPECT_EQ(c["State"].value("Status", ""), "running") << id;
    EXPECT_TRUE(c["Config"].value("StdinOnce", false)) << "a warm container waits for its session";
    EXPECT_TRUE(c["HostConfig"].value("ReadonlyRootfs", false)) << "hardened like any secured sandbox";
  }

  auto applied = Sesame({"apply", "-f", "-", "--wait", "--timeout", "120s"},
                        "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: job, namespace: " + ns_ +
                            "}\nspec:\n"
                        "  poolRef: dwarm\n  command: [\"sh\", \"-c\", \"echo claimed-$GREETING; exec sleep 3600\"]\n"
                        "  env: [{name: GREETING, value: hello-from-the-claim}]\n");
  ASSERT_EQ(applied.exit_code, 0) << applied.err << ControllerLogs();
  json job = GetJson("sandbox", "job");
  std::string id = job["status"]["providerRef"].value("id", "");
  ASSERT_TRUE(warm.count(id)) << "the claim runs in a container of the pool: " << job.dump(2);
  EXPECT_EQ(job["metadata"]["uid"], warm[id]);
  EXPECT_EQ(Condition(job, "Claimed"), "True/Claimed") << job.dump(2);
  EXPECT_EQ(Condition(job, "Ready"), "True/Running") << job.dump(2);
  EXPECT_EQ(Condition(job, "SecurityEnforced").substr(0, 4), "True") << job.dump(2);
  std::string logs;
  EXPECT_TRUE(Eventually([&] {
    logs = Sesame({"logs", "job", "-n", ns_}).out;
    return logs.find("claimed-hello-from-the-claim") != std::string::npos;
  }, 30000)) << logs << ControllerLogs();
  json c = Inspect(id);
  EXPECT_EQ(c["State"].value("Status", ""), "running");
  EXPECT_TRUE(c["HostConfig"].value("ReadonlyRootfs", false));
  // The claim's variables reached the session over the attach only.
  EXPECT_EQ(c["Config"].dump().find("hello-from-the-claim"), std::string::npos) << c["Config"].dump();
  // Every process but docker's init (whose arguments name the whole entrypoint).
  auto exec = Sesame({"exec", "job", "-n", ns_, "--", "sh", "-c",
                      "for p in /proc/[0-9]*; do [ $p = /proc/1 ] || { tr '\\0' ' ' < $p/cmdline; echo; }; done"});
  EXPECT_NE(exec.out.find("sleep 3600"), std::string::npos) << exec.out << exec.err;
  EXPECT_EQ(exec.out.find("sesame-warm"), std::string::npos) << "the waiting shell became the session: " << exec.out;

  // A controller killed and started again keeps the claim as it is: the
  // same container, the session not started a second time, not an orphan.
  controller->Signal(SIGKILL);
  controller->Wait();
  controller = StartController();
  ASSERT_TRUE(Eventually([&] { return Warm("dwarm") == 2; }, 120000)) << ControllerLogs();
  json after = GetJson("sandbox", "job");
  EXPECT_EQ(after["status"]["providerRef"].value("id", ""), id) << after.dump(2);
  EXPECT_EQ(Condition(after, "Ready"), "True/Running") << after.dump(2);
  EXPECT_EQ(Inspect(id)["State"].value("Status", ""), "running");
  logs = Sesame({"logs", "job", "-n", ns_}).out;
  EXPECT_EQ(logs.find("claimed-hello-from-the-claim"), logs.rfind("claimed-hello-from-the-claim")) << logs;

  // The claimed one stays as it is; the pool makes another warm one.
  ASSERT_TRUE(Eventually([&] { return Warm("dwarm") == 2 && !WarmContainers("dwarm").count(id); }, 120000))
      << ControllerLogs();
  EXPECT_EQ(Condition(GetJson("sandbox", "job"), "Ready"), "True/Running");
  EXPECT_EQ(RunningContainersOfThisHome(), 3);

  // A session that ends is restarted (restartPolicy Always) in a container
  // of its own, not in a waiting one.
  auto killed = Sesame({"exec", "job", "-n", ns_, "--", "sh", "-c",
                        "for p in /proc/[0-9]*; do [ \"$(tr '\\0' ' ' < $p/cmdline)\" = 'sleep 3600 ' ] && kill ${p#/proc/}; done; true"});
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  ASSERT_TRUE(Eventually([&] {
    json j = GetJson("sandbox", "job");
    json again = Inspect(j["status"]["providerRef"].value("id", ""));
    return Condition(j, "Ready") == "True/Running" && again.is_object() &&
           !again["Config"].value("StdinOnce", true) && again["State"].value("Status", "") == "running";
  }, 120000)) << Sesame({"describe", "sandbox", "job", "-n", ns_}).out << ControllerLogs();
  EXPECT_TRUE(Eventually([&] {
    return Sesame({"logs", "job", "-n", ns_}).out.find("claimed-hello-from-the-claim") != std::string::npos;
  }, 30000));

  ASSERT_EQ(Sesame({"delete", "sandbox", "job", "-n", ns_}).exit_code, 0);
  ASSERT_EQ(Sesame({"delete", "pool", "dwarm", "-n", ns_}).exit_code, 0);
  EXPECT_TRUE(Eventually([&] { return RunningContainersOfThisHome() == 0; }, 120000)) << ControllerLogs();
}

}  // namespace
}  // namespace sesame::e2e
