// The API's limits hold while a body is read: a body past --max-body gets
// 413 (chunked or sized) before more than the limit is held, all bodies
// together stay under --max-buffered, a client that goes away frees what
// its request held, and number parameters are checked, not read as 0.
#include <fstream>
#include <regex>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/raw_http.h"

namespace sesame::e2e {
namespace {

constexpr size_t kMiB = 1 << 20;

std::string Post(const std::string& path, const std::string& extra_headers) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/yaml\r\n" + extra_headers +
         "\r\n";
}

// Kilobytes from /proc/PID/status (VmHWM: the peak resident size).
long StatusKb(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

class ApiLimitsTest : public E2eTest {
 protected:
  void Start(const std::vector<std::string>& extra = {}) {
    controller_ = StartController(extra);
    url_ = ServerUrl();
    ASSERT_FALSE(url_.empty()) << ControllerLogs();
  }
  std::string Request(const std::string& text) {
    RawHttp http(url_);
    EXPECT_TRUE(http.Send(text));
    return http.ReadResponse();
  }
  // A gauge's value from GET /metrics (-1 when absent).
  double Gauge(const std::string& name) {
    std::string body = BodyOf(Request("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    std::smatch m;
    if (!std::regex_search(body, m, std::regex("\n" + name + " ([0-9.e+]+)\n"))) return -1;
    return std::stod(m[1]);
  }
  std::unique_ptr<testing::BackgroundProcess> controller_;
  std::string url_;
};

TEST_F(ApiLimitsTest, ChunkedBodyPastTheLimitGets413AndMemoryStaysFlat) {
  Start();
  long before = StatusKb(controller_->pid(), "VmHWM");
  ASSERT_GT(before, 0);
  RawHttp http(url_);
  ASSERT_TRUE(http.Send(Post("/v1/apply", "Transfer-Encoding: chunked\r\n")));
  size_t sent = http.SendChunksUntilAnswered(64 * 1024, 100 * kMiB);
  std::string response = http.ReadResponse();
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_NE(BodyOf(response).find("\"kind\":\"Status\""), std::string::npos) << response;
  EXPECT_EQ(HeaderOf(response, "Connection"), "close");
  // Refused near the 8 MiB limit, not after the whole 100 MiB.
  EXPECT_LT(sent, 40 * kMiB);
  long after = StatusKb(controller_->pid(), "VmHWM");
  EXPECT_LT(after - before, 48 * 1024) << "peak RSS grew from " << before << " kB to " << after << " kB";
  // The server goes on serving.
  EXPECT_EQ(Sesame({"get", "sandboxes"}).exit_code, 0);
  EXPECT_EQ(StatusOf(Request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

TEST_F(ApiLimitsTest, SizedBodyPastTheLimitGets413BeforeItIsSent) {
  Start({"--max-body", "1Mi"});
  RawHttp http(url_);
  ASSERT_TRUE(http.Send(Post("/v1/apply", "Content-Length: 104857600\r\n") + std::string(1000, 'a')));
  std::string response = http.ReadResponse();
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_NE(BodyOf(response).find("larger than 1048576 bytes"), std::string::npos) << response;
  // A client that asks first is told before it sends anything.
  RawHttp asking(url_);
  ASSERT_TRUE(asking.Send(Post("/v1/apply", "Content-Length: 104857600\r\nExpect: 100-continue\r\n")));
  std::string answer = asking.ReadResponse();
  EXPECT_EQ(StatusOf(answer), 413) << answer;
  // A body within the limit is read and handled as before.
  std::string yaml = "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: small\nspec:\n  provider: filesystem\n  command: [sleep, \"3600\"]\n";
  std::string ok = Request(Post("/v1/apply", "Content-Length: " + std::to_string(yaml.size()) + "\r\n") + yaml);
  EXPECT_EQ(StatusOf(ok), 200) << ok;
  EXPECT_EQ(Sesame({"get", "sandbox", "small", "-o", "name"}).out, "sandbox/small\n");
}

TEST_F(ApiLimitsTest, BodiesHeldTogetherStayUnderMaxBuffered) {
  Start({"--max-body", "1Mi", "--max-buffered", "2Mi"});
  // Two requests hold 900,000 bytes each, their bodies unfinished.
  RawHttp first(url_), second(url_);
  for (RawHttp* held : {&first, &second}) {
    ASSERT_TRUE(held->Send(Post("/v1/apply", "Content-Length: 1000000\r\n") + std::string(900000, 'a')));
  }
  ASSERT_TRUE(Eventually([&] { return Gauge("sesame_api_request_body_bytes") == 1800000; }, 30000))
      << Gauge("sesame_api_request_body_bytes");
  EXPECT_EQ(Gauge("sesame_api_requests_in_flight"), 3);  // the two, and this scrape
  // A third body would pass 2 MiB: refused, to be retried.
  std::string body(500000, 'a');
  std::string busy = Request(Post("/v1/apply", "Content-Length: 500000\r\n") + body);
  EXPECT_EQ(StatusOf(busy), 503) << busy;
  EXPECT_EQ(HeaderOf(busy, "Retry-After"), "1");
  // Clients that go away mid-body give back what they held.
  first.Close();
  second.Close();
  ASSERT_TRUE(Eventually([&] { return Gauge("sesame_api_request_body_bytes") == 0; }, 30000));
  EXPECT_TRUE(Eventually([&] { return Gauge("sesame_api_requests_in_flight") == 1; }, 30000));
  std::string accepted = Request(Post("/v1/apply", "Content-Length: 500000\r\n") + body);
  EXPECT_EQ(StatusOf(accepted), 422) << accepted;  // read in full, and not YAML
}

TEST_F(ApiLimitsTest, StreamsStopWhenTheClientGoesAway) {
  Start();
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: quiet\nspec:\n  provider: filesystem\n"
        "  command: [sleep, \"3600\"]\n");
  ASSERT_EQ(Sesame({"wait", "sandbox/quiet", "--timeout", "60s"}).exit_code, 0) << ControllerLogs();
  // An exec'd command that prints nothing, a watch with nothing to say,
  // and logs followed: all left by their clients.
  RawHttp exec(url_), watch(url_), logs(url_);
  ASSERT_TRUE(exec.Send(Post("/v1/namespaces/default/sandboxes/quiet/exec?command=sleep&command=3607",
                             "Content-Length: 0\r\n")));
  ASSERT_TRUE(watch.Send("GET /v1/namespaces/default/sandboxes?watch=true HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(logs.Send("GET /v1/namespaces/default/sandboxes/quiet/logs?follow=true HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto sleepers = [] { return testing::RunCommand({"pgrep", "-c", "-f", "^sleep 3607$"}).out; };
  ASSERT_TRUE(Eventually([&] { return sleepers() == "1\n"; }, 30000)) << sleepers();
  ASSERT_TRUE(Eventually([&] { return Gauge("sesame_api_open_streams") == 3; }, 30000))
      << Gauge("sesame_api_open_streams");
  exec.Close();
  watch.Close();
  logs.Close();
  EXPECT_TRUE(Eventually([&] { return Gauge("sesame_api_open_streams") == 0; }, 30000))
      << Gauge("sesame_api_open_streams");
  EXPECT_TRUE(Eventually([&] { return sleepers() == "0\n"; }, 30000)) << "the exec'd command still runs";
  EXPECT_EQ(Phase("quiet"), "Running");
}

TEST_F(ApiLimitsTest, NumberParametersAreCheckedNotReadAsZero) {
  Start();
  for (std::string path : {"/v1/namespaces/default/sandboxes?resourceVersion=abc",
                           "/v1/namespaces/default/sandboxes?watch=true&resourceVersion=12x",
                           "/v1/namespaces/default/violations?after=x1"}) {
    std::string response = Request("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(StatusOf(response), 400) << path << "\n" << response;
    auto body = nlohmann::json::parse(BodyOf(response), nullptr, false);
    ASSERT_TRUE(body.is_object()) << response;
    EXPECT_EQ(body["kind"], "Status");
    EXPECT_EQ(body["reason"], "BadRequest");
    EXPECT_NE(body["message"].get<std::string>().find("is not a whole number"), std::string::npos) << response;
  }
  std::string del = Request("DELETE /v1/namespaces/default/sandboxes/x?resourceVersion=abc HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(del), 400) << del;
  std::string preview = Request("GET /preview/default/x/99999999999/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(preview), 400) << preview;
}

TEST_F(ApiLimitsTest, NumberFlagsAreCheckedNotReadAsZero) {
  auto listen = Sesame({"controller", "--listen", ":77x7"});
  EXPECT_EQ(listen.exit_code, 2) << listen.err;
  EXPECT_NE(listen.err.find("--listen port: \"77x7\" is not a whole number from 0 to 65535"), std::string::npos)
      << listen.err;
  auto high = Sesame({"controller", "--listen", "127.0.0.1:70000"});
  EXPECT_EQ(high.exit_code, 2) << high.err;
  auto workers = Sesame({"controller", "--workers", "4x"});
  EXPECT_EQ(workers.exit_code, 2) << workers.err;
  EXPECT_NE(workers.err.find("--workers: \"4x\""), std::string::npos) << workers.err;
  auto tail = Sesame({"logs", "any", "--tail", "ten"});
  EXPECT_EQ(tail.exit_code, 2) << tail.err;
  EXPECT_NE(tail.err.find("--tail: \"ten\" is not a whole number"), std::string::npos) << tail.err;
}

}  // namespace
}  // namespace sesame::e2e
