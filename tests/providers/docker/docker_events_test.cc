// The docker provider's event stream (event_watcher.h): parsing of the
// engine's event lines, the /events filter, the reconnect backoff, and a
// stream that breaks being opened again (against a fake engine on a unix
// socket that closes each stream after one event), asking for the events
// since the last one seen.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "common/unique_fd.h"
#include "providers/docker/container_config.h"
#include "providers/docker/event_watcher.h"
#include "tests/providers/docker/net_helpers.h"
#include "tests/testing/run_command.h"

namespace sesame::providers::docker {
namespace {

std::string EventLine(const std::string& uid, const std::string& action, int64_t nano) {
  nlohmann::json attributes = {{kUidLabel, uid},
                               {kNamespaceLabel, "team-a"},
                               {kNameLabel, "box"},
                               {kKindLabel, "Sandbox"},
                               {"image", "busybox"}};
  return nlohmann::json{{"Type", "container"},
                        {"Action", action},
                        {"Actor", {{"ID", "c0ffee"}, {"Attributes", attributes}}},
                        {"timeNano", nano}}
             .dump();
}

TEST(DockerEventsTest, ParsesContainerEventsOfSandboxes) {
  auto e = ParseContainerEvent(EventLine("u-1", "die", 1700000000123456789));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->uid, "u-1");
  EXPECT_EQ(e->key, (specs::ObjectKey{"Sandbox", "team-a", "box"}));
  EXPECT_EQ(e->action, "die");
  EXPECT_EQ(e->time_nano, 1700000000123456789);
}

TEST(DockerEventsTest, IgnoresOtherEventsAndGarbage) {
  EXPECT_FALSE(ParseContainerEvent("not json").has_value());
  EXPECT_FALSE(ParseContainerEvent("{}").has_value());
  EXPECT_FALSE(ParseContainerEvent(R"({"Type":"network","Action":"connect","Actor":{"Attributes":{"dev.sesame.uid":"u"}}})")
                   .has_value());
  EXPECT_FALSE(ParseContainerEvent(R"({"Type":"container","Action":"die","Actor":{"Attributes":{"name":"x"}}})")
                   .has_value());
  EXPECT_FALSE(ParseContainerEvent(R"({"Type":"container","Action":"die","Actor":{"Attributes":[1]}})")
                   .has_value());
}

TEST(DockerEventsTest, PathFiltersByLabelsAndAsksForEventsSinceTheLastSeen) {
  std::string path = EventsPath("home-1", 0);
  EXPECT_EQ(path.find("since="), std::string::npos);
  std::string filters = path.substr(path.find("filters=") + 8);
  EXPECT_NE(filters.find(UrlEncode(std::string("\"") + kUidLabel + "\"")), std::string::npos) << path;
  EXPECT_NE(filters.find(UrlEncode(std::string(kOwnerLabel) + "=home-1")), std::string::npos) << path;
  EXPECT_NE(filters.find(UrlEncode("\"destroy\"")), std::string::npos) << path;
  EXPECT_NE(EventsPath("", 1700000000000000042).find("&since=1700000000.000000042"),
            std::string::npos);
}

TEST(DockerEventsTest, ReconnectBacksOffUpToFiveSeconds) {
  EXPECT_EQ(ReconnectDelay(0), Millis(100));
  EXPECT_EQ(ReconnectDelay(1), Millis(200));
  EXPECT_EQ(ReconnectDelay(3), Millis(800));
  EXPECT_EQ(ReconnectDelay(6), Millis(5000));
  EXPECT_EQ(ReconnectDelay(60), Millis(5000));
}

// An engine that answers /_ping and, for each /events request, one event
// line and then closes the stream (as a restarting engine does).
class FlakyEventEngine {
 public:
  explicit FlakyEventEngine(const std::string& path) : path_(path) {
    fd_ = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_.get(), 8), 0);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FlakyEventEngine() {
    stopping_ = true;
    ::shutdown(fd_.get(), SHUT_RDWR);
    thread_.join();
  }
  std::vector<std::string> event_requests() {
    MutexLock lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    int served = 0;
    while (!stopping_) {
      UniqueFd c(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!c.valid()) return;
      std::string request = testing::ReadRequestHead(c.get());
      std::string line = request.substr(0, request.find("\r\n"));
      std::string reply;
      if (line.find("/_ping") != std::string::npos) {
        reply = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK";
      } else if (line.find("/events") != std::string::npos) {
        {
          MutexLock lock(mutex_);
          requests_.push_back(line);
        }
        ++served;
        reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" +
                EventLine("uid-" + std::to_string(served), "destroy", 1700000000000000000 + served) +
                "\n";
      } else {
        reply = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      }
      (void)!::write(c.get(), reply.data(), reply.size());
    }
  }

  std::string path_;
  UniqueFd fd_;
  std::atomic<bool> stopping_{false};
  Mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

TEST(DockerEventsTest, ABrokenStreamIsOpenedAgainFromTheLastEventSeen) {
  sesame::testing::TempDir dir;
  FlakyEventEngine engine(dir.path() + "/engine.sock");
  EventWatcher watcher(dir.path() + "/engine.sock", "");
  Mutex mutex;
  std::vector<std::string> uids;
  watcher.SetListener([&](const specs::ObjectKey& key, const std::string& uid) {
    EXPECT_EQ(key.name, "box");
    MutexLock lock(mutex);
    uids.push_back(uid);
  });
  ASSERT_TRUE(sesame::testing::Eventually(
      [&] {
        MutexLock lock(mutex);
        return uids.size() >= 3;
      },
      30000));
  MutexLock lock(mutex);
  EXPECT_EQ(uids[0], "uid-1");
  EXPECT_EQ(uids[1], "uid-2");
  std::vector<std::string> requests = engine.event_requests();
  ASSERT_GE(requests.size(), 3u);
  // The second stream asks for what happened since the first one's event.
  EXPECT_NE(requests[1].find("since=1700000000.000000001"), std::string::npos) << requests[1];
  EXPECT_NE(requests[2].find("since=1700000000.000000002"), std::string::npos) << requests[2];
}

TEST(DockerEventsTest, NoCallsOnceTheListenerIsCleared) {
  sesame::testing::TempDir dir;
  FlakyEventEngine engine(dir.path() + "/engine.sock");
  EventWatcher watcher(dir.path() + "/engine.sock", "");
  std::atomic<int> calls{0};
  watcher.SetListener([&](const specs::ObjectKey&, const std::string&) { ++calls; });
  ASSERT_TRUE(sesame::testing::Eventually([&] { return calls.load() >= 1; }, 30000));
  watcher.SetListener(nullptr);
  int seen = calls.load();
  int connections = watcher.connections();
  ASSERT_TRUE(sesame::testing::Eventually([&] { return watcher.connections() > connections + 1; },
                                          30000));
  EXPECT_EQ(calls.load(), seen);
}

}  // namespace
}  // namespace sesame::providers::docker
