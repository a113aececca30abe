// The E2B provider against the fake E2B API and envd.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/e2b/e2b_provider.h"
#include "tests/providers/fakes/http_recorder.h"
#include "tests/providers/fakes/e2b_fake.h"
#include "tests/providers/fakes/installation_check.h"

namespace sesame::providers::e2b {
namespace {

using fakes::E2bFake;
using fakes::Fault;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kKey[] = "e2b_test_key_123456";
constexpr char kSecret[] = "s3cr3t-env-value";

class E2bTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_.Start(); }

  std::unique_ptr<Provider> NewProvider(std::string key = kKey) {
    E2bOptions o;
    o.api_key = key;
    o.api_url = fake_.url();
    o.http.connect_timeout = milliseconds(500);
    http_.Configure(o.http);
    return NewE2bProvider(std::move(o));
  }

  SandboxRequest Request(const std::string& uid = "uid-1") {
    SandboxRequest r;
    r.key = {"Sandbox", "team-a", "box-" + uid};
    r.uid = uid;
    r.spec.provider = "e2b";
    r.spec.image = "node";
    r.spec.command = {"bash", "-lc", "echo started"};
    r.spec.ports = {3000};
    r.spec.lifetime.ttl = specs::Duration{"2h", std::chrono::hours(2)};
    r.env = {{"API_TOKEN", kSecret}};
    r.field_hashes = FieldHashes(r.spec);
    return r;
  }

  void ExpectNoSecretsLogged() { http_.ExpectNotLogged({kKey, kSecret}); }

  E2bFake fake_{kKey};
  fakes::HttpRecorder http_;
};

TEST_F(E2bTest, FullLifecycle) {
  auto p = NewProvider();
  EXPECT_FALSE(p->capabilities().stdin);
  auto created = p->Create(Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->state, ResourceState::kRunning);
  EXPECT_EQ(created->uid, "uid-1");
  ASSERT_EQ(created->endpoints.size(), 1u);
  EXPECT_EQ(created->endpoints[0].url, "https://3000-" + created->id + ".e2b.app");

  // The create request as E2B expects it.
  auto posts = fake_.requests();
  auto create = std::find_if(posts.begin(), posts.end(), [](auto& r) { return r.method == "POST" && r.path == "/sandboxes"; });
  ASSERT_NE(create, posts.end());
  EXPECT_EQ(create->Header("X-API-Key"), kKey);
  json body = json::parse(create->body);
  EXPECT_EQ(body["templateID"], "node");
  EXPECT_EQ(body["timeout"], 7200);
  EXPECT_EQ(body["metadata"]["sesame_uid"], "uid-1");
  EXPECT_EQ(body["envVars"]["API_TOKEN"], kSecret);
  EXPECT_EQ(body["secure"], true);

  // The session was started through envd, with the sandbox's token.
  auto sandbox = fake_.sandbox(created->id);
  ASSERT_TRUE(sandbox);
  ASSERT_EQ(sandbox->scripts.size(), 1u);
  EXPECT_NE(sandbox->scripts[0].find("echo started"), std::string::npos);

  auto observed = p->Observe("uid-1");
  ASSERT_TRUE(observed.ok());
  ASSERT_TRUE(observed->has_value());
  EXPECT_EQ((*observed)->id, created->id);
  EXPECT_EQ((*observed)->key.name, "box-uid-1");
  EXPECT_EQ((*observed)->field_hashes, Request().field_hashes);

  // lifetime in place: POST /timeout, and the fingerprint follows.
  SandboxRequest longer = Request();
  longer.spec.lifetime.ttl = specs::Duration{"3h", std::chrono::hours(3)};
  longer.field_hashes = FieldHashes(longer.spec);
  ASSERT_TRUE(p->Update(**observed, longer).ok());
  EXPECT_EQ(fake_.sandbox(created->id)->timeout, 10800);
  observed = p->Observe("uid-1");
  EXPECT_EQ((*observed)->field_hashes.at("lifetime"), longer.field_hashes.at("lifetime"));

  ASSERT_TRUE(p->Suspend(**observed).ok());
  EXPECT_EQ((*p->Observe("uid-1"))->state, ResourceState::kSuspended);
  ASSERT_TRUE(p->Suspend(**observed).ok());  // already paused: 409, fine
  ASSERT_TRUE(p->Resume(**observed).ok());
  EXPECT_EQ((*p->Observe("uid-1"))->state, ResourceState::kRunning);

  std::string out, err;
  Streams streams;
  streams.on_stdout = [&](std::string_view s) { out += s; };
  streams.on_stderr = [&](std::string_view s) { err += s; };
  fake_.exec = [](fakes::E2bSandbox&, const std::vector<std::string>& args) {
    return fakes::ExecOutput{"hello from " + args.back() + "\n", "warning\n", 3};
  };
  auto code = p->Exec(**observed, {{"ls", "-la"}, {}, false, std::nullopt}, streams);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 3);
  EXPECT_EQ(out, "hello from ls -la\n");
  EXPECT_EQ(err, "warning\n");

  ASSERT_TRUE(p->WriteFile(**observed, "/home/user/a.txt", "content\n").ok());
  auto read = p->ReadFile(**observed, "/home/user/a.txt");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "content\n");
  EXPECT_EQ(p->ReadFile(**observed, "/nope").status().code(), Code::kNotFound);

  fake_.SetFile(created->id, "/tmp/.sesame/session.log", "one\ntwo\nthree\n");
  std::string logs;
  Streams ls;
  ls.on_stdout = [&](std::string_view s) { logs += s; };
  LogOptions tail2;
  tail2.tail = 2;
  ASSERT_TRUE(p->Logs(**observed, tail2, ls).ok());
  EXPECT_EQ(logs, "two\nthree\n");

  ASSERT_TRUE(p->Delete(**observed).ok());
  EXPECT_FALSE(fake_.sandbox(created->id));
  EXPECT_FALSE(p->Observe("uid-1")->has_value());
  EXPECT_TRUE(p->Delete(**observed).ok());  // already gone
  ExpectNoSecretsLogged();
}

TEST_F(E2bTest, FollowLogsStreamsUntilCancelled) {
  auto p = NewProvider();
  auto created = p->Create(Request());
  ASSERT_TRUE(created.ok());
  fake_.SetFile(created->id, "/tmp/.sesame/session.log", "line one\nline two\n");
  std::string logs;
  std::atomic<bool> done{false};
  Streams s;
  s.on_stdout = [&](std::string_view c) {
    logs += c;
    if (logs.size() >= 18) done = true;
  };
  s.cancelled = [&] { return done.load(); };
  LogOptions follow;
  follow.follow = true;
  ASSERT_TRUE(p->Logs(*created, follow, s).ok());
  EXPECT_EQ(logs, "line one\nline two\n");
}

TEST_F(E2bTest, StreamingSurvivesOddChunkBoundaries) {
  auto p = NewProvider();
  auto created = p->Create(Request());
  ASSERT_TRUE(created.ok());
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += "output line " + std::to_string(i) + " \xe2\x9c\x93\n";
  fake_.exec = [&](fakes::E2bSandbox&, const std::vector<std::string>&) {
    return fakes::ExecOutput{expected, "e", 0};
  };
  for (size_t chunk : {1, 2, 3, 5, 11, 4096}) {
    fake_.chunk_size = chunk;
    std::string out;
    Streams s;
    s.on_stdout = [&](std::string_view c) { out += c; };
    auto code = p->Exec(*created, {{"cat", "x"}, {}, false, std::nullopt}, s);
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    EXPECT_EQ(*code, 0);
    EXPECT_EQ(out, expected) << "chunk " << chunk;
  }
}

TEST_F(E2bTest, CreateIsIdempotentByUid) {
  auto p = NewProvider();
  auto a = p->Create(Request());
  auto b = p->Create(Request());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(fake_.sandboxes().size(), 1u);
}

TEST_F(E2bTest, RestartMidCreateAdoptsTheSandbox) {
  // A controller created the sandbox and died before recording it.
  fakes::E2bSandbox s;
  s.template_id = "node";
  s.timeout = 300;
  s.metadata = {{"sesame_uid", "uid-7"}, {"sesame_managed", "true"}, {"sesame_namespace", "team-a"},
                {"sesame_name", "box-uid-7"}, {"sesame_kind", "Sandbox"}, {"sesame_session", "1"},
                {"sesame_command", "[\"sleep\",\"1\"]"}};
  std::string id = fake_.Add(s);
  auto p = NewProvider();
  auto observed = p->Observe("uid-7");
  ASSERT_TRUE(observed.ok());
  ASSERT_TRUE(observed->has_value());
  EXPECT_EQ((*observed)->id, id);
  // The session launch is retried (guarded inside the sandbox).
  EXPECT_EQ(fake_.sandbox(id)->scripts.size(), 1u);
  auto created = NewProvider()->Create(Request("uid-7"));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->id, id);
  EXPECT_EQ(fake_.CountRequests("POST /sandboxes"), 0);
  EXPECT_EQ(fake_.sandboxes().size(), 1u);
}

TEST_F(E2bTest, RateLimitedCreateWaitsAndCreatesOnce) {
  fake_.InjectFault("POST /sandboxes", Fault{.status = 429,
                                             .body = R"({"code":429,"message":"Rate limit exceeded"})",
                                             .headers = {{"Retry-After", "3"}}});
  auto p = NewProvider();
  auto created = p->Create(Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(fake_.sandboxes().size(), 1u);
  EXPECT_TRUE(http_.Slept(Millis(3000)));
}

TEST_F(E2bTest, ServerErrorsThenSuccessCreatesOnce) {
  fake_.InjectFault("POST /sandboxes", Fault{.status = 500,
                                             .body = R"({"code":500,"message":"boom","error_code":"internal_server_error"})",
                                             .times = 2});
  fake_.InjectFault("GET /v2/sandboxes", Fault{.status = 503, .body = R"({"code":503,"message":"try later"})"});
  auto created = NewProvider()->Create(Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(fake_.sandboxes().size(), 1u);
}

TEST_F(E2bTest, PersistentServerErrorIsUnavailableWithTheErrorCode) {
  fake_.InjectFault("POST /sandboxes", Fault{.status = 503,
                                             .body = R"({"code":503,"message":"no capacity","error_code":"sandbox_capacity_unavailable"})",
                                             .times = 10});
  auto created = NewProvider()->Create(Request());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), Code::kUnavailable);
  EXPECT_EQ(created.status().reason(), "SandboxCapacityUnavailable");
  EXPECT_NE(created.status().message().find("no capacity"), std::string::npos);
  EXPECT_EQ(fake_.CountRequests("POST /sandboxes"), 3);
}

TEST_F(E2bTest, ErrorBodiesBecomeClearStatuses) {
  auto bad = NewProvider("e2b_wrong");
  auto r = bad->Create(Request());
  EXPECT_EQ(r.status().code(), Code::kTerminal);
  EXPECT_EQ(r.status().reason(), "Unauthorized");
  EXPECT_NE(r.status().message().find("Invalid API key"), std::string::npos);

  auto p = NewProvider();
  SandboxRequest missing = Request();
  missing.spec.image = "no-such-template";
  r = p->Create(missing);
  EXPECT_EQ(r.status().code(), Code::kTerminal);
  EXPECT_EQ(r.status().reason(), "TemplateNotFound");

  // A 400 that echoes the request must not leak the env secret.
  fake_.InjectFault("POST /sandboxes", Fault{.status = 400,
      .body = std::string(R"({"code":400,"message":"bad envVars value )") + kSecret + "\"}"});
  r = p->Create(Request("uid-400"));
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(r.status().message().find(kSecret), std::string::npos) << r.status().message();

  fake_.InjectFault("GET /v2/sandboxes", Fault{.status = 429, .body = R"({"code":429,"message":"Rate limit exceeded"})",
                                               .headers = {{"Retry-After", "600"}}});
  auto o = p->Observe("uid-1");
  EXPECT_EQ(o.status().code(), Code::kRateLimited);
  EXPECT_EQ(o.status().retry_after_ms(), 600000);
  ExpectNoSecretsLogged();
}

TEST_F(E2bTest, MissingKeyIsMissingCredentialsWithoutCalls) {
  auto p = NewProvider("");
  auto o = p->Observe("uid-1");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->has_value());
  auto r = p->Create(Request());
  EXPECT_EQ(r.status().code(), Code::kTerminal);
  EXPECT_EQ(r.status().reason(), "MissingCredentials");
  EXPECT_NE(r.status().message().find("E2B_API_KEY"), std::string::npos);
  EXPECT_TRUE(fake_.requests().empty());
}

TEST_F(E2bTest, TimeoutIsRetried) {
  http_.total_timeout = milliseconds(300);
  fake_.InjectFault("GET /v2/sandboxes", Fault{.delay = milliseconds(1500)});
  auto o = NewProvider()->Observe("uid-1");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(fake_.CountRequests("GET /v2/sandboxes"), 2);
}

TEST_F(E2bTest, ConnectionRefusedIsUnavailable) {
  E2bOptions o;
  o.api_key = kKey;
  fakes::FakeServer gone;
  gone.Start();
  o.api_url = gone.url();
  gone.Stop();
  o.http.initial_backoff = milliseconds(1);
  o.http.sleep = [](Millis) {};
  auto r = NewE2bProvider(o)->Observe("uid-1");
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
}

TEST_F(E2bTest, PaginatesAndListsOrphans) {
  for (int i = 0; i < 230; ++i) {
    fakes::E2bSandbox s;
    s.template_id = "base";
    s.metadata = {{"sesame_uid", "u" + std::to_string(i)}, {"sesame_managed", "true"},
                  {"sesame_namespace", "default"}, {"sesame_name", "n" + std::to_string(i)}};
    fake_.Add(s);
  }
  fakes::E2bSandbox foreign;
  foreign.template_id = "base";
  fake_.Add(foreign);
  auto owned = NewProvider()->ListOwned();
  ASSERT_TRUE(owned.ok()) << owned.status().ToString();
  EXPECT_EQ(owned->size(), 230u);
  EXPECT_EQ(fake_.CountRequests("GET /v2/sandboxes"), 3);
  auto reqs = fake_.requests();
  EXPECT_EQ(reqs.back().Param("metadata"), "sesame_managed=true");
  EXPECT_FALSE(reqs.back().Param("nextToken").empty());
}

TEST_F(E2bTest, ListsOnlyWhatThisInstallationCreated) {
  auto NewFor = [&](const std::string& installation) {
    E2bOptions o;
    o.api_key = kKey;
    o.api_url = fake_.url();
    o.installation = installation;
    return NewE2bProvider(std::move(o));
  };
  auto mine = NewFor("aaaa"), theirs = NewFor("bbbb");
  EXPECT_TRUE(fakes::ListsOnlyItsOwn(*mine, *theirs, Request("uid-mine"), Request("uid-theirs")));
  EXPECT_EQ(fake_.sandboxes().size(), 2u);
  auto lists = fake_.requests();
  auto list = std::find_if(lists.rbegin(), lists.rend(), [](auto& r) { return r.Param("metadata").find("aaaa") != std::string::npos; });
  ASSERT_NE(list, lists.rend());
  EXPECT_EQ(list->Param("metadata"), "sesame_installation=aaaa");
}

TEST_F(E2bTest, MalformedJsonIsAClearError) {
  fake_.InjectFault("GET /v2/sandboxes", Fault{.status = 200, .body = "[{\"sandboxID\": "});
  auto o = NewProvider()->Observe("uid-1");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().reason(), "MalformedResponse");
  fake_.InjectFault("GET /v2/sandboxes", Fault{.status = 200, .body = R"([{"sandboxID": 12}])"});
  o = NewProvider()->Observe("uid-1");
  EXPECT_EQ(o.status().reason(), "MalformedResponse");
}

TEST_F(E2bTest, StdinAndAttachAreUnsupported) {
  auto p = NewProvider();
  Observed o;
  o.id = "x";
  Streams s;
  auto a = p->Attach(o, s);
  EXPECT_EQ(a.code(), Code::kUnsupported);
  EXPECT_NE(a.message().find("e2b"), std::string::npos);
  ExecRequest req{{"cat"}, {}, true, std::nullopt};
  EXPECT_EQ(p->Exec(o, req, s).status().code(), Code::kUnsupported);
  EXPECT_TRUE(fake_.requests().empty());
}

}  // namespace
}  // namespace sesame::providers::e2b
