#pragma once
// The one owner of file descriptors in the tree: an owned fd, closed on
// destruction (RAII for every fd), the two ends of a pipe or socket pair,
// and reading an fd to its end.

#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace sesame {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int Release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Both ends of a pipe or socket pair.
struct FdPair {
  UniqueFd read;   // pipe: the read end; socket pair: the parent's end
  UniqueFd write;  // pipe: the write end; socket pair: the child's end
};

// Everything `fd` gives until end of file (a pipe's or socket's peer
// closed); stops early at a read error.
inline std::string ReadUntilEof(int fd) {
  std::string data;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

}  // namespace sesame
