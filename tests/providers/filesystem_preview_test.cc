// Dynamic previews of filesystem sandboxes (Provider::PreviewUrl): host
// loopback when unsecured; a forwarder into the sandbox's own network
// namespace when secured (there the host's loopback is another one).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/unique_fd.h"
#include "providers/filesystem/filesystem_provider.h"
#include "security/policy.h"
#include "security/probe.h"
#include "tests/providers/temp_dir.h"

namespace sesame::providers::filesystem {
namespace {

// GET / at "http://127.0.0.1:PORT"; the response, or empty.
std::string HttpGet(const std::string& url) {
  const std::string prefix = "http://127.0.0.1:";
  if (!url.starts_with(prefix)) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(url.substr(prefix.size()))));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "";
  std::string request = "GET / HTTP/1.0\r\nHost: preview\r\n\r\n";
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0) return "";
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
  return response;
}

bool Eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 200; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(Millis(50));
  }
  return condition();
}

class FilesystemPreviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FilesystemOptions o;
    o.state_root = tmp_.Sub("run");
    o.supervisor_command = {SESAME_TEST_SUPERVISOR};
    o.cgroup_root = tmp_.Sub("no-cgroup");
    o.stop_timeout = Millis(2000);
    provider_ = NewFilesystemProvider(o);
  }
  void TearDown() override {
    for (const std::string& uid : created_) {
      Observed o;
      o.uid = uid;
      (void)provider_->Delete(o);
    }
  }
  // A sandbox serving its workspace over HTTP on `port` (python3).
  SandboxRequest Serving(const std::string& uid, int port) {
    SandboxRequest r;
    r.uid = uid;
    r.key = {"Sandbox", "default", "preview-" + uid};
    r.workspace_dir = tmp_.Sub("ws-" + uid);
    std::filesystem::create_directories(r.workspace_dir);
    std::ofstream(r.workspace_dir + "/index.html") << "served-" << uid << "\n";
    r.spec.command = {"python3", "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1"};
    return r;
  }
  Observed Create(const SandboxRequest& r) {
    Result<Observed> o = provider_->Create(r);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    created_.push_back(r.uid);
    return o.ok() ? *o : Observed{};
  }

  testing::TempDir tmp_;
  std::unique_ptr<Provider> provider_;
  std::vector<std::string> created_;
};

TEST_F(FilesystemPreviewTest, UnsecuredSandboxIsOnTheHostLoopback) {
  Observed o = Create(Serving("plain", 39171));
  Result<std::string> url = provider_->PreviewUrl(o, 39171);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(*url, "http://127.0.0.1:39171");
  std::string response;
  EXPECT_TRUE(Eventually([&] { return (response = HttpGet(*url)).find("served-plain") != std::string::npos; }))
      << response;
}

TEST_F(FilesystemPreviewTest, SecuredSandboxIsReachedThroughItsNetworkNamespace) {
  ASSERT_NE(security::CachedProbe().backend, security::Backend::kNone)
      << "no OS-level sandboxing here: " << security::CachedProbe().problem;
  SandboxRequest r = Serving("secured", 39172);
  security::PolicyInput in;
  in.spec = &r.spec;
  in.workspace = r.workspace_dir;
  in.home = tmp_.Sub("home");
  in.sesame_home = tmp_.Sub("sesame-home");
  r.policy = security::ComputePolicy(in);
  ASSERT_TRUE(r.policy.enabled);
  Observed o = Create(r);
  ASSERT_TRUE(o.security.has_value() && o.security->enforced) << o.message;
  // Not on the host's loopback: the sandbox has a network of its own.
  EXPECT_EQ(HttpGet("http://127.0.0.1:39172"), "");
  Result<std::string> url = provider_->PreviewUrl(o, 39172);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  std::string response;
  EXPECT_TRUE(Eventually([&] { return (response = HttpGet(*url)).find("served-secured") != std::string::npos; }))
      << *url << ": " << response;
}

}  // namespace
}  // namespace sesame::providers::filesystem
