// The Vercel provider against the fake Vercel Sandbox API (v1).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "providers/vercel/vercel_provider.h"
#include "tests/providers/fakes/http_recorder.h"
#include "tests/providers/fakes/vercel_fake.h"

namespace sesame::providers::vercel {
namespace {

using fakes::Fault;
using fakes::VercelFake;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kToken[] = "vercel_test_token_xyz";
constexpr char kTeam[] = "team_abc";
constexpr char kProject[] = "prj_123";
constexpr char kSecret[] = "s3cr3t-env-value";

class VercelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sesame-vercel-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    fake_.Start();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Provider> NewProvider(std::string token = kToken) {
    VercelOptions o;
    o.token = token;
    o.team_id = kTeam;
    o.project_id = kProject;
    o.api_url = fake_.url();
    o.state_dir = dir_.string();
    http_.Configure(o.http);
    return NewVercelProvider(std::move(o));
  }

  SandboxRequest Request(const std::string& uid = "uid-1") {
    SandboxRequest r;
    r.key = {"Sandbox", "default", "box-" + uid};
    r.uid = uid;
    r.spec.provider = "vercel";
    r.spec.runtime = "node22";
    r.spec.command = {"node", "server.js"};
    r.spec.ports = {3000, 8080};
    r.spec.resources.cpu = specs::Quantity{"4", 4000};
    r.spec.lifetime.ttl = specs::Duration{"1h", std::chrono::hours(1)};
    r.env = {{"API_TOKEN", kSecret}};
    r.field_hashes = FieldHashes(r.spec);
    return r;
  }

  std::filesystem::path dir_;
  VercelFake fake_{kToken, kTeam};
  fakes::HttpRecorder http_;
};

TEST_F(VercelTest, FullLifecycle) {
  auto p = NewProvider();
  EXPECT_FALSE(p->capabilities().suspend);
  EXPECT_EQ(p->capabilities().in_place_fields.count("ports"), 0u);
  auto created = p->Create(Request());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->state, ResourceState::kRunning);
  ASSERT_EQ(created->endpoints.size(), 2u);
  EXPECT_NE(created->endpoints[0].url.find(".vercel.run"), std::string::npos);

  auto reqs = fake_.requests();
  auto post = std::find_if(reqs.begin(), reqs.end(), [](auto& r) { return r.method == "POST" && r.path == "/v1/sandboxes"; });
  ASSERT_NE(post, reqs.end());
  EXPECT_EQ(post->Param("teamId"), kTeam);
  EXPECT_EQ(post->Header("Authorization"), std::string("Bearer ") + kToken);
  json body = json::parse(post->body);
  EXPECT_EQ(body["projectId"], kProject);
  EXPECT_EQ(body["runtime"], "node22");
  EXPECT_EQ(body["resources"]["vcpus"], 4);
  EXPECT_EQ(body["timeout"], 3600000);
  EXPECT_EQ(body["ports"], json::array({3000, 8080}));
  EXPECT_EQ(body["env"]["API_TOKEN"], kSecret);
  // The session runs as a command, wrapped to keep its output.
  auto sb = fake_.sandbox(created->id);
  ASSERT_EQ(sb->commands.size(), 1u);
  EXPECT_EQ(sb->commands[0][0], "bash");
  EXPECT_NE(sb->commands[0][2].find("server.js"), std::string::npos);

  fake_.ClearRequests();
  auto o = p->Observe("uid-1");
  ASSERT_TRUE(o.ok() && o->has_value()) << o.status().ToString();
  EXPECT_EQ(fake_.CountRequests(""), 1);
  EXPECT_EQ((*o)->field_hashes, Request().field_hashes);

  SandboxRequest longer = Request();
  longer.spec.lifetime.ttl = specs::Duration{"3h", std::chrono::hours(3)};
  longer.field_hashes = FieldHashes(longer.spec);
  ASSERT_TRUE(p->Update(**o, longer).ok());
  EXPECT_GE(fake_.sandbox(created->id)->timeout, 3 * 3600000 - 5000);
  EXPECT_EQ((*p->Observe("uid-1"))->field_hashes.at("lifetime"), longer.field_hashes.at("lifetime"));

  EXPECT_EQ(p->Suspend(**o).code(), Code::kUnsupported);

  fake_.exec = [](fakes::VercelSandbox&, const std::vector<std::string>& argv) {
    return fakes::ExecOutput{"héllo wörld from " + argv[0] + "\n", "warn\n", 4};
  };
  std::string out, err;
  Streams s;
  s.on_stdout = [&](std::string_view c) { out += c; };
  s.on_stderr = [&](std::string_view c) { err += c; };
  auto code = p->Exec(**o, {{"ls", "-l"}, {}, false, std::nullopt}, s);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 4);
  EXPECT_EQ(out, "héllo wörld from ls\n");
  EXPECT_EQ(err, "warn\n");

  ASSERT_TRUE(p->WriteFile(**o, "notes/a.txt", "content\n").ok());
  EXPECT_EQ(fake_.sandbox(created->id)->files["/vercel/sandbox/notes/a.txt"], "content\n");
  fake_.SetFile(created->id, "/etc/x", "xx");
  EXPECT_EQ(*p->ReadFile(**o, "/etc/x"), "xx");
  EXPECT_EQ(p->ReadFile(**o, "/missing").status().code(), Code::kNotFound);

  ASSERT_TRUE(p->Delete(**o).ok());
  EXPECT_EQ(fake_.sandbox(created->id)->status, "stopped");
  EXPECT_FALSE(p->Observe("uid-1")->has_value());
  EXPECT_TRUE(p->Delete(**o).ok());  // 410: already stopped
  http_.ExpectNotLogged({kToken, kSecret});
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(f.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text.find(kSecret), std::string::npos);
  }
}

TEST_F(VercelTest, ValidationBeforeAnyCall) {
  SandboxRequest r = Request();
  r.spec.ports = {1, 2, 3, 4, 5};
  auto c = NewProvider()->Create(r);
  EXPECT_EQ(c.status().code(), Code::kInvalid);
  EXPECT_NE(c.status().message().find("at most 4 ports"), std::string::npos);
  r = Request();
  r.spec.resources.cpu = specs::Quantity{"3", 3000};
  EXPECT_EQ(NewProvider()->Create(r).status().code(), Code::kInvalid);
  EXPECT_EQ(NewProvider("")->Create(Request()).status().reason(), "MissingCredentials");
  EXPECT_EQ(fake_.CountRequests(""), 0);
}

TEST_F(VercelTest, ErrorBodiesBecomeClearStatuses) {
  auto c = NewProvider("bad")->Create(Request());
  EXPECT_EQ(c.status().code(), Code::kTerminal);
  EXPECT_EQ(c.status().reason(), "Unauthorized");
  SandboxRequest r = Request("uid-r");
  r.spec.runtime = "ruby";
  c = NewProvider()->Create(r);
  EXPECT_EQ(c.status().code(), Code::kInvalid);
  EXPECT_NE(c.status().message().find("Invalid runtime"), std::string::npos);
  fake_.InjectFault("POST /v1/sandboxes", Fault{.status = 402, .body = R"({"error":{"code":"payment_required","message":"Billing blocked"}})"});
  c = NewProvider()->Create(Request("uid-p"));
  EXPECT_EQ(c.status().code(), Code::kTerminal);
  EXPECT_EQ(c.status().reason(), "PaymentRequired");
  fake_.InjectFault("POST /v1/sandboxes", Fault{.status = 429, .body = R"({"error":{"code":"too_many_requests","message":"Concurrency limit exceeded"}})",
                                                .headers = {{"Retry-After", "60"}}});
  c = NewProvider()->Create(Request("uid-c"));
  EXPECT_EQ(c.status().code(), Code::kRateLimited);
  EXPECT_EQ(c.status().retry_after_ms(), 60000);
}

TEST_F(VercelTest, RateLimitAndServerErrorsCreateOnce) {
  fake_.InjectFault("POST /v1/sandboxes", Fault{.status = 429, .body = R"({"error":{"code":"rate_limited","message":"slow down"}})",
                                                .headers = {{"Retry-After", "1"}}});
  fake_.InjectFault("POST /v1/sandboxes", Fault{.status = 500, .body = R"({"error":{"code":"internal","message":"oops"}})"});
  auto c = NewProvider()->Create(Request());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(fake_.sandboxes().size(), 1u);
}

TEST_F(VercelTest, RestartMidCreateAdoptsFromTheIntent) {
  http_.total_timeout = milliseconds(300);
  // The create's answer is lost (timeout) and the lookup fails: the
  // controller gives up (or dies) with only the intent on disk.
  fake_.InjectFault("POST /v1/sandboxes", Fault{.delay = milliseconds(500)});
  fake_.InjectFault("GET /v1/sandboxes", Fault{.status = 503, .body = R"({"error":{"code":"unavailable","message":"x"}})", .times = 100});
  auto first = NewProvider()->Create(Request());
  ASSERT_FALSE(first.ok());
  std::this_thread::sleep_for(milliseconds(400));  // the late create lands
  ASSERT_EQ(fake_.sandboxes().size(), 1u);
  EXPECT_EQ(fake_.CountRequests("POST /v1/sandboxes"), 1);
  fake_.ClearFaults();
  fakes::VercelSandbox other;  // someone else's, another shape: not adopted
  other.project = kProject;
  other.runtime = "python3.13";
  fake_.Add(other);
  // A new controller with the same journal.
  auto p = NewProvider();
  auto o = p->Observe("uid-1");
  ASSERT_TRUE(o.ok() && o->has_value()) << o.status().ToString();
  auto c = p->Create(Request());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->id, (*o)->id);
  EXPECT_EQ(fake_.sandboxes().size(), 2u);  // ours, adopted, and the other one
  // The session that never started is launched by the adopting controller.
  EXPECT_EQ(fake_.sandbox(c->id)->commands.size(), 1u);
  EXPECT_EQ(fake_.sandbox(c->id)->runtime, "node22");
}

TEST_F(VercelTest, ListOwnedPaginatesAndFindsOnlyJournaled) {
  for (int i = 0; i < 150; ++i) {
    fakes::VercelSandbox s;
    s.project = kProject;
    fake_.Add(s);
  }
  auto p = NewProvider();
  ASSERT_TRUE(p->Create(Request("a")).ok());
  ASSERT_TRUE(p->Create(Request("b")).ok());
  fake_.ClearRequests();
  auto owned = NewProvider()->ListOwned();
  ASSERT_TRUE(owned.ok()) << owned.status().ToString();
  EXPECT_EQ(owned->size(), 2u);
  EXPECT_EQ(fake_.CountRequests("GET /v1/sandboxes"), 2);
  EXPECT_FALSE(fake_.requests().back().Param("until").empty());
}

TEST_F(VercelTest, NdjsonSurvivesOddChunkBoundaries) {
  auto p = NewProvider();
  auto c = p->Create(Request());
  ASSERT_TRUE(c.ok());
  std::string expected;
  for (int i = 0; i < 30; ++i) expected += "line " + std::to_string(i) + " \xe2\x9c\x93\n";
  fake_.exec = [&](fakes::VercelSandbox&, const std::vector<std::string>&) {
    return fakes::ExecOutput{expected, "", 0};
  };
  for (size_t chunk : {1, 2, 3, 7, 13, 100000}) {
    fake_.chunk_size = chunk;
    std::string out;
    Streams s;
    s.on_stdout = [&](std::string_view d) { out += d; };
    auto code = p->Exec(*c, {{"cat"}, {}, false, std::nullopt}, s);
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    EXPECT_EQ(out, expected) << chunk;
  }
}

TEST_F(VercelTest, MalformedJsonStdinAndTimeouts) {
  fake_.InjectFault("POST /v1/sandboxes", Fault{.status = 200, .body = R"({"sandbox": [1,2]})"});
  EXPECT_EQ(NewProvider()->Create(Request()).status().reason(), "MalformedResponse");
  Observed o;
  o.id = "x";
  Streams s;
  EXPECT_EQ(NewProvider()->Attach(o, s).code(), Code::kUnsupported);
  EXPECT_EQ(NewProvider()->Exec(o, {{"cat"}, {}, true, std::nullopt}, s).status().code(), Code::kUnsupported);
  auto c = NewProvider()->Create(Request("uid-t"));
  ASSERT_TRUE(c.ok());
  http_.total_timeout = milliseconds(300);
  fake_.InjectFault("GET /v1/sandboxes/", Fault{.delay = milliseconds(1000)});
  auto seen = NewProvider()->Observe("uid-t");
  ASSERT_TRUE(seen.ok() && seen->has_value()) << seen.status().ToString();
}

}  // namespace
}  // namespace sesame::providers::vercel
