#include "tests/e2e/e2e_fixture.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace sesame::e2e {

E2eTest::~E2eTest() {
  // Leave nothing running: the supervisors (their command lines name this
  // home) and the sessions they ran (working in a directory under it).
  testing::RunCommand({"pkill", "-9", "-f", home() + "/run"});
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cwd = std::filesystem::read_symlink(entry.path() / "cwd", ec);
    if (!ec && cwd.string().rfind(dir_.path(), 0) == 0) kill(std::stoi(pid), SIGKILL);
  }
}

testing::CommandResult E2eTest::Sesame(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), SESAME_BINARY);
  return testing::RunCommand(args, Env(), input);
}

std::map<std::string, std::string> E2eTest::Env() const {
  std::map<std::string, std::string> env = extra_env_;
  env["SESAME_HOME"] = home();
  return env;
}

void E2eTest::Apply(const std::string& yaml) {
  auto r = Sesame({"apply", "-f", "-"}, yaml);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

nlohmann::json E2eTest::Get(const std::string& name) {
  auto r = Sesame({"get", "sandbox", name, "-o", "json"});
  if (r.exit_code != 0) return nullptr;
  return nlohmann::json::parse(r.out);
}

std::string E2eTest::Phase(const std::string& name) {
  auto j = Get(name);
  if (j.is_null()) return "<gone>";
  return j.value("status", nlohmann::json::object()).value("phase", "");
}

int E2eTest::Pid(const std::string& name) {
  auto j = Get(name);
  auto status = j.is_null() ? nlohmann::json::object() : j.value("status", nlohmann::json::object());
  if (!status.contains("providerRef")) return 0;
  return std::atoi(status["providerRef"].value("id", "0").c_str());
}

std::unique_ptr<testing::BackgroundProcess> E2eTest::StartController(
    const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {SESAME_BINARY, "controller", "--resync", "2s", "--listen",
                                   "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::string log = dir_.path() + "/controller-" + std::to_string(++controllers_started_) + ".log";
  return std::make_unique<testing::BackgroundProcess>(argv, Env(), log);
}

std::string E2eTest::ServerUrl() {
  std::string url;
  Eventually([&] {
    std::smatch m;
    std::string logs = ControllerLogs();
    if (std::regex_search(logs, m, std::regex(R"(API listening on (http://[0-9.:]+))"))) url = m[1];
    return !url.empty();
  }, 10000);
  return url;
}

std::string E2eTest::ControllerLogs() {
  std::string out;
  for (int i = 1; i <= controllers_started_; ++i) {
    std::ifstream in(dir_.path() + "/controller-" + std::to_string(i) + ".log");
    std::stringstream ss;
    ss << in.rdbuf();
    out += "--- controller " + std::to_string(i) + "\n" + ss.str();
  }
  return out;
}

int E2eTest::CountSandboxProcesses() {
  auto r = testing::RunCommand({"pgrep", "-c", "-f", home() + "/run/"});
  return std::atoi(r.out.c_str());
}

bool ProcessAlive(int pid) {
  char s = ProcessState(pid);
  return s != 0 && s != 'Z' && s != 'X';
}

char ProcessState(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return 0;
  auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? 0 : stat[close + 2];
}

}  // namespace sesame::e2e
