#include "providers/filesystem/workspace_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/providers/temp_dir.h"

namespace sesame::providers::filesystem {
namespace {

class WorkspaceFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workspace_);
    std::ofstream(tmp_.Sub("secret")) << "outside";
  }
  testing::TempDir tmp_;
  std::string workspace_ = tmp_.Sub("ws");
};

TEST_F(WorkspaceFilesTest, WritesAndReadsCreatingParents) {
  ASSERT_TRUE(WriteWorkspaceFile(workspace_, "a/b/c.txt", "hello").ok());
  Result<std::string> read = ReadWorkspaceFile(workspace_, "a/b/c.txt");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, "hello");
  ASSERT_TRUE(WriteWorkspaceFile(workspace_, "a/b/c.txt", "again").ok());
  EXPECT_EQ(*ReadWorkspaceFile(workspace_, "a/b/c.txt"), "again");
}

TEST_F(WorkspaceFilesTest, AcceptsAnAbsolutePathInside) {
  ASSERT_TRUE(WriteWorkspaceFile(workspace_, workspace_ + "/x.txt", "in").ok());
  EXPECT_EQ(*ReadWorkspaceFile(workspace_, "x.txt"), "in");
}

TEST_F(WorkspaceFilesTest, RefusesDotDot) {
  EXPECT_EQ(ReadWorkspaceFile(workspace_, "../secret").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(WriteWorkspaceFile(workspace_, "../evil", "x").code(), Code::kPermissionDenied);
  EXPECT_EQ(WriteWorkspaceFile(workspace_, "a/../../evil", "x").code(), Code::kPermissionDenied);
  EXPECT_FALSE(std::filesystem::exists(tmp_.Sub("evil")));
}

TEST_F(WorkspaceFilesTest, RefusesAbsolutePathOutside) {
  EXPECT_EQ(ReadWorkspaceFile(workspace_, tmp_.Sub("secret")).status().code(),
            Code::kPermissionDenied);
}

TEST_F(WorkspaceFilesTest, RefusesSymlinksOut) {
  ASSERT_EQ(::symlink(tmp_.path().c_str(), (workspace_ + "/up").c_str()), 0);
  ASSERT_EQ(::symlink("../secret", (workspace_ + "/rel").c_str()), 0);
  EXPECT_EQ(ReadWorkspaceFile(workspace_, "up/secret").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(ReadWorkspaceFile(workspace_, "rel").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(WriteWorkspaceFile(workspace_, "up/evil", "x").code(), Code::kPermissionDenied);
  EXPECT_FALSE(std::filesystem::exists(tmp_.Sub("evil")));
  // Writing over a symlink replaces the link, never its target.
  ASSERT_TRUE(WriteWorkspaceFile(workspace_, "rel", "mine").ok());
  std::ifstream secret(tmp_.Sub("secret"));
  std::string text;
  std::getline(secret, text);
  EXPECT_EQ(text, "outside");
}

TEST_F(WorkspaceFilesTest, FollowsSymlinksThatStayInside) {
  ASSERT_TRUE(WriteWorkspaceFile(workspace_, "real.txt", "data").ok());
  ASSERT_EQ(::symlink("real.txt", (workspace_ + "/link").c_str()), 0);
  EXPECT_EQ(*ReadWorkspaceFile(workspace_, "link"), "data");
}

TEST_F(WorkspaceFilesTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadWorkspaceFile(workspace_, "nope").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace sesame::providers::filesystem
