#include "tests/providers/docker/docker_cli_fixture.h"

#include <signal.h>

#include <sstream>

#include "common/fingerprint.h"

namespace sesame::providers::docker::testing {

using sesame::testing::CommandResult;
using sesame::testing::RunCommand;

std::string DockerSandbox(const std::string& name, const std::string& extra_spec,
                          const std::string& ns) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  provider: docker\n" + extra_spec;
}

void DockerCliTest::SetUp() {
  CommandResult version = Docker({"version", "--format", "{{.Server.Version}}"});
  ASSERT_EQ(version.exit_code, 0) << "these tests need the docker CLI and a running engine "
                                     "(scripts/setup-docker-for-tests): "
                                  << version.err;
  controller_ = StartController({"--resync", "10m"});
}

void DockerCliTest::TearDown() {
  if (controller_) {
    CommandResult list = Sesame({"get", "sandboxes", "-A", "-o", "json"});
    nlohmann::json j = nlohmann::json::parse(list.out, nullptr, false);
    nlohmann::json items = j.is_object() ? j.value("items", nlohmann::json::array()) : j;
    for (const auto& o : items.is_array() ? items : nlohmann::json::array()) {
      const auto& m = o.value("metadata", nlohmann::json::object());
      (void)Sesame({"delete", "sandbox", m.value("name", ""), "-n", m.value("namespace", "")});
    }
    Eventually([&] { return Sesame({"get", "sandboxes", "-A", "-o", "name"}).out.empty(); }, 120000);
    controller_.reset();
  }
  // Whatever a failure left behind, by this installation's label.
  std::string label = "label=dev.sesame.owner=" + Owner();
  CommandResult left = Docker({"ps", "-aq", "--filter", label});
  std::istringstream ids(left.out);
  for (std::string id; ids >> id;) Docker({"rm", "-f", "-v", id});
  for (const std::string& v : Volumes()) Docker({"volume", "rm", "-f", v});
}

CommandResult DockerCliTest::Docker(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"docker"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

std::string DockerCliTest::Owner() const { return Fingerprint(home()); }

std::string DockerCliTest::ContainerId(const std::string& name) {
  nlohmann::json j = Get(name);
  if (j.is_null() || !j.contains("status") || !j["status"].contains("providerRef")) return "";
  return j["status"]["providerRef"].value("id", "");
}

std::string DockerCliTest::Uid(const std::string& name) {
  nlohmann::json j = Get(name);
  return j.is_null() ? "" : j["metadata"].value("uid", "");
}

nlohmann::json DockerCliTest::Condition(const std::string& name, const std::string& type) {
  nlohmann::json j = Get(name);
  if (j.is_null()) return nullptr;
  for (const auto& c : j.value("status", nlohmann::json::object()).value("conditions", nlohmann::json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return nullptr;
}

void DockerCliTest::WaitReady(const std::string& name, const std::string& ns) {
  CommandResult r = Sesame(
      {"wait", "sandbox/" + name, "-n", ns, "--for=condition=Ready", "--timeout", "300s"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << "\n"
                            << Sesame({"describe", "sandbox", name, "-n", ns}).out << "\n"
                            << ControllerLogs();
}

void DockerCliTest::StopController() {
  if (!controller_) return;
  controller_->Signal(SIGTERM);
  controller_->Wait();
  controller_.reset();
}

void DockerCliTest::DeleteAndWait(const std::string& name, const std::string& ns) {
  CommandResult d = Sesame({"delete", "sandbox", name, "-n", ns});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  CommandResult w = Sesame({"wait", "sandbox/" + name, "-n", ns, "--for=delete", "--timeout", "120s"});
  ASSERT_EQ(w.exit_code, 0) << w.out << w.err << ControllerLogs();
}

std::vector<std::string> DockerCliTest::Volumes(const std::string& label) {
  std::vector<std::string> args = {"volume", "ls", "-q", "--filter", "label=dev.sesame.owner=" + Owner()};
  if (!label.empty()) args.insert(args.end(), {"--filter", "label=" + label});
  CommandResult r = Docker(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  std::istringstream names(r.out);
  for (std::string n; names >> n;) out.push_back(n);
  return out;
}

}  // namespace sesame::providers::docker::testing
