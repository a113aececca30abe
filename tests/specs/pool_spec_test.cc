// SandboxPool and SandboxQuota manifests: validation with positions, what a
// claim may set, and quota arithmetic.

#include <gtest/gtest.h>

#include "specs/manifest.h"
#include "specs/pool.h"
#include "specs/quota_usage.h"

namespace sesame::specs {
namespace {

std::string Errors(std::string_view yaml) { return ParseManifests(yaml, "pool.yaml").ErrorText(); }

std::string Doc(const std::string& kind, const std::string& spec_lines) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: demo\nspec:\n" + spec_lines;
}

TEST(PoolSpecTest, PoolAndQuotaParse) {
  auto parsed = ParseManifests(Doc("SandboxPool", "  replicas: 3\n  maxReplicas: 20\n"
                                                  "  template: {provider: docker, image: node:22}\n") +
                                   "---\n" +
                                   Doc("SandboxQuota", "  hard: {sandboxes: 20, \"sandboxes.docker\": 5, "
                                                       "cpu: \"16\", memory: 32Gi, pids: 4096}\n"),
                               "pool.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.ErrorText();
  auto pool = DecodePoolSpec(parsed.objects[0].spec);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->replicas, 3);
  EXPECT_EQ(pool->max_replicas, 20);
  EXPECT_EQ(WarmSpecJson(*pool), R"({"image":"node:22","provider":"docker"})");
  auto hard = DecodeQuotaHard(parsed.objects[1].spec);
  ASSERT_TRUE(hard.ok());
  EXPECT_EQ(hard->sandboxes, 20);
  EXPECT_EQ(hard->sandboxes_by_provider.at("docker"), 5);
  EXPECT_EQ(hard->memory->text, "32Gi");
}

TEST(PoolSpecTest, ErrorsNameTheField) {
  EXPECT_EQ(Errors(Doc("SandboxPool", "  replicas: 3\n  template:\n    command: [sh]\n")),
            "pool.yaml:8:5: spec.template.command: a pool's template has no command: each sandbox that "
            "claims a warm one brings its own\n");
  EXPECT_EQ(Errors(Doc("SandboxPool", "  replicas: 3\n  maxReplicas: 2\n")),
            "pool.yaml:7:3: spec.maxReplicas: must be at least replicas (3), got 2\n");
  EXPECT_EQ(Errors(Doc("SandboxPool", "  replica: 3\n")),
            "pool.yaml:6:3: spec.replica: unknown field (did you mean \"replicas\"?)\n"
            "pool.yaml:6:3: spec.replicas: required\n");
  EXPECT_EQ(Errors(Doc("SandboxQuota", "  hard: {sandboxes.kubernetes: 1}\n")),
            "pool.yaml:6:10: spec.hard.sandboxes.kubernetes: unknown field\n");
  EXPECT_EQ(Errors(Doc("Sandbox", "  poolRef: warm\n  templateRef: t\n")),
            "pool.yaml:7:3: spec.templateRef: a Sandbox names a pool or a template, not both (give the pool "
            "the templateRef)\n");
}

TEST(PoolSpecTest, AClaimMaySetOnlyItsSessionBeyondTheTemplate) {
  std::string tmpl = R"({"provider":"docker","image":"node:22"})";
  EXPECT_EQ(IncompatibleWithPool(R"({"poolRef":"p","command":["x"],"env":[],"lifetime":{"ttl":"1h"}})", tmpl), "");
  EXPECT_EQ(IncompatibleWithPool(R"({"poolRef":"p","image":"node:22"})", tmpl), "");
  EXPECT_EQ(IncompatibleWithPool(R"({"poolRef":"p","image":"node:20","stdin":true})", tmpl),
            "spec sets image, stdin differently from the pool's template (a claim may set only command, env "
            "and lifetime)");
}

TEST(PoolSpecTest, QuotaCountsAndExplainsWhatGrewPastIt) {
  SandboxSpec small, big;
  small.resources.memory = Quantity{"512Mi", 512LL * 1024 * 1024 * 1000};
  big.provider = "docker";
  big.resources.memory = Quantity{"1Gi", 1024LL * 1024 * 1024 * 1000};
  big.resources.cpu = Quantity{"500m", 500};
  QuotaAmounts before = UsageOf({small});
  QuotaAmounts after = UsageOf({small, big});
  EXPECT_EQ(after.sandboxes, 2);
  EXPECT_EQ(after.sandboxes_by_provider.at("docker"), 1);
  EXPECT_EQ(after.memory->text, "1536Mi");
  EXPECT_EQ(after.cpu->text, "500m");
  QuotaAmounts hard;
  hard.sandboxes = 1;
  hard.memory = Quantity{"1Gi", 1024LL * 1024 * 1024 * 1000};
  hard.sandboxes_by_provider["docker"] = 1;
  EXPECT_EQ(ExceededAmounts(hard, before, after),
            (std::vector<std::string>{"sandboxes: 2 > 1 (now 1)", "memory: 1536Mi > 1Gi (now 512Mi)"}));
  EXPECT_TRUE(ExceededAmounts(hard, after, before).empty());  // shrinking is always allowed
}

}  // namespace
}  // namespace sesame::specs
