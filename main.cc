// The `sesame` binary: everything lives in the libraries. main registers
// the providers explicitly and dispatches to the command line (or, for the
// hidden `__supervise` command, to a filesystem sandbox's supervisor, and
// for `__docker-guard`, to a hardened docker container's egress guard).
// Built twice: `sesame`, and with SESAME_HTTP_PARTS `sesame-full`, which
// links cpp-httplib and OpenSSL for the command lines that need them
// (cli/http_parts.h).
#include <sys/prctl.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/cli.h"
#include "common/fingerprint.h"
#include "common/installation_id.h"
#include "providers/daytona/daytona_provider.h"
#include "providers/docker/docker_host.h"
#include "providers/docker/docker_provider.h"
#include "providers/docker/egress_guard.h"
#include "providers/e2b/e2b_provider.h"
#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/supervisor.h"
#include "providers/filesystem/supervisor_command.h"
#include "providers/vercel/vercel_provider.h"
#include "security/bwrap_launch.h"

namespace {

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "sesame";
}

std::unique_ptr<sesame::providers::Registry> MakeRegistry(const std::string& home) {
  auto registry = std::make_unique<sesame::providers::Registry>();
  sesame::providers::filesystem::FilesystemOptions fs;
  fs.state_root = home + "/run";
  fs.supervisor_command = sesame::providers::filesystem::SupervisorCommandFor(SelfPath());
  registry->Register(sesame::providers::filesystem::NewFilesystemProvider(fs));

  sesame::providers::docker::DockerOptions docker;
  docker.state_root = home + "/docker";
  // DOCKER_HOST=unix:///PATH picks another engine, as for the docker CLI.
  // Any other value is reported once here and kept, so that every docker
  // sandbox then says which engine it could not reach.
  const char* docker_host = std::getenv("DOCKER_HOST");
  auto socket = sesame::providers::docker::SocketPathFromDockerHost(docker_host ? docker_host : "");
  if (socket.ok()) {
    docker.socket_path = *socket;
  } else {
    std::cerr << "sesame: " << socket.status().message() << "\n";
    docker.socket_path = docker_host;
  }
  docker.owner = sesame::Fingerprint(home);  // this installation's id
  docker.guard_command = {SelfPath(), "__docker-guard"};
  registry->Register(sesame::providers::docker::NewDockerProvider(docker));

  // Cloud providers read their keys and base URLs from the environment; a
  // missing key shows on the sandbox as MissingCredentials.
  using namespace sesame::providers;
  // What they create carries this installation's id: orphan collection
  // must not take what another installation made in the same account.
  auto installation = sesame::InstallationId(home);
  if (!installation.ok()) std::cerr << "sesame: " << installation.status().message() << "\n";
  std::string installation_id = installation.ok() ? *installation : sesame::Fingerprint(home);
  e2b::E2bOptions e2b_options = e2b::E2bOptionsFromEnv();
  e2b_options.installation = installation_id;
  registry->Register(e2b::NewE2bProvider(e2b_options));
  daytona::DaytonaOptions daytona_options = daytona::DaytonaOptionsFromEnv();
  daytona_options.installation = installation_id;
  registry->Register(daytona::NewDaytonaProvider(daytona_options));
  registry->Register(vercel::NewVercelProvider(vercel::VercelOptionsFromEnv()));
  return registry;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "__supervise") == 0) {
    return sesame::providers::filesystem::RunSupervisor(argc - 1, argv + 1);
  }
  if (argc > 1 && std::strcmp(argv[1], sesame::security::kApplySeccompCommand) == 0) {
    return sesame::security::RunApplySeccomp(argc - 1, argv + 1);  // inside bwrap
  }
  if (argc > 1 && std::strcmp(argv[1], "__docker-guard") == 0) {
    return sesame::providers::docker::RunEgressGuard(argc - 1, argv + 1);
  }
#ifdef SESAME_HTTP_PARTS
  // Named as the binary users run, for ps, top and pkill -x.
  prctl(PR_SET_NAME, "sesame");
  sesame::cli::HttpParts http = sesame::cli::LinkedHttpParts();
#else
  sesame::cli::HttpParts http;  // none: handed to sesame-full
#endif
  return sesame::cli::Run(argc, argv, std::cin, std::cout, std::cerr, MakeRegistry, std::move(http));
}
