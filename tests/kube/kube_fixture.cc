#include "tests/kube/kube_fixture.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace sesame::kube {

void KubeTest::StartServer(const std::vector<std::string>& extra, const std::string& token) {
  controller_ = StartController(extra);
  url_ = ServerUrl();
  ASSERT_FALSE(url_.empty()) << ControllerLogs();
  std::vector<std::string> args = {"kubeconfig"};
  if (!token.empty()) args.insert(args.end(), {"--token", token});
  testing::CommandResult config;
  // The HTTPS listener records its address once it listens.
  ASSERT_TRUE(Eventually([&] {
    config = Sesame(args);
    return config.exit_code == 0;
  }, 10000)) << config.err << ControllerLogs();
  kubeconfig_ = dir_.Write("kubeconfig", config.out);
}

std::vector<std::string> KubeTest::KubectlArgv(std::vector<std::string> args) {
  args.insert(args.begin(),
              {kubectl_, "--kubeconfig", kubeconfig_, "--cache-dir", dir_.path() + "/kubectl-home/cache"});
  return args;
}

std::map<std::string, std::string> KubeTest::KubectlEnv() {
  std::string home = dir_.path() + "/kubectl-home";
  std::filesystem::create_directories(home);
  return {{"HOME", home}, {"KUBECONFIG", kubeconfig_}};
}

testing::CommandResult KubeTest::Kubectl(std::vector<std::string> args, const std::string& input,
                                         const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> all = KubectlEnv();
  for (const auto& [k, v] : env) all[k] = v;
  return testing::RunCommand(KubectlArgv(std::move(args)), all, input);
}

testing::CommandResult KubeTest::Python(const std::string& script) {
  std::string path = dir_.Write("client.py", script);
  return testing::RunCommand({"/usr/bin/python3", path},
                             {{"KUBECONFIG", kubeconfig_}, {"HOME", dir_.path() + "/python-home"}});
}

void EveryKubectlTest::SetUp() {
  KubeTest::SetUp();
  kubectl_ = GetParam();
  if (kubectl_ == kDebianKubectl) {
    ASSERT_EQ(access(kubectl_.c_str(), X_OK), 0)
        << kubectl_ << " is missing: scripts/install-deps unpacks Debian's kubernetes-client there";
  }
  auto version = testing::RunCommand({kubectl_, "version", "--client", "-o", "json"});
  ASSERT_EQ(version.exit_code, 0) << kubectl_ << ": " << version.err;
  // "20", or "32+" from the dispatcher of the `kubectl` package.
  kubectl_minor_ = std::atoi(nlohmann::json::parse(version.out)["clientVersion"].value("minor", "0").c_str());
  ASSERT_GT(kubectl_minor_, 0) << version.out;
}

std::string KubectlName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param == kDebianKubectl ? "Debian" : "Installed";
}

void KubeTest::SesameApply(const std::string& yaml) { Apply(yaml); }

std::string SandboxYaml(const std::string& name, const std::string& labels, const std::string& ns) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\n  labels: " + labels +
         "\nspec:\n  provider: filesystem\n  command: [\"sh\", \"-c\", \"echo ready; exec sleep 600\"]\n"
         "  security: {enabled: false}\n  lifetime: {ttl: 3h}\n";
}

}  // namespace sesame::kube
