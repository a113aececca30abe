#include "common/installation_id.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace sesame {
namespace {

constexpr size_t kDigits = 32;

bool Valid(const std::string& id) {
  return id.size() == kDigits && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::string id;
  std::getline(in, id);
  return id;
}

Result<std::string> Random() {
  unsigned char bytes[kDigits / 2];
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    return InternalError(std::string("no random bytes for an installation id: ") + std::strerror(errno));
  }
  std::string id;
  for (unsigned char b : bytes) {
    id += "0123456789abcdef"[b >> 4];
    id += "0123456789abcdef"[b & 15];
  }
  return id;
}

}  // namespace

Result<std::string> InstallationId(const std::string& home) {
  std::string path = home + "/installation-id";
  if (std::string id = Read(path); Valid(id)) return id;
  auto fresh = Random();
  if (!fresh.ok()) return fresh.status();
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  // Written aside, then linked into place: link() refuses an existing name,
  // so two processes starting at once agree on the first one's id.
  std::string aside = path + "." + std::to_string(::getpid());
  {
    std::ofstream out(aside, std::ios::trunc);
    out << *fresh << "\n";
    if (!out.flush()) return InternalError("cannot write " + aside);
  }
  int linked = ::link(aside.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(aside.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    return InternalError("cannot write " + path + ": " + std::strerror(link_errno));
  }
  std::string id = Read(path);
  if (!Valid(id)) return InternalError(path + " does not hold an installation id (32 hex digits)");
  return id;
}

}  // namespace sesame
