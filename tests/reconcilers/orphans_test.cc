// Orphan collection goes on past a provider that cannot list what it owns
// (docker not running): the others' orphans are still found and deleted,
// and the one that failed is named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "reconcilers/sandbox_reconciler.h"
#include "store/store.h"

namespace sesame::reconcilers {
namespace {

namespace fs = std::filesystem;

// Owns one resource whose object is not in the store, or cannot list.
class OrphanProvider final : public providers::Provider {
 public:
  OrphanProvider(std::string name, bool reachable) : name_(std::move(name)), reachable_(reachable) {}
  std::string name() const override { return name_; }
  providers::Capabilities capabilities() const override { return {}; }
  Result<providers::Observed> Create(const providers::SandboxRequest&) override { return No(); }
  Result<std::optional<providers::Observed>> Observe(const std::string&) override { return No(); }
  Result<std::vector<providers::Observed>> ListOwned() override {
    if (!reachable_) return UnavailableError("cannot connect to the engine");
    if (deleted) return std::vector<providers::Observed>{};
    providers::Observed o;
    o.uid = "uid-gone";
    o.id = "42";
    o.key = {"Sandbox", "default", "gone"};
    return std::vector<providers::Observed>{o};
  }
  Status Update(const providers::Observed&, const providers::SandboxRequest&) override { return No(); }
  Status Suspend(const providers::Observed&) override { return No(); }
  Status Resume(const providers::Observed&) override { return No(); }
  Status Restart(const providers::Observed&, const providers::SandboxRequest&) override { return No(); }
  Status Delete(const providers::Observed& o) override {
    deleted = o.uid == "uid-gone";
    return Status::Ok();
  }
  Result<int> Exec(const providers::Observed&, const providers::ExecRequest&, providers::Streams&) override {
    return No();
  }
  Status Logs(const providers::Observed&, const providers::LogOptions&, providers::Streams&) override { return No(); }
  Status Attach(const providers::Observed&, providers::Streams&) override { return No(); }
  Result<std::string> ReadFile(const providers::Observed&, const std::string&) override { return No(); }
  Status WriteFile(const providers::Observed&, const std::string&, const std::string&) override { return No(); }

  bool deleted = false;

 private:
  static Status No() { return UnsupportedError("not used by this test"); }
  std::string name_;
  bool reachable_;
};

TEST(OrphansTest, AProviderThatCannotListDoesNotStopTheOthers) {
  char tmpl[] = "/tmp/orphans_test.XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  auto store = store::Store::Open(dir + "/state.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  providers::Registry registry;
  // Registered (and listed) in name order: the unreachable one comes first.
  registry.Register(std::make_unique<OrphanProvider>("aaa-down", false));
  auto reachable = std::make_unique<OrphanProvider>("zzz-up", true);
  OrphanProvider* up = reachable.get();
  registry.Register(std::move(reachable));
  ReconcilerOptions options;
  options.home = dir;
  SandboxReconciler reconciler(**store, registry, Clock::Real(), options);

  auto dry = reconciler.CollectOrphans(true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  ASSERT_EQ(dry->found.size(), 1u);
  EXPECT_EQ(dry->found[0], "zzz-up 42 (default/gone)");
  EXPECT_FALSE(up->deleted);
  ASSERT_EQ(dry->unlisted.size(), 1u);
  EXPECT_EQ(dry->unlisted[0], "aaa-down: cannot connect to the engine");

  auto collected = reconciler.CollectOrphans(false);
  ASSERT_TRUE(collected.ok()) << collected.status().ToString();
  EXPECT_EQ(collected->found.size(), 1u);
  EXPECT_TRUE(up->deleted);
  fs::remove_all(dir);
}

TEST(RegistryTest, TwoProvidersUnderOneNameAreAnError) {
  providers::Registry registry;
  registry.Register(std::make_unique<OrphanProvider>("twice", true));
  EXPECT_THROW(registry.Register(std::make_unique<OrphanProvider>("twice", true)), std::invalid_argument);
  EXPECT_EQ(registry.All().size(), 1u);
}

}  // namespace
}  // namespace sesame::reconcilers
