#pragma once
// Docker sandboxes the way a user makes them: the built `sesame` binary
// and a running controller (tests/e2e/e2e_fixture.h) on the machine's
// Docker engine, checked with the docker CLI. The controller resyncs only
// every 10 minutes, so what converges within a test's timeout was driven
// by the engine's event stream, not by the resync.
//
// Only this test's containers and volumes are touched: they carry the
// owner label of its $SESAME_HOME, and whatever is left at the end is
// removed by that label.

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::providers::docker::testing {

class DockerCliTest : public e2e::E2eTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  sesame::testing::CommandResult Docker(const std::vector<std::string>& args);
  // This installation's dev.sesame.owner label value.
  std::string Owner() const;
  // status.providerRef.id, "" when none.
  std::string ContainerId(const std::string& name);
  std::string Uid(const std::string& name);
  // The named condition of the sandbox, null when absent.
  nlohmann::json Condition(const std::string& name, const std::string& type);
  // `sesame wait sandbox/NAME --for=condition=Ready`; fails the test with
  // the sandbox and the controller's log when it times out.
  void WaitReady(const std::string& name, const std::string& ns = "default");
  // Stops the controller with SIGTERM (it releases its lease, so `sesame
  // gc` may act).
  void StopController();
  // Deletes the sandbox and waits until its object is gone.
  void DeleteAndWait(const std::string& name, const std::string& ns = "default");
  // Names of this installation's volumes carrying `label` (KEY=VALUE).
  std::vector<std::string> Volumes(const std::string& label = "");

  std::unique_ptr<sesame::testing::BackgroundProcess> controller_;
};

// A docker Sandbox manifest; `extra_spec` lines are indented by the caller.
std::string DockerSandbox(const std::string& name, const std::string& extra_spec,
                          const std::string& ns = "default");

}  // namespace sesame::providers::docker::testing
