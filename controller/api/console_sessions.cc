#include "controller/api/console_sessions.h"

#include <sys/random.h>

#include <stdexcept>

#include "controller/api/auth.h"

namespace sesame::controller::api {

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    // The kernel's generator does not fail once booted: a failure is a bug.
    if (n <= 0) throw std::runtime_error("getrandom failed");
    got += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t first = part.find_first_not_of(' ');
    if (first != std::string::npos) part.erase(0, first);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    pos = end + 1;
  }
  return "";
}

ConsoleSessions::Opened ConsoleSessions::Open(const std::string& token) {
  Opened opened{RandomHex(32), RandomHex(32)};
  auto now = std::chrono::steady_clock::now();
  MutexLock lock(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
  }
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.expires < oldest->second.expires) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[opened.id] = {{token, opened.csrf}, now + kLifetime};
  return opened;
}

std::optional<ConsoleSessions::Session> ConsoleSessions::Find(const std::string& id) const {
  if (id.empty()) return std::nullopt;
  MutexLock lock(mu_);
  // Compared in constant time like tokens: the id is the credential.
  for (const auto& [key, entry] : sessions_) {
    if (ConstantTimeEquals(key, id) && entry.expires > std::chrono::steady_clock::now()) return entry.session;
  }
  return std::nullopt;
}

void ConsoleSessions::Close(const std::string& id) {
  MutexLock lock(mu_);
  sessions_.erase(id);
}

}  // namespace sesame::controller::api
