// Two installations ($SESAME_HOMEs) share one E2B and one Daytona account
// (in-process fakes): each one's `sesame gc` collects its own orphans and
// never deletes what the other made, even where names coincide.
#include <signal.h>

#include <algorithm>
#include <fstream>

#include "tests/e2e/e2e_fixture.h"
#include "tests/providers/fakes/daytona_fake.h"
#include "tests/providers/fakes/e2b_fake.h"

namespace sesame::e2e {
namespace {

constexpr char kE2bKey[] = "e2b_test_key";
constexpr char kDaytonaKey[] = "dtn_test_key";

std::string Boxes() {
  std::string out;
  for (const char* provider : {"e2b", "daytona"}) {
    out += std::string("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: ") + provider +
           "-box\nspec:\n  provider: " + provider + "\n---\n";
  }
  return out;
}

class CloudOrphansTest : public E2eTest {
 protected:
  void SetUp() override {
    e2b_.Start();
    daytona_.Start();
    extra_env_["E2B_API_KEY"] = kE2bKey;
    extra_env_["E2B_API_URL"] = e2b_.url();
    extra_env_["DAYTONA_API_KEY"] = kDaytonaKey;
    extra_env_["DAYTONA_API_URL"] = daytona_.url() + "/api";
  }

  std::map<std::string, std::string> EnvOf(const std::string& home) const {
    auto env = Env();
    env["SESAME_HOME"] = home;
    return env;
  }
  testing::CommandResult In(const std::string& home, std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), SESAME_BINARY);
    return testing::RunCommand(args, EnvOf(home), input);
  }
  // Applies both boxes in `home` and lets a controller of that home make
  // them; returns once both are Ready and the controller stopped.
  void MakeBoxes(const std::string& home) {
    testing::BackgroundProcess controller({SESAME_BINARY, "controller", "--listen", "127.0.0.1:0"}, EnvOf(home),
                                          home + "-controller.log");
    ASSERT_EQ(In(home, {"apply", "-f", "-"}, Boxes()).exit_code, 0);
    for (const char* name : {"sandbox/e2b-box", "sandbox/daytona-box"}) {
      auto wait = In(home, {"wait", name, "--timeout", "90s"});
      ASSERT_EQ(wait.exit_code, 0) << wait.err << In(home, {"describe", name}).out;
    }
    controller.Signal(SIGINT);
    ASSERT_EQ(controller.Wait(), 0);
  }
  std::string InstallationOf(const std::string& home) {
    std::ifstream in(home + "/installation-id");
    std::string id;
    std::getline(in, id);
    return id;
  }
  std::string Uid(const std::string& home, const std::string& name) {
    auto j = nlohmann::json::parse(In(home, {"get", "sandbox", name, "-o", "json"}).out, nullptr, false);
    return j.is_object() ? j["metadata"].value("uid", "") : "";
  }
  bool E2bHas(const std::string& uid) {
    auto all = e2b_.sandboxes();
    return std::any_of(all.begin(), all.end(), [&](const auto& s) { return s.metadata.count("sesame_uid") && s.metadata.at("sesame_uid") == uid; });
  }
  bool DaytonaHas(const std::string& uid) {
    auto all = daytona_.sandboxes();
    return std::any_of(all.begin(), all.end(), [&](const auto& s) { return s.labels.count("sesame.uid") && s.labels.at("sesame.uid") == uid; });
  }

  fakes::E2bFake e2b_{kE2bKey};
  fakes::DaytonaFake daytona_{kDaytonaKey};
};

TEST_F(CloudOrphansTest, GcInOneInstallationNeverDeletesTheOthers) {
  const std::string a = home(), b = dir_.path() + "/home-b";
  MakeBoxes(a);
  MakeBoxes(b);
  std::string id_a = InstallationOf(a), id_b = InstallationOf(b);
  ASSERT_EQ(id_a.size(), 32u);
  ASSERT_EQ(id_b.size(), 32u);
  EXPECT_NE(id_a, id_b);
  // The same names in both homes, different objects.
  std::string e2b_a = Uid(a, "e2b-box"), e2b_b = Uid(b, "e2b-box");
  std::string day_a = Uid(a, "daytona-box"), day_b = Uid(b, "daytona-box");
  ASSERT_FALSE(e2b_a.empty() || e2b_b.empty() || day_a.empty() || day_b.empty());
  for (const auto& s : e2b_.sandboxes()) EXPECT_EQ(s.metadata.count("sesame_installation"), 1u);
  for (const auto& s : daytona_.sandboxes()) EXPECT_EQ(s.labels.count("sesame.installation"), 1u);

  // A's leftovers: sandboxes with its id whose objects A no longer has.
  fakes::E2bSandbox lost_e2b;
  lost_e2b.metadata = {{"sesame_uid", "11111111-1111-1111-1111-111111111111"}, {"sesame_managed", "true"},
                       {"sesame_installation", id_a}, {"sesame_kind", "Sandbox"},
                       {"sesame_namespace", "default"}, {"sesame_name", "lost"}};
  e2b_.Add(lost_e2b);
  fakes::DaytonaSandbox lost_daytona;
  lost_daytona.labels = {{"sesame.uid", "22222222-2222-2222-2222-222222222222"}, {"sesame.managed", "true"},
                         {"sesame.installation", id_a}, {"sesame.kind", "Sandbox"},
                         {"sesame.namespace", "default"}, {"sesame.name", "lost"}};
  daytona_.Add(lost_daytona);

  auto gc_a = In(a, {"gc"});
  ASSERT_EQ(gc_a.exit_code, 0) << gc_a.err;
  EXPECT_NE(gc_a.out.find("deleted orphan e2b"), std::string::npos) << gc_a.out;
  EXPECT_NE(gc_a.out.find("deleted orphan daytona"), std::string::npos) << gc_a.out;
  EXPECT_FALSE(E2bHas("11111111-1111-1111-1111-111111111111"));
  EXPECT_FALSE(DaytonaHas("22222222-2222-2222-2222-222222222222"));
  // B's sandboxes (named as A's) and A's own are all still there.
  EXPECT_TRUE(E2bHas(e2b_a) && E2bHas(e2b_b)) << gc_a.out;
  EXPECT_TRUE(DaytonaHas(day_a) && DaytonaHas(day_b)) << gc_a.out;

  auto gc_b = In(b, {"gc"});
  ASSERT_EQ(gc_b.exit_code, 0) << gc_b.err;
  EXPECT_NE(gc_b.out.find("nothing to collect"), std::string::npos) << gc_b.out;
  EXPECT_TRUE(E2bHas(e2b_a) && E2bHas(e2b_b));
  EXPECT_TRUE(DaytonaHas(day_a) && DaytonaHas(day_b));
  EXPECT_EQ(e2b_.sandboxes().size(), 2u);
  EXPECT_EQ(daytona_.sandboxes().size(), 2u);
}

}  // namespace
}  // namespace sesame::e2e
