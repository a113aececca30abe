// sesame port-forward NAME [LOCAL:]REMOTE...: relays connections to a port
// of this machine's loopback to a port inside the sandbox, until
// interrupted. The way in is the one previews use (the sandbox's endpoint,
// host loopback, a container's address, a forwarder into its network
// namespace), asked of the store's providers or of the server, so the
// sandbox must be reachable from this machine (a server listens on
// loopback: it runs here).
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "cli/command.h"
#include "cli/kinds.h"
#include "common/mutex.h"
#include "common/number.h"
#include "common/thread_group.h"
#include "common/unique_fd.h"

namespace sesame::cli {
namespace {

struct PortPair {
  int local = 0;  // 0: any free port
  int remote = 0;
};

// "8080:80", "80" (the same port here) or ":80" (any free port here).
Result<PortPair> ParsePorts(const std::string& text) {
  auto colon = text.find(':');
  std::string local = colon == std::string::npos ? text : text.substr(0, colon);
  std::string remote = colon == std::string::npos ? text : text.substr(colon + 1);
  auto r = ParseInteger(remote, "\"" + text + "\": the sandbox's port", 1, 65535);
  if (!r.ok()) return r.status();
  PortPair pair{0, static_cast<int>(*r)};
  if (!local.empty()) {
    auto l = ParseInteger(local, "\"" + text + "\": the local port", 0, 65535);
    if (!l.ok()) return l.status();
    pair.local = static_cast<int>(*l);
  }
  return pair;
}

// Connects to the host and port of "http://HOST:PORT/...".
Result<UniqueFd> Connect(const std::string& url) {
  auto scheme = url.find("://");
  std::string authority = scheme == std::string::npos ? url : url.substr(scheme + 3);
  auto hp = ParseHostPort(authority.substr(0, authority.find('/')), "the sandbox's address");
  if (!hp.ok()) return hp.status();
  std::string port = std::to_string(hp->port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(hp->host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return UnavailableError("cannot resolve " + hp->host + ": " + ::gai_strerror(rc));
  }
  std::string error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    UniqueFd s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (s.valid() && ::connect(s.get(), a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return s;
    }
    error = std::strerror(errno);
  }
  ::freeaddrinfo(found);
  return UnavailableError("nothing answers at " + hp->host + ":" + port + " (" + error + ")");
}

Result<UniqueFd> Listen(int port, int* bound) {
  UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) return InternalError(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(s.get(), 64) != 0) {
    return UnavailableError("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  *bound = ntohs(addr.sin_port);
  return s;
}

// Copies both ways until both sides have ended; an end on one side is
// passed on as a half-close.
void Relay(UniqueFd a, UniqueFd b) {
  bool open[2] = {true, true};  // a->b, b->a
  char buf[32768];
  while (open[0] || open[1]) {
    pollfd fds[2] = {{a.get(), static_cast<short>(open[0] ? POLLIN : 0), 0},
                     {b.get(), static_cast<short>(open[1] ? POLLIN : 0), 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || fds[i].revents == 0) continue;
      int from = i == 0 ? a.get() : b.get(), to = i == 0 ? b.get() : a.get();
      ssize_t n = ::recv(from, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        open[i] = false;
        ::shutdown(to, SHUT_WR);
        if (n < 0) return;  // reset: drop both
        continue;
      }
      for (ssize_t sent = 0; sent < n;) {
        ssize_t w = ::send(to, buf + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
        if (w <= 0) return;
        sent += w;
      }
    }
  }
}

int RunPortForward(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.size() < 2) return ctx.Usage("usage: sesame port-forward NAME [LOCAL:]REMOTE...");
  auto name = SandboxName(args[0], "port-forward");
  if (!name.ok()) return ctx.Usage(name.status().message());
  std::vector<PortPair> pairs;
  for (size_t i = 1; i < args.size(); ++i) {
    auto pair = ParsePorts(args[i]);
    if (!pair.ok()) return ctx.Usage(pair.status().message());
    pairs.push_back(*pair);
  }
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  // Fails now, rather than at the first connection, when there is no way in.
  for (const auto& p : pairs) {
    auto url = (*client)->PortUrl(ns, *name, p.remote);
    if (!url.ok()) return ctx.Fail(url.status());
  }
  std::vector<std::thread> acceptors;
  std::vector<UniqueFd> listeners;
  for (const auto& p : pairs) {
    int bound = 0;
    auto listener = Listen(p.local, &bound);
    if (!listener.ok()) return ctx.Fail(listener.status());
    ctx.out << "Forwarding from 127.0.0.1:" << bound << " -> " << p.remote << "\n";
    listeners.push_back(std::move(listener).value());
  }
  ctx.out.flush();
  Mutex client_lock;  // one request at a time on the client's connection
  ThreadGroup relays;      // one per connection, joined as they end
  for (size_t i = 0; i < pairs.size(); ++i) {
    acceptors.emplace_back([&, i] {
      while (true) {
        UniqueFd conn(::accept4(listeners[i].get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn.valid()) {
          if (errno == EINTR || errno == ECONNABORTED) continue;
          return;
        }
        // Asked again for each connection: a restarted sandbox may be
        // reached another way.
        Result<std::string> url = InternalError("unset");
        {
          MutexLock guard(client_lock);
          url = (*client)->PortUrl(ns, *name, pairs[i].remote);
        }
        auto target = url.ok() ? Connect(*url) : Result<UniqueFd>(url.status());
        if (!target.ok()) {
          MutexLock guard(client_lock);
          ctx.err << "error: port " << pairs[i].remote << ": " << target.status().message() << "\n";
          ctx.err.flush();
          continue;  // the connection closes
        }
        auto ends = std::make_shared<std::pair<UniqueFd, UniqueFd>>(std::move(conn), std::move(target).value());
        relays.Spawn([ends] { Relay(std::move(ends->first), std::move(ends->second)); });
      }
    });
  }
  for (auto& t : acceptors) t.join();
  return kExitFailure;
}

}  // namespace

Command PortForwardCommand() {
  return {"port-forward",
          "Forward a local port to a port in a sandbox",
          "sesame port-forward NAME [LOCAL:]REMOTE... [-n NS]",
          "Listens on 127.0.0.1:LOCAL (any free port for :REMOTE, the same port for\n"
          "REMOTE alone) and relays each connection to REMOTE in the sandbox, any TCP\n"
          "protocol, until interrupted. The sandbox is reached as previews reach it,\n"
          "so `sesame` must run on the machine of the store or server.\n\n"
          "Example:\n"
          "  sesame port-forward web 8080:3000",
          {NamespaceFlag()},
          RunPortForward};
}

}  // namespace sesame::cli
