// The sandbox verbs of the sesame CLI through the built binary and a running
// controller, on the local store and through the server (--server):
// suspend, resume, restart, several names per verb, logs --previous, cp,
// port-forward, exec -t, and -o json|yaml lists of every kind.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

// Each run of the session counts itself in its workspace and says which it
// is, so a restart shows as "run 2" and the run before as "run 1".
std::string Counting(const std::string& name) {
  return "apiVersion: sesame.dev/v1alpha1\n"
         "kind: Sandbox\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  provider: filesystem\n"
         "  command: [\"sh\", \"-c\", \"n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; "
         "echo run $n; exec sleep 600\"]\n";
}

class CliVerbsTest : public E2eTest {
 protected:
  // Runs sesame against the server, from a home with no store of its own;
  // Local() runs it on the controller's store.
  testing::CommandResult Remote(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), SESAME_BINARY);
    return testing::RunCommand(args, {{"SESAME_HOME", dir_.path() + "/elsewhere"}, {"SESAME_SERVER", url_}},
                               input);
  }
  testing::CommandResult Via(bool remote, std::vector<std::string> args, const std::string& input = "") {
    return remote ? Remote(std::move(args), input) : Sesame(std::move(args), input);
  }
  void StartAndConnect() {
    controller_ = StartController();
    url_ = ServerUrl();
    ASSERT_FALSE(url_.empty()) << ControllerLogs();
  }
  void WaitReady(const std::string& name) {
    auto r = Sesame({"wait", "sandbox/" + name, "--timeout", "60s"});
    ASSERT_EQ(r.exit_code, 0) << r.err << ControllerLogs();
  }
  std::string Status(const std::string& name, const std::string& field) {
    auto j = Get(name);
    if (j.is_null() || !j.contains("status") || !j["status"].contains(field)) return "";
    const auto& v = j["status"][field];
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  std::string Logs(bool remote, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"logs"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Via(remote, args).out;
  }

  std::unique_ptr<testing::BackgroundProcess> controller_;
  std::string url_;
};

TEST_F(CliVerbsTest, SuspendResumeRestartTakeSeveralNamesLocallyAndThroughTheServer) {
  StartAndConnect();
  Apply(Counting("alpha"));
  Apply(Counting("beta"));
  WaitReady("alpha");
  WaitReady("beta");

  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    auto suspend = Via(remote, {"suspend", "alpha", "sandbox/beta"});
    ASSERT_EQ(suspend.exit_code, 0) << suspend.err;
    EXPECT_EQ(suspend.out, "sandbox/alpha suspended\nsandbox/beta suspended\n");
    EXPECT_TRUE(Eventually([&] { return Phase("alpha") == "Suspended" && Phase("beta") == "Suspended"; }, 60000))
        << Phase("alpha") << " " << Phase("beta") << ControllerLogs();
    EXPECT_EQ(Via(remote, {"suspend", "alpha"}).out, "sandbox/alpha already suspended (spec.suspend is true)\n");
    // A suspended session is not restarted: resume it first.
    auto refused = Via(remote, {"restart", "alpha"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("sandbox/alpha: is suspended: resume it first (sesame resume alpha)"),
              std::string::npos)
        << refused.err;
    // wait names the cause and the remedy, not a missing controller.
    auto waiting = Via(remote, {"wait", "sandbox/alpha", "--timeout", "30s"});
    EXPECT_EQ(waiting.exit_code, 1);
    EXPECT_NE(waiting.err.find("sesame resume alpha"), std::string::npos) << waiting.err;
    EXPECT_EQ(waiting.err.find("controller"), std::string::npos) << waiting.err;

    auto resume = Via(remote, {"resume", "sandbox", "alpha", "beta"});
    ASSERT_EQ(resume.exit_code, 0) << resume.err;
    EXPECT_EQ(resume.out, "sandbox/alpha resumed\nsandbox/beta resumed\n");
    EXPECT_TRUE(Eventually([&] { return Phase("alpha") == "Running" && Phase("beta") == "Running"; }, 60000))
        << Phase("alpha") << " " << Phase("beta") << ControllerLogs();
  }

  // restart: the session runs again in the same workspace (run 2), once
  // per request; --previous shows the run before.
  auto restart = Sesame({"restart", "alpha"});
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  EXPECT_EQ(restart.out, "sandbox/alpha restarting\n");
  EXPECT_TRUE(Eventually([&] { return Logs(false, {"alpha"}).find("run 2") != std::string::npos; }, 60000))
      << Logs(false, {"alpha"}) << ControllerLogs();
  auto object = Get("alpha");
  EXPECT_EQ(object["status"]["restarts"], 1) << object.dump();
  EXPECT_EQ(object["status"]["restartedAt"], object["metadata"]["annotations"]["sesame.dev/restartedAt"]);
  for (bool remote : {false, true}) {
    auto previous = Via(remote, {"logs", "--previous", "sandbox/alpha"});
    EXPECT_EQ(previous.exit_code, 0) << previous.err;
    EXPECT_EQ(previous.out, "run 1\n") << (remote ? "remote" : "local");
    // beta never restarted: there is no previous run, and that is an error.
    auto none = Via(remote, {"logs", "--previous", "beta"});
    EXPECT_EQ(none.exit_code, 1) << none.out;
    EXPECT_NE(none.err.find("sandbox/beta has not restarted: there is no previous run"), std::string::npos)
        << none.err;
  }
  // Through the server as well; each request restarts once.
  ASSERT_EQ(Remote({"restart", "sandbox/alpha", "beta"}).exit_code, 0);
  EXPECT_TRUE(Eventually([&] {
    return Logs(false, {"alpha"}).find("run 3") != std::string::npos &&
           Logs(false, {"beta"}).find("run 2") != std::string::npos;
  }, 60000)) << ControllerLogs();
  EXPECT_EQ(Remote({"logs", "--previous", "alpha"}).out, "run 2\n");

  // Several names: every line names its sandbox.
  for (bool remote : {false, true}) {
    auto logs = Via(remote, {"logs", "alpha", "beta"});
    EXPECT_EQ(logs.exit_code, 0) << logs.err;
    EXPECT_NE(logs.out.find("[sandbox/alpha] run 3\n"), std::string::npos) << logs.out;
    EXPECT_NE(logs.out.find("[sandbox/beta] run 2\n"), std::string::npos) << logs.out;
    auto exec = Via(remote, {"exec", "sandbox/alpha", "beta", "--", "cat", "count"});
    EXPECT_EQ(exec.exit_code, 0) << exec.err;
    EXPECT_EQ(exec.out, "[sandbox/alpha] 3\n[sandbox/beta] 2\n");
    auto missing = Via(remote, {"exec", "alpha", "gamma", "--", "true"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("sandbox/gamma"), std::string::npos) << missing.err;
  }
  auto deleted = Remote({"delete", "sandbox/alpha", "sandbox/beta"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "sandbox/alpha deleted\nsandbox/beta deleted\n");
}

// -o json and -o yaml print one List, whatever the kind, with the same
// items on the local store and through the server.
TEST_F(CliVerbsTest, JsonAndYamlListsForEveryKind) {
  StartAndConnect();
  Apply(Counting("alpha"));
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\nmetadata:\n  name: tpl\nspec:\n  provider: filesystem\n");
  WaitReady("alpha");
  for (bool remote : {false, true}) {
    for (const char* what : {"sandboxes", "templates", "pools", "quotas", "syncs", "events", "violations"}) {
      SCOPED_TRACE(std::string(what) + (remote ? " through the server" : " local"));
      auto json = Via(remote, {"get", what, "-o", "json"});
      ASSERT_EQ(json.exit_code, 0) << json.err;
      auto list = nlohmann::json::parse(json.out, nullptr, false);
      ASSERT_TRUE(list.is_object()) << json.out;
      EXPECT_EQ(list["kind"], "List");
      EXPECT_EQ(list["apiVersion"], "v1");
      EXPECT_TRUE(list["items"].is_array());
      auto yaml = Via(remote, {"get", what, "-o", "yaml"});
      ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
      EXPECT_EQ(yaml.out.rfind("apiVersion: v1\nkind: List\n", 0), 0u) << yaml.out;
      EXPECT_NE(yaml.out.find("items:"), std::string::npos) << yaml.out;
      EXPECT_EQ(yaml.out.find("\n---"), std::string::npos) << yaml.out;
    }
    auto sandboxes = nlohmann::json::parse(Via(remote, {"get", "sandboxes", "-o", "json"}).out);
    ASSERT_EQ(sandboxes["items"].size(), 1u);
    EXPECT_EQ(sandboxes["items"][0]["metadata"]["name"], "alpha");
    auto templates = nlohmann::json::parse(Via(remote, {"get", "templates", "-o", "json"}).out);
    ASSERT_EQ(templates["items"].size(), 1u);
    EXPECT_EQ(templates["items"][0]["kind"], "SandboxTemplate");
    auto events = nlohmann::json::parse(Via(remote, {"get", "events", "-o", "json"}).out);
    ASSERT_FALSE(events["items"].empty());
    EXPECT_EQ(events["items"][0]["kind"], "Event");
    EXPECT_EQ(events["items"][0]["involvedObject"]["name"], "alpha");
  }
}

TEST_F(CliVerbsTest, CpCopiesFilesToAndFromASandbox) {
  StartAndConnect();
  Apply(Counting("alpha"));
  WaitReady("alpha");
  std::string local = dir_.Write("notes.txt", "line one\nline two\n");
  std::string out_dir = dir_.path() + "/out";
  std::filesystem::create_directories(out_dir);
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    std::string to = remote ? "alpha:docs/remote/" : "sandbox/alpha:docs/local.txt";
    auto up = Via(remote, {"cp", local, to});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    std::string placed = remote ? "docs/remote/notes.txt" : "docs/local.txt";
    EXPECT_EQ(Via(remote, {"exec", "alpha", "--", "cat", placed}).out, "line one\nline two\n");
    // Back: into a directory (the file keeps its name), and to stdout.
    auto down = Via(remote, {"cp", "alpha:" + placed, out_dir});
    ASSERT_EQ(down.exit_code, 0) << down.err;
    std::ifstream copied(out_dir + "/" + std::filesystem::path(placed).filename().string());
    std::stringstream content;
    content << copied.rdbuf();
    EXPECT_EQ(content.str(), "line one\nline two\n");
    EXPECT_EQ(Via(remote, {"cp", "alpha:count", "-"}).out, "1\n");
    // From stdin.
    ASSERT_EQ(Via(remote, {"cp", "-", "alpha:piped.txt"}, "from stdin").exit_code, 0);
    EXPECT_EQ(Via(remote, {"exec", "alpha", "--", "cat", "piped.txt"}).out, "from stdin");
    // Out of the workspace: refused, and nothing written here.
    auto escape = Via(remote, {"cp", "alpha:../../state.json", out_dir + "/escaped"});
    EXPECT_EQ(escape.exit_code, 1) << escape.err;
    EXPECT_FALSE(std::filesystem::exists(out_dir + "/escaped"));
    auto missing = Via(remote, {"cp", "alpha:no/such/file", out_dir + "/x"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_FALSE(std::filesystem::exists(out_dir + "/x"));
  }
  auto both = Sesame({"cp", "alpha:a", "alpha:b"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not between two sandboxes"), std::string::npos) << both.err;
  auto neither = Sesame({"cp", local, out_dir});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("NAME:PATH"), std::string::npos) << neither.err;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(CliVerbsTest, PortForwardRelaysALocalPortToTheSandbox) {
  StartAndConnect();
  int port = FreePort();
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: web\nspec:\n  provider: filesystem\n"
        "  command: [\"sh\", \"-c\", \"echo served > hello.txt; exec python3 -m http.server " +
        std::to_string(port) + " --bind 127.0.0.1\"]\n");
  WaitReady("web");
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    std::string log = dir_.path() + (remote ? "/forward-remote.log" : "/forward-local.log");
    std::map<std::string, std::string> env = Env();
    if (remote) env = {{"SESAME_HOME", dir_.path() + "/elsewhere"}, {"SESAME_SERVER", url_}};
    testing::BackgroundProcess forward({SESAME_BINARY, "port-forward", "sandbox/web", ":" + std::to_string(port)},
                                       env, log);
    std::string local;
    ASSERT_TRUE(Eventually([&] {
      std::ifstream in(log);
      std::stringstream ss;
      ss << in.rdbuf();
      std::smatch m;
      std::string text = ss.str();
      if (std::regex_search(text, m, std::regex("Forwarding from 127.0.0.1:([0-9]+) -> " + std::to_string(port)))) {
        local = m[1];
      }
      return !local.empty();
    }, 30000)) << "no Forwarding line in " << log;
    std::string url = "http://127.0.0.1:" + local + "/hello.txt";
    testing::CommandResult got;
    // The server may still be starting: the first answers may be refusals.
    EXPECT_TRUE(Eventually([&] {
      got = testing::RunCommand({"curl", "-sS", "--max-time", "10", url});
      return got.exit_code == 0 && got.out == "served\n";
    }, 60000)) << got.out << got.err;
    // A second connection on the same forward.
    EXPECT_EQ(testing::RunCommand({"curl", "-sS", "--max-time", "10", url}).out, "served\n");
  }
  auto bad = Sesame({"port-forward", "web", "x:80"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("the local port"), std::string::npos) << bad.err;
}

TEST_F(CliVerbsTest, ExecWithATerminal) {
  StartAndConnect();
  Apply(Counting("alpha"));
  WaitReady("alpha");
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    auto tty = Via(remote, {"exec", "-t", "alpha", "--", "sh", "-c", "test -t 0 && test -t 1 && echo on a terminal"});
    EXPECT_EQ(tty.exit_code, 0) << tty.out << tty.err;
    EXPECT_EQ(tty.out, "on a terminal\r\n");  // a terminal ends lines with CR LF
    auto plain = Via(remote, {"exec", "alpha", "--", "sh", "-c", "test -t 1"});
    EXPECT_EQ(plain.exit_code, 1);
    // Input goes through the terminal; its end is the terminal's Ctrl-D.
    auto typed = Via(remote, {"exec", "-it", "alpha", "--", "sh", "-c", "read line; echo got $line"}, "hello\n");
    EXPECT_EQ(typed.exit_code, 0) << typed.err;
    EXPECT_NE(typed.out.find("got hello\r\n"), std::string::npos) << typed.out;
    // Errors go to the terminal too, so to stdout.
    auto err = Via(remote, {"exec", "-t", "alpha", "--", "sh", "-c", "echo oops >&2; exit 3"});
    EXPECT_EQ(err.exit_code, 3);
    EXPECT_EQ(err.out, "oops\r\n");
    EXPECT_EQ(err.err, "");
  }
  auto several = Sesame({"exec", "-t", "alpha", "beta", "--", "true"});
  EXPECT_EQ(several.exit_code, 2);
}

}  // namespace
}  // namespace sesame::e2e

namespace sesame::e2e {
namespace {

// Docker gives an exec a terminal of its own (Tty in the exec's create).
TEST_F(CliVerbsTest, DockerExecWithATerminal) {
  StartAndConnect();
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: boxed\nspec:\n  provider: docker\n"
        "  image: sesame-test-busybox:latest\n  command: [\"sleep\", \"3600\"]\n");
  WaitReady("boxed");
  auto tty = Sesame({"exec", "-t", "boxed", "--", "sh", "-c", "test -t 0 && test -t 1 && echo on a terminal"});
  EXPECT_EQ(tty.exit_code, 0) << tty.out << tty.err;
  EXPECT_EQ(tty.out, "on a terminal\r\n");
  auto typed = Remote({"exec", "-it", "boxed", "--", "sh", "-c", "read line; echo got $line"}, "hello\n");
  EXPECT_EQ(typed.exit_code, 0) << typed.err;
  EXPECT_NE(typed.out.find("got hello\r\n"), std::string::npos) << typed.out;
  EXPECT_EQ(Sesame({"exec", "boxed", "--", "sh", "-c", "test -t 1"}).exit_code, 1);
  ASSERT_EQ(Sesame({"delete", "sandbox", "boxed"}).exit_code, 0);
  EXPECT_EQ(Sesame({"wait", "sandbox/boxed", "--for=delete", "--timeout", "120s"}).exit_code, 0) << ControllerLogs();
}

// Docker keeps one log per container across restarts; logs --previous
// shows the run before the last restart, and only it, locally and through
// the server, with --tail counting that run's lines.
TEST_F(CliVerbsTest, DockerLogsPreviousShowsTheRunBeforeTheRestart) {
  StartAndConnect();
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: runs\nspec:\n  provider: docker\n"
        "  image: sesame-test-busybox:latest\n"
        "  command: [\"sh\", \"-c\", \"n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; "
        "echo run $n; echo more of run $n; exec sleep 3600\"]\n");
  WaitReady("runs");
  EXPECT_TRUE(Eventually([&] { return Logs(false, {"runs"}).find("run 1") != std::string::npos; }, 60000))
      << ControllerLogs();
  for (bool remote : {false, true}) {
    auto none = Via(remote, {"logs", "--previous", "runs"});
    EXPECT_EQ(none.exit_code, 1) << none.out;
    EXPECT_NE(none.err.find("sandbox/runs has not restarted: there is no previous run"), std::string::npos)
        << none.err;
  }
  auto logged = [this](const std::string& text) {
    return [this, text] { return Sesame({"logs", "runs"}).out.find(text) != std::string::npos; };
  };
  ASSERT_EQ(Sesame({"restart", "runs"}).exit_code, 0);
  EXPECT_TRUE(Eventually(logged("more of run 2"), 120000)) << Sesame({"logs", "runs"}).out << ControllerLogs();
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    auto previous = Via(remote, {"logs", "--previous", "runs"});
    EXPECT_EQ(previous.exit_code, 0) << previous.err;
    EXPECT_EQ(previous.out, "run 1\nmore of run 1\n");
    EXPECT_EQ(Via(remote, {"logs", "--previous", "--tail", "1", "runs"}).out, "more of run 1\n");
  }
  ASSERT_EQ(Remote({"restart", "runs"}).exit_code, 0);
  EXPECT_TRUE(Eventually(logged("more of run 3"), 120000)) << Sesame({"logs", "runs"}).out << ControllerLogs();
  auto second = Remote({"logs", "--previous", "runs"});
  EXPECT_EQ(second.out, "run 2\nmore of run 2\n") << second.err;
  // Plain logs still show every run.
  EXPECT_NE(Sesame({"logs", "runs"}).out.find("run 1\n"), std::string::npos);
  ASSERT_EQ(Sesame({"delete", "sandbox", "runs"}).exit_code, 0);
  EXPECT_EQ(Sesame({"wait", "sandbox/runs", "--for=delete", "--timeout", "120s"}).exit_code, 0) << ControllerLogs();
}

// A sandbox whose image is missing fails at every resync (2 s here); the
// controller's log says so once, not once per resync.
TEST_F(CliVerbsTest, AMissingImageIsLoggedOncePerChange) {
  StartAndConnect();
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: ghost\nspec:\n  provider: docker\n"
        "  image: sesame-test-absent-image:never\n  command: [\"sleep\", \"3600\"]\n");
  // At least three failed reconciles of it, counted by the controller.
  auto failures = [&] {
    auto metrics = testing::RunCommand({"curl", "-sS", url_ + "/metrics"}).out;
    double total = 0;
    std::regex line(R"re(sesame_reconciles_total\{result="(error|terminal)"\} ([0-9.e+]+))re");
    for (std::sregex_iterator it(metrics.begin(), metrics.end(), line), end; it != end; ++it) {
      total += std::stod((*it)[2]);
    }
    return total;
  };
  EXPECT_TRUE(Eventually([&] { return failures() >= 3; }, 120000)) << failures() << ControllerLogs();
  auto count = [&](const std::string& logs) {
    size_t n = 0;
    std::istringstream in(logs);
    for (std::string l; std::getline(in, l);) {
      if (l.find("ghost") != std::string::npos && l.find("sesame-test-absent-image") != std::string::npos &&
          l.find("failed") != std::string::npos) {
        ++n;
      }
    }
    return n;
  };
  EXPECT_EQ(count(ControllerLogs()), 1u) << ControllerLogs();
  // A change (another missing image) is a new error: logged once more.
  Apply("apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: ghost\nspec:\n  provider: docker\n"
        "  image: sesame-test-absent-image:still-never\n  command: [\"sleep\", \"3600\"]\n");
  EXPECT_TRUE(Eventually([&] { return count(ControllerLogs()) == 2; }, 60000)) << ControllerLogs();
  ASSERT_EQ(Sesame({"delete", "sandbox", "ghost"}).exit_code, 0);
  EXPECT_EQ(Sesame({"wait", "sandbox/ghost", "--for=delete", "--timeout", "60s"}).exit_code, 0) << ControllerLogs();
}

}  // namespace
}  // namespace sesame::e2e

namespace sesame::e2e {
namespace {

// Under `sesame up DIR` the directory's sync is listed: get syncs does not
// tell the user to start what is running.
TEST_F(CliVerbsTest, GetSyncsUnderUpListsTheDirectory) {
  std::string dir = dir_.path() + "/manifests";
  dir_.Write("manifests/alpha.yaml", Counting("alpha"));
  testing::BackgroundProcess up({SESAME_BINARY, "up", dir, "--listen", "127.0.0.1:0"}, Env(),
                                dir_.path() + "/up.log");
  ASSERT_TRUE(Eventually([&] { return Phase("alpha") == "Running"; }, 60000)) << Phase("alpha");
  testing::CommandResult syncs;
  EXPECT_TRUE(Eventually([&] {
    syncs = Sesame({"get", "syncs"});
    return syncs.out.find(dir) != std::string::npos;
  }, 30000)) << syncs.out << syncs.err;
  EXPECT_EQ(syncs.exit_code, 0);
  EXPECT_EQ(syncs.err, "");
  auto list = nlohmann::json::parse(Sesame({"get", "syncs", "-o", "json"}).out);
  EXPECT_EQ(list["kind"], "List");
  ASSERT_EQ(list["items"].size(), 1u) << list.dump();
}

}  // namespace
}  // namespace sesame::e2e
