// `sesame exec -i` and `exec -it` through a server (--server) are
// interactive: input goes as it is typed, output shows as it comes, the end
// of input (Ctrl-D, the end of a pipe) ends the command's input, and the
// remote exit code is sesame's. Driven through a pseudo-terminal, as a user
// at a shell runs them, for filesystem and docker sandboxes.
#include <signal.h>

#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/driven_process.h"

namespace sesame::e2e {
namespace {

using testing::DrivenProcess;

// Guards against a hang; never a measure of speed.
constexpr int kPatience = 60000;

std::string Sleeper(const std::string& name, const std::string& provider) {
  std::string image = provider == "docker" ? "  image: sesame-test-busybox:latest\n" : "";
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name + "\nspec:\n  provider: " +
         provider + "\n" + image + "  command: [\"sleep\", \"3600\"]\n";
}

class RemoteExecTest : public E2eTest {
 protected:
  void StartWith(const std::string& provider, const std::string& name) {
    controller_ = StartController();
    url_ = ServerUrl();
    ASSERT_FALSE(url_.empty()) << ControllerLogs();
    Apply(Sleeper(name, provider));
    auto wait = Sesame({"wait", "sandbox/" + name, "--timeout", "120s"});
    ASSERT_EQ(wait.exit_code, 0) << wait.err << ControllerLogs();
  }

  // sesame --server URL ARGS..., from a home with no store of its own.
  std::unique_ptr<DrivenProcess> Remote(std::vector<std::string> args, DrivenProcess::Via via) {
    args.insert(args.begin(), {SESAME_BINARY, "--server", url_});
    return std::make_unique<DrivenProcess>(args, std::map<std::string, std::string>{{"SESAME_HOME", dir_.path() + "/elsewhere"}},
                                           via);
  }

  void DeleteAndWaitGone(const std::string& name) {
    ASSERT_EQ(Sesame({"delete", "sandbox", name}).exit_code, 0);
    EXPECT_TRUE(Eventually([&] { return Get(name).is_null(); }, 120000)) << ControllerLogs();
  }

  // A shell on a terminal, a line at a time: each line's output shows
  // before the next is typed; Ctrl-D ends the shell, whose exit code (its
  // last command's) sesame returns; the local terminal is cooked again.
  void ShellOnATerminal(const std::string& name) {
    // Each line is typed at a prompt, as a user does: a shell with line
    // editing (busybox) may take a Ctrl-D typed while a command still runs
    // as something else.
    auto shell = Remote({"exec", "-it", name, "--", "env", "PS1=ready> ", "sh"}, DrivenProcess::Via::kTerminal);
    ASSERT_TRUE(shell->WaitForOutput("ready> ", 0, kPatience)) << shell->output();
    // The arithmetic is done by the remote shell: the echo of the typed
    // line shows "$((20+22))", only its output "first 42".
    size_t seen = shell->output().size();
    shell->Type("echo first $((20+22))\n");
    ASSERT_TRUE(shell->WaitForOutput("first 42", seen, kPatience)) << shell->output();
    seen = shell->output().find("first 42");
    ASSERT_TRUE(shell->WaitForOutput("ready> ", seen, kPatience)) << shell->output();
    seen = shell->output().size();
    shell->Type("echo second $((2+3)); (exit 7)\n");
    ASSERT_TRUE(shell->WaitForOutput("second 5", seen, kPatience)) << shell->output();
    seen = shell->output().find("second 5");
    ASSERT_TRUE(shell->WaitForOutput("ready> ", seen, kPatience)) << shell->output();
    shell->Type("\x04");
    EXPECT_EQ(shell->Wait(kPatience), 7) << shell->output();
    EXPECT_TRUE(shell->TerminalIsCooked());
  }

  std::unique_ptr<testing::BackgroundProcess> controller_;
  std::string url_;
};

TEST_F(RemoteExecTest, ShellOnATerminalIsInteractiveThroughTheServer) {
  StartWith("filesystem", "shell");
  ShellOnATerminal("shell");
}

TEST_F(RemoteExecTest, DockerShellOnATerminalIsInteractiveThroughTheServer) {
  StartWith("docker", "dshell");
  ShellOnATerminal("dshell");
  DeleteAndWaitGone("dshell");
}

// Without -t, through pipes: each line comes back before the next is
// written, and closing the pipe ends cat with its exit code.
TEST_F(RemoteExecTest, PipedInputStreamsBothWays) {
  StartWith("filesystem", "pipes");
  auto cat = Remote({"exec", "-i", "pipes", "--", "sh", "-c", "cat; exit 4"}, DrivenProcess::Via::kPipes);
  cat->Type("a\n");
  ASSERT_TRUE(cat->WaitForOutput("a\n", 0, kPatience)) << cat->output();
  cat->Type("b\n");
  ASSERT_TRUE(cat->WaitForOutput("b\n", 2, kPatience)) << cat->output();
  cat->CloseInput();
  EXPECT_EQ(cat->Wait(kPatience), 4) << cat->output();
  EXPECT_EQ(cat->output(), "a\nb\n");

  // The same with the input all there at once (printf 'a\nb\n' | ...).
  auto piped = testing::RunCommand({SESAME_BINARY, "--server", url_, "exec", "-i", "pipes", "--", "cat"},
                                   {{"SESAME_HOME", dir_.path() + "/elsewhere"}}, "a\nb\n");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, "a\nb\n");
}

// A command that ends while nothing is typed ends exec -it, locally and
// through the server (the stdin feeder does not wait for a key).
TEST_F(RemoteExecTest, ExecOnATerminalEndsWithItsCommandWithoutInput) {
  StartWith("filesystem", "quiet");
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    std::vector<std::string> args = {"exec", "-it", "quiet", "--", "sh", "-c", "echo hi; exit 3"};
    auto exec = remote ? Remote(args, DrivenProcess::Via::kTerminal)
                       : std::make_unique<DrivenProcess>(
                             [&] {
                               args.insert(args.begin(), SESAME_BINARY);
                               return args;
                             }(),
                             Env(), DrivenProcess::Via::kTerminal);
    EXPECT_EQ(exec->Wait(kPatience), 3) << exec->output();
    EXPECT_NE(exec->output().find("hi\r\n"), std::string::npos) << exec->output();
  }
}

// A signal that ends sesame while the terminal is raw leaves it cooked.
TEST_F(RemoteExecTest, ATerminatedExecRestoresTheTerminal) {
  StartWith("filesystem", "term");
  auto shell = Remote({"exec", "-it", "term", "--", "sh"}, DrivenProcess::Via::kTerminal);
  shell->Type("echo ready $((6*7))\n");
  ASSERT_TRUE(shell->WaitForOutput("ready 42", 0, kPatience)) << shell->output();
  EXPECT_FALSE(shell->TerminalIsCooked());  // raw while the command runs
  kill(shell->pid(), SIGTERM);
  EXPECT_EQ(shell->Wait(kPatience), 128 + SIGTERM);
  EXPECT_TRUE(shell->TerminalIsCooked());
}

}  // namespace
}  // namespace sesame::e2e
