// `sesame-supervisor`: the per-sandbox supervisor of the filesystem provider
// as a binary of its own. It is what `sesame __supervise` runs, without the
// HTTP, TLS, YAML and database libraries the CLI loads: a sandbox's start
// pays for loading this small binary only. The provider falls back to
// `sesame __supervise` when it is not installed next to `sesame`.
// It also runs `__apply-seccomp` inside bubblewrap sandboxes (the
// supervisor names its own binary for it).
#include <malloc.h>

#include <cstring>

#include "providers/filesystem/supervisor.h"
#include "security/bwrap_launch.h"

int main(int argc, char** argv) {
  // One malloc arena: the supervisor's few threads allocate little, and
  // each extra arena costs resident pages in every sandbox's supervisor.
  ::mallopt(M_ARENA_MAX, 1);
  if (argc > 1 && std::strcmp(argv[1], sesame::security::kApplySeccompCommand) == 0) {
    return sesame::security::RunApplySeccomp(argc - 1, argv + 1);
  }
  return sesame::providers::filesystem::RunSupervisor(argc, argv);
}
