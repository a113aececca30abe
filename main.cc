// The `sesame` binary: everything lives in the libraries. main registers
// the providers explicitly and dispatches to the command line (or, for the
// hidden `__supervise` command, to a filesystem sandbox's supervisor).
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/cli.h"
#include "providers/daytona/daytona_provider.h"
#include "providers/docker/docker_provider.h"
#include "providers/e2b/e2b_provider.h"
#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/supervisor.h"
#include "providers/vercel/vercel_provider.h"

namespace {

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "sesame";
}

// A short stable id of this installation ($SESAME_HOME), for labels.
std::string InstallationId(const std::string& home) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : home) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::unique_ptr<sesame::providers::Registry> MakeRegistry(const std::string& home) {
  auto registry = std::make_unique<sesame::providers::Registry>();
  sesame::providers::filesystem::FilesystemOptions fs;
  fs.state_root = home + "/run";
  fs.supervisor_command = {SelfPath(), "__supervise"};
  registry->Register(sesame::providers::filesystem::NewFilesystemProvider(fs));

  sesame::providers::docker::DockerOptions docker;
  docker.state_root = home + "/docker";
  docker.owner = InstallationId(home);
  registry->Register(sesame::providers::docker::NewDockerProvider(docker));

  // Cloud providers read their keys and base URLs from the environment; a
  // missing key shows on the sandbox as MissingCredentials.
  using namespace sesame::providers;
  registry->Register(e2b::NewE2bProvider(e2b::E2bOptionsFromEnv()));
  registry->Register(daytona::NewDaytonaProvider(daytona::DaytonaOptionsFromEnv()));
  registry->Register(vercel::NewVercelProvider(vercel::VercelOptionsFromEnv()));
  return registry;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "__supervise") == 0) {
    return sesame::providers::filesystem::RunSupervisor(argc - 1, argv + 1);
  }
  return sesame::cli::Run(argc, argv, std::cin, std::cout, std::cerr, MakeRegistry);
}
