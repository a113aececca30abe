#pragma once
// Which engine socket the docker provider talks to, read from DOCKER_HOST
// as the docker CLI reads it, so that `DOCKER_HOST=unix:///run/other.sock
// sesame controller` and `docker -H unix:///run/other.sock ps` see the same
// engine.

#include <string>
#include <string_view>

#include "common/status.h"

namespace sesame::providers::docker {

inline constexpr char kDefaultSocket[] = "/var/run/docker.sock";

// The socket path for a DOCKER_HOST value: empty -> kDefaultSocket;
// "unix:///path" -> "/path". The provider speaks to a local unix socket
// only, so any other scheme (tcp://, ssh://, npipe://) or a relative path is
// kInvalid, naming the value.
Result<std::string> SocketPathFromDockerHost(std::string_view docker_host);

}  // namespace sesame::providers::docker
