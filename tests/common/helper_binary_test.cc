#include "common/helper_binary.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace sesame {
namespace {

namespace fs = std::filesystem;

class HelperBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "helper-binary-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    fs::create_directories(root_ / "bin");
    fs::create_directories(root_ / "libexec" / "sesame");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Executable(const fs::path& path) {
    std::ofstream(path) << "#!/bin/sh\n";
    fs::permissions(path, fs::perms::owner_all);
  }
  fs::path root_;
};

TEST_F(HelperBinaryTest, AnInstallationsLibexecComesFirst) {
  Executable(root_ / "libexec/sesame/sesame-full");
  Executable(root_ / "bin/sesame-full");
  EXPECT_EQ(HelperBinaryPath((root_ / "bin/sesame").string(), "sesame-full"),
            (root_ / "libexec/sesame/sesame-full").string());
}

TEST_F(HelperBinaryTest, ABuildTreeHasItBeside) {
  Executable(root_ / "bin/sesame-supervisor");
  EXPECT_EQ(HelperBinaryPath((root_ / "bin/sesame").string(), "sesame-supervisor"),
            (root_ / "bin/sesame-supervisor").string());
  // A helper in libexec/sesame/ finds the others beside it.
  Executable(root_ / "libexec/sesame/sesame-supervisor");
  EXPECT_EQ(HelperBinaryPath((root_ / "libexec/sesame/sesame-full").string(), "sesame-supervisor"),
            (root_ / "libexec/sesame/sesame-supervisor").string());
}

TEST_F(HelperBinaryTest, MissingEverywhereNamesTheInstalledPlace) {
  std::ofstream(root_ / "bin/sesame-full") << "not executable";
  EXPECT_EQ(HelperBinaryPath((root_ / "bin/sesame").string(), "sesame-full"),
            (root_ / "libexec/sesame/sesame-full").string());
}

}  // namespace
}  // namespace sesame
