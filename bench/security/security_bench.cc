// Prints: the median time for the filesystem provider to start /bin/true
// with OS-level security on and off (Create returns once the command runs),
// and the filtering proxy's throughput for 100 MB over loopback next to a
// direct connection. Usage: bench_security [runs] (default 30).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "common/unique_fd.h"
#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/supervisor_command.h"
#include "security/policy.h"
#include "security/proxy.h"
#include "security/relay.h"

namespace sesame::security {
namespace {

using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double Ms(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::vector<double> StartTimes(providers::Provider& p, const std::string& base, bool secured, int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    providers::SandboxRequest r;
    r.uid = std::string(secured ? "sec-" : "plain-") + std::to_string(i);
    r.key = {"Sandbox", "default", r.uid};
    r.spec.command = {"/bin/true"};
    r.workspace_dir = base + "/sandboxes/" + r.uid;
    PolicyInput in;
    in.spec = &r.spec;
    in.workspace = r.workspace_dir;
    in.home = base + "/home";
    in.sesame_home = base;
    if (secured) r.policy = ComputePolicy(in);
    auto start = SteadyClock::now();
    auto o = p.Create(r);
    auto end = SteadyClock::now();
    if (!o.ok()) {
      std::fprintf(stderr, "create failed: %s\n", o.status().ToString().c_str());
      continue;
    }
    times.push_back(Ms(end - start));
    (void)p.Delete(*o);
  }
  return times;
}

int Port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

int Connect(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  return s;
}

// Seconds to receive `bytes` from a server that sends them on connect,
// directly or through the proxy (CONNECT).
double Transfer(int server_port, int proxy_port, size_t bytes) {
  UniqueFd s(Connect(proxy_port ? proxy_port : server_port));
  auto start = SteadyClock::now();
  std::vector<char> buf(1 << 18);
  if (proxy_port) {
    std::string target = "127.0.0.1:" + std::to_string(server_port);
    SendAll(s.get(), "CONNECT " + target + " HTTP/1.1\r\n\r\n");
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(s.get(), buf.data(), 1);
      if (n <= 0) return -1;
      head.append(buf.data(), 1);
    }
  }
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = ::read(s.get(), buf.data(), buf.size());
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  return got == bytes ? std::chrono::duration<double>(SteadyClock::now() - start).count() : -1;
}

}  // namespace
}  // namespace sesame::security

int main(int argc, char** argv) {
  using namespace sesame::security;
  int runs = argc > 1 ? std::atoi(argv[1]) : 30;
  char tmpl[] = "/var/tmp/bench_security.XXXXXX";
  std::string base = ::mkdtemp(tmpl);
  fs::create_directories(base + "/home");
  sesame::providers::filesystem::FilesystemOptions options;
  options.state_root = base + "/run";
  options.supervisor_command = sesame::providers::filesystem::SupervisorCommandFor(SESAME_BINARY);
  auto provider = sesame::providers::filesystem::NewFilesystemProvider(options);
  StartTimes(*provider, base, true, 2);  // warm-up (probe, page cache)
  auto plain = StartTimes(*provider, base, false, runs);
  auto secured = StartTimes(*provider, base, true, runs);
  std::printf("start /bin/true through the provider (median of %d)\n", runs);
  auto line = [](const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    if (v.empty()) return;
    std::printf("  %s %.2f ms (min %.2f, p90 %.2f)\n", what, Median(v), v.front(), v[v.size() * 9 / 10]);
  };
  line("unsecured:", plain);
  line("secured:  ", secured);

  const size_t kBytes = 100u << 20;
  int server = ListenLoopback(0);
  int server_port = Port(server);
  std::thread sender([server, kBytes] {
    std::vector<char> block(1 << 18, 'x');
    for (int c; (c = ::accept(server, nullptr, nullptr)) >= 0;) {
      size_t sent = 0;
      while (sent < kBytes) {
        size_t n = std::min(block.size(), kBytes - sent);
        if (!SendAll(c, std::string_view(block.data(), n))) break;
        sent += n;
      }
      ::close(c);
    }
  });
  int listener = ListenLoopback(0);
  int proxy_port = Port(listener);
  ProxyOptions po;
  po.policy.allowed_domains = {"127.0.0.1"};
  auto proxy = StartProxy({listener}, po);
  double direct = 1e9, proxied = 1e9;
  for (int i = 0; i < 3; ++i) {
    direct = std::min(direct, Transfer(server_port, 0, kBytes));
    proxied = std::min(proxied, Transfer(server_port, proxy_port, kBytes));
  }
  std::printf("100 MB over loopback (best of 3)\n");
  std::printf("  direct:  %.0f MB/s\n", 100 / direct);
  std::printf("  proxied: %.0f MB/s (%.0f%% of direct)\n", 100 / proxied, 100 * direct / proxied);
  ::shutdown(server, SHUT_RDWR);
  ::close(server);
  sender.join();
  proxy.reset();
  fs::remove_all(base);
  return 0;
}
