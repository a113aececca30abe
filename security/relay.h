#pragma once
// Copying bytes both ways between two connected sockets until both
// directions have ended (half-close is passed on with shutdown(SHUT_WR)),
// or until `stop` becomes readable. Blocking; runs on the caller's thread.

#include <string_view>

#include "common/status.h"

namespace sesame::security {

// `a_prefix` is sent to `b` first (bytes already read from `a`).
void Relay(int a, int b, std::string_view a_prefix = {}, int stop = -1);

// Writes all of `data` to a socket (no SIGPIPE).
bool SendAll(int fd, std::string_view data);

}  // namespace sesame::security
