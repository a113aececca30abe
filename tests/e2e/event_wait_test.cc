// `sesame wait` and `apply --wait` follow changes instead of sleeping: a
// status written by another process ends the wait, embedded (through the
// store's notification socket) and remote (through the watch stream).

#include <filesystem>
#include <fstream>

#include "specs/codec.h"
#include "store/store.h"
#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

constexpr char kCloudBox[] = R"(apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: waited}
spec:
  provider: e2b
)";

class EventWaitTest : public E2eTest {
 protected:
  // Writes Ready=True for the current generation, as a controller would,
  // from this process (not the one waiting).
  void WriteReady(const std::string& name) {
    auto store = store::Store::Open(home() + "/state.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto o = (*store)->Get({specs::kKindSandbox, "default", name});
    ASSERT_TRUE(o.ok()) << o.status().message();
    specs::SandboxStatus status;
    status.phase = specs::Phase::kRunning;
    status.observed_generation = o->metadata.generation;
    specs::Condition ready;
    ready.type = "Ready";
    ready.status = "True";
    ready.reason = "Running";
    ready.observed_generation = o->metadata.generation;
    status.conditions.push_back(ready);
    o->status = specs::EncodeSandboxStatus(status);
    ASSERT_TRUE((*store)->UpdateStatus(*o).ok());
  }

  size_t Listeners() {
    std::error_code ec;
    std::filesystem::directory_iterator it(home() + "/state.db-notify", ec), end;
    return ec ? 0 : static_cast<size_t>(std::distance(it, end));
  }
};

TEST_F(EventWaitTest, WaitReturnsWhenAnotherProcessWritesTheStatus) {
  Apply(kCloudBox);  // no controller: nothing else writes its status
  testing::BackgroundProcess wait({SESAME_BINARY, "wait", "sandbox/waited", "--timeout", "10m"}, Env(),
                                  dir_.path() + "/wait.log");
  // Its socket is bound before it first reads the sandbox.
  ASSERT_TRUE(Eventually([&] { return Listeners() >= 1; }, 60000));
  WriteReady("waited");
  EXPECT_EQ(wait.Wait(), 0);
  std::ifstream log(dir_.path() + "/wait.log");
  std::string out((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(out.find("sandbox/waited condition met"), std::string::npos) << out;
  // Its socket went with it.
  EXPECT_EQ(Listeners(), 0u);
}

TEST_F(EventWaitTest, WaitForDeleteReturnsWhenAnotherProcessDeletes) {
  Apply(R"(apiVersion: sesame.dev/v1alpha1
kind: SandboxTemplate
metadata: {name: tmpl}
spec: {provider: e2b}
)");
  testing::BackgroundProcess wait(
      {SESAME_BINARY, "wait", "sandboxtemplate/tmpl", "--for=delete", "--timeout", "10m"}, Env(),
      dir_.path() + "/wait.log");
  ASSERT_TRUE(Eventually([&] { return Listeners() >= 1; }, 60000));
  ASSERT_EQ(Sesame({"delete", "sandboxtemplate", "tmpl"}).exit_code, 0);
  EXPECT_EQ(wait.Wait(), 0);
}

TEST_F(EventWaitTest, RemoteWaitFollowsTheWatchStream) {
  // The controller serves the API; an e2b sandbox without credentials gets
  // one status (MissingCredentials) and is not retried, so the Ready
  // written below stays (a status write does not cause a reconcile).
  auto controller = StartController({"--resync", "1h"});
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  Apply(kCloudBox);
  ASSERT_TRUE(Eventually([&] { return !Phase("waited").empty(); }, 60000)) << ControllerLogs();
  testing::BackgroundProcess wait({SESAME_BINARY, "wait", "sandbox/waited", "--timeout", "10m"},
                                  {{"SESAME_HOME", dir_.path() + "/elsewhere"}, {"SESAME_SERVER", url}},
                                  dir_.path() + "/wait.log");
  WriteReady("waited");
  EXPECT_EQ(wait.Wait(), 0) << ControllerLogs();
  EXPECT_EQ(Get("waited")["status"]["conditions"][0]["status"], "True");
}

TEST_F(EventWaitTest, WaitTimesOutWithTheUsualMessage) {
  Apply(kCloudBox);
  auto r = Sesame({"wait", "sandbox/waited", "--timeout", "200ms"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("timed out waiting for sandbox/waited to be Ready"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sesame::e2e
