#pragma once
// Browser sessions of the web console: a token typed once on the login page
// becomes a random session id in an HttpOnly, SameSite=Strict cookie, and
// the session holds a CSRF token that every change must repeat in a header
// (a cookie is sent by the browser on its own; the header only by our page).
//
// Sessions live in memory: a controller restart logs browsers out.
// Thread safety: every method may be called from many threads at once.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "common/mutex.h"

namespace sesame::controller::api {

inline constexpr char kSessionCookie[] = "sesame_session";
inline constexpr char kCsrfHeader[] = "x-sesame-csrf";  // lower case, as HttpRequest stores it

class ConsoleSessions {
 public:
  struct Session {
    std::string token;  // the bearer token it stands for
    std::string csrf;
  };
  struct Opened {
    std::string id;
    std::string csrf;
  };

  // A new session for `token` (checked by the caller), valid for kLifetime.
  Opened Open(const std::string& token);
  // The live session `id` names, if any.
  std::optional<Session> Find(const std::string& id) const;
  void Close(const std::string& id);

  static constexpr std::chrono::hours kLifetime{12};
  static constexpr size_t kMaxSessions = 1024;  // the oldest go first

 private:
  struct Entry {
    Session session;
    std::chrono::steady_clock::time_point expires;
  };
  mutable Mutex mu_;
  std::map<std::string, Entry> sessions_ GUARDED_BY(mu_);
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string CookieValue(const std::string& cookie_header, const std::string& name);

// `bytes` random bytes from the kernel, as lower-case hex.
std::string RandomHex(size_t bytes);

}  // namespace sesame::controller::api
