#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::FakeClock;
using testing::Sandbox;
using testing::SandboxKey;
using testing::TempDir;
using testing::Template;

TEST(ChangesTest, OrderedWithFullObjects) {
  TempDir dir;
  FakeClock clock;
  std::unique_ptr<Store> store = Store::Open(dir.File("state.db"), clock).value();
  Object a = Sandbox("a", R"({"x":1})");
  a.metadata.labels = {{"app", "web"}};
  ASSERT_TRUE(store->Apply({a, Template("t")}, {}).ok());
  a.spec = R"({"x":2})";
  ASSERT_TRUE(store->Apply({a}, {}).ok());
  ASSERT_TRUE(store->Delete({specs::kKindSandboxTemplate, "default", "t"}).ok());

  Result<std::vector<WatchEvent>> changes = store->ChangesSince(0, 100);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  ASSERT_EQ(changes->size(), 4u);
  const WatchType expected[] = {WatchType::kAdded, WatchType::kAdded, WatchType::kModified,
                                WatchType::kDeleted};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*changes)[i].resource_version, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*changes)[i].type, expected[i]);
  }
  EXPECT_EQ((*changes)[2].object, *store->Get(SandboxKey("a")));
  EXPECT_EQ((*changes)[3].object.metadata.name, "t");
  EXPECT_STREQ(ToString(WatchType::kDeleted), "DELETED");

  Result<std::vector<WatchEvent>> tail = store->ChangesSince(2, 1);
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ(tail->front().resource_version, 3);
  EXPECT_TRUE(store->ChangesSince(4, 10)->empty());
}

// A creation is logged as a reference to the object's row; every later
// write of the row (spec, status, deletion, removal) must leave the
// creation's entry showing the object as it was created.
TEST(ChangesTest, CreationEntriesKeepTheCreatedObjectAfterLaterWrites) {
  TempDir dir;
  FakeClock clock;
  std::unique_ptr<Store> store = Store::Open(dir.File("state.db"), clock).value();
  std::vector<Object> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(Sandbox("s" + std::to_string(i), R"({"x":1})"));
  batch.push_back(Template("t", R"({"y":1})"));
  Result<std::vector<ApplyOutcome>> created = store->Apply(batch, {});
  ASSERT_TRUE(created.ok()) << created.status().message();

  Object spec_changed = (*created)[0].object;
  spec_changed.spec = R"({"x":2})";
  ASSERT_TRUE(store->Apply({spec_changed}, {}).ok());
  Object status_changed = (*created)[1].object;
  status_changed.status = R"({"phase":"Running"})";
  ASSERT_TRUE(store->UpdateStatus(status_changed).ok());
  ASSERT_TRUE(store->Delete(SandboxKey("s2")).ok());  // has a finalizer: marked
  ASSERT_TRUE(store->Delete({specs::kKindSandboxTemplate, "default", "t"}).ok());  // removed

  Result<std::vector<WatchEvent>> changes = store->ChangesSince(0, 0);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  ASSERT_EQ(changes->size(), batch.size() + 4);
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ((*changes)[i].type, WatchType::kAdded);
    EXPECT_EQ((*changes)[i].resource_version, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*changes)[i].object, (*created)[i].object) << i;
  }
  EXPECT_EQ((*changes)[batch.size()].object.spec, R"({"x":2})");
  EXPECT_EQ((*changes)[batch.size() + 1].object.status, R"({"phase":"Running"})");
  EXPECT_TRUE((*changes)[batch.size() + 2].object.metadata.deletion_timestamp.has_value());
  EXPECT_EQ((*changes)[batch.size() + 3].type, WatchType::kDeleted);
  EXPECT_EQ((*changes)[batch.size() + 3].object.metadata.name, "t");
  // The unchanged creations are still read from their rows.
  EXPECT_EQ((*changes)[10].object, *store->Get(SandboxKey("s10")));
}

// A dry run writes its creations and rolls them back: the log must not keep
// a reference to a row that never was.
TEST(ChangesTest, DryRunCreationsLeaveNoEntries) {
  TempDir dir;
  std::unique_ptr<Store> store = Store::Open(dir.File("state.db")).value();
  ASSERT_TRUE(store->Apply({Sandbox("a")}, testing::DryRun()).ok());
  ASSERT_TRUE(store->Apply({Sandbox("b")}, {}).ok());
  Result<std::vector<WatchEvent>> changes = store->ChangesSince(0, 0);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ(changes->front().object.metadata.name, "b");
}

TEST(ChangesTest, TooOldAfterTrim) {
  TempDir dir;
  StoreOptions options;
  options.change_retention = 10;
  options.change_prune_every = 5;
  std::unique_ptr<Store> store =
      OpenSqliteStore(dir.File("state.db"), Clock::Real(), options).value();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(store->Apply({Sandbox("a", "{\"i\":" + std::to_string(i) + "}")}, {}).ok());
  }
  // The trim at version 30 keeps 21..30: resuming after 20 still works.
  Result<std::vector<WatchEvent>> ok = store->ChangesSince(20, 100);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->size(), 10u);
  Result<std::vector<WatchEvent>> old = store->ChangesSince(19, 100);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), Code::kNotFound);
  EXPECT_NE(old.status().message().find("too old"), std::string::npos);
}

TEST(ChangesTest, DataVersionSeesAnotherConnectionsCommit) {
  TempDir dir;
  std::unique_ptr<Store> watcher = Store::Open(dir.File("state.db")).value();
  std::unique_ptr<Store> writer = Store::Open(dir.File("state.db")).value();
  Result<int64_t> before = watcher->DataVersion();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*watcher->DataVersion(), *before);  // stable without writes
  ASSERT_TRUE(writer->Apply({Sandbox("a")}, {}).ok());
  EXPECT_NE(*watcher->DataVersion(), *before);
  EXPECT_TRUE(watcher->Get(SandboxKey("a")).ok());
}

}  // namespace
}  // namespace sesame::store
