// The docker provider's pure parts: stream framing, tar, pull progress,
// image references, and the container mapping. No engine needed.

#include <gtest/gtest.h>

#include "providers/docker/container_config.h"
#include "providers/docker/engine_client.h"
#include "providers/docker/frame_decoder.h"
#include "providers/docker/pull_progress.h"
#include "providers/docker/run_log_times.h"
#include "providers/docker/tar_archive.h"
#include "providers/docker/warm_session.h"
#include "providers/warm.h"
#include "tests/testing/run_command.h"
#include "specs/quantity.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

// logs --previous: log times to nanoseconds and back, and --tail of a run.
TEST(RunLogTimesTest, LogTimesKeepNanoseconds) {
  EXPECT_EQ(LogLineTime("1970-01-01T00:00:01.000000002Z run 1\n"), 1000000002);
  EXPECT_EQ(LogLineTime("2026-12-03T16:28:41.12Z x"), int64_t{1796315321} * 1000000000 + 120000000);
  EXPECT_EQ(LogLineTime("2026-12-03T16:28:41Z"), int64_t{1796315321} * 1000000000);
  EXPECT_EQ(LogLineTime("run 1"), std::nullopt);
  EXPECT_EQ(LogLineTime(""), std::nullopt);
  EXPECT_EQ(LogLineTime("2026-12-03T16:28:41.1x3Z x"), std::nullopt);
  EXPECT_EQ(LogApiTime(int64_t{1796315321} * 1000000000 + 5), "1796315321.000000005");
  EXPECT_EQ(LogApiTime(1000000002 + 1), "1.000000003");
}

TEST(RunLogTimesTest, LastLinesOfARun) {
  EXPECT_EQ(LastLines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(LastLines("a\nb\nc", 1), "c");
  EXPECT_EQ(LastLines("a\nb\n", 5), "a\nb\n");
  EXPECT_EQ(LastLines("a\nb\n", 0), "");
  EXPECT_EQ(LastLines("", 3), "");
}

TEST(FrameDecoderTest, ReassemblesFramesSplitAnywhere) {
  std::string wire = EncodeFrame(StreamType::kStdout, "hello ") +
                     EncodeFrame(StreamType::kStderr, "oops") +
                     EncodeFrame(StreamType::kStdout, std::string(70000, 'x'));
  for (size_t step : {1u, 3u, 8u, 1000u, 100000u}) {
    FrameDecoder decoder;
    std::string out, err;
    for (size_t i = 0; i < wire.size(); i += step) {
      decoder.Feed(std::string_view(wire).substr(i, step), [&](StreamType t, std::string_view p) {
        (t == StreamType::kStderr ? err : out).append(p);
      });
    }
    EXPECT_EQ(out, "hello " + std::string(70000, 'x')) << step;
    EXPECT_EQ(err, "oops");
    EXPECT_EQ(decoder.pending(), 0u);
  }
}

TEST(TarArchiveTest, RoundTripsAFileAndLongPaths) {
  std::string long_dir(120, 'd');
  Result<std::string> tar = WriteTar({{long_dir + "/", "", 0755, true},
                                      {long_dir + "/f.txt", "content", 0644, false}});
  ASSERT_TRUE(tar.ok());
  EXPECT_EQ(tar->size() % 512, 0u);
  Result<TarMember> first = ReadFirstTarMember(*tar);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->type, '5');
  EXPECT_EQ(first->path, long_dir + "/");
  Result<std::string> one = WriteTar({{"a.txt", "abc", 0644, false}});
  Result<TarMember> file = ReadFirstTarMember(*one);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->path, "a.txt");
  EXPECT_EQ(file->content, "abc");
  EXPECT_FALSE(ReadFirstTarMember(std::string(1024, '\0')).ok());
}

TEST(PullProgressTest, FindsAnErrorInsideA200Stream) {
  PullProgress p;
  p.Feed(R"({"status":"Pulling from library/x","id":"1"})" "\n"
         R"({"status":"Downloading","progressDetail":{"current":50,"total":100},"id":"a"})" "\n"
         R"({"status":"Pull complete","id":"b"})" "\n" R"({"errorDetail":{"message":"unexp)");
  EXPECT_FALSE(p.error().has_value());
  EXPECT_EQ(p.Summary(), "1/2 layers, 0.0 of 0.0 MB");
  p.Feed(R"(ected EOF"},"error":"unexpected EOF"})" "\n");
  ASSERT_TRUE(p.error().has_value());
  EXPECT_EQ(*p.error(), "unexpected EOF");
}

TEST(PullProgressTest, ClassifiesFailures) {
  Status unreachable = PullFailure("x:1", "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host");
  EXPECT_EQ(unreachable.code(), Code::kUnavailable);
  EXPECT_EQ(unreachable.reason(), "ImagePullBackOff");
  EXPECT_NE(unreachable.message().find("\"x:1\""), std::string::npos);
  Status missing = PullFailure("x:1", "pull access denied for x, repository does not exist");
  EXPECT_EQ(missing.code(), Code::kTerminal);
  EXPECT_EQ(missing.reason(), "ImageNotFound");
  EXPECT_EQ(PullFailure("x:1", "unexpected EOF").reason(), "ImagePullFailed");
}

TEST(ImageRefTest, SplitsNameAndTag) {
  EXPECT_EQ(ParseImageRef("alpine").tag, "latest");
  EXPECT_EQ(ParseImageRef("alpine:3.20").name, "alpine");
  EXPECT_EQ(ParseImageRef("localhost:5000/a/b").name, "localhost:5000/a/b");
  EXPECT_EQ(ParseImageRef("localhost:5000/a/b:1").tag, "1");
  EXPECT_EQ(ParseImageRef("a@sha256:abc").tag, "");
}

TEST(EngineClientTest, VersionsCompareNumerically) {
  EXPECT_LT(CompareVersions("1.9", "1.41"), 0);
  EXPECT_EQ(CompareVersions("1.41", "1.41"), 0);
  EXPECT_GT(CompareVersions("1.44", "1.40"), 0);
  EXPECT_EQ(EngineMessage(R"({"message":"No such container: abc"})"), "No such container: abc");
  HttpResponse not_found{404, R"({"message":"No such container: abc"})", {}};
  EXPECT_EQ(StatusFromResponse(not_found, "x").code(), Code::kNotFound);
  EXPECT_EQ(UrlEncode("{\"a\":[1]}"), "%7B%22a%22%3A%5B1%5D%7D");
}

SandboxRequest SampleRequest() {
  SandboxRequest r;
  r.key = {"Sandbox", "team-a", "fix-bug"};
  r.uid = "0123456789abcdef";
  r.spec.image = "img:1";
  r.spec.command = {"bash", "-lc", "run"};
  r.spec.ports = {3000};
  r.spec.stdin_open = true;
  r.spec.resources.memory = *specs::ParseQuantity("4Gi");
  r.spec.resources.cpu = *specs::ParseQuantity("1500m");
  r.spec.resources.pids = 512;
  r.spec.resources.disk = *specs::ParseQuantity("10Gi");
  r.spec.persistence.volume = "cache";
  r.workspace_dir = "/home/me/repo";
  r.env = {{"A", "b"}};
  r.field_hashes = {{"image", "h1"}};
  return r;
}

TEST(ContainerConfigTest, CreateBodyCarriesEverything) {
  SandboxRequest r = SampleRequest();
  CreateParams params;
  params.image = "img:1";
  params.volume_mount_path = "/home/sesame";
  json body = CreateBody(r, params);
  EXPECT_EQ(ContainerName(r), "sesame-team-a-fix-bug-01234567");
  EXPECT_EQ(body["Image"], "img:1");
  EXPECT_EQ(body["Entrypoint"], json({"bash", "-lc", "run"}));
  EXPECT_EQ(body["Env"], json({"A=b"}));
  EXPECT_EQ(body["Labels"][kUidLabel], r.uid);
  EXPECT_EQ(body["Labels"][kHashesLabel], R"({"image":"h1"})");
  EXPECT_TRUE(body["OpenStdin"].get<bool>());
  EXPECT_EQ(body["WorkingDir"], "/workspace");
  const json& h = body["HostConfig"];
  EXPECT_EQ(h["Memory"], 4LL << 30);
  EXPECT_EQ(h["MemorySwap"], 4LL << 30);
  EXPECT_EQ(h["NanoCpus"], 1500000000);
  EXPECT_EQ(h["PidsLimit"], 512);
  EXPECT_EQ(h["StorageOpt"]["size"], std::to_string(10LL << 30));
  EXPECT_EQ(h["PortBindings"]["3000/tcp"][0]["HostIp"], "127.0.0.1");
  EXPECT_EQ(h["PortBindings"]["3000/tcp"][0]["HostPort"], "");
  EXPECT_EQ(h["Binds"][0], "/home/me/repo:/workspace");
  EXPECT_EQ(h["Mounts"][0]["Source"], "sesame-team-a-cache-" + r.uid);
  EXPECT_EQ(VolumeName(r), "sesame-team-a-cache-" + r.uid);
  EXPECT_EQ(h["Mounts"][0]["Target"], "/home/sesame");
  EXPECT_EQ(h["RestartPolicy"]["Name"], "no");
  EXPECT_TRUE(h["Init"].get<bool>());

  params.disk_limit = false;
  params.disk_note = "disk limit not applied";
  json without = CreateBody(r, params);
  EXPECT_FALSE(without["HostConfig"].contains("StorageOpt"));
  EXPECT_EQ(without["Labels"][kDiskLabel], "disk limit not applied");

  r.spec.command.clear();
  EXPECT_EQ(CreateBody(r, params)["Entrypoint"], json({"sleep", "infinity"}));
  EXPECT_FALSE(CreateBody(r, params)["StdinOnce"].get<bool>());
}

TEST(ContainerConfigTest, AWarmContainerWaitsForItsSessionOnStdin) {
  SandboxRequest r = SampleRequest();
  r.spec.command.clear();
  r.spec.stdin_open = false;
  r.field_hashes[kWarmHashKey] = "pool-a";
  CreateParams params;
  params.runtime_wrapper = {"/var/lib/sesame/bin/run.sh"};
  json body = CreateBody(r, params);
  EXPECT_EQ(body["Entrypoint"], json({"/var/lib/sesame/bin/run.sh", "/bin/sh", "-c", kSessionWaiter, "sesame-warm"}));
  EXPECT_TRUE(body["OpenStdin"].get<bool>());
  EXPECT_TRUE(body["StdinOnce"].get<bool>());
  EXPECT_EQ(body["Labels"][kHashesLabel], R"({"image":"h1","warm":"pool-a"})");
  // A claim's request (no marker) makes an ordinary container.
  r.field_hashes.erase(kWarmHashKey);
  EXPECT_FALSE(CreateBody(r, params)["StdinOnce"].get<bool>());
}

TEST(WarmSessionTest, TheScriptQuotesEveryWordAndExportsTheVariables) {
  EXPECT_EQ(SessionScript({"sh", "-c", "echo it's $HOME"}, {{"TOKEN", "a'b $c"}, {"bad name", "x"}}),
            "export TOKEN='a'\\''b $c'\nexec 'sh' '-c' 'echo it'\\''s $HOME'\n");
  EXPECT_EQ(SessionScript({}, {}), "exec sleep infinity\n");
  // What a shell makes of it: the words and the value exactly as given.
  auto r = testing::RunCommand({"/bin/sh", "-c", SessionScript({"sh", "-c", "printf '%s|%s' \"$1\" \"$TOKEN\"", "x", "it's $HOME"},
                                                               {{"TOKEN", "a'b $c"}})});
  EXPECT_EQ(r.out, "it's $HOME|a'b $c");
}

TEST(ContainerConfigTest, ObservedFromInspect) {
  json inspect = json::parse(R"({
    "Id": "abc",
    "Config": {"Labels": {"dev.sesame.uid": "u1", "dev.sesame.namespace": "ns",
                          "dev.sesame.name": "n", "dev.sesame.hashes": "{\"image\":\"h\"}"}},
    "State": {"Status": "exited", "ExitCode": 137, "OOMKilled": true,
              "StartedAt": "2026-01-01T00:00:00.123456789Z", "FinishedAt": "2026-01-01T00:01:00Z"},
    "NetworkSettings": {"Ports": {"3000/tcp": [{"HostIp": "127.0.0.1", "HostPort": "41234"}],
                                  "9/tcp": null}}})");
  Observed o = ObservedFromInspect(inspect);
  EXPECT_EQ(o.id, "abc");
  EXPECT_EQ(o.uid, "u1");
  EXPECT_EQ(o.key.kind, "Sandbox");
  EXPECT_EQ(o.key.namespace_, "ns");
  EXPECT_EQ(o.state, ResourceState::kExited);
  EXPECT_EQ(o.exit_code, 137);
  EXPECT_NE(o.message.find("out of memory"), std::string::npos);
  EXPECT_EQ(o.field_hashes.at("image"), "h");
  ASSERT_EQ(o.endpoints.size(), 1u);
  EXPECT_EQ(o.endpoints[0].url, "http://127.0.0.1:41234");
  EXPECT_TRUE(o.started_at && o.finished_at);

  inspect["State"] = {{"Status", "paused"}, {"StartedAt", "0001-01-01T00:00:00Z"}};
  Observed paused = ObservedFromInspect(inspect);
  EXPECT_EQ(paused.state, ResourceState::kSuspended);
  EXPECT_FALSE(paused.started_at.has_value());
  EXPECT_FALSE(paused.exit_code.has_value());
}

TEST(ContainerConfigTest, ObservedFromSummary) {
  json summary = json::parse(R"({"Id": "abc", "State": "exited", "Status": "Exited (3) 5 seconds ago",
    "Labels": {"dev.sesame.uid": "u1", "dev.sesame.name": "n"},
    "Ports": [{"IP": "127.0.0.1", "PrivatePort": 3000, "PublicPort": 41234, "Type": "tcp"}]})");
  Observed o = ObservedFromSummary(summary);
  EXPECT_EQ(o.state, ResourceState::kExited);
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(o.key.name, "n");
  ASSERT_EQ(o.endpoints.size(), 1u);
  EXPECT_EQ(o.endpoints[0].port, 3000);
}

TEST(ContainerConfigTest, UpdateUsesTheMachineForNoLimit) {
  HostFacts host{8LL << 30, 4};
  UpdatePlan set = PlanUpdate({1LL << 30, 2000000000, 100}, host);
  EXPECT_EQ(set.body["Memory"], 1LL << 30);
  EXPECT_EQ(set.body["MemorySwap"], 1LL << 30);
  EXPECT_EQ(set.body["PidsLimit"], 100);
  EXPECT_EQ(set.applied, (Limits{1LL << 30, 2000000000, 100}));
  UpdatePlan cleared = PlanUpdate({}, host);
  EXPECT_EQ(cleared.body["Memory"], 8LL << 30);
  EXPECT_EQ(cleared.body["MemorySwap"], 8LL << 30);
  EXPECT_EQ(cleared.body["NanoCpus"], 4000000000LL);
  EXPECT_EQ(cleared.body["PidsLimit"], -1);
  EXPECT_EQ(cleared.applied.pids, 0);
  EXPECT_EQ(LimitsOfHostConfig(json::parse(R"({"Memory":5,"NanoCpus":0,"PidsLimit":null})")),
            (Limits{5, 0, 0}));
  EXPECT_EQ(ParseLimitsJson(LimitsJson({1, 2, 3})), (Limits{1, 2, 3}));
}

}  // namespace
}  // namespace sesame::providers::docker
