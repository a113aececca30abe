// The same commands against a server (--server / SESAME_SERVER): same
// output, same exit codes, nothing read from the local store.

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

constexpr char kBox[] = R"(apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata:
  name: remote-box
  labels: {via: api}
spec:
  provider: filesystem
  command: ["sh", "-c", "echo remote hello; cat"]
  stdin: true
)";

class RemoteCliTest : public E2eTest {
 protected:
  // Runs sesame against the server, from a home with no store of its own.
  testing::CommandResult Remote(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), SESAME_BINARY);
    return testing::RunCommand(args, {{"SESAME_HOME", dir_.path() + "/elsewhere"}, {"SESAME_SERVER", url_}},
                               input);
  }
  std::string url_;
};

TEST_F(RemoteCliTest, CommandsWorkThroughTheServer) {
  auto controller = StartController();
  url_ = ServerUrl();
  ASSERT_FALSE(url_.empty()) << ControllerLogs();

  auto apply = Remote({"apply", "-f", "-"}, kBox);
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_EQ(apply.out, "sandbox/remote-box created\n");
  auto wait = Remote({"wait", "sandbox/remote-box", "--timeout", "30s"});
  ASSERT_EQ(wait.exit_code, 0) << wait.err << ControllerLogs();

  // One printing path: the table from the server equals the local one.
  auto remote_table = Remote({"get", "sandboxes", "-o", "wide", "--no-headers"});
  auto local_table = Sesame({"get", "sandboxes", "-o", "wide", "--no-headers"});
  EXPECT_EQ(remote_table.out, local_table.out);
  auto remote_json = nlohmann::json::parse(Remote({"get", "sandbox", "remote-box", "-o", "json"}).out);
  EXPECT_EQ(remote_json["status"]["phase"], "Running");
  EXPECT_EQ(Remote({"get", "sandboxes", "-l", "via=api", "-o", "name"}).out, "sandbox/remote-box\n");

  auto exec = Remote({"exec", "-i", "remote-box", "--", "cat"}, "hi\n");
  EXPECT_EQ(exec.exit_code, 0) << exec.err;
  EXPECT_EQ(exec.out, "hi\n");
  auto failing = Remote({"exec", "remote-box", "--", "sh", "-c", "echo oops >&2; exit 5"});
  EXPECT_EQ(failing.exit_code, 5);
  EXPECT_EQ(failing.err, "oops\n");
  EXPECT_TRUE(Eventually([&] { return Remote({"logs", "remote-box"}).out.find("remote hello") != std::string::npos; },
                         5000));
  auto described = Remote({"describe", "sandbox", "remote-box"});
  EXPECT_NE(described.out.find("Phase:       Running"), std::string::npos) << described.out;

  // Exit codes match embedded mode.
  EXPECT_EQ(Remote({"get", "sandbox", "missing"}).exit_code, 1);
  auto invalid = Remote({"apply", "-f", "-"}, std::string(kBox) + "  bogus: 1\n");
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("spec.bogus"), std::string::npos) << invalid.err;
  auto diff = Remote({"diff", "-f", "-"}, kBox);
  EXPECT_EQ(diff.exit_code, 0) << diff.out;

  ASSERT_EQ(Remote({"delete", "sandbox", "remote-box"}).exit_code, 0);
  auto gone = Remote({"wait", "sandbox/remote-box", "--for=delete", "--timeout", "30s"});
  EXPECT_EQ(gone.exit_code, 0) << gone.err;
}

TEST_F(RemoteCliTest, UnreachableServerIsAClearFailure) {
  url_ = "http://127.0.0.1:1";
  auto r = Remote({"get", "sandboxes"});
  EXPECT_EQ(r.exit_code, 1);
  // What failed and what to do, not the HTTP library's error name.
  EXPECT_NE(r.err.find("cannot reach the Sesame server at http://127.0.0.1:1: nothing answers there"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("is `sesame controller` or `sesame up` running"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(": Connection"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sesame::e2e
