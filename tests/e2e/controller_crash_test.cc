// Crash safety: kill -9 of the controller at any moment loses nothing and
// leaks nothing; one controller acts per database.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/fingerprint.h"
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

// A controller killed (SIGKILL, from inside, at a named point) between the
// steps of a create: the next controller finishes the same sandbox, says
// so with a Creating event, and makes exactly one of it. Random kill times
// rarely hit these windows; the named points hit each one every time.
class CreateCutShortTest : public CrashTest {
 protected:
  // Starts a controller that kills itself at `point` while creating `yaml`'s
  // sandbox, then one that must finish it.
  void CutShortThenConverge(const std::string& point, const std::string& name, const std::string& yaml) {
    extra_env_["SESAME_CRASH_POINT"] = point;
    auto crashing = StartController({"--lease", "1s"});
    extra_env_.erase("SESAME_CRASH_POINT");
    Apply(yaml);
    ASSERT_EQ(crashing->Wait(), 128 + SIGKILL) << point << " was not reached\n" << ControllerLogs();
    auto controller = StartController({"--lease", "1s"});
    auto wait = Sesame({"wait", "sandbox/" + name, "--timeout", "90s"});
    ASSERT_EQ(wait.exit_code, 0) << point << ": " << wait.err << Sesame({"describe", "sandbox", name}).out
                                 << ControllerLogs();
    std::string described = Sesame({"describe", "sandbox", name}).out;
    EXPECT_NE(described.find("Creating"), std::string::npos) << point << "\n" << described;
    EXPECT_EQ(Phase(name), "Running") << point;
    controller->Signal(SIGKILL);
    controller->Wait();
  }
};

TEST_F(CreateCutShortTest, FilesystemSandboxConvergesFromEveryStep) {
  int round = 0;
  for (const char* point : {"filesystem.after-state", "filesystem.after-launch", "filesystem.after-record"}) {
    std::string name = "cut-" + std::to_string(round++);
    CutShortThenConverge(point, name, Sleeper(name));
    // One process tree: the session, not a second supervisor's.
    EXPECT_TRUE(ProcessAlive(Pid(name))) << point;
  }
  EXPECT_EQ(CountSandboxProcesses(), round);
  EXPECT_EQ(StateDirs(home()), round);
}

TEST_F(CreateCutShortTest, DockerSandboxConvergesWhenKilledBetweenCreateAndStart) {
  const std::string name = "cut-docker";
  CutShortThenConverge("docker.after-create", name,
                       "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name +
                           "\nspec:\n  provider: docker\n  image: sesame-test-busybox:latest\n"
                           "  command: [\"sleep\", \"3600\"]\n");
  std::string uid = Get(name)["metadata"].value("uid", "");
  auto containers = testing::RunCommand({"docker", "ps", "-a", "-q", "--filter", "label=dev.sesame.uid=" + uid});
  EXPECT_EQ(std::count(containers.out.begin(), containers.out.end(), '\n'), 1) << containers.out;
  auto controller = StartController({"--lease", "1s"});
  ASSERT_EQ(Sesame({"delete", "sandbox", name}).exit_code, 0) << ControllerLogs();
  EXPECT_TRUE(Eventually([&] {
    return testing::RunCommand({"docker", "ps", "-a", "-q", "--filter", "label=dev.sesame.uid=" + uid}).out.empty();
  }, 60000));
}

// kill -9 of a controller that leads, 0-300 ms after `sesame apply`, 20
// rounds: every sandbox ends Ready, one resource each, and once deleted,
// none left. (A controller still waiting for a killed one's lease would
// not act at all: each round waits until the new one leads.)
class KillAfterApplyTest : public CrashTest, public ::testing::WithParamInterface<const char*> {
 protected:
  // The engine is shared: what a failed round leaves is removed here (the
  // containers this installation labelled as its own).
  void TearDown() override {
    if (std::string(GetParam()) != "docker") return;
    auto ps = testing::RunCommand({"docker", "ps", "-a", "-q", "--filter", "label=dev.sesame.owner=" + Fingerprint(home())});
    std::istringstream ids(ps.out);
    for (std::string id; std::getline(ids, id);) testing::RunCommand({"docker", "rm", "-f", id});
  }
  std::string Box(const std::string& name) {
    std::string provider = GetParam();
    std::string image = provider == "docker" ? "  image: sesame-test-busybox:latest\n" : "";
    return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name +
           "\nspec:\n  provider: " + provider + "\n" + image + "  command: [\"sleep\", \"3600\"]\n";
  }
  std::unique_ptr<testing::BackgroundProcess> StartLeader() {
    auto controller = StartController({"--lease", "1s"});
    std::string mark = "--- controller " + std::to_string(controllers_started_);
    EXPECT_TRUE(Eventually([&] {
      std::string logs = ControllerLogs();
      return logs.find("leader", logs.find(mark)) != std::string::npos;
    }, 30000)) << ControllerLogs();
    return controller;
  }
  // Containers or supervised process trees made for `uid`.
  int ResourcesOf(const std::string& uid) {
    if (std::string(GetParam()) == "docker") {
      auto ps = testing::RunCommand({"docker", "ps", "-a", "-q", "--filter", "label=dev.sesame.uid=" + uid});
      return static_cast<int>(std::count(ps.out.begin(), ps.out.end(), '\n'));
    }
    return std::filesystem::exists(home() + "/run/" + uid) ? 1 : 0;
  }
};

TEST_P(KillAfterApplyTest, EveryRoundConverges) {
  std::mt19937 random(7);
  const int kRounds = 20;
  auto name = [](int i) { return "round-" + std::to_string(i); };
  for (int i = 0; i < kRounds; ++i) {
    auto controller = StartLeader();
    Apply(Box(name(i)));
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 301));
    controller->Signal(SIGKILL);
    controller->Wait();
  }
  std::vector<std::string> uids;
  {
    auto controller = StartLeader();
    for (int i = 0; i < kRounds; ++i) {
      auto r = Sesame({"wait", "sandbox/" + name(i), "--timeout", "120s"});
      ASSERT_EQ(r.exit_code, 0) << r.err << Sesame({"describe", "sandbox", name(i)}).out << ControllerLogs();
      EXPECT_EQ(Phase(name(i)), "Running") << name(i);
      uids.push_back(Get(name(i))["metadata"].value("uid", ""));
      EXPECT_EQ(ResourcesOf(uids.back()), 1) << name(i);
    }
    controller->Signal(SIGKILL);
    controller->Wait();
  }
  for (int i = 0; i < kRounds; ++i) {
    auto controller = StartLeader();
    ASSERT_EQ(Sesame({"delete", "sandbox", name(i)}).exit_code, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 301));
    controller->Signal(SIGKILL);
    controller->Wait();
  }
  auto controller = StartLeader();
  ASSERT_TRUE(Eventually([&] { return Sesame({"get", "sandboxes", "-o", "name"}).out.empty(); }, 120000))
      << Sesame({"get", "sandboxes"}).out << ControllerLogs();
  for (const auto& uid : uids) EXPECT_TRUE(Eventually([&] { return ResourcesOf(uid) == 0; }, 30000)) << uid;
}

INSTANTIATE_TEST_SUITE_P(Providers, KillAfterApplyTest, ::testing::Values("filesystem", "docker"));

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
