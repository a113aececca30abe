// The change signal: a write by another connection or process wakes a
// waiter through the notification socket, not the data_version fallback
// (set to an hour here, so only the socket can wake the waiter within the
// test's generous wait).

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite_store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::Sandbox;
using testing::TempDir;

constexpr Millis kGenerous = std::chrono::seconds(60);

std::unique_ptr<Store> OpenWithoutFallback(const std::string& path) {
  StoreOptions options;
  options.change_fallback_period = std::chrono::hours(1);
  auto store = OpenSqliteStore(path, Clock::Real(), options);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return std::move(store).value();
}

TEST(ChangeSignalTest, AnotherConnectionsWriteWakesTheWaiter) {
  TempDir dir;
  auto waiter = OpenWithoutFallback(dir.File("state.db"));
  auto writer = OpenWithoutFallback(dir.File("state.db"));
  uint64_t seq = waiter->ChangeSequence();
  int64_t rv = *waiter->CurrentResourceVersion();
  ASSERT_TRUE(writer->Apply({Sandbox("a")}, {}).ok());
  EXPECT_NE(waiter->WaitForChange(seq, kGenerous), seq);
  auto changes = waiter->ChangesSince(rv, 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].object.metadata.name, "a");
}

TEST(ChangeSignalTest, AnotherProcesssStatusWriteWakesTheWaiter) {
  TempDir dir;
  std::string path = dir.File("state.db");
  auto waiter = OpenWithoutFallback(path);
  ASSERT_TRUE(waiter->Apply({Sandbox("a")}, {}).ok());
  uint64_t seq = waiter->ChangeSequence();
  pid_t child = fork();
  if (child == 0) {
    auto store = Store::Open(path);
    if (!store.ok()) _exit(10);
    auto o = (*store)->Get(testing::SandboxKey("a"));
    if (!o.ok()) _exit(11);
    o->status = R"({"phase":"Running"})";
    _exit((*store)->UpdateStatus(*o).ok() ? 0 : 12);
  }
  EXPECT_NE(waiter->WaitForChange(seq, kGenerous), seq);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(waiter->Get(testing::SandboxKey("a"))->status, R"({"phase":"Running"})");
}

TEST(ChangeSignalTest, OwnWritesAndWakeWaitersWakeLocalWaiters) {
  TempDir dir;
  auto store = OpenWithoutFallback(dir.File("state.db"));
  uint64_t seq = store->ChangeSequence();
  ASSERT_TRUE(store->Apply({Sandbox("a")}, {}).ok());
  uint64_t after_write = store->WaitForChange(seq, kGenerous);
  EXPECT_NE(after_write, seq);
  store->WakeWaiters();
  EXPECT_NE(store->WaitForChange(after_write, kGenerous), after_write);
}

TEST(ChangeSignalTest, SocketOfAGoneProcessIsRemovedByTheNextWriter) {
  TempDir dir;
  std::string path = dir.File("state.db");
  auto listener = OpenWithoutFallback(path);
  (void)listener->ChangeSequence();  // creates the directory and binds
  std::string stale = path + "-notify/999999999-0";
  {
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", stale.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    close(fd);  // bound, then gone: as after a crash
  }
  ASSERT_TRUE(std::filesystem::exists(stale));
  auto writer = OpenWithoutFallback(path);
  ASSERT_TRUE(writer->Apply({Sandbox("a")}, {}).ok());
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(path + "-notify"),
                          std::filesystem::directory_iterator()),
            1);  // the live listener's socket stays
}

TEST(ChangeSignalTest, WorksUnderAHomeLongerThanASocketPath) {
  TempDir dir;
  std::string deep = dir.path() + "/" + std::string(60, 'a') + "/" + std::string(60, 'b');
  std::filesystem::create_directories(deep);
  auto waiter = OpenWithoutFallback(deep + "/state.db");
  auto writer = OpenWithoutFallback(deep + "/state.db");
  uint64_t seq = waiter->ChangeSequence();
  ASSERT_TRUE(writer->Apply({Sandbox("a")}, {}).ok());
  EXPECT_NE(waiter->WaitForChange(seq, kGenerous), seq);
}

TEST(ChangeSignalTest, ListFiltersByName) {
  TempDir dir;
  auto store = OpenWithoutFallback(dir.File("state.db"));
  ASSERT_TRUE(store->Apply({Sandbox("a"), Sandbox("b")}, {}).ok());
  ListOptions options = testing::Kind(specs::kKindSandbox);
  options.name = "b";
  auto list = store->List(options);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].metadata.name, "b");
}

}  // namespace
}  // namespace sesame::store
