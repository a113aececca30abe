#include "providers/docker/hijacked_stream.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "providers/docker/engine_client.h"
#include "providers/docker/frame_decoder.h"

namespace sesame::providers::docker {
namespace {

constexpr size_t kMaxHead = 64 * 1024;
constexpr int kPollMs = 100;
constexpr Millis kHeadTimeout(30000);

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads into `buffer` until it holds `want` bytes, the peer closes, or the
// timeout passes. Returns false on a socket error.
bool ReadMore(int fd, std::string& buffer, Millis timeout) {
  pollfd p{fd, POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  char chunk[16384];
  ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<size_t>(n));
  return true;
}

long ParseStatusLine(const std::string& head) {
  // "HTTP/1.1 101 UPGRADED"
  size_t space = head.find(' ');
  if (space == std::string::npos) return 0;
  return std::strtol(head.c_str() + space + 1, nullptr, 10);
}

std::optional<size_t> ContentLength(const std::string& head) {
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoul(lower.c_str() + at + 17, nullptr, 10);
}

}  // namespace

Result<HijackedStream> HijackedStream::Open(const std::string& socket_path,
                                            const std::string& path, const std::string& body) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    return InvalidError("docker socket path too long: " + socket_path);
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid() || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return DaemonUnavailable(socket_path, std::strerror(errno));
  }
  std::string request = "POST " + path + " HTTP/1.1\r\nHost: docker\r\n" +
                        "Content-Type: application/json\r\nConnection: Upgrade\r\n" +
                        "Upgrade: tcp\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body;
  if (!SendAll(fd.get(), request)) return DaemonUnavailable(socket_path, std::strerror(errno));

  std::string buffer;
  size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > kMaxHead || !ReadMore(fd.get(), buffer, kHeadTimeout)) {
      return UnavailableError("POST " + path + ": no response head from the Docker daemon")
          .WithReason("DaemonUnavailable");
    }
  }
  std::string head = buffer.substr(0, end + 2);
  std::string rest = buffer.substr(end + 4);
  long status = ParseStatusLine(head);
  if (status == 101 || status == 200) {
    HijackedStream stream(std::move(fd));
    stream.early_ = std::move(rest);
    return stream;
  }
  std::optional<size_t> length = ContentLength(head);
  while ((!length || rest.size() < *length) && ReadMore(fd.get(), rest, Millis(5000))) {
  }
  HttpResponse response;
  response.status = status;
  response.body = rest;
  Status error = StatusFromResponse(response, "POST " + path);
  if (error.ok()) error = InternalError("POST " + path + ": unexpected HTTP " + std::to_string(status));
  return error;
}

Status HijackedStream::SendAndEndInput(const std::string& input) {
  if (!SendAll(fd_.get(), input)) return UnavailableError("the engine closed the attach before the input was sent");
  if (::shutdown(fd_.get(), SHUT_WR) != 0) return UnavailableError("ending the attach's input failed");
  return Status::Ok();
}

HijackedStream::End HijackedStream::Pump(
    Streams& streams, bool feed_stdin, bool half_close,
    std::optional<std::chrono::steady_clock::time_point> deadline, bool tty) {
  int fd = fd_.get();
  // The feeder stops once the output has ended, even with no input to come
  // (a terminal where nothing more is typed).
  std::atomic<bool> over = false;
  std::thread feeder;
  if (feed_stdin && streams.read_stdin) {
    feeder = std::thread([fd, half_close, tty, &streams, &over] {
      std::string chunk;
      while (!over && !streams.cancelled()) {
        chunk.clear();
        if (!streams.read_stdin(chunk)) break;
        if (!chunk.empty() && !SendAll(fd, chunk)) break;
      }
      if (tty) SendAll(fd, "\x04");
      if (half_close) ::shutdown(fd, SHUT_WR);
    });
  }
  if (feed_stdin && !streams.read_stdin && half_close) ::shutdown(fd, SHUT_WR);  // empty stdin
  FrameDecoder decoder;
  auto sink = [&streams](StreamType type, std::string_view payload) {
    const auto& out = type == StreamType::kStderr ? streams.on_stderr : streams.on_stdout;
    if (out) out(payload);
  };
  auto feed = [&](std::string_view data) {
    if (!tty) decoder.Feed(data, sink);
    else if (!data.empty() && streams.on_stdout) streams.on_stdout(data);
  };
  feed(early_);
  early_.clear();
  End end = End::kEof;
  char chunk[32768];
  while (true) {
    if (streams.cancelled()) {
      end = End::kCancelled;
      break;
    }
    if (deadline && std::chrono::steady_clock::now() >= *deadline) {
      end = End::kDeadline;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    feed(std::string_view(chunk, static_cast<size_t>(n)));
  }
  over = true;
  ::shutdown(fd, SHUT_RDWR);  // wakes a feeder blocked in send
  if (feeder.joinable()) feeder.join();
  return end;
}

}  // namespace sesame::providers::docker
