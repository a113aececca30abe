// The filtering proxy against local upstream servers on loopback, with an
// injected resolver standing in for DNS.
#include "security/proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "common/unique_fd.h"
#include "security/relay.h"
#include "tests/security/loopback_upstream.h"

namespace sesame::security {
namespace {

int Port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// Answers every connection's request with "ok".
class Upstream : public LoopbackUpstream {
 public:
  Upstream() : LoopbackUpstream("ok") {}
};

class ProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proxy_test.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    log_ = std::make_unique<ViolationLog>(dir_);
  }
  void TearDown() override {
    proxy_.reset();
    std::string cmd = "rm -rf " + dir_;
    [[maybe_unused]] int rc = std::system(cmd.c_str());
  }
  void Start(NetworkPolicy policy) {
    int listener = ListenLoopback(0);
    proxy_port_ = Port(listener);
    ProxyOptions o;
    o.policy = std::move(policy);
    o.violations = log_.get();
    o.resolve = [](const std::string& host, int port) {
      std::vector<sockaddr_storage> out;
      sockaddr_storage ss{};
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      in->sin_family = AF_INET;
      in->sin_port = htons(static_cast<uint16_t>(port));
      // rebind.test: a name whose address is loopback (as a rebinding
      // attacker's DNS would answer the second time).
      ::inet_pton(AF_INET, host == "public.test" ? "1.1.1.1" : "127.0.0.1", &in->sin_addr);
      out.push_back(ss);
      return out;
    };
    proxy_ = StartProxy({listener}, std::move(o));
  }
  // Sends `data` to the proxy and returns everything it answers.
  std::string Exchange(const std::string& data) {
    UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(proxy_port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "connect failed";
    SendAll(s.get(), data);
    std::string out;
    char buf[4096];
    timeval tv{3, 0};
    ::setsockopt(s.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n;
    while ((n = ::read(s.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  std::string Violations() {
    std::ifstream in(dir_ + "/violations.jsonl");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string dir_;
  std::unique_ptr<ViolationLog> log_;
  std::unique_ptr<Proxy> proxy_;
  int proxy_port_ = 0;
};

TEST_F(ProxyTest, ConnectToAnAllowedAddressTunnels) {
  Upstream up;
  Start({{"127.0.0.1:" + std::to_string(up.port())}, {}});
  std::string target = "127.0.0.1:" + std::to_string(up.port());
  std::string r = Exchange("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\nGET / HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("200 Connection Established"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\n\r\nok"), std::string::npos) << r;
  EXPECT_EQ(Violations(), "");
}

TEST_F(ProxyTest, AbsoluteUriRequestsAreForwarded) {
  Upstream up;
  Start({{"127.0.0.1"}, {}});
  std::string r = Exchange("GET http://127.0.0.1:" + std::to_string(up.port()) +
                           "/x HTTP/1.1\r\nProxy-Connection: keep-alive\r\n\r\n");
  EXPECT_NE(r.find("200 OK"), std::string::npos) << r;
  EXPECT_NE(r.find("ok"), std::string::npos);
}

TEST_F(ProxyTest, UnlistedDomainIsRefusedWith403AndRecorded) {
  Start({{"allowed.test"}, {}});
  std::string r = Exchange("CONNECT denied.test:443 HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("403 Forbidden"), std::string::npos) << r;
  EXPECT_NE(r.find("X-Proxy-Error: blocked-by-allowlist"), std::string::npos) << r;
  std::string v = Violations();
  EXPECT_NE(v.find("\"kind\":\"network\""), std::string::npos) << v;
  EXPECT_NE(v.find("denied.test:443"), std::string::npos) << v;
}

TEST_F(ProxyTest, DenyListWins) {
  Start({{"*.example.com"}, {"bad.example.com"}});
  std::string r = Exchange("CONNECT bad.example.com:443 HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("blocked-by-denylist"), std::string::npos) << r;
}

TEST_F(ProxyTest, AllowedNameResolvingToLoopbackIsRefused) {
  Upstream up;
  Start({{"rebind.test", "localhost"}, {}});
  std::string r = Exchange("CONNECT rebind.test:" + std::to_string(up.port()) + " HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("blocked-by-private-ip"), std::string::npos) << r;
  r = Exchange("GET http://localhost:" + std::to_string(up.port()) + "/ HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("blocked-by-private-ip"), std::string::npos) << r;
  EXPECT_NE(Violations().find("blocked-by-private-ip"), std::string::npos);
}

TEST_F(ProxyTest, MetadataAddressIsRefused) {
  Start({{"*.example.com"}, {}});
  std::string r = Exchange("GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("403"), std::string::npos) << r;
}

TEST_F(ProxyTest, Socks5AllowsAndRefuses) {
  Upstream up;
  Start({{"127.0.0.1"}, {}});
  std::string allowed("\x05\x01\x00\x05\x01\x00\x01\x7f\x00\x00\x01", 11);
  allowed += static_cast<char>(up.port() >> 8);
  allowed += static_cast<char>(up.port() & 0xff);
  std::string r = Exchange(allowed + "GET / HTTP/1.1\r\n\r\n");
  ASSERT_GE(r.size(), 12u);
  EXPECT_EQ(r[3], '\x00');  // reply code: succeeded
  EXPECT_NE(r.find("ok"), std::string::npos);
  std::string name = "denied.test";
  std::string denied("\x05\x01\x00\x05\x01\x00\x03", 7);
  denied += static_cast<char>(name.size());
  denied += name + std::string("\x01\xbb", 2);
  r = Exchange(denied);
  ASSERT_GE(r.size(), 4u);
  EXPECT_EQ(r[3], '\x02');  // not allowed by ruleset
  EXPECT_NE(Violations().find("socks5"), std::string::npos);
}

TEST_F(ProxyTest, ViolationLogIsBounded) {
  ViolationLog small(dir_, 8);
  for (int i = 0; i < 20; ++i) small.Append({"network", "connect", "x:" + std::to_string(i), "r"});
  std::ifstream in(dir_ + "/violations.jsonl");
  int lines = 0;
  std::string line, last;
  while (std::getline(in, line)) ++lines, last = line;
  EXPECT_LE(lines, 8);
  EXPECT_NE(last.find("\"seq\":20"), std::string::npos) << last;
  std::ifstream dropped(dir_ + "/violations.dropped");
  int n = 0;
  dropped >> n;
  EXPECT_EQ(n + lines, 20);
}

}  // namespace
}  // namespace sesame::security
