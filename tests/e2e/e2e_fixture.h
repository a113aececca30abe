#pragma once
// A fresh $SESAME_HOME, the `sesame` binary, and a controller to start and
// kill, for end-to-end tests.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/testing/run_command.h"

namespace sesame::e2e {

class E2eTest : public ::testing::Test {
 protected:
  ~E2eTest() override;
  testing::CommandResult Sesame(std::vector<std::string> args, const std::string& input = "");
  // Applies YAML text; fails the test if apply fails.
  void Apply(const std::string& yaml);
  // The sandbox as JSON, or null when it does not exist.
  nlohmann::json Get(const std::string& name);
  std::string Phase(const std::string& name);
  // status.providerRef.id as a pid (0 when none).
  int Pid(const std::string& name);
  // Starts `sesame controller` in the background (log in home/controller-N.log).
  std::unique_ptr<testing::BackgroundProcess> StartController(const std::vector<std::string>& extra = {});
  // Processes whose command line mentions this test's $SESAME_HOME (the
  // sandbox supervisors and their children).
  int CountSandboxProcesses();
  std::string ControllerLogs();
  // The API server's URL, read from its log line "API listening on URL";
  // "" when none appears within 10 s.
  std::string ServerUrl();
  std::string home() const { return dir_.path() + "/home"; }
  bool Eventually(const std::function<bool()>& predicate, int timeout_ms) {
    return testing::Eventually(predicate, timeout_ms);
  }

  // The environment of every `sesame` this test runs: SESAME_HOME, plus
  // whatever a test adds (DOCKER_HOST, say).
  std::map<std::string, std::string> Env() const;

  testing::TempDir dir_;
  std::map<std::string, std::string> extra_env_;
  int controllers_started_ = 0;
};

bool ProcessAlive(int pid);
char ProcessState(int pid);  // 'R', 'S', 'T', ... or 0 when gone

}  // namespace sesame::e2e
