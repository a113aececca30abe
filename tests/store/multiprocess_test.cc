// Two real processes (a CLI and a controller, in production) sharing one
// database file: optimistic concurrency must never lose an update.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "store/store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::Kind;
using testing::Sandbox;
using testing::SandboxKey;
using testing::TempDir;

constexpr int kIncrements = 200;

// Read-modify-write of the "n" label, retried on conflict. Returns the
// process exit code: 0 on success.
int IncrementLoop(const std::string& path) {
  Result<std::unique_ptr<Store>> store = Store::Open(path);
  if (!store.ok()) return 10;
  for (int i = 0; i < kIncrements; ++i) {
    for (int attempt = 0;; ++attempt) {
      if (attempt > 10000) return 11;
      Result<Object> o = (*store)->Get(SandboxKey("counter"));
      if (!o.ok()) return 12;
      int n = std::stoi(o->metadata.labels["n"]);
      o->metadata.labels["n"] = std::to_string(n + 1);
      Result<Object> r = (*store)->Update(*o);
      if (r.ok()) break;
      if (r.status().code() != Code::kConflict && r.status().code() != Code::kUnavailable) {
        return 13;
      }
    }
  }
  return 0;
}

// Applies `count` new sandboxes named PREFIX-i in batches of ten.
int ApplyLoop(const std::string& path, const std::string& prefix, int count) {
  Result<std::unique_ptr<Store>> store = Store::Open(path);
  if (!store.ok()) {
    fprintf(stderr, "open: %s\n", store.status().message().c_str());
    return 20;
  }
  for (int i = 0; i < count; i += 10) {
    std::vector<Object> batch;
    for (int j = i; j < i + 10; ++j) batch.push_back(Sandbox(prefix + std::to_string(j)));
    Result<std::vector<ApplyOutcome>> r = (*store)->Apply(batch, {});
    if (!r.ok()) {
      fprintf(stderr, "apply: %s\n", r.status().message().c_str());
      return 21;
    }
  }
  return 0;
}

template <typename Fn>
pid_t Spawn(Fn fn) {
  pid_t pid = fork();
  if (pid == 0) _exit(fn());
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(MultiProcessTest, ConcurrentUpdatesLoseNothing) {
  TempDir dir;
  std::string path = dir.File("state.db");
  {
    std::unique_ptr<Store> store = Store::Open(path).value();
    Object counter = Sandbox("counter");
    counter.metadata.labels["n"] = "0";
    ASSERT_TRUE(store->Apply({counter}, {}).ok());
  }  // closed before fork: children must not share a connection

  pid_t a = Spawn([&] { return IncrementLoop(path); });
  pid_t b = Spawn([&] { return IncrementLoop(path); });
  EXPECT_EQ(Wait(a), 0);
  EXPECT_EQ(Wait(b), 0);

  std::unique_ptr<Store> store = Store::Open(path).value();
  EXPECT_EQ(store->Get(SandboxKey("counter"))->metadata.labels.at("n"),
            std::to_string(2 * kIncrements));
  EXPECT_EQ(*store->CurrentResourceVersion(), 1 + 2 * kIncrements);
}

TEST(MultiProcessTest, ConcurrentAppliesGetUniqueVersions) {
  TempDir dir;
  std::string path = dir.File("state.db");
  pid_t a = Spawn([&] { return ApplyLoop(path, "a", 300); });
  pid_t b = Spawn([&] { return ApplyLoop(path, "b", 300); });
  EXPECT_EQ(Wait(a), 0);
  EXPECT_EQ(Wait(b), 0);

  std::unique_ptr<Store> store = Store::Open(path).value();
  Result<std::vector<Object>> all = store->List(Kind(specs::kKindSandbox));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 600u);
  std::set<int64_t> versions;
  std::set<std::string> uids;
  for (const Object& o : *all) {
    versions.insert(o.metadata.resource_version);
    uids.insert(o.metadata.uid);
  }
  EXPECT_EQ(versions.size(), 600u);
  EXPECT_EQ(uids.size(), 600u);
  EXPECT_EQ(*versions.rbegin(), 600);
  EXPECT_EQ(store->ChangesSince(0, 0)->size(), 600u);
}

// Switching a new file to WAL bypasses SQLite's busy handler: processes
// that open a fresh database together must still all succeed.
TEST(MultiProcessTest, ConcurrentFirstOpen) {
  for (int round = 0; round < 20; ++round) {
    TempDir dir;
    std::string path = dir.File("state.db");
    std::vector<pid_t> children;
    for (int k = 0; k < 3; ++k) {
      children.push_back(Spawn([&, k] { return ApplyLoop(path, "p" + std::to_string(k), 10); }));
    }
    for (pid_t pid : children) ASSERT_EQ(Wait(pid), 0) << "round " << round;
  }
}

}  // namespace
}  // namespace sesame::store
