// `sesame completion bash|zsh|fish` loaded into the real shells: commands,
// flags, resources and sandbox names (asked of the sesame on PATH, on the
// store of $SESAME_HOME) complete. And `get -w` rows line up under the
// header as changes arrive.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/testing/run_command.h"

namespace sesame {
namespace {

using testing::CommandResult;

class CompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string path = std::filesystem::path(SESAME_BINARY).parent_path().string();
    const char* old = std::getenv("PATH");
    env_ = {{"SESAME_HOME", home_.path() + "/home"}, {"PATH", path + ":" + (old ? old : "/usr/bin:/bin")}};
    for (const char* name : {"one", "two"}) {
      auto r = testing::RunCommand({SESAME_BINARY, "apply", "-f", "-"}, env_,
                                   std::string("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: ") +
                                       name + "\nspec:\n  command: [sleep, \"60\"]\n");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  std::string Script(const std::string& shell) {
    auto r = testing::RunCommand({SESAME_BINARY, "completion", shell}, env_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return home_.Write("completion." + shell, r.out);
  }
  // What bash completes for the words (the last one being completed).
  std::string Bash(const std::string& words) {
    std::string file = Script("bash");
    auto r = testing::RunCommand(
        {"bash", "-c", "source " + file + "; COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
                       "_sesame; echo \"${COMPREPLY[*]}\""},
        env_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // What zsh's completion function offers, with compadd printing them.
  std::string Zsh(const std::string& words) {
    std::string file = Script("zsh");
    auto r = testing::RunCommand(
        {"zsh", "-f", "-c", "compadd() { [[ $1 == -- ]] && shift; print -r -- \"$*\" }; source " + file +
                                "; words=(" + words + "); CURRENT=${#words}; _sesame"},
        env_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // fish's own completion of a command line.
  std::string Fish(const std::string& line) {
    std::string file = Script("fish");
    auto r = testing::RunCommand({"fish", "--no-config", "-c", "source " + file + "; complete -C '" + line + "'"},
                                 env_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  testing::TempDir home_;
  std::map<std::string, std::string> env_;
};

TEST_F(CompletionTest, Bash) {
  EXPECT_EQ(Bash("sesame res"), "resume restart\n");
  EXPECT_EQ(Bash("sesame get sa"), "sandboxes\n");
  EXPECT_EQ(Bash("sesame get sandboxes ''"), "one two\n");
  EXPECT_EQ(Bash("sesame logs -n default t"), "two\n");
  EXPECT_EQ(Bash("sesame logs --pr"), "--previous --prefix\n");
  EXPECT_EQ(Bash("sesame get -o y"), "yaml\n");
  EXPECT_EQ(Bash("sesame wait o"), "\n");
  EXPECT_EQ(Bash("sesame wait sandbox/o"), "sandbox/one\n");
  EXPECT_EQ(Bash("sesame completion z"), "zsh\n");
  EXPECT_EQ(Bash("sesame schema sandboxp"), "sandboxpool\n");  // every kind `sesame schema` prints
}

TEST_F(CompletionTest, Zsh) {
  EXPECT_NE(Zsh("sesame ''").find("port-forward"), std::string::npos);
  EXPECT_EQ(Zsh("sesame get ''"), "sandboxes templates pools quotas events violations syncs\n");
  EXPECT_EQ(Zsh("sesame suspend ''"), "one two\n");
  EXPECT_EQ(Zsh("sesame get -n default templates ''"), "\n");
  EXPECT_NE(Zsh("sesame exec --").find("--tty"), std::string::npos);
  EXPECT_EQ(Zsh("sesame get -o ''"), "wide yaml json name\n");
}

TEST_F(CompletionTest, Fish) {
  std::string commands = Fish("sesame ");
  EXPECT_NE(commands.find("port-forward\tForward a local port to a port in a sandbox"), std::string::npos)
      << commands;
  std::string names = Fish("sesame restart ");
  EXPECT_NE(names.find("one\n"), std::string::npos) << names;
  EXPECT_NE(names.find("two\n"), std::string::npos) << names;
  EXPECT_NE(Fish("sesame get ").find("sandboxes"), std::string::npos);
  EXPECT_NE(Fish("sesame logs --prev").find("--previous"), std::string::npos);
}

TEST_F(CompletionTest, UnknownShellIsAUsageError) {
  auto r = testing::RunCommand({SESAME_BINARY, "completion", "tcsh"}, env_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown shell \"tcsh\" (use bash, zsh or fish)"), std::string::npos) << r.err;
}

// Rows printed as changes arrive start their columns where the header's do.
TEST_F(CompletionTest, WatchRowsLineUpUnderTheHeader) {
  std::string log = home_.path() + "/watch.log";
  testing::BackgroundProcess watch({SESAME_BINARY, "get", "sandboxes", "-w"}, env_, log);
  auto lines = [&] {
    std::ifstream in(log);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  };
  ASSERT_TRUE(testing::Eventually([&] { return lines().size() >= 3; }, 30000));
  auto r = testing::RunCommand({SESAME_BINARY, "apply", "-f", "-"}, env_,
                               "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: a-longer-name\n"
                               "spec:\n  command: [sleep, \"60\"]\n  suspend: true\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(testing::Eventually([&] { return lines().size() >= 4; }, 30000));
  auto all = lines();
  const std::string& header = all[0];
  ASSERT_EQ(header.rfind("NAME", 0), 0u) << header;
  size_t provider = header.find("PROVIDER"), phase = header.find("PHASE");
  ASSERT_NE(phase, std::string::npos);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(all[i][provider - 1], ' ') << "\n" << header << "\n" << all[i];
    EXPECT_NE(all[i][provider], ' ') << "\n" << header << "\n" << all[i];
    EXPECT_EQ(all[i][phase - 1], ' ') << "\n" << header << "\n" << all[i];
  }
}

}  // namespace
}  // namespace sesame
