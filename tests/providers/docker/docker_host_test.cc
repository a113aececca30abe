// DOCKER_HOST as the docker provider reads it. No engine needed.

#include "providers/docker/docker_host.h"

#include <gtest/gtest.h>

namespace sesame::providers::docker {
namespace {

TEST(DockerHostTest, UnsetMeansTheDefaultSocket) {
  auto socket = SocketPathFromDockerHost("");
  ASSERT_TRUE(socket.ok());
  EXPECT_EQ(*socket, "/var/run/docker.sock");
}

TEST(DockerHostTest, UnixUrlGivesItsPath) {
  auto socket = SocketPathFromDockerHost("unix:///tmp/engine-1/docker.sock");
  ASSERT_TRUE(socket.ok());
  EXPECT_EQ(*socket, "/tmp/engine-1/docker.sock");
}

TEST(DockerHostTest, OtherSchemesAreRefusedByName) {
  for (const char* value : {"tcp://127.0.0.1:2375", "ssh://me@host", "unix://", "unix://relative.sock",
                            "/var/run/docker.sock"}) {
    auto socket = SocketPathFromDockerHost(value);
    ASSERT_FALSE(socket.ok()) << value;
    EXPECT_EQ(socket.status().code(), Code::kInvalid);
    EXPECT_NE(socket.status().message().find(value), std::string::npos) << socket.status().message();
  }
}

}  // namespace
}  // namespace sesame::providers::docker
