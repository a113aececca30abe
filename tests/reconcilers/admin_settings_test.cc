#include "reconcilers/admin_settings_store.h"

#include <gtest/gtest.h>

#include "tests/testing/run_command.h"

namespace sesame::reconcilers {
namespace {

TEST(AdminSettingsTest, JsonRoundTripAndPartialUpdates) {
  security::AdminSettings s;
  s.enabled = false;
  s.allowed_domains = {"pypi.org"};
  auto back = AdminSettingsFromJson(AdminSettingsToJson(s), {});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, s);
  auto partial = AdminSettingsFromJson(R"({"deniedDomains":["*.evil.com"]})", s);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->enabled);
  EXPECT_EQ(partial->allowed_domains, std::vector<std::string>{"pypi.org"});
  EXPECT_EQ(partial->denied_domains, std::vector<std::string>{"*.evil.com"});
  EXPECT_EQ(AdminSettingsFromJson(R"({"enable":false})", s).status().message(),
            "enable: unknown setting (use enabled, allowedDomains, deniedDomains, denyRead)");
  EXPECT_FALSE(AdminSettingsFromJson(R"({"enabled":"no"})", s).ok());
}

TEST(AdminSettingsTest, KeyValueAssignments) {
  security::AdminSettings s;
  ASSERT_TRUE(ApplyAdminSetting("allowedDomains=a.com,*.b.com", s).ok());
  ASSERT_TRUE(ApplyAdminSetting("enabled=false", s).ok());
  EXPECT_EQ(s.allowed_domains, (std::vector<std::string>{"a.com", "*.b.com"}));
  EXPECT_FALSE(s.enabled);
  ASSERT_TRUE(ApplyAdminSetting("allowedDomains=", s).ok());
  EXPECT_TRUE(s.allowed_domains.empty());
  EXPECT_FALSE(ApplyAdminSetting("enabled=maybe", s).ok());
  EXPECT_FALSE(ApplyAdminSetting("nonsense", s).ok());
}

TEST(AdminSettingsTest, TurningSecurityOffIsALoudEvent) {
  testing::TempDir dir;
  auto store = store::Store::Open(dir.path() + "/state.db");
  ASSERT_TRUE(store.ok());
  specs::Object box;
  box.kind = specs::kKindSandbox;
  box.metadata.name = "box";
  ASSERT_TRUE((*store)->Apply({box}, {}).ok());
  security::AdminSettings on, off;
  off.enabled = false;
  EXPECT_EQ(*LoadAdminSettings(**store, on), on);
  ASSERT_TRUE(ChangeAdminSettings(**store, on, off, Clock::Real().Now()).ok());
  EXPECT_EQ(*LoadAdminSettings(**store, on), off);
  auto events = (*store)->ListEvents({});
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "Warning");
  EXPECT_EQ((*events)[0].reason, "SecurityDisabledByAdmin");
}

}  // namespace
}  // namespace sesame::reconcilers
