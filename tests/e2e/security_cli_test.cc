// Sandbox security from the user's side: the settings, the condition, and
// violations showing up in `sesame get violations` and the API.
#include <filesystem>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

class SecurityCliTest : public E2eTest {};

TEST_F(SecurityCliTest, SettingsCanBeShownAndChangedLoudly) {
  auto shown = Sesame({"security", "get"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("enabled:         true"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("Platform:"), std::string::npos) << shown.out;
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: quiet}\nspec: {}\n");
  auto off = Sesame({"security", "set", "enabled=false", "allowedDomains=pypi.org"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_NE(off.err.find("warning: sandbox security is OFF"), std::string::npos);
  auto json = Sesame({"security", "get", "-o", "json"});
  EXPECT_EQ(json.out, "{\"allowedDomains\":[\"pypi.org\"],\"deniedDomains\":[],\"denyRead\":[],\"enabled\":false}\n");
  auto events = Sesame({"get", "events"});
  EXPECT_NE(events.out.find("SecurityDisabledByAdmin"), std::string::npos) << events.out;
  EXPECT_EQ(Sesame({"security", "set", "enabled=perhaps"}).exit_code, 2);
  EXPECT_EQ(Sesame({"security", "set", "enabled=true"}).exit_code, 0);
}

TEST_F(SecurityCliTest, BlockedAttemptsBecomeViolations) {
  auto controller = StartController();
  Apply(R"(apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: nosy}
spec:
  provider: filesystem
  command: ["sh", "-c", "echo x > /etc/sesame-escape-test; curl -s -m 5 https://blocked.example.com/ >/dev/null; echo tried; sleep 600"]
)");
  auto wait = Sesame({"wait", "sandbox/nosy", "--timeout", "30s"});
  ASSERT_EQ(wait.exit_code, 0) << wait.err << ControllerLogs();
  auto conditions = Get("nosy")["status"]["conditions"];
  bool enforced = false;
  for (const auto& c : conditions) enforced = enforced || (c["type"] == "SecurityEnforced" && c["status"] == "True");
  EXPECT_TRUE(enforced) << conditions.dump(2);
  std::string table;
  ASSERT_TRUE(Eventually([&] {
    table = Sesame({"get", "violations"}).out;
    return table.find("network") != std::string::npos && table.find("filesystem") != std::string::npos;
  }, 20000)) << table << "\n" << Sesame({"logs", "nosy"}).out << ControllerLogs();
  EXPECT_NE(table.find("nosy"), std::string::npos);
  EXPECT_NE(table.find("blocked.example.com"), std::string::npos) << table;
  EXPECT_FALSE(std::filesystem::exists("/etc/sesame-escape-test"));
  auto json = Sesame({"get", "violations", "nosy", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0);
  auto list = nlohmann::json::parse(json.out);
  EXPECT_EQ(list["kind"], "List") << json.out;
  ASSERT_FALSE(list["items"].empty()) << json.out;
  for (const auto& v : list["items"]) EXPECT_EQ(v["sandbox"]["name"], "nosy") << v.dump();
}

}  // namespace
}  // namespace sesame::e2e
