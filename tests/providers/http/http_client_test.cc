// The shared HTTP layer against a local server: retries, Retry-After,
// timeouts, connection refused, streaming, redaction, the token bucket.

#include <gtest/gtest.h>

#include <atomic>

#include "common/mutex.h"
#include "providers/http/http_client.h"
#include "providers/http/http_status.h"
#include "providers/http/token_bucket.h"
#include "tests/providers/fakes/fake_server.h"

namespace sesame::providers::http {
namespace {

using fakes::Fault;
using fakes::FakeServer;
using fakes::SimpleResponse;
using std::chrono::milliseconds;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Handle("GET", "/ok", [](const fakes::RecordedRequest&) { return SimpleResponse{200, "hello"}; });
    server_.Handle("POST", "/create", [](const fakes::RecordedRequest&) { return SimpleResponse{201, "{}"}; });
    server_.Start();
  }
  std::unique_ptr<HttpClient> Client(HttpOptions o = {}) {
    o.name = "test";
    o.connect_timeout = milliseconds(500);
    o.total_timeout = milliseconds(300);
    o.initial_backoff = milliseconds(1);
    o.max_backoff = milliseconds(5);
    o.secrets = {"sk-very-secret-key"};
    o.sleep = [this](Millis d) {
      MutexLock lock(mu_);
      sleeps_.push_back(d);
    };
    o.log = [this](std::string_view line) {
      MutexLock lock(mu_);
      logs_.emplace_back(line);
    };
    return NewCurlHttpClient(std::move(o));
  }
  Request Get(const std::string& path) {
    Request r;
    r.url = server_.url() + path;
    return r;
  }

  FakeServer server_;
  Mutex mu_;
  std::vector<Millis> sleeps_;
  std::vector<std::string> logs_;
};

TEST_F(HttpClientTest, SendsAndReadsABody) {
  auto r = Client()->Send(Get("/ok"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("content-type"), "application/json");
}

TEST_F(HttpClientTest, RetriesServerErrorsThenSucceeds) {
  server_.InjectFault("GET /ok", Fault{.status = 503, .body = "{}", .times = 2});
  auto r = Client()->Send(Get("/ok"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(server_.CountRequests("GET /ok"), 3);
}

TEST_F(HttpClientTest, HonoursRetryAfterOn429) {
  server_.InjectFault("GET /ok", Fault{.status = 429, .body = R"({"code":429,"message":"Rate limit exceeded"})",
                                       .headers = {{"Retry-After", "2"}}});
  auto r = Client()->Send(Get("/ok"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  ASSERT_FALSE(sleeps_.empty());
  EXPECT_EQ(sleeps_.back(), milliseconds(2000));
}

TEST_F(HttpClientTest, LongRetryAfterComesBackAsRateLimited) {
  server_.InjectFault("GET /ok", Fault{.status = 429, .body = "{}", .headers = {{"Retry-After", "120"}}});
  auto r = Client()->Send(Get("/ok"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  Status s = StatusFromHttp(*r, "slow down");
  EXPECT_EQ(s.code(), Code::kRateLimited);
  EXPECT_EQ(s.retry_after_ms(), 120000);
}

TEST_F(HttpClientTest, RetriesATimeout) {
  server_.InjectFault("GET /ok", Fault{.delay = milliseconds(2000)});
  auto r = Client()->Send(Get("/ok"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
}

TEST_F(HttpClientTest, DoesNotRepeatANonIdempotentRequestAfterATimeout) {
  server_.InjectFault("POST /create", Fault{.delay = milliseconds(2000)});
  Request req = Get("/create");
  req.method = "POST";
  req.idempotent = false;
  auto r = Client()->Send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("no response within 300 ms"), std::string::npos);
  EXPECT_EQ(server_.CountRequests("POST /create"), 1);
}

TEST_F(HttpClientTest, NonIdempotentRequestIsRetriedOn429) {
  server_.InjectFault("POST /create", Fault{.status = 429, .body = "{}", .headers = {{"Retry-After", "1"}}});
  Request req = Get("/create");
  req.method = "POST";
  req.idempotent = false;
  auto r = Client()->Send(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(server_.CountRequests("POST /create"), 2);
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailableAfterRetries) {
  FakeServer closed;
  closed.Start();
  std::string url = closed.url() + "/ok";
  closed.Stop();
  Request req;
  req.url = url;
  auto r = Client()->Send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_EQ(sleeps_.size(), 4u);  // five attempts
}

TEST_F(HttpClientTest, StreamsChunksAsTheyArrive) {
  server_.Handle("GET", "/stream", [](const fakes::RecordedRequest&) {
    SimpleResponse r;
    r.content_type = "application/x-ndjson";
    r.chunks = {"{\"a\"", ":1}\n{", "\"b\":2}\n"};
    r.chunk_delay = milliseconds(5);
    return r;
  });
  std::string seen;
  int calls = 0;
  auto r = Client()->Stream(Get("/stream"), [&](std::string_view c) {
    seen += c;
    ++calls;
    return true;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seen, "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_GE(calls, 2);
}

TEST_F(HttpClientTest, StreamErrorBodyIsNotPassedToTheCallback) {
  server_.InjectFault("GET /ok", Fault{.status = 404, .body = "{\"message\":\"nope\"}"});
  bool called = false;
  auto r = Client()->Stream(Get("/ok"), [&](std::string_view) { return called = true; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_FALSE(called);
  EXPECT_EQ(r->body, "{\"message\":\"nope\"}");
}

TEST_F(HttpClientTest, SecretsAreRedactedFromLogsAndErrors) {
  Request req;
  req.url = "http://127.0.0.1:1/x?key=sk-very-secret-key";
  auto r = Client()->Send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("sk-very-secret-key"), std::string::npos);
  EXPECT_NE(r.status().message().find("[REDACTED]"), std::string::npos);
  ASSERT_FALSE(logs_.empty());
  for (const auto& line : logs_) {
    EXPECT_EQ(line.find("sk-very-secret-key"), std::string::npos) << line;
    EXPECT_NE(line.find("[test r"), std::string::npos) << line;  // request id
  }
}

TEST_F(HttpClientTest, CancelledStreamStops) {
  server_.Handle("GET", "/forever", [](const fakes::RecordedRequest&) {
    SimpleResponse r;
    r.chunks = std::vector<std::string>(200, "x");
    r.chunk_delay = milliseconds(10);
    return r;
  });
  std::atomic<int> n{0};
  Request req = Get("/forever");
  req.timeout = Millis(0);
  req.cancelled = [&] { return n.load() >= 3; };
  auto r = Client()->Stream(req, [&](std::string_view) { ++n; return true; });
  ASSERT_FALSE(r.ok()) << r->status << " " << n.load() << " " << r->body.size();
  EXPECT_EQ(r.status().reason(), "Cancelled");
  EXPECT_LT(n.load(), 50);
}

class FakeClock final : public Clock {
 public:
  Time Now() const override { return Time() + (steady - std::chrono::steady_clock::time_point()); }
  std::chrono::steady_clock::time_point SteadyNow() const override { return steady; }
  std::chrono::steady_clock::time_point steady{};
};

TEST(TokenBucketTest, AllowsABurstThenPacesRequests) {
  FakeClock clock;
  TokenBucket bucket(10, 3, clock, [](Millis) {});
  EXPECT_EQ(bucket.Reserve(), Millis(0));
  EXPECT_EQ(bucket.Reserve(), Millis(0));
  EXPECT_EQ(bucket.Reserve(), Millis(0));
  EXPECT_EQ(bucket.Reserve(), Millis(100));
  EXPECT_EQ(bucket.Reserve(), Millis(200));
  clock.steady += std::chrono::seconds(1);
  EXPECT_EQ(bucket.Reserve(), Millis(0));
}

TEST(HttpStatusTest, MapsCodes) {
  Response r;
  r.status = 401;
  EXPECT_EQ(StatusFromHttp(r, "x").code(), Code::kTerminal);
  EXPECT_EQ(StatusFromHttp(r, "x").reason(), "Unauthorized");
  r.status = 400;
  EXPECT_EQ(StatusFromHttp(r, "x").code(), Code::kInvalid);
  r.status = 503;
  EXPECT_EQ(StatusFromHttp(r, "x").code(), Code::kUnavailable);
  r.status = 429;
  EXPECT_EQ(StatusFromHttp(r, "x").retry_after_ms(), 1000);
  EXPECT_EQ(MissingCredentials("e2b", "E2B_API_KEY").reason(), "MissingCredentials");
  EXPECT_EQ(CamelCaseReason("sandbox_capacity_unavailable"), "SandboxCapacityUnavailable");
}

}  // namespace
}  // namespace sesame::providers::http
