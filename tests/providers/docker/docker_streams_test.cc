// Output and input of docker sandboxes against a real engine: logs, exec,
// attach and published ports.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/mutex.h"
#include "tests/providers/docker/engine_fixture.h"

namespace sesame::providers::docker::testing {
namespace {

class DockerStreamsTest : public EngineTest {};

// Output collected from a provider's stream callbacks.
struct Collected {
  Mutex mutex;
  std::string out, err;
  Streams streams;
  Collected() {
    streams.on_stdout = [this](std::string_view d) {
      MutexLock lock(mutex);
      out.append(d);
    };
    streams.on_stderr = [this](std::string_view d) {
      MutexLock lock(mutex);
      err.append(d);
    };
  }
  std::string Out() {
    MutexLock lock(mutex);
    return out;
  }
};

// Streams that feed `input` once, then end stdin.
void FeedOnce(Streams& streams, std::string input) {
  auto sent = std::make_shared<bool>(false);
  streams.read_stdin = [sent, input](std::string& chunk) {
    if (*sent) return false;
    *sent = true;
    chunk = input;
    return true;
  };
}

// GET / over plain TCP; the response, or empty.
std::string HttpGet(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string req = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) response.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return response;
}

TEST_F(DockerStreamsTest, LogsSplitStdoutAndStderr) {
  Observed o = MustCreate(Request("logs", {"sh", "-c", "echo out1; echo err1 >&2; echo out2; exec sleep 60"}));
  Collected c;
  ASSERT_TRUE(WaitFor([&] {
    Collected now;
    EXPECT_TRUE(provider_->Logs(o, {}, now.streams).ok());
    return now.Out() == "out1\nout2\n" && now.err == "err1\n";
  }));
  LogOptions tail;
  tail.tail = 1;
  Collected last;
  ASSERT_TRUE(provider_->Logs(o, tail, last.streams).ok());
  // One line (the engine orders stdout and stderr lines by arrival).
  std::string one = last.Out() + last.err;
  EXPECT_TRUE(one == "out2\n" || one == "err1\n") << one;
  LogOptions stamped;
  stamped.timestamps = true;
  Collected with_time;
  ASSERT_TRUE(provider_->Logs(o, stamped, with_time.streams).ok());
  EXPECT_NE(with_time.Out().find("Z out1\n"), std::string::npos) << with_time.Out();
}

TEST_F(DockerStreamsTest, FollowEndsWhenTheSessionEnds) {
  Observed o = MustCreate(Request("follow", {"sh", "-c", "echo a; sleep 1; echo b"}));
  LogOptions follow;
  follow.follow = true;
  Collected c;
  ASSERT_TRUE(provider_->Logs(o, follow, c.streams).ok());
  EXPECT_EQ(c.Out(), "a\nb\n");
}

TEST_F(DockerStreamsTest, FollowStopsWhenCancelled) {
  Observed o = MustCreate(Request("cancel", {"sh", "-c", "echo hi; exec sleep 60"}));
  LogOptions follow;
  follow.follow = true;
  Collected c;
  auto start = std::chrono::steady_clock::now();
  c.streams.cancelled = [&] { return std::chrono::steady_clock::now() - start > Millis(1500); };
  ASSERT_TRUE(provider_->Logs(o, follow, c.streams).ok());
  EXPECT_EQ(c.Out(), "hi\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, Millis(5000));
}

TEST_F(DockerStreamsTest, ExecWithStdinAndExitCode) {
  Observed o = MustCreate(Request("exec"));
  ExecRequest exec;
  exec.command = {"sh", "-c", "cat; echo oops >&2; exit 3"};
  exec.stdin_open = true;
  exec.env = {{"GREETING", "hi"}};
  Collected c;
  FeedOnce(c.streams, std::string(100000, 'x') + "\nend\n");
  Result<int> code = provider_->Exec(o, exec, c.streams);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 3);
  EXPECT_EQ(c.Out(), std::string(100000, 'x') + "\nend\n");
  EXPECT_EQ(c.err, "oops\n");

  exec.command = {"sh", "-c", "echo $GREETING"};
  exec.stdin_open = false;
  Collected env;
  ASSERT_EQ(*provider_->Exec(o, exec, env.streams), 0);
  EXPECT_EQ(env.Out(), "hi\n");

  // stdin open but nothing to read: the command sees end of input at once.
  exec.command = {"cat"};
  exec.stdin_open = true;
  Collected empty;
  ASSERT_EQ(*provider_->Exec(o, exec, empty.streams), 0);
  EXPECT_EQ(empty.Out(), "");

  Observed after = MustObserve(o.uid);
  ASSERT_TRUE(after.last_activity.has_value());
}

TEST_F(DockerStreamsTest, ExecTimesOut) {
  Observed o = MustCreate(Request("exec-timeout"));
  ExecRequest exec;
  exec.command = {"sleep", "30"};
  exec.timeout = Millis(500);
  Streams streams;
  auto start = std::chrono::steady_clock::now();
  Result<int> code = provider_->Exec(o, exec, streams);
  ASSERT_FALSE(code.ok());
  EXPECT_EQ(code.status().reason(), "Timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, Millis(5000));
}

TEST_F(DockerStreamsTest, AttachWritesToTheSessionsStdin) {
  SandboxRequest r = Request("attach", {"sh", "-c", "read line; echo got:$line"});
  r.spec.stdin_open = true;
  r.field_hashes = FieldHashes(r.spec);
  Observed o = MustCreate(r);
  EXPECT_TRUE(provider_->capabilities().stdin);
  Collected c;
  FeedOnce(c.streams, "hello\n");
  ASSERT_TRUE(provider_->Attach(o, c.streams).ok());
  EXPECT_EQ(c.Out(), "got:hello\n");
  ASSERT_TRUE(WaitFor([&] { return MustObserve(r.uid).state == ResourceState::kExited; }));
  EXPECT_EQ(MustObserve(r.uid).exit_code, 0);
}

TEST_F(DockerStreamsTest, PublishedPortAnswersOnLoopback) {
  SandboxRequest r = Request("ports", {"sh", "-c", "mkdir -p /www && echo hello-from-sandbox > /www/index.html && exec httpd -f -p 8080 -h /www"});
  r.spec.ports = {8080};
  r.field_hashes = FieldHashes(r.spec);
  Observed o = MustCreate(r);
  ASSERT_EQ(o.endpoints.size(), 1u);
  EXPECT_EQ(o.endpoints[0].port, 8080);
  ASSERT_TRUE(o.endpoints[0].url.starts_with("http://127.0.0.1:")) << o.endpoints[0].url;
  int host_port = std::stoi(o.endpoints[0].url.substr(17));
  EXPECT_NE(host_port, 8080);
  std::string response;
  ASSERT_TRUE(WaitFor([&] {
    response = HttpGet(host_port);
    return response.find("hello-from-sandbox") != std::string::npos;
  })) << response;
  EXPECT_EQ(provider_->capabilities().in_place_fields.count("ports"), 0u);
}

}  // namespace
}  // namespace sesame::providers::docker::testing
