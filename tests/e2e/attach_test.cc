// `sesame attach NAME` detaches with exit 0 when its input ends (the end
// of a pipe, Ctrl-D in a terminal, cooked or raw), locally and through a
// server, for the filesystem and docker providers; the session keeps
// running and got the input.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

// A session that answers each line of its stdin.
std::string Echoer(const std::string& name, const std::string& provider) {
  std::string image = provider == "docker" ? "  image: sesame-test-busybox:latest\n" : "";
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name + "\nspec:\n  provider: " +
         provider + "\n" + image +
         "  command: [\"sh\", \"-c\", \"while read line; do echo \\\"got $line\\\"; done\"]\n  stdin: true\n";
}

// A hang fails the test in 30 s rather than at the suite's timeout.
constexpr char kLimit[] = "30";
constexpr int kTimedOut = 124;  // timeout(1)'s exit code

class AttachTest : public E2eTest {
 protected:
  void StartWith(const std::string& provider, const std::string& name) {
    controller_ = StartController();
    url_ = ServerUrl();
    ASSERT_FALSE(url_.empty()) << ControllerLogs();
    Apply(Echoer(name, provider));
    auto wait = Sesame({"wait", "sandbox/" + name, "--timeout", "90s"});
    ASSERT_EQ(wait.exit_code, 0) << wait.err << ControllerLogs();
    session_ = Get(name)["status"]["providerRef"].value("id", "");
    ASSERT_FALSE(session_.empty());
  }

  std::vector<std::string> AttachArgs(const std::string& name, bool remote) {
    std::vector<std::string> args = {"timeout", kLimit, SESAME_BINARY, "attach", name};
    if (remote) args.insert(args.end(), {"--server", url_});
    return args;
  }

  // Pipes `input` into attach; expects a detach with exit 0.
  void AttachWithPipe(const std::string& name, bool remote, const std::string& input) {
    auto r = testing::RunCommand(AttachArgs(name, remote), Env(), input);
    ASSERT_NE(r.exit_code, kTimedOut) << "attach did not return when its input ended";
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }

  // Runs attach with a terminal as its stdin, types `line`, then Ctrl-D;
  // returns attach's exit code.
  int AttachWithTerminal(const std::string& name, bool remote, const std::string& line, bool raw) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return -1;
    std::string slave_path = ptsname(master);
    std::vector<std::string> argv = AttachArgs(name, remote);
    auto env = Env();
    std::string out_path = dir_.path() + "/attach-terminal.out";
    pid_t pid = fork();
    if (pid == 0) {
      setsid();
      int slave = open(slave_path.c_str(), O_RDWR);
      if (raw) {
        termios t{};
        tcgetattr(slave, &t);
        cfmakeraw(&t);
        tcsetattr(slave, TCSANOW, &t);
      }
      int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(slave, 0);
      dup2(out, 1);
      dup2(out, 2);
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    // The line, then Ctrl-D at the start of the next one.
    std::string typed = line + "\n";
    [[maybe_unused]] ssize_t n = write(master, typed.data(), typed.size());
    // The line reaches the session before the end of input, locally and
    // through a server (in raw mode Ctrl-D ends the input only at the
    // start of a read).
    if (!Eventually([&] { return Logs(name).find("got " + line) != std::string::npos; }, 30000)) {
      ADD_FAILURE() << "the typed line did not reach the session before the end of input";
    }
    n = write(master, "\x04", 1);
    int status = 0;
    // Drain the terminal's echo while waiting, so the child never blocks.
    while (waitpid(pid, &status, WNOHANG) == 0) {
      char buf[256];
      fcntl(master, F_SETFL, O_NONBLOCK);
      while (read(master, buf, sizeof buf) > 0) {
      }
      usleep(20000);
    }
    close(master);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string Logs(const std::string& name) { return Sesame({"logs", name}).out; }

  // The session kept running (the same one) and answered `line`.
  void ExpectSessionGotAndRuns(const std::string& name, const std::string& line) {
    EXPECT_TRUE(Eventually([&] { return Logs(name).find("got " + line) != std::string::npos; }, 30000))
        << Logs(name);
    EXPECT_EQ(Phase(name), "Running");
    EXPECT_EQ(Get(name)["status"]["providerRef"].value("id", ""), session_);
  }

  void DeleteAndWaitGone(const std::string& name) {
    ASSERT_EQ(Sesame({"delete", "sandbox", name}).exit_code, 0);
    EXPECT_TRUE(Eventually([&] { return Get(name).is_null(); }, 60000)) << ControllerLogs();
  }

  // Piped input, local then through the server, then empty input.
  void PipedInputDetaches(const std::string& name) {
    AttachWithPipe(name, false, "hi\n");
    ExpectSessionGotAndRuns(name, "hi");
    AttachWithPipe(name, true, "over the api\n");
    ExpectSessionGotAndRuns(name, "over the api");
    AttachWithPipe(name, false, "");
    AttachWithPipe(name, true, "");
    EXPECT_EQ(Phase(name), "Running");
  }

  std::unique_ptr<testing::BackgroundProcess> controller_;
  std::string url_;
  std::string session_;
};

TEST_F(AttachTest, FilesystemEndOfPipeDetachesLocallyAndRemotely) {
  StartWith("filesystem", "talk");
  PipedInputDetaches("talk");
}

TEST_F(AttachTest, DockerEndOfPipeDetachesLocallyAndRemotely) {
  StartWith("docker", "dtalk");
  PipedInputDetaches("dtalk");
  DeleteAndWaitGone("dtalk");
}

TEST_F(AttachTest, CtrlDInATerminalDetaches) {
  StartWith("filesystem", "term");
  EXPECT_EQ(AttachWithTerminal("term", false, "typed", /*raw=*/false), 0);
  ExpectSessionGotAndRuns("term", "typed");
  EXPECT_EQ(AttachWithTerminal("term", false, "raw", /*raw=*/true), 0);
  ExpectSessionGotAndRuns("term", "raw");
}

TEST_F(AttachTest, CtrlDInATerminalDetachesFromAServer) {
  StartWith("docker", "dterm");
  // Through a server the input goes as it is typed, as locally.
  int master_exit = AttachWithTerminal("dterm", true, "remote", /*raw=*/false);
  EXPECT_EQ(master_exit, 0);
  ExpectSessionGotAndRuns("dterm", "remote");
  DeleteAndWaitGone("dterm");
}

}  // namespace
}  // namespace sesame::e2e
