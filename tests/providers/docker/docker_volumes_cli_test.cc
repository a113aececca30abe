// Persistence volumes belong to their sandbox, through the `sesame` binary
// and a running controller: one volume per namespace and sandbox uid,
// labelled like the containers, kept across recreations, removed with the
// sandbox under deletionPolicy Delete, kept under Orphan until `sesame gc`
// collects it.
#include "tests/providers/docker/docker_cli_fixture.h"

namespace sesame::providers::docker::testing {
namespace {

std::string WithVolume(const std::string& extra = "") {
  return "  image: sesame-test-busybox:latest\n  command: [\"sleep\", \"3600\"]\n"
         "  persistence: {volume: cache}\n" + extra;
}

class DockerVolumesCliTest : public DockerCliTest {};

TEST_F(DockerVolumesCliTest, TwoNamespacesWithTheSameSandboxGetTwoVolumes) {
  Apply(DockerSandbox("box", WithVolume(), "team-a") + "---\n" +
        DockerSandbox("box", WithVolume(), "team-b"));
  WaitReady("box", "team-a");
  WaitReady("box", "team-b");
  std::vector<std::string> a = Volumes("dev.sesame.namespace=team-a");
  std::vector<std::string> b = Volumes("dev.sesame.namespace=team-b");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(a[0], b[0]);
  EXPECT_NE(a[0].find("team-a"), std::string::npos) << a[0];
  // Labelled like the containers, and not shared: what one writes the
  // other does not see.
  nlohmann::json box_a = nlohmann::json::parse(Sesame({"get", "sandbox", "box", "-n", "team-a", "-o", "json"}).out);
  EXPECT_EQ(Volumes("dev.sesame.uid=" + box_a["metadata"].value("uid", "")), a);
  EXPECT_EQ(Sesame({"exec", "box", "-n", "team-a", "--", "sh", "-c", "echo a > /home/sesame/f"}).exit_code, 0);
  auto read = Sesame({"exec", "box", "-n", "team-b", "--", "sh", "-c", "cat /home/sesame/f || echo none"});
  EXPECT_EQ(read.out, "none\n");
}

TEST_F(DockerVolumesCliTest, DeletedSandboxLeavesNoVolumeAndRecreationKeepsIt) {
  Apply(DockerSandbox("kept", WithVolume()));
  WaitReady("kept");
  std::string uid = Uid("kept");
  ASSERT_EQ(Volumes("dev.sesame.uid=" + uid).size(), 1u);
  ASSERT_EQ(Sesame({"exec", "kept", "--", "sh", "-c", "echo data > /home/sesame/f"}).exit_code, 0);
  // A command change recreates the container; the volume stays.
  std::string first = ContainerId("kept");
  Apply(DockerSandbox("kept", "  image: sesame-test-busybox:latest\n  command: [\"sleep\", \"3601\"]\n"
                              "  persistence: {volume: cache}\n"));
  ASSERT_TRUE(Eventually([&] {
    std::string id = ContainerId("kept");
    return !id.empty() && id != first && Phase("kept") == "Running";
  }, 120000)) << ControllerLogs();
  EXPECT_EQ(Sesame({"exec", "kept", "--", "cat", "/home/sesame/f"}).out, "data\n");

  DeleteAndWait("kept");
  EXPECT_TRUE(Volumes("dev.sesame.uid=" + uid).empty());
}

TEST_F(DockerVolumesCliTest, OrphanPolicyKeepsTheVolumeUntilGc) {
  Apply(DockerSandbox("orphan", WithVolume("  deletionPolicy: Orphan\n")));
  WaitReady("orphan");
  std::string uid = Uid("orphan");
  DeleteAndWait("orphan");
  EXPECT_EQ(Volumes("dev.sesame.uid=" + uid).size(), 1u) << "deletionPolicy Orphan keeps it";
  StopController();  // gc acts itself only when no controller runs
  auto gc = Sesame({"gc"});
  EXPECT_EQ(gc.exit_code, 0) << gc.err;
  EXPECT_NE(gc.out.find("deleted orphan"), std::string::npos) << gc.out;
  EXPECT_TRUE(Volumes("dev.sesame.uid=" + uid).empty()) << gc.out;
  EXPECT_TRUE(Docker({"ps", "-aq", "--filter", "label=dev.sesame.uid=" + uid}).out.empty());
}

}  // namespace
}  // namespace sesame::providers::docker::testing
