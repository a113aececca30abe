// A filesystem sandbox through its whole life, driven through the CLI with
// a real controller and real processes.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

std::string SandboxYaml(const std::string& name, const std::string& extra = "",
                        const std::string& command = "echo started; while true; do sleep 1; done") {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name +
         "\nspec:\n  provider: filesystem\n  command: [\"sh\", \"-c\", \"" + command + "\"]\n" + extra;
}

class LifecycleTest : public E2eTest {};

TEST_F(LifecycleTest, ApplyRunLogsExecSuspendResumeDelete) {
  auto controller = StartController();
  Apply(SandboxYaml("life", "  ports: [3000]\n  env:\n    - {name: GREETING, value: hola}\n"));
  auto wait = Sesame({"wait", "sandbox/life", "--for=condition=Ready", "--timeout", "30s"});
  ASSERT_EQ(wait.exit_code, 0) << wait.err << ControllerLogs();
  EXPECT_EQ(Phase("life"), "Running");
  int pid = Pid("life");
  ASSERT_TRUE(ProcessAlive(pid));
  auto status = Get("life")["status"];
  EXPECT_EQ(status["endpoints"][0]["url"], "http://127.0.0.1:3000");
  EXPECT_TRUE(status.contains("startedAt"));

  ASSERT_TRUE(Eventually([&] { return Sesame({"logs", "life"}).out.find("started") != std::string::npos; }, 5000));

  auto exec = Sesame({"exec", "life", "--", "sh", "-c", "echo out $GREETING; echo err >&2; exit 3"});
  EXPECT_EQ(exec.exit_code, 3);
  EXPECT_EQ(exec.out, "out hola\n");
  EXPECT_EQ(exec.err, "err\n");
  auto cat = Sesame({"exec", "-i", "life", "--", "cat"}, "hi\n");
  EXPECT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out, "hi\n");

  Apply(SandboxYaml("life", "  ports: [3000]\n  env:\n    - {name: GREETING, value: hola}\n  suspend: true\n"));
  ASSERT_TRUE(Eventually([&] { return Phase("life") == "Suspended"; }, 10000)) << ControllerLogs();
  EXPECT_EQ(ProcessState(pid), 'T');
  Apply(SandboxYaml("life", "  ports: [3000]\n  env:\n    - {name: GREETING, value: hola}\n"));
  ASSERT_TRUE(Eventually([&] { return Phase("life") == "Running"; }, 10000));
  EXPECT_NE(ProcessState(pid), 'T');
  EXPECT_EQ(Pid("life"), pid);

  std::string workspace = home() + "/sandboxes/default/life";
  EXPECT_TRUE(std::filesystem::exists(workspace));
  ASSERT_EQ(Sesame({"delete", "sandbox", "life"}).exit_code, 0);
  auto gone = Sesame({"wait", "sandbox/life", "--for=delete", "--timeout", "30s"});
  ASSERT_EQ(gone.exit_code, 0) << gone.err << ControllerLogs();
  EXPECT_TRUE(Eventually([&] { return !ProcessAlive(pid); }, 5000));
  EXPECT_FALSE(std::filesystem::exists(workspace));
  EXPECT_EQ(CountSandboxProcesses(), 0);
  auto events = Sesame({"get", "events"});
  EXPECT_NE(events.out.find("Creating"), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("Suspending"), std::string::npos) << events.out;
}

TEST_F(LifecycleTest, UserWorkspaceIsKeptOnDelete) {
  std::string workspace = dir_.path() + "/project";
  std::filesystem::create_directories(workspace);
  auto controller = StartController();
  Apply(SandboxYaml("mine", "  workspace: {path: " + workspace + "}\n", "pwd; sleep 600"));
  ASSERT_EQ(Sesame({"wait", "sandbox/mine", "--timeout", "30s"}).exit_code, 0) << ControllerLogs();
  ASSERT_TRUE(Eventually([&] { return Sesame({"logs", "mine"}).out.find(workspace) != std::string::npos; }, 5000));
  ASSERT_EQ(Sesame({"delete", "sandbox", "mine"}).exit_code, 0);
  ASSERT_EQ(Sesame({"wait", "sandbox/mine", "--for=delete", "--timeout", "30s"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(workspace));
}

TEST_F(LifecycleTest, TtlExpiresAtTheDeadline) {
  auto controller = StartController();
  Apply(SandboxYaml("short", "  lifetime: {ttl: 3s}\n"));
  ASSERT_EQ(Sesame({"wait", "sandbox/short", "--timeout", "30s"}).exit_code, 0) << ControllerLogs();
  auto status = Get("short")["status"];
  ASSERT_TRUE(status.contains("expiresAt"));
  auto created = Get("short")["metadata"]["creationTimestamp"].get<std::string>();
  int pid = Pid("short");
  // Gone from the store within a second of the deadline (and the process with it).
  auto deadline = std::chrono::system_clock::now();
  ASSERT_TRUE(Eventually([&] { return Get("short").is_null(); }, 10000)) << ControllerLogs();
  auto elapsed = std::chrono::system_clock::now() - deadline;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_FALSE(ProcessAlive(pid));
  auto events = Sesame({"get", "events"});
  EXPECT_NE(events.out.find("Expired"), std::string::npos) << events.out;
}

TEST_F(LifecycleTest, ProcessKilledFromOutsideIsRestarted) {
  auto controller = StartController();
  Apply(SandboxYaml("phoenix", "  restartPolicy: Always\n"));
  ASSERT_EQ(Sesame({"wait", "sandbox/phoenix", "--timeout", "30s"}).exit_code, 0) << ControllerLogs();
  int pid = Pid("phoenix");
  ASSERT_GT(pid, 0);
  kill(pid, SIGKILL);
  ASSERT_TRUE(Eventually([&] {
    auto status = Get("phoenix").value("status", nlohmann::json::object());
    return status.value("restarts", 0) == 1 && status.value("phase", "") == "Running";
  }, 20000)) << Get("phoenix").dump(2) << ControllerLogs();
  int new_pid = Pid("phoenix");
  EXPECT_NE(new_pid, pid);
  EXPECT_TRUE(ProcessAlive(new_pid));
}

TEST_F(LifecycleTest, NeverPolicyRecordsTheExitCode) {
  auto controller = StartController();
  Apply(SandboxYaml("once", "", "echo done; exit 4"));
  ASSERT_TRUE(Eventually([&] { return Phase("once") == "Failed"; }, 20000)) << ControllerLogs();
  EXPECT_EQ(Get("once")["status"]["exitCode"], 4);
  auto wait = Sesame({"wait", "sandbox/once", "--timeout", "5s"});
  EXPECT_EQ(wait.exit_code, 1);
  EXPECT_NE(wait.err.find("Failed"), std::string::npos) << wait.err;
}

TEST_F(LifecycleTest, GcDryRunAndCollect) {
  Apply(SandboxYaml("old", "  lifetime: {expiresAt: \"2020-01-01T00:00:00Z\"}\n"));
  auto dry = Sesame({"gc", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_NE(dry.out.find("would delete sandbox/old"), std::string::npos) << dry.out;
  EXPECT_FALSE(Get("old").is_null());
  auto real = Sesame({"gc"});
  EXPECT_EQ(real.exit_code, 0) << real.err;
  EXPECT_TRUE(Get("old").is_null()) << real.out;
}

}  // namespace
}  // namespace sesame::e2e
