// The Daytona provider against the fake Daytona API and toolbox.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/daytona/daytona_provider.h"
#include "tests/providers/fakes/http_recorder.h"
#include "tests/providers/fakes/daytona_fake.h"
#include "tests/providers/fakes/installation_check.h"

namespace sesame::providers::daytona {
namespace {

using fakes::DaytonaFake;
using fakes::Fault;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kKey[] = "dtn_test_key_abcdef";
constexpr char kSecret[] = "s3cr3t-env-value";

class DaytonaTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_.Start(); }

  std::unique_ptr<Provider> NewProvider(std::string key = kKey) {
    DaytonaOptions o;
    o.api_key = key;
    o.api_url = fake_.url() + "/api";
    o.poll_interval = milliseconds(1);
    http_.Configure(o.http);
    return NewDaytonaProvider(std::move(o));
  }

  SandboxRequest Request(const std::string& uid = "uid-1") {
    SandboxRequest r;
    r.key = {"Sandbox", "default", "box-" + uid};
    r.uid = uid;
    r.spec.provider = "daytona";
    r.spec.image = "python:3.12";
    r.spec.runtime = "python3.12";
    r.spec.command = {"python", "-m", "http.server"};
    r.spec.ports = {8000};
    r.spec.resources.cpu = specs::Quantity{"2", 2000};
    r.spec.resources.memory = specs::Quantity{"4Gi", int64_t{4} * 1024 * 1024 * 1024 * 1000};
    r.spec.lifetime.idle_timeout = specs::Duration{"30m", std::chrono::minutes(30)};
    r.env = {{"API_TOKEN", kSecret}};
    r.field_hashes = FieldHashes(r.spec);
    return r;
  }

  DaytonaFake fake_{kKey};
  fakes::HttpRecorder http_;
};

TEST_F(DaytonaTest, FullLifecycle) {
  auto p = NewProvider();
  auto created = p->Create(Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  // Built from an image: pending until the build is done.
  EXPECT_EQ(created->state, ResourceState::kCreating);
  auto reqs = fake_.requests();
  auto post = std::find_if(reqs.begin(), reqs.end(), [](auto& r) { return r.method == "POST" && r.path == "/api/sandbox"; });
  ASSERT_NE(post, reqs.end());
  EXPECT_EQ(post->Header("Authorization"), std::string("Bearer ") + kKey);
  EXPECT_FALSE(post->Header("X-Daytona-SDK-Version").empty());
  json body = json::parse(post->body);
  EXPECT_EQ(body["buildInfo"]["dockerfileContent"], "FROM python:3.12\n");
  EXPECT_EQ(body["cpu"], 2);
  EXPECT_EQ(body["memory"], 4);
  EXPECT_EQ(body["autoStopInterval"], 30);
  EXPECT_EQ(body["labels"]["sesame.uid"], "uid-1");
  EXPECT_EQ(body["labels"]["code-toolbox-language"], "python");
  EXPECT_EQ(body["env"]["API_TOKEN"], kSecret);

  // Started now: the session is launched once, preview links are read.
  auto o = p->Observe("uid-1");
  ASSERT_TRUE(o.ok() && o->has_value()) << o.status().ToString();
  EXPECT_EQ((*o)->state, ResourceState::kRunning);
  ASSERT_EQ((*o)->endpoints.size(), 1u);
  EXPECT_EQ((*o)->endpoints[0].url, "https://8000-" + created->id + ".proxy.daytona.works");
  ASSERT_EQ(fake_.sandbox(created->id)->executed.size(), 1u);
  EXPECT_NE(fake_.sandbox(created->id)->executed[0].find("http.server"), std::string::npos);
  fake_.ClearRequests();
  o = p->Observe("uid-1");
  EXPECT_EQ(fake_.CountRequests(""), 1);  // steady state: one call
  EXPECT_EQ(fake_.sandbox(created->id)->executed.size(), 1u);

  // In place: auto-stop, resize, labels follow.
  SandboxRequest bigger = Request();
  bigger.spec.resources.cpu = specs::Quantity{"4", 4000};
  bigger.spec.lifetime.idle_timeout = specs::Duration{"1h", std::chrono::hours(1)};
  bigger.field_hashes = FieldHashes(bigger.spec);
  ASSERT_TRUE(p->Update(**o, bigger).ok());
  EXPECT_EQ(fake_.sandbox(created->id)->cpu, 4);
  EXPECT_EQ(fake_.sandbox(created->id)->auto_stop, 60);
  EXPECT_EQ((*p->Observe("uid-1"))->field_hashes, bigger.field_hashes);

  ASSERT_TRUE(p->Suspend(**o).ok());
  EXPECT_EQ((*p->Observe("uid-1"))->state, ResourceState::kSuspended);
  ASSERT_TRUE(p->Resume(**o).ok());
  EXPECT_EQ((*p->Observe("uid-1"))->state, ResourceState::kRunning);

  fake_.exec = [](fakes::DaytonaSandbox&, const std::string&) {
    return fakes::ExecOutput{"line one\nline two\n", "oops\n", 2};
  };
  std::string out, err;
  Streams s;
  s.on_stdout = [&](std::string_view c) { out += c; };
  s.on_stderr = [&](std::string_view c) { err += c; };
  auto code = p->Exec(**o, {{"ls"}, {{"X", kSecret}}, false, std::nullopt}, s);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 2);
  EXPECT_EQ(out, "line one\nline two\n");
  EXPECT_EQ(err, "oops\n");

  ASSERT_TRUE(p->WriteFile(**o, "/home/daytona/a.txt", "hello").ok());
  EXPECT_EQ(*p->ReadFile(**o, "/home/daytona/a.txt"), "hello");
  EXPECT_EQ(p->ReadFile(**o, "/nope").status().code(), Code::kNotFound);
  fake_.SetFile(created->id, "/tmp/.sesame/session.log", "a\nb\n");
  std::string logs;
  Streams ls;
  ls.on_stdout = [&](std::string_view c) { logs += c; };
  ASSERT_TRUE(p->Logs(**o, {}, ls).ok());
  EXPECT_EQ(logs, "a\nb\n");

  ASSERT_TRUE(p->Delete(**o).ok());
  EXPECT_FALSE(p->Observe("uid-1")->has_value());
  EXPECT_TRUE(p->Delete(**o).ok());
  http_.ExpectNotLogged({kKey, kSecret});
}

TEST_F(DaytonaTest, ResourcesWithASnapshotAreRejectedBeforeAnyCall) {
  SandboxRequest r = Request();
  r.spec.image = "snapshot:daytona-small";
  auto created = NewProvider()->Create(r);
  EXPECT_EQ(created.status().code(), Code::kInvalid);
  EXPECT_NE(created.status().message().find("snapshot"), std::string::npos);
  EXPECT_EQ(fake_.CountRequests(""), 0);
  r.spec.resources = {};
  created = NewProvider()->Create(r);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->state, ResourceState::kRunning);
  EXPECT_EQ(fake_.sandbox(created->id)->snapshot, "daytona-small");
  EXPECT_EQ(fake_.sandbox(created->id)->executed.size(), 1u);  // session launched at once
}

TEST_F(DaytonaTest, ErrorBodiesBecomeClearStatuses) {
  auto r = NewProvider("wrong")->Create(Request());
  EXPECT_EQ(r.status().code(), Code::kTerminal);
  EXPECT_EQ(r.status().reason(), "Unauthorized");
  EXPECT_NE(r.status().message().find("Invalid API key"), std::string::npos);

  SandboxRequest missing = Request();
  missing.spec.image = "snapshot:nope";
  missing.spec.resources = {};
  r = NewProvider()->Create(missing);
  EXPECT_EQ(r.status().reason(), "SnapshotNotFound");
  EXPECT_NE(r.status().message().find("Snapshot nope not found"), std::string::npos);

  fake_.InjectFault("POST /api/sandbox", Fault{.status = 403, .body = R"({"path":"/api/sandbox","timestamp":"2026-01-01T00:00:00Z","statusCode":403,"error":"Forbidden","message":"Total CPU quota exceeded"})"});
  r = NewProvider()->Create(Request("uid-q"));
  EXPECT_EQ(r.status().code(), Code::kTerminal);
  EXPECT_NE(r.status().message().find("quota"), std::string::npos);

  SandboxRequest bad = Request();
  bad.spec.runtime = "cobol";
  EXPECT_EQ(NewProvider()->Create(bad).status().code(), Code::kInvalid);
  EXPECT_EQ(NewProvider("")->Create(Request()).status().reason(), "MissingCredentials");
}

TEST_F(DaytonaTest, RateLimitThenSuccessCreatesOnce) {
  fake_.InjectFault("POST /api/sandbox", Fault{.status = 429,
      .body = R"({"statusCode":429,"message":"ThrottlerException: Too Many Requests"})",
      .headers = {{"Retry-After", "2"}}});
  fake_.InjectFault("GET /api/sandbox", Fault{.status = 502, .body = "<html>bad gateway</html>", .times = 2});
  auto created = NewProvider()->Create(Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(fake_.sandboxes().size(), 1u);
  EXPECT_TRUE(http_.Slept(Millis(2000)));
}

TEST_F(DaytonaTest, CreateWithoutAnAnswerIsNotSentTwice) {
  http_.total_timeout = milliseconds(300);
  fake_.InjectFault("POST /api/sandbox", Fault{.delay = milliseconds(600)});  // created, answer lost
  auto p = NewProvider();
  auto created = p->Create(Request());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), Code::kUnavailable);  // retried by the controller
  std::this_thread::sleep_for(milliseconds(400));
  auto o = p->Observe("uid-1");  // the next reconcile adopts it
  ASSERT_TRUE(o.ok() && o->has_value());
  EXPECT_EQ(fake_.sandboxes().size(), 1u);
  EXPECT_EQ(fake_.CountRequests("POST /api/sandbox"), 1);
}

TEST_F(DaytonaTest, ListsOnlyWhatThisInstallationCreated) {
  auto NewFor = [&](const std::string& installation) {
    DaytonaOptions o;
    o.api_key = kKey;
    o.api_url = fake_.url() + "/api";
    o.poll_interval = Millis(1);
    o.installation = installation;
    return NewDaytonaProvider(std::move(o));
  };
  auto mine = NewFor("aaaa"), theirs = NewFor("bbbb");
  EXPECT_TRUE(fakes::ListsOnlyItsOwn(*mine, *theirs, Request("uid-mine"), Request("uid-theirs")));
  EXPECT_EQ(fake_.sandboxes().size(), 2u);
  for (const auto& s : fake_.sandboxes()) EXPECT_EQ(s.labels.count("sesame.installation"), 1u);
}

TEST_F(DaytonaTest, RestartAdoptsAndPaginatesOrphans) {
  for (int i = 0; i < 250; ++i) {
    fakes::DaytonaSandbox s;
    s.labels = {{"sesame.uid", "u" + std::to_string(i)}, {"sesame.managed", "true"},
                {"sesame.namespace", "default"}, {"sesame.name", "n" + std::to_string(i)}};
    fake_.Add(s);
  }
  fake_.Add(fakes::DaytonaSandbox{});  // not ours
  auto p = NewProvider();
  auto owned = p->ListOwned();
  ASSERT_TRUE(owned.ok()) << owned.status().ToString();
  EXPECT_EQ(owned->size(), 250u);
  EXPECT_EQ(fake_.CountRequests("GET /api/sandbox"), 3);
  auto adopted = p->Create(Request("u42"));
  ASSERT_TRUE(adopted.ok());
  EXPECT_EQ(adopted->key.name, "n42");
  EXPECT_EQ(fake_.CountRequests("POST /api/sandbox"), 0);
}

TEST_F(DaytonaTest, MalformedJsonAndStdin) {
  fake_.InjectFault("GET /api/sandbox", Fault{.status = 200, .body = R"({"items": 3})"});
  EXPECT_EQ(NewProvider()->Observe("x").status().reason(), "MalformedResponse");
  fake_.InjectFault("GET /api/sandbox", Fault{.status = 200, .body = "{not json"});
  EXPECT_EQ(NewProvider()->ListOwned().status().reason(), "MalformedResponse");
  Observed o;
  Streams s;
  EXPECT_EQ(NewProvider()->Attach(o, s).code(), Code::kUnsupported);
  EXPECT_EQ(NewProvider()->Exec(o, {{"cat"}, {}, true, std::nullopt}, s).status().code(), Code::kUnsupported);
}

}  // namespace
}  // namespace sesame::providers::daytona
