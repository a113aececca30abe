// A secured docker sandbox made the way users make it (`sesame apply` with
// a running root controller, security on by default, an agent preset) is
// hardened as DESIGN.md §7 says: read-only root, every capability dropped,
// no-new-privileges, no network but the egress guard's proxy; it reports
// SecurityEnforced=True, and its blocked attempts reach
// `sesame get violations`. Against the machine's engine
// (scripts/setup-docker-for-tests) and its sesame-test-busybox image.
#include <unistd.h>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

constexpr char kImage[] = "sesame-test-busybox:latest";

class DockerSecurityTest : public E2eTest {
 protected:
  nlohmann::json Inspect(const std::string& id) {
    auto r = testing::RunCommand({"docker", "inspect", id});
    if (r.exit_code != 0) return nullptr;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    return j.is_array() && !j.empty() ? j[0] : nlohmann::json();
  }

  nlohmann::json Condition(const std::string& name, const std::string& type) {
    nlohmann::json j = Get(name);
    if (j.is_null()) return nullptr;
    for (const auto& c : j.value("status", nlohmann::json::object()).value("conditions", nlohmann::json::array())) {
      if (c.value("type", "") == type) return c;
    }
    return nullptr;
  }
};

TEST_F(DockerSecurityTest, ApplyMakesAHardenedContainer) {
  ASSERT_EQ(::geteuid(), 0u) << "hardened docker sandboxes need a root controller";
  auto controller = StartController();
  Apply(std::string(R"(apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: boxed}
spec:
  provider: docker
  image: )") + kImage + R"(
  agent: claude
  command: ["sh", "-c", "printf 'GET http://blocked.example.com/ HTTP/1.0\\r\\n\\r\\n' | nc -w 5 127.0.0.1 ${http_proxy##*:}; echo tried; sleep 600"]
)");
  auto wait = Sesame({"wait", "sandbox/boxed", "--timeout", "120s"});
  ASSERT_EQ(wait.exit_code, 0) << wait.err << Sesame({"describe", "sandbox", "boxed"}).out << ControllerLogs();

  nlohmann::json enforced = Condition("boxed", "SecurityEnforced");
  ASSERT_FALSE(enforced.is_null()) << Get("boxed").dump(2);
  EXPECT_EQ(enforced.value("status", ""), "True") << enforced.dump();

  std::string id = Get("boxed")["status"]["providerRef"].value("id", "");
  nlohmann::json c = Inspect(id);
  ASSERT_TRUE(c.is_object()) << "no container " << id;
  const auto& host = c["HostConfig"];
  EXPECT_TRUE(host.value("ReadonlyRootfs", false)) << host.dump();
  EXPECT_EQ(host.value("CapDrop", nlohmann::json::array()), nlohmann::json::array({"ALL"})) << host.dump();
  EXPECT_EQ(host.value("NetworkMode", ""), "none") << host.dump();
  bool no_new_privileges = false;
  for (const auto& opt : host.value("SecurityOpt", nlohmann::json::array())) {
    no_new_privileges = no_new_privileges || opt.get<std::string>().find("no-new-privileges") == 0;
  }
  EXPECT_TRUE(no_new_privileges) << host.dump();

  // The read-only root holds from the user's side too.
  auto touch = Sesame({"exec", "boxed", "--", "sh", "-c", "touch /etc/sesame-x && echo wrote"});
  EXPECT_NE(touch.exit_code, 0);
  EXPECT_EQ(touch.out.find("wrote"), std::string::npos);

  // The egress guard's violations reach the store.
  std::string table;
  EXPECT_TRUE(Eventually([&] {
    table = Sesame({"get", "violations", "boxed"}).out;
    return table.find("blocked.example.com") != std::string::npos;
  }, 30000)) << table << Sesame({"logs", "boxed"}).out << ControllerLogs();

  auto deleted = Sesame({"delete", "sandbox", "boxed"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(Sesame({"wait", "sandbox/boxed", "--for=delete", "--timeout", "60s"}).exit_code, 0);
  EXPECT_TRUE(Inspect(id).is_null()) << "the container outlived its sandbox";
}

TEST_F(DockerSecurityTest, SecurityOffMakesAPlainContainer) {
  extra_env_["SANDBOX_SECURITY_ENABLED"] = "false";
  auto controller = StartController();
  Apply(std::string("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: plain}\nspec:\n"
                    "  provider: docker\n  image: ") + kImage + "\n  command: [\"sleep\", \"600\"]\n");
  auto wait = Sesame({"wait", "sandbox/plain", "--timeout", "120s"});
  ASSERT_EQ(wait.exit_code, 0) << wait.err << ControllerLogs();
  nlohmann::json c = Inspect(Get("plain")["status"]["providerRef"].value("id", ""));
  ASSERT_TRUE(c.is_object());
  EXPECT_FALSE(c["HostConfig"].value("ReadonlyRootfs", false));
  nlohmann::json enforced = Condition("plain", "SecurityEnforced");
  ASSERT_FALSE(enforced.is_null());
  EXPECT_EQ(enforced.value("status", ""), "False");
  EXPECT_EQ(enforced.value("reason", ""), "DisabledByAdmin");
  EXPECT_EQ(Sesame({"delete", "sandbox", "plain"}).exit_code, 0);
  EXPECT_EQ(Sesame({"wait", "sandbox/plain", "--for=delete", "--timeout", "60s"}).exit_code, 0);
}

}  // namespace
}  // namespace sesame::e2e
