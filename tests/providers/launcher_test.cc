// LaunchDetached with a real shell: the process is not our child, is in a
// session of its own, gets exactly the environment given and finds the
// inherited descriptor at fd 3.
#include "providers/filesystem/launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "common/unique_fd.h"

namespace sesame::providers::filesystem {
namespace {

TEST(LauncherTest, StartsADetachedProcessWithItsEnvironmentAndFd3) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  Result<pid_t> pid = LaunchDetached(
      {"/bin/sh", "-c", "echo \"$GREETING $(env | wc -l)\" >&3; exec 3>&-; sleep 5"}, {"GREETING=hello"},
      write_end.get());
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  write_end.Reset();
  std::string out;
  char buf[64];
  for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  // GREETING plus what sh itself sets (PWD, SHLVL, _ at most).
  EXPECT_EQ(out.rfind("hello ", 0), 0u) << out;
  EXPECT_LE(std::stoi(out.substr(6)), 4) << out;
  // In a new session (made by the middle process, so it is not the leader
  // and can never get a controlling terminal).
  EXPECT_NE(::getsid(*pid), ::getsid(0));
  EXPECT_NE(::getsid(*pid), *pid);
  errno = 0;
  EXPECT_EQ(::waitpid(*pid, nullptr, WNOHANG), -1);  // not our child
  EXPECT_EQ(errno, ECHILD);
  ::kill(*pid, SIGKILL);
}

}  // namespace
}  // namespace sesame::providers::filesystem
