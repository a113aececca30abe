// Files and workspaces of docker sandboxes against a real engine.

#include <fstream>

#include "tests/providers/docker/engine_fixture.h"

namespace sesame::providers::docker::testing {
namespace {

class DockerFilesTest : public EngineTest {};

TEST_F(DockerFilesTest, WriteThenReadThroughTheArchiveApi) {
  Observed o = MustCreate(Request("files"));
  std::string content = "line one\n" + std::string(3000, 'z') + "\n";
  ASSERT_TRUE(provider_->WriteFile(o, "/tmp/new/dir/file.txt", content).ok());
  Result<std::string> back = provider_->ReadFile(o, "/tmp/new/dir/file.txt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, content);
  EXPECT_EQ(ExecOut(o, "cat /tmp/new/dir/file.txt"), content);

  ASSERT_TRUE(provider_->WriteFile(o, "/tmp/new/dir/file.txt", "replaced").ok());
  EXPECT_EQ(*provider_->ReadFile(o, "/tmp/new/dir/file.txt"), "replaced");

  Result<std::string> missing = provider_->ReadFile(o, "/tmp/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(provider_->ReadFile(o, "/tmp").status().code(), Code::kInvalid);
}

TEST_F(DockerFilesTest, RelativePathsAreInTheWorkspaceMount) {
  SandboxRequest r = Request("workspace");
  Observed o = MustCreate(r);
  ASSERT_TRUE(provider_->WriteFile(o, "notes/a.md", "from the provider").ok());
  std::ifstream in(r.workspace_dir + "/notes/a.md");
  std::string host((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(host, "from the provider");
  {
    std::ofstream out(r.workspace_dir + "/from-host.txt");
    out << "from the host";
  }
  EXPECT_EQ(*provider_->ReadFile(o, "from-host.txt"), "from the host");
  EXPECT_EQ(ExecOut(o, "pwd"), "/workspace\n");
}

TEST_F(DockerFilesTest, FilesOfAStoppedSandbox) {
  SandboxRequest r = Request("stopped", {"sh", "-c", "echo bye > /tmp/out"});
  Observed o = MustCreate(r);
  ASSERT_TRUE(WaitFor([&] { return MustObserve(r.uid).state == ResourceState::kExited; }));
  EXPECT_EQ(*provider_->ReadFile(o, "/tmp/out"), "bye\n");
}

}  // namespace
}  // namespace sesame::providers::docker::testing
