#pragma once
// A fixture for tests against a real Docker engine: a provider on the
// engine's socket with a fresh state root, requests with unique uids, an
// engine client for out-of-band changes, and cleanup of everything a test
// made. Without a reachable engine, SetUp fails the test.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/docker/docker_provider.h"
#include "providers/docker/engine_client.h"

namespace sesame::providers::docker::testing {

inline constexpr char kTestImage[] = "sesame-test-busybox:latest";

// The engine's socket: $SESAME_TEST_DOCKER_SOCKET or /var/run/docker.sock.
std::string TestSocket();
// Polls `done` every 50 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& done, Millis timeout = Millis(10000));

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  DockerOptions Options() const;
  // A request for a busybox sandbox running `command` with a unique uid.
  SandboxRequest Request(const std::string& name, std::vector<std::string> command = {});
  // The same, hardened (policy enabled) with egress to `allowed_domains`.
  SandboxRequest SecuredRequest(const std::string& name, std::vector<std::string> command = {},
                                std::vector<std::string> allowed_domains = {});
  // Create, expecting success.
  Observed MustCreate(const SandboxRequest& request);
  // Observe, expecting a container.
  Observed MustObserve(const std::string& uid);
  nlohmann::json InspectRaw(const std::string& id);
  // Runs `sh -c script` in the sandbox; its stdout.
  std::string ExecOut(const Observed& o, const std::string& script, int* code = nullptr);

  std::string state_root_;
  std::string scratch_;  // host directory for workspaces
  std::unique_ptr<Provider> provider_;
  std::unique_ptr<EngineClient> engine_;
  std::vector<std::string> uids_;     // deleted in TearDown
  std::vector<std::string> volumes_;  // removed in TearDown
};

}  // namespace sesame::providers::docker::testing
