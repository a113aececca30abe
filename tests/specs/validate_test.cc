// Validation errors: exact messages, field paths and source positions.

#include <gtest/gtest.h>

#include "specs/manifest.h"

namespace sesame::specs {
namespace {

std::string Errors(std::string_view yaml) {
  ParsedManifests parsed = ParseManifests(yaml, "bad.yaml");
  return parsed.ErrorText();
}

// The manifest below with `spec_lines` (indented by two) as its spec.
std::string Sandbox(const std::string& spec_lines) {
  return "apiVersion: sesame.dev/v1alpha1\n"
         "kind: Sandbox\n"
         "metadata:\n"
         "  name: demo\n"
         "spec:\n" + spec_lines;
}

TEST(ValidateTest, QuantityErrorHasLineAndColumn) {
  std::string yaml = Sandbox(
      "  provider: docker\n"       // 6
      "  image: node:22\n"         // 7
      "  ports: [3000]\n"          // 8
      "  stdin: true\n"            // 9
      "  suspend: false\n"         // 10
      "  resources:\n"             // 11
      "    memory: 4GB\n");        // 12
  EXPECT_EQ(Errors(yaml),
            "bad.yaml:12:13: spec.resources.memory: \"4GB\" is not a quantity (use 4G or 4Gi)\n");
}

TEST(ValidateTest, UnknownFieldSuggestsClosest) {
  EXPECT_EQ(Errors(Sandbox("  imag: node\n")),
            "bad.yaml:6:3: spec.imag: unknown field (did you mean \"image\"?)\n");
  EXPECT_EQ(Errors(Sandbox("  lifetime: {idle_timeout: 5m}\n")),
            "bad.yaml:6:14: spec.lifetime.idle_timeout: unknown field (did you mean "
            "\"idleTimeout\"?)\n");
  EXPECT_EQ(Errors(Sandbox("  frobnicate: 1\n")), "bad.yaml:6:3: spec.frobnicate: unknown field\n");
  EXPECT_EQ(Errors("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: a}\nspecs: {}\n"),
            "bad.yaml:4:1: specs: unknown field (did you mean \"spec\"?)\n");
}

TEST(ValidateTest, WrongTypes) {
  EXPECT_EQ(Errors(Sandbox("  ports: [abc]\n")),
            "bad.yaml:6:11: spec.ports[0]: expected an integer, got \"abc\"\n");
  EXPECT_EQ(Errors(Sandbox("  ports: [\"3000\"]\n")),
            "bad.yaml:6:11: spec.ports[0]: expected an integer, got \"3000\"\n");
  EXPECT_EQ(Errors(Sandbox("  stdin: yes\n")),
            "bad.yaml:6:10: spec.stdin: expected true or false, got \"yes\"\n");
  EXPECT_EQ(Errors(Sandbox("  command: bash -lc ls\n")),
            "bad.yaml:6:12: spec.command: expected a list, got \"bash -lc ls\"\n");
  EXPECT_EQ(Errors(Sandbox("  workspace: ./repo\n")),
            "bad.yaml:6:14: spec.workspace: expected a mapping, got \"./repo\"\n");
  EXPECT_EQ(Errors(Sandbox("  image: [a]\n")),
            "bad.yaml:6:10: spec.image: expected a string, got a list\n");
  EXPECT_EQ(Errors(Sandbox("  resources: {pids: 1.5}\n")),
            "bad.yaml:6:21: spec.resources.pids: expected an integer, got 1.5\n");
}

TEST(ValidateTest, Ranges) {
  EXPECT_EQ(Errors(Sandbox("  ports: [0, 70000]\n")),
            "bad.yaml:6:11: spec.ports[0]: must be between 1 and 65535, got 0\n"
            "bad.yaml:6:14: spec.ports[1]: must be between 1 and 65535, got 70000\n");
  EXPECT_EQ(Errors(Sandbox("  ports: [3000, 3000]\n")),
            "bad.yaml:6:17: spec.ports[1]: port 3000 is listed twice\n");
  EXPECT_EQ(Errors(Sandbox("  resources: {pids: 0}\n")),
            "bad.yaml:6:21: spec.resources.pids: must be at least 1, got 0\n");
}

TEST(ValidateTest, Enums) {
  EXPECT_EQ(Errors(Sandbox("  provider: dockr\n")),
            "bad.yaml:6:13: spec.provider: \"dockr\" is not one of filesystem, docker, e2b, "
            "daytona, vercel (did you mean \"docker\"?)\n");
  EXPECT_EQ(Errors(Sandbox("  restartPolicy: never\n")),
            "bad.yaml:6:18: spec.restartPolicy: \"never\" is not one of Never, OnFailure, "
            "Always (did you mean \"Never\"?)\n");
  EXPECT_EQ(Errors(Sandbox("  runtimes: {mise: true}\n")),
            "bad.yaml:6:20: spec.runtimes.mise: \"true\" is not one of auto, off\n");
  EXPECT_EQ(Errors(Sandbox("  deletionPolicy: Keep\n")),
            "bad.yaml:6:19: spec.deletionPolicy: \"Keep\" is not one of Delete, Orphan\n");
}

TEST(ValidateTest, Durations) {
  EXPECT_EQ(Errors(Sandbox("  lifetime:\n    ttl: 10\n")),
            "bad.yaml:7:10: spec.lifetime.ttl: \"10\" is not a duration (use 10s, 10m or 10h)\n");
  EXPECT_EQ(Errors(Sandbox("  lifetime:\n    expiresAt: tomorrow\n")),
            "bad.yaml:7:16: spec.lifetime.expiresAt: \"tomorrow\" is not an RFC 3339 time "
            "(e.g. 2026-12-01T00:00:00Z)\n");
}

TEST(ValidateTest, Env) {
  EXPECT_EQ(Errors(Sandbox("  env:\n    - {name: A, value: x, valueFrom: {hostEnv: B}}\n")),
            "bad.yaml:7:7: spec.env[0]: set exactly one of value and valueFrom\n");
  EXPECT_EQ(Errors(Sandbox("  env:\n    - {name: A}\n")),
            "bad.yaml:7:7: spec.env[0]: set exactly one of value and valueFrom\n");
  EXPECT_EQ(Errors(Sandbox("  env:\n    - value: x\n")),
            "bad.yaml:7:7: spec.env[0].name: required\n");
  EXPECT_EQ(Errors(Sandbox("  env:\n    - {name: 1A, value: x}\n")),
            "bad.yaml:7:14: spec.env[0].name: \"1A\" is not a valid environment variable name "
            "(letters, digits and '_', not starting with a digit)\n");
  EXPECT_EQ(Errors(Sandbox("  env:\n    - {name: A, value: x}\n    - {name: A, value: y}\n")),
            "bad.yaml:8:14: spec.env[1].name: \"A\" is listed twice\n");
  EXPECT_EQ(Errors(Sandbox("  env:\n    - {name: A, valueFrom: {host: B}}\n")),
            "bad.yaml:7:28: spec.env[0].valueFrom.hostEnv: required\n"
            "bad.yaml:7:29: spec.env[0].valueFrom.host: unknown field (did you mean "
            "\"hostEnv\"?)\n");
}

TEST(ValidateTest, Metadata) {
  EXPECT_EQ(Errors("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: Fix_Bug\n"),
            "bad.yaml:4:9: metadata.name: \"Fix_Bug\" is not a valid name: must consist of "
            "lowercase letters, digits and '-', and start and end with a letter or digit\n");
  EXPECT_EQ(Errors("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  labels: {}\n"),
            "bad.yaml:4:3: metadata.name: required\n");
  EXPECT_EQ(Errors("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " +
                   std::string(64, 'a') + "\n"),
            "bad.yaml:4:9: metadata.name: \"" + std::string(64, 'a') +
                "\" is not a valid name: must be at most 63 characters (it has 64)\n");
  EXPECT_EQ(Errors("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: a\n"
                   "  labels: {\"bad key!\": x, app: \"-x\"}\n"),
            "bad.yaml:5:12: metadata.labels.bad key!: \"bad key!\" is not a valid key: the name "
            "must be 1 to 63 characters of letters, digits, '-', '_' and '.', starting and "
            "ending with a letter or digit\n"
            "bad.yaml:5:32: metadata.labels.app: \"-x\" is not a valid label value: at most 63 "
            "characters of letters, digits, '-', '_' and '.', starting and ending with a letter "
            "or digit\n");
}

TEST(ValidateTest, ApiVersionAndKind) {
  EXPECT_EQ(Errors("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"),
            "bad.yaml:1:13: apiVersion: \"v1\" is not supported (use sesame.dev/v1alpha1)\n"
            "bad.yaml:2:7: kind: \"Pod\" is not one of Sandbox, SandboxTemplate, GitSync, SandboxPool, "
            "SandboxQuota\n");
  EXPECT_EQ(Errors("kind: Sandbox\nmetadata: {name: a}\n"), "bad.yaml:1:1: apiVersion: required\n");
}

TEST(ValidateTest, ServerFieldsAndStatusAccepted) {
  ParsedManifests p = ParseManifests(
      "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: a\n"
      "  uid: 123e4567\n  generation: 3\n  resourceVersion: \"42\"\n"
      "  creationTimestamp: 2026-01-01T00:00:00Z\n  finalizers: [sesame.dev/provider-cleanup]\n"
      "status: {phase: Running, anything: [1, 2]}\n",
      "ok.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.objects[0].metadata.resource_version, 42);
  EXPECT_EQ(p.objects[0].metadata.generation, 3);
  EXPECT_EQ(p.objects[0].metadata.uid, "123e4567");
  EXPECT_EQ(p.objects[0].status, "{}");
  EXPECT_EQ(Errors("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: a\n"
                   "  resourceVersion: abc\n"),
            "bad.yaml:5:20: metadata.resourceVersion: expected a resource version (a "
            "non-negative integer), got \"abc\"\n");
}

TEST(ValidateTest, TemplateCannotNameTemplate) {
  EXPECT_EQ(Errors("apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\nmetadata: {name: t}\n"
                   "spec:\n  templateRef: other\n"),
            "bad.yaml:5:3: spec.templateRef: a SandboxTemplate cannot itself name a template\n");
}

TEST(ValidateTest, CollectsAllErrorsUpToCap) {
  std::string spec;
  for (int i = 0; i < 30; ++i) spec += "  bad" + std::to_string(100 + i) + ": 1\n";
  ParsedManifests p = ParseManifests(Sandbox(spec), "bad.yaml");
  EXPECT_EQ(p.errors.size(), 20u);
}

}  // namespace
}  // namespace sesame::specs
