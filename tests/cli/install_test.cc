// `cmake --install` puts the binaries and the service files where a user
// finds them, and the installed binary works from there (the gc pass the
// timer and the cron line run, a filesystem sandbox with the supervisor
// beside it is not needed for that).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "providers/filesystem/supervisor_command.h"
#include "tests/testing/run_command.h"

namespace sesame::cli {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(CmakeInstall, InstallsBinariesAndServiceFiles) {
  testing::TempDir dir;
  std::string prefix = dir.path() + "/prefix";
  auto install = testing::RunCommand({CMAKE_COMMAND, "--install", BUILD_DIR, "--prefix", prefix});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  // Only `sesame` on PATH; its helpers in libexec/sesame/.
  for (const char* bin : {"bin/sesame", "libexec/sesame/sesame-full", "libexec/sesame/sesame-supervisor"}) {
    auto status = std::filesystem::status(prefix + "/" + bin);
    EXPECT_TRUE(std::filesystem::is_regular_file(status)) << bin;
    EXPECT_NE(status.permissions() & std::filesystem::perms::owner_exec, std::filesystem::perms::none) << bin;
  }
  std::vector<std::string> on_path;
  for (const auto& entry : std::filesystem::directory_iterator(prefix + "/bin")) {
    on_path.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(on_path, std::vector<std::string>{"sesame"});
  // Filesystem sandboxes of the installed sesame (`gc`, say) and of its
  // sesame-full (`controller`) start the installed supervisor.
  EXPECT_EQ(providers::filesystem::SupervisorCommandFor(prefix + "/bin/sesame"),
            std::vector<std::string>{prefix + "/libexec/sesame/sesame-supervisor"});
  EXPECT_EQ(providers::filesystem::SupervisorCommandFor(prefix + "/libexec/sesame/sesame-full"),
            std::vector<std::string>{prefix + "/libexec/sesame/sesame-supervisor"});
  std::string contrib = prefix + "/share/sesame/contrib/";
  std::string controller = Read(contrib + "sesame-controller.service");
  EXPECT_NE(controller.find("ExecStart=/usr/local/bin/sesame controller"), std::string::npos) << controller;
  EXPECT_NE(controller.find("WantedBy=multi-user.target"), std::string::npos);
  EXPECT_NE(Read(contrib + "sesame-gc.service").find("ExecStart=/usr/local/bin/sesame gc"), std::string::npos);
  EXPECT_NE(Read(contrib + "sesame-gc.timer").find("OnUnitActiveSec=15min"), std::string::npos);
  std::string cron = Read(contrib + "sesame-gc.cron");
  EXPECT_NE(cron.find("*/15 * * * * sesame /usr/local/bin/sesame gc"), std::string::npos) << cron;

  // What the timer and the cron line run, from the installed binary.
  auto version = testing::RunCommand({prefix + "/bin/sesame", "version", "--client"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  auto gc = testing::RunCommand({prefix + "/bin/sesame", "gc", "--dry-run"}, {{"SESAME_HOME", dir.path() + "/home"}});
  EXPECT_EQ(gc.exit_code, 0) << gc.out << gc.err;
  // A server's command runs the installed sesame-full (unreachable here: the answer says so).
  auto remote = testing::RunCommand({prefix + "/bin/sesame", "--server", "http://127.0.0.1:1", "version"},
                                    {{"SESAME_HOME", dir.path() + "/home"}});
  EXPECT_EQ(remote.exit_code, 1);
  EXPECT_EQ(remote.err.find("sesame-full"), std::string::npos) << remote.err;
  EXPECT_NE(remote.err.find("127.0.0.1:1"), std::string::npos) << remote.err;
}

}  // namespace
}  // namespace sesame::cli
