#include "providers/docker/docker_host.h"

namespace sesame::providers::docker {

Result<std::string> SocketPathFromDockerHost(std::string_view docker_host) {
  if (docker_host.empty()) return std::string(kDefaultSocket);
  constexpr std::string_view kScheme = "unix://";
  if (!docker_host.starts_with(kScheme) || docker_host.size() == kScheme.size() ||
      docker_host[kScheme.size()] != '/') {
    return InvalidError("DOCKER_HOST=" + std::string(docker_host) +
                        ": the docker provider needs a local socket, unix:///PATH");
  }
  return std::string(docker_host.substr(kScheme.size()));
}

}  // namespace sesame::providers::docker
