// The threads of `sesame controller`: few while idle, as many as the
// connections that need one under load (100 watch streams, each holding a
// connection, all served at once), and few again once they are gone.

#include <filesystem>

#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/raw_http.h"

namespace sesame::e2e {
namespace {

// The HTTP server, the HTTPS listener for Kubernetes clients, the
// reconciler's workers and the watchers of the store and the providers
// all start threads; a fixed pool per listener once made this 523.
constexpr size_t kIdleThreads = 64;

size_t Threads(int pid) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    (void)entry;
    ++n;
  }
  return n;
}

class IdleThreadsTest : public E2eTest {};

TEST_F(IdleThreadsTest, AnIdleControllerHasFewThreadsAndGrowsForHundredWatchers) {
  auto controller = StartController();
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  // Both listeners are up.
  ASSERT_TRUE(Eventually([&] { return ControllerLogs().find("Kubernetes API (HTTPS) listening") != std::string::npos; },
                         30000))
      << ControllerLogs();
  size_t idle = Threads(controller->pid());
  EXPECT_LT(idle, kIdleThreads) << "threads of an idle controller";

  // 100 watchers, each on its own connection, all waiting at once: each
  // sees a sandbox created after they all connected.
  constexpr int kWatchers = 100;
  std::vector<std::unique_ptr<RawHttp>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    auto w = std::make_unique<RawHttp>(url);
    ASSERT_TRUE(w->connected());
    ASSERT_TRUE(w->Send("GET /v1/namespaces/default/sandboxes?watch=true HTTP/1.1\r\nHost: x\r\n\r\n"));
    watchers.push_back(std::move(w));
  }
  // Each connection gets a thread of its own as it is accepted.
  EXPECT_TRUE(Eventually([&] { return Threads(controller->pid()) >= static_cast<size_t>(kWatchers); }, 60000))
      << Threads(controller->pid()) << " threads";
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: seen-by-all\n"
        "spec:\n  provider: filesystem\n  command: [\"sleep\", \"600\"]\n");
  int saw = 0;
  for (auto& w : watchers) {
    std::string stream = w->ReadUntil("seen-by-all");
    saw += StatusOf(stream) == 200 && stream.find("seen-by-all") != std::string::npos;
  }
  EXPECT_EQ(saw, kWatchers);

  // Gone again once the watchers are: the idle threads end.
  watchers.clear();
  EXPECT_TRUE(Eventually([&] { return Threads(controller->pid()) < kIdleThreads; }, 120000))
      << Threads(controller->pid()) << " threads";
}

}  // namespace
}  // namespace sesame::e2e
