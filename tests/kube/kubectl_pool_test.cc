// kubectl with the pool kinds: SandboxPool and SandboxQuota are served like
// sandboxes (discovery, apply, tables, status), and a quota refuses a write
// from kubectl with 403 and its numbers.
#include <nlohmann/json.hpp>

#include "tests/kube/kube_fixture.h"

namespace sesame::kube {
namespace {

using nlohmann::json;

class KubectlPoolTest : public EveryKubectlTest {};
INSTANTIATE_TEST_SUITE_P(Kubectl, KubectlPoolTest, ::testing::Values("kubectl", kDebianKubectl), KubectlName);

const char kPoolAndQuota[] =
    "apiVersion: sesame.dev/v1alpha1\nkind: SandboxQuota\nmetadata:\n  name: team\n"
    "spec:\n  hard: {sandboxes: 2}\n"
    "---\n"
    "apiVersion: sesame.dev/v1alpha1\nkind: SandboxPool\nmetadata:\n  name: warm\n"
    "spec:\n  replicas: 2\n  template:\n    provider: filesystem\n    security: {enabled: false}\n";

TEST_P(KubectlPoolTest, PoolsAndQuotasAreServedAndAQuotaRefusesKubectl) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto resources = Kubectl({"api-resources", "--api-group=sesame.dev"});
  ASSERT_EQ(resources.exit_code, 0) << resources.err;
  EXPECT_NE(resources.out.find("sandboxpools"), std::string::npos) << resources.out;
  EXPECT_NE(resources.out.find("sandboxquotas"), std::string::npos) << resources.out;

  auto applied = Kubectl({"apply", "-f", "-"}, kPoolAndQuota);
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_NE(applied.out.find("sandboxpool.sesame.dev/warm created"), std::string::npos) << applied.out;
  ASSERT_TRUE(Eventually([&] {
    auto warm = Kubectl({"get", "sandboxpool", "warm", "-o", "jsonpath={.status.warm}"});
    return warm.out == "2";
  }, 120000)) << Kubectl({"get", "pools", "-o", "yaml"}).out << ControllerLogs();

  // The table has the columns of `sesame get pools`.
  auto table = Kubectl({"get", "pools"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  auto header = table.out.substr(0, table.out.find('\n'));
  EXPECT_EQ(header, Sesame({"get", "pools"}).out.substr(0, header.size())) << table.out;
  auto used = Kubectl({"get", "sandboxquota", "team", "-o", "jsonpath={.status.used.sandboxes}"});
  EXPECT_TRUE(Eventually([&] {
    return Kubectl({"get", "sandboxquota", "team", "-o", "jsonpath={.status.used.sandboxes}"}).out == "2";
  }, 60000)) << Kubectl({"get", "quota", "team", "-o", "yaml"}).out;

  // A third sandbox would make three: refused, and nothing is stored.
  auto refused = Kubectl({"apply", "-f", "-"}, SandboxYaml("third"));
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.err.find("Forbidden"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("sandboxquota/team"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("sandboxes: 3 > 2"), std::string::npos) << refused.err;
  EXPECT_NE(Kubectl({"get", "sb", "third"}).exit_code, 0);

  // Explain reads the pool's field descriptions.
  auto explain = Kubectl({"explain", "sandboxpools.spec"});
  EXPECT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find("maxReplicas"), std::string::npos) << explain.out;
}

}  // namespace
}  // namespace sesame::kube
