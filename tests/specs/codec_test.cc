#include "specs/codec.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "specs/manifest.h"

namespace sesame::specs {
namespace {

using nlohmann::json;

constexpr char kFull[] = R"(apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata:
  name: fix-login-bug
  namespace: team-a
  labels: {app: reviewer, version: "1.10", on: "true"}
  annotations: {sesame.dev/applyset: prod, note: "123"}
spec:
  provider: docker
  image: sesame-sandbox:latest
  runtime: node22
  agent: claude
  workspace:
    path: ./repos/app
    mountPath: /workspace
  command: ["bash", "-lc", "claude -p 'fix the login bug'\nsecond line"]
  env:
    - {name: LOG_LEVEL, value: debug}
    - {name: PORT, value: "8080"}
    - {name: EMPTY, value: ""}
    - {name: ANTHROPIC_API_KEY, valueFrom: {hostEnv: ANTHROPIC_API_KEY}}
  stdin: true
  ports: [3000, 8080]
  resources: {cpu: "2", memory: 4Gi, disk: 10Gi, pids: 512}
  lifetime:
    ttl: 2h
    idleTimeout: 30m
    expiresAt: 2026-12-01T00:00:00Z
  restartPolicy: OnFailure
  suspend: false
  persistence: {volume: app-cache}
  runtimes: {mise: auto, installDependencies: false}
  security:
    enabled: true
    filesystem: {allowWrite: [/tmp/x], denyRead: ["~/.ssh"], denyWrite: []}
    network: {allowedDomains: [registry.npmjs.org], deniedDomains: ["*.example.com"]}
  deletionPolicy: Orphan
)";

Object ParseOne(const std::string& text, const std::string& file = "t.yaml") {
  ParsedManifests p = ParseManifests(text, file);
  EXPECT_TRUE(p.ok()) << p.ErrorText() << "\n" << text;
  EXPECT_EQ(p.objects.size(), 1u);
  return p.objects.empty() ? Object{} : p.objects[0];
}

TEST(CodecTest, DecodesEveryField) {
  Object o = ParseOne(kFull);
  Result<SandboxSpec> spec = DecodeSandboxSpec(o.spec);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->provider, "docker");
  EXPECT_EQ(spec->workspace.path, "./repos/app");
  EXPECT_EQ(spec->command.size(), 3u);
  ASSERT_EQ(spec->env.size(), 4u);
  EXPECT_EQ(spec->env[3].host_env, "ANTHROPIC_API_KEY");
  EXPECT_FALSE(spec->env[3].value.has_value());
  EXPECT_EQ(spec->env[2].value, "");
  EXPECT_TRUE(spec->stdin_open);
  EXPECT_EQ(spec->ports, (std::vector<int>{3000, 8080}));
  EXPECT_EQ(spec->resources.cpu->milli, 2000);
  EXPECT_EQ(spec->resources.memory->text, "4Gi");
  EXPECT_EQ(spec->resources.pids, 512);
  EXPECT_EQ(spec->lifetime.ttl->value, std::chrono::hours(2));
  EXPECT_EQ(spec->lifetime.idle_timeout->text, "30m");
  EXPECT_EQ(FormatTime(*spec->lifetime.expires_at), "2026-12-01T00:00:00Z");
  EXPECT_EQ(spec->restart_policy, RestartPolicy::kOnFailure);
  EXPECT_EQ(spec->persistence.volume, "app-cache");
  EXPECT_EQ(spec->runtimes.mise, "auto");
  EXPECT_FALSE(spec->runtimes.install_dependencies);
  EXPECT_EQ(spec->security.enabled, true);
  EXPECT_EQ(spec->security.filesystem.deny_read, (std::vector<std::string>{"~/.ssh"}));
  EXPECT_EQ(spec->security.network.denied_domains, (std::vector<std::string>{"*.example.com"}));
  EXPECT_EQ(spec->deletion_policy, DeletionPolicy::kOrphan);
  EXPECT_EQ(EncodeSandboxSpec(*spec), o.spec);
}

TEST(CodecTest, DefaultsAndBadInput) {
  Result<SandboxSpec> spec = DecodeSandboxSpec("{}");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(*spec, SandboxSpec());
  EXPECT_FALSE(DecodeSandboxSpec("not json").ok());
  EXPECT_FALSE(DecodeSandboxSpec(R"({"ports":"x"})").ok());
  EXPECT_FALSE(DecodeSandboxSpec(R"({"resources":{"cpu":"4GB"}})").ok());
  EXPECT_FALSE(DecodeSandboxSpec(R"({"restartPolicy":"Sometimes"})").ok());
}

void ExpectRoundTrip(const Object& o) {
  std::string yaml = ObjectToYaml(o);
  Object from_yaml = ParseOne(yaml, "round.yaml");
  EXPECT_EQ(from_yaml, o) << yaml;
  std::string text = ObjectToJson(o, true);
  EXPECT_EQ(ParseOne(text, "round.json"), o) << text;
  EXPECT_EQ(ParseOne(ObjectToJson(o, false), "round.json"), o);
}

TEST(CodecTest, RoundTripYamlAndJson) {
  Object o = ParseOne(kFull);
  o.metadata.uid = "0b7e7c1a-1111-2222-3333-444455556666";
  o.metadata.generation = 3;
  o.metadata.resource_version = 17;
  o.metadata.creation_timestamp = ParseTime("2026-01-02T03:04:05.678Z");
  o.metadata.deletion_timestamp = ParseTime("2026-01-03T00:00:00Z");
  o.metadata.finalizers = {kSandboxFinalizer};
  ExpectRoundTrip(o);
  // A templated sandbox and a template keep their sparse specs.
  ExpectRoundTrip(ParseOne("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: a}\n"
                           "spec: {templateRef: t, suspend: false, resources: {cpu: 0.50}}\n"));
  ExpectRoundTrip(ParseOne("apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\n"
                           "metadata: {name: t}\nspec: {image: \"null\", runtime: \"1e3\"}\n"));
}

TEST(CodecTest, YamlLayout) {
  Object o = ParseOne("apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\n"
                      "metadata: {name: t, labels: {a: \"true\"}}\nspec: {image: x}\n");
  o.metadata.resource_version = 5;
  EXPECT_EQ(ObjectToYaml(o),
            "apiVersion: sesame.dev/v1alpha1\n"
            "kind: SandboxTemplate\n"
            "metadata:\n"
            "  name: t\n"
            "  namespace: default\n"
            "  labels:\n"
            "    a: \"true\"\n"
            "  resourceVersion: \"5\"\n"
            "spec:\n"
            "  image: x\n");
  json j = json::parse(ObjectToJson(o, false));
  EXPECT_EQ(j["metadata"]["resourceVersion"], "5");
  EXPECT_FALSE(j.contains("status"));
}

TEST(CodecTest, StatusRoundTrip) {
  SandboxStatus s;
  s.phase = Phase::kRunning;
  s.observed_generation = 3;
  s.provider_ref = ProviderRef{"docker", "3f2a9c"};
  s.conditions.push_back({"Ready", "True", "Running", "", ParseTime("2026-01-01T00:00:00Z"), 3});
  s.endpoints.push_back({3000, "http://127.0.0.1:41234"});
  s.started_at = ParseTime("2026-01-01T00:00:01Z");
  s.exit_code = 0;
  s.restarts = 2;
  std::string text = EncodeSandboxStatus(s);
  json j = json::parse(text);
  EXPECT_EQ(j["providerRef"]["id"], "3f2a9c");
  EXPECT_EQ(j["conditions"][0]["lastTransitionTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["exitCode"], 0);
  Result<SandboxStatus> back = DecodeSandboxStatus(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(*DecodeSandboxStatus("{}"), SandboxStatus());

  Object o = ParseOne(kFull);
  o.status = text;
  EXPECT_EQ(json::parse(ObjectToJson(o, false))["status"]["phase"], "Running");
  EXPECT_NE(ObjectToYaml(o).find("status:\n  conditions:"), std::string::npos);
}

TEST(CodecTest, MergeSpecJson) {
  std::string tmpl = R"({"image":"node:22","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],)"
                     R"("resources":{"cpu":"1","memory":"1Gi"},"ports":[1,2],"suspend":true})";
  std::string box = R"({"templateRef":"t","env":[{"name":"B","valueFrom":{"hostEnv":"X"}},)"
                    R"({"name":"C","value":"3"}],"resources":{"memory":"4Gi"},"ports":[3],)"
                    R"("suspend":false})";
  json merged = json::parse(MergeSpecJson(tmpl, box));
  EXPECT_EQ(merged["image"], "node:22");
  EXPECT_EQ(merged["templateRef"], "t");
  EXPECT_EQ(merged["resources"], json::parse(R"({"cpu":"1","memory":"4Gi"})"));
  EXPECT_EQ(merged["ports"], json::parse("[3]"));
  EXPECT_EQ(merged["suspend"], false);
  EXPECT_EQ(merged["env"], json::parse(R"([{"name":"A","value":"1"},)"
                                       R"({"name":"B","valueFrom":{"hostEnv":"X"}},)"
                                       R"({"name":"C","value":"3"}])"));
  EXPECT_EQ(MergeSpecJson("{}", "{}"), "{}");
}

TEST(CodecTest, DecodeSandboxWithTemplate) {
  ParsedManifests p = ParseManifests(
      "apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\nmetadata: {name: t}\n"
      "spec: {provider: docker, image: node:22, suspend: true}\n---\n"
      "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: a}\n"
      "spec: {templateRef: t, suspend: false}\n",
      "t.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  Result<Sandbox> box = DecodeSandbox(p.objects[1], &p.objects[0]);
  ASSERT_TRUE(box.ok()) << box.status().message();
  EXPECT_EQ(box->spec.provider, "docker");
  EXPECT_EQ(box->spec.image, "node:22");
  EXPECT_FALSE(box->spec.suspend);
  EXPECT_EQ(box->spec.workspace.mount_path, "/workspace");
  EXPECT_EQ(box->metadata.name, "a");
  EXPECT_EQ(box->status.phase, specs::Phase::kPending);
  Result<Sandbox> alone = DecodeSandbox(p.objects[1], nullptr);
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(alone->spec.provider, "filesystem");
}

TEST(CodecTest, Lists) {
  Object a = ParseOne("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: a}\n");
  Object b = a;
  b.metadata.name = "b";
  json list = json::parse(ListToJson("Sandbox", {a, b}, 42, false));
  EXPECT_EQ(list["kind"], "SandboxList");
  EXPECT_EQ(list["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(json::parse(ListToJson("SandboxList", {}, 1, true))["kind"], "SandboxList");
  ParsedManifests p = ParseManifests(ListToJson("Sandbox", {a, b}, 42, true), "l.json");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.objects[1], b);
  p = ParseManifests(ListToYaml({a, b}), "l.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.objects, (std::vector<Object>{a, b}));
}

TEST(CodecTest, CanonicalJsonAndSpecYaml) {
  EXPECT_EQ(CanonicalJson(R"({ "b": 1, "a": {"d": [1, 2], "c": null} })"),
            R"({"a":{"c":null,"d":[1,2]},"b":1})");
  EXPECT_EQ(SpecToYaml(R"({"image":"x","ports":[3000],"env":[{"value":"1","name":"A"}]})"),
            "env:\n  - name: A\n    value: \"1\"\nimage: x\nports:\n  - 3000\n");
}

}  // namespace
}  // namespace sesame::specs
