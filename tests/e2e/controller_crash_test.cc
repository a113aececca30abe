// Crash safety: kill -9 of the controller at any moment loses nothing and
// leaks nothing; one controller acts per database.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

std::string Sleeper(const std::string& name) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name +
         "\nspec:\n  provider: filesystem\n  command: [\"sleep\", \"3600\"]\n";
}

int StateDirs(const std::string& home) {
  int n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(home + "/run", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

class CrashTest : public E2eTest {};

TEST_F(CrashTest, RestartedControllerAdoptsTheSameProcess) {
  auto controller = StartController();
  Apply(Sleeper("keep"));
  ASSERT_EQ(Sesame({"wait", "sandbox/keep", "--timeout", "30s"}).exit_code, 0) << ControllerLogs();
  int pid = Pid("keep");
  controller->Signal(SIGKILL);
  controller->Wait();
  EXPECT_TRUE(ProcessAlive(pid));
  auto second = StartController();
  // Give the new controller time to resync; the sandbox must stay the same.
  ASSERT_TRUE(Eventually([&] { return ControllerLogs().find("leader", ControllerLogs().find("controller 2")) != std::string::npos; }, 15000))
      << ControllerLogs();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(Pid("keep"), pid);
  EXPECT_EQ(Phase("keep"), "Running");
  EXPECT_EQ(CountSandboxProcesses(), 1);
}

TEST_F(CrashTest, KillDuringCreateAndDeleteLosesAndLeaksNothing) {
  std::mt19937 random(42);
  const int kRounds = 20;
  for (int i = 0; i < kRounds; ++i) {
    auto controller = StartController();
    Apply(Sleeper("box-" + std::to_string(i)));
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 400));
    controller->Signal(SIGKILL);
    controller->Wait();
  }
  {
    auto controller = StartController();
    for (int i = 0; i < kRounds; ++i) {
      auto r = Sesame({"wait", "sandbox/box-" + std::to_string(i), "--timeout", "60s"});
      ASSERT_EQ(r.exit_code, 0) << r.err << ControllerLogs();
    }
    EXPECT_EQ(CountSandboxProcesses(), kRounds) << ControllerLogs();
    EXPECT_EQ(StateDirs(home()), kRounds);
    std::set<int> pids;
    for (int i = 0; i < kRounds; ++i) pids.insert(Pid("box-" + std::to_string(i)));
    EXPECT_EQ(pids.size(), static_cast<size_t>(kRounds));
    controller->Signal(SIGKILL);
    controller->Wait();
  }
  for (int i = 0; i < kRounds; ++i) {
    auto controller = StartController();
    ASSERT_EQ(Sesame({"delete", "sandbox", "box-" + std::to_string(i)}).exit_code, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 400));
    controller->Signal(SIGKILL);
    controller->Wait();
  }
  auto controller = StartController();
  ASSERT_TRUE(Eventually([&] { return Sesame({"get", "sandboxes", "-o", "name"}).out.empty(); }, 60000))
      << Sesame({"get", "sandboxes"}).out << ControllerLogs();
  EXPECT_TRUE(Eventually([&] { return CountSandboxProcesses() == 0; }, 10000));
  EXPECT_EQ(StateDirs(home()), 0);
}

TEST_F(CrashTest, CtrlCStopsCleanlyAndHandsTheLeaseOver) {
  auto first = StartController({"--lease", "60s"});
  ASSERT_TRUE(Eventually([&] { return ControllerLogs().find("leader") != std::string::npos; }, 10000));
  Apply(Sleeper("kept"));
  ASSERT_EQ(Sesame({"wait", "sandbox/kept", "--timeout", "30s"}).exit_code, 0) << ControllerLogs();
  int pid = Pid("kept");
  first->Signal(SIGINT);
  EXPECT_EQ(first->Wait(), 0) << ControllerLogs();
  EXPECT_TRUE(ProcessAlive(pid));
  // The lease was released: the next controller leads at once, not after 60 s.
  auto second = StartController({"--lease", "60s"});
  ASSERT_TRUE(Eventually([&] {
    std::string logs = ControllerLogs();
    return logs.find("leader", logs.find("--- controller 2")) != std::string::npos;
  }, 10000)) << ControllerLogs();
  EXPECT_EQ(ControllerLogs().find("standby"), std::string::npos);
}

TEST_F(CrashTest, TwoControllersNeverBothAct) {
  auto first = StartController({"--lease", "2s"});
  ASSERT_TRUE(Eventually([&] { return ControllerLogs().find("leader") != std::string::npos; }, 10000));
  auto second = StartController({"--lease", "2s"});
  ASSERT_TRUE(Eventually([&] { return ControllerLogs().find("standby") != std::string::npos; }, 10000))
      << ControllerLogs();
  for (int i = 0; i < 5; ++i) Apply(Sleeper("pair-" + std::to_string(i)));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Sesame({"wait", "sandbox/pair-" + std::to_string(i), "--timeout", "30s"}).exit_code, 0);
  }
  EXPECT_EQ(CountSandboxProcesses(), 5);
  first->Signal(SIGKILL);
  first->Wait();
  // The standby takes over once the lease expires, and adopts rather than duplicates.
  ASSERT_TRUE(Eventually([&] {
    std::string logs = ControllerLogs();
    return logs.find("leader", logs.find("--- controller 2")) != std::string::npos;
  }, 15000)) << ControllerLogs();
  Apply(Sleeper("after"));
  ASSERT_EQ(Sesame({"wait", "sandbox/after", "--timeout", "30s"}).exit_code, 0) << ControllerLogs();
  EXPECT_EQ(CountSandboxProcesses(), 6);
}

}  // namespace
}  // namespace sesame::e2e
