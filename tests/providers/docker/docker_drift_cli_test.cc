// Drift at once, through the `sesame` binary and a running controller on
// the machine's engine: a container removed or killed out of band is
// reconciled from the engine's event stream per restartPolicy. The
// controller resyncs only every 10 minutes (docker_cli_fixture.h), so the
// generous timeouts below are met only by the event path.
#include "tests/providers/docker/docker_cli_fixture.h"

namespace sesame::providers::docker::testing {
namespace {

constexpr char kBusybox[] = "  image: sesame-test-busybox:latest\n  command: [\"sleep\", \"3600\"]\n";

class DockerDriftCliTest : public DockerCliTest {};

TEST_F(DockerDriftCliTest, RemovedContainerUnderAlwaysIsMadeAgain) {
  Apply(DockerSandbox("always", std::string(kBusybox) + "  restartPolicy: Always\n"));
  WaitReady("always");
  std::string first = ContainerId("always");
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(Docker({"rm", "-f", first}).exit_code, 0);
  std::string second;
  EXPECT_TRUE(Eventually(
      [&] {
        second = ContainerId("always");
        return !second.empty() && second != first && Phase("always") == "Running" &&
               Docker({"inspect", "-f", "{{.State.Running}}", second}).out == "true\n";
      },
      60000))
      << "container " << first << " removed; now " << second << ", phase " << Phase("always")
      << "\n" << ControllerLogs();
}

TEST_F(DockerDriftCliTest, KilledContainerUnderNeverIsFailedWithTheReason) {
  Apply(DockerSandbox("never", std::string(kBusybox) + "  restartPolicy: Never\n"));
  WaitReady("never");
  std::string id = ContainerId("never");
  ASSERT_EQ(Docker({"kill", id}).exit_code, 0);
  EXPECT_TRUE(Eventually([&] { return Phase("never") == "Failed"; }, 60000))
      << Phase("never") << "\n" << ControllerLogs();
  nlohmann::json ready = Condition("never", "Ready");
  ASSERT_FALSE(ready.is_null());
  EXPECT_EQ(ready.value("status", ""), "False");
  EXPECT_NE(ready.value("message", "").find("137"), std::string::npos) << ready.dump();
  EXPECT_EQ(ContainerId("never"), id) << "Never: the container is not made again";
}

TEST_F(DockerDriftCliTest, RemovedContainerUnderNeverSaysItIsMissing) {
  Apply(DockerSandbox("gone", std::string(kBusybox) + "  restartPolicy: Never\n"));
  WaitReady("gone");
  ASSERT_EQ(Docker({"rm", "-f", ContainerId("gone")}).exit_code, 0);
  EXPECT_TRUE(Eventually(
      [&] {
        nlohmann::json ready = Condition("gone", "Ready");
        return !ready.is_null() && ready.value("reason", "") == "ResourceMissing";
      },
      60000))
      << Condition("gone", "Ready").dump() << "\n" << ControllerLogs();
  EXPECT_TRUE(Docker({"ps", "-aq", "--filter", "label=dev.sesame.uid=" + Uid("gone")}).out.empty());
}

}  // namespace
}  // namespace sesame::providers::docker::testing
