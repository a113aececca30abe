// Orphan collection goes on past a provider that cannot list what it owns
// (docker not running): the others' orphans are still found and deleted,
// and the one that failed is named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "reconcilers/sandbox_reconciler.h"
#include "store/store.h"
#include "tests/testing/fake_provider.h"

namespace sesame::reconcilers {
namespace {

namespace fs = std::filesystem;

// A provider owning one resource whose object is not in the store, or
// one that cannot list.
std::unique_ptr<testing::FakeProvider> OrphanProvider(const std::string& name, bool reachable) {
  auto p = std::make_unique<testing::FakeProvider>(name);
  if (!reachable) p->FailNext("ListOwned", UnavailableError("cannot connect to the engine"));
  providers::Observed o;
  o.uid = "uid-gone";
  o.id = "42";
  o.key = {"Sandbox", "default", "gone"};
  p->Put(o);
  return p;
}

TEST(OrphansTest, AProviderThatCannotListDoesNotStopTheOthers) {
  char tmpl[] = "/tmp/orphans_test.XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  auto store = store::Store::Open(dir + "/state.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  providers::Registry registry;
  // Registered (and listed) in name order: the unreachable one comes first.
  registry.Register(OrphanProvider("aaa-down", false));
  auto reachable = OrphanProvider("zzz-up", true);
  testing::FakeProvider* up = reachable.get();
  registry.Register(std::move(reachable));
  ReconcilerOptions options;
  options.home = dir;
  SandboxReconciler reconciler(**store, registry, Clock::Real(), options);

  auto dry = reconciler.CollectOrphans(true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  ASSERT_EQ(dry->found.size(), 1u);
  EXPECT_EQ(dry->found[0], "zzz-up 42 (default/gone)");
  EXPECT_EQ(up->Calls("Delete"), 0);
  ASSERT_EQ(dry->unlisted.size(), 1u);
  EXPECT_EQ(dry->unlisted[0], "aaa-down: cannot connect to the engine");

  auto collected = reconciler.CollectOrphans(false);
  ASSERT_TRUE(collected.ok()) << collected.status().ToString();
  EXPECT_EQ(collected->found.size(), 1u);
  EXPECT_EQ(up->Calls("Delete"), 1);
  EXPECT_EQ(up->size(), 0u);
  fs::remove_all(dir);
}

TEST(RegistryTest, TwoProvidersUnderOneNameAreAnError) {
  providers::Registry registry;
  registry.Register(OrphanProvider("twice", true));
  EXPECT_THROW(registry.Register(OrphanProvider("twice", true)), std::invalid_argument);
  EXPECT_EQ(registry.All().size(), 1u);
}

}  // namespace
}  // namespace sesame::reconcilers
