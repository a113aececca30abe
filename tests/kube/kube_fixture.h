#pragma once
// A running controller and the real Kubernetes clients pointed at it:
// the `kubectl` binary and Debian's python3-kubernetes, each with a home,
// kubeconfig and discovery cache of their own.

#include <string>
#include <vector>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::kube {

class KubeTest : public e2e::E2eTest {
 protected:
  // Starts a controller (extra flags added) and writes a kubeconfig for
  // it with `sesame kubeconfig` (and `token` when given).
  void StartServer(const std::vector<std::string>& extra = {}, const std::string& token = "");
  // kubectl with this test's kubeconfig, cache and home.
  testing::CommandResult Kubectl(std::vector<std::string> args, const std::string& input = "",
                                 const std::map<std::string, std::string>& env = {});
  // The command line and environment Kubectl runs.
  std::vector<std::string> KubectlArgv(std::vector<std::string> args);
  std::map<std::string, std::string> KubectlEnv();
  // /usr/bin/python3 running `script` with KUBECONFIG set.
  testing::CommandResult Python(const std::string& script);
  // Applies YAML with `sesame apply`, failing the test when it fails.
  void SesameApply(const std::string& yaml);

  // The kubectl binary Kubectl runs: the installed `kubectl`, or a path.
  std::string kubectl_ = "kubectl";
  std::unique_ptr<testing::BackgroundProcess> controller_;
  std::string url_;         // the controller's plain HTTP API
  std::string kubeconfig_;  // path
};

// Debian 12's own kubectl (kubernetes-client 1.20), unpacked beside the
// installed one by scripts/install-deps.
inline constexpr char kDebianKubectl[] = SESAME_DEBIAN_KUBECTL;

// The kubectl tests run with each kubectl: the installed one ("kubectl")
// and Debian's; a missing binary fails the test (never skips it).
class EveryKubectlTest : public KubeTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override;
  // kubectl 1.20 (Debian 12's, and the installed one where that is Debian's
  // too) validates manifests itself and explains from OpenAPI v2; later
  // releases leave validation to the server and read v3. Some messages
  // differ accordingly.
  bool Kubectl120() const { return kubectl_minor_ <= 20; }

  int kubectl_minor_ = 0;  // of `kubectl version --client`
};
// "Installed" or "Debian", for test names.
std::string KubectlName(const ::testing::TestParamInfo<std::string>& info);

// A filesystem Sandbox without OS sandboxing (fast to start).
std::string SandboxYaml(const std::string& name, const std::string& labels = "{}",
                        const std::string& ns = "default");

}  // namespace sesame::kube
