#include "store/uuid.h"

#include <sys/random.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <random>

namespace sesame::store {
namespace {

// Random bytes from getrandom(2), fetched a block at a time: one syscall
// per uid (or std::random_device, which may use RDSEED) costs ~25 us, which
// dominated applying thousands of new objects. The buffer is dropped when
// the process id changes, so a forked child never repeats its parent's uids.
class RandomPool {
 public:
  void Fill(uint8_t* out, size_t n) {
    if (pid_ != getpid() || used_ + n > sizeof(buffer_)) Refill();
    std::memcpy(out, buffer_ + used_, n);
    used_ += n;
  }

 private:
  void Refill() {
    size_t got = 0;
    while (got < sizeof(buffer_)) {
      ssize_t r = getrandom(buffer_ + got, sizeof(buffer_) - got, 0);
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    if (got < sizeof(buffer_)) {  // no getrandom (old kernel, seccomp): fall back
      std::random_device device;
      for (size_t i = got; i < sizeof(buffer_); ++i) buffer_[i] = static_cast<uint8_t>(device());
    }
    used_ = 0;
    pid_ = getpid();
  }

  uint8_t buffer_[4096];
  size_t used_ = sizeof(buffer_);
  pid_t pid_ = 0;
};

}  // namespace

std::string NewUuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local RandomPool pool;
  uint8_t bytes[16];
  pool.Fill(bytes, sizeof(bytes));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

}  // namespace sesame::store
