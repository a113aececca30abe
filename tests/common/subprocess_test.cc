#include "common/subprocess.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sesame {
namespace {

SubprocessOptions Command(std::vector<std::string> argv) {
  SubprocessOptions o;
  o.argv = std::move(argv);
  return o;
}

TEST(SubprocessTest, CapturesOutputErrorAndExitStatus) {
  auto r = RunSubprocess(Command({"sh", "-c", "echo out; echo err >&2; exit 3"}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_FALSE(r->succeeded());
  EXPECT_EQ(r->exit_code(), 3);
  EXPECT_EQ(r->Describe(), "exit status 3");
}

TEST(SubprocessTest, FeedsInputAndReadsLargeOutputOnBothStreams) {
  // More than a pipe buffer each way: input, output and error interleave.
  std::string input(1 << 20, 'x');
  SubprocessOptions o = Command({"sh", "-c", "tee /dev/stderr"});
  o.input = input;
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->succeeded());
  EXPECT_EQ(r->out, input);
  EXPECT_EQ(r->err, input);
}

TEST(SubprocessTest, InputTheChildDoesNotReadIsNoError) {
  SubprocessOptions o = Command({"true"});
  o.input = std::string(1 << 20, 'x');
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->succeeded());
}

TEST(SubprocessTest, EnvironmentEntriesReplaceOnesOfTheSameName) {
  ::setenv("SESAME_SUBPROCESS_TEST", "parent", 1);
  SubprocessOptions o = Command({"sh", "-c", "echo $SESAME_SUBPROCESS_TEST; env | grep -c ^SESAME_SUBPROCESS_TEST="});
  o.env = {"SESAME_SUBPROCESS_TEST=child"};
  auto r = RunSubprocess(o);
  ::unsetenv("SESAME_SUBPROCESS_TEST");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->out, "child\n1\n");
}

TEST(SubprocessTest, StdinIsAtEndWithoutInput) {
  auto r = RunSubprocess(Command({"cat"}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->succeeded());
  EXPECT_EQ(r->out, "");
}

TEST(SubprocessTest, AMissingProgramIsNotFound) {
  auto r = RunSubprocess(Command({"sesame-no-such-program"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("sesame-no-such-program"), std::string::npos);
  EXPECT_FALSE(RunSubprocess(Command({"/nonexistent/bin/x"})).ok());
  EXPECT_FALSE(RunSubprocess(SubprocessOptions{}).ok());
}

// The deadline kills the child and, with its own process group, what it
// started: the grandchild holds the output pipe open, so without the group
// kill the read would wait for it.
TEST(SubprocessTest, TheDeadlineKillsTheProcessGroup) {
  SubprocessOptions o = Command({"sh", "-c", "sleep 600 & wait"});
  o.timeout = std::chrono::milliseconds(300);
  o.own_process_group = true;
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->succeeded());
  EXPECT_EQ(r->Describe(), "timed out");
}

TEST(SubprocessTest, ASignalIsReportedAsAShellWould) {
  auto r = RunSubprocess(Command({"sh", "-c", "kill -9 $$"}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code(), 128 + 9);
  EXPECT_EQ(r->Describe(), "killed by signal 9");
}

TEST(SubprocessTest, FindInPathFindsShell) {
  EXPECT_FALSE(FindInPath("sh").empty());
  EXPECT_EQ(FindInPath("sesame-no-such-program"), "");
}

}  // namespace
}  // namespace sesame
