// `sesame-supervisor`: the per-sandbox supervisor of the filesystem provider
// as a binary of its own. It is what `sesame __supervise` runs, without the
// HTTP, TLS, YAML and database libraries the CLI loads: a sandbox's start
// pays for loading this small binary only. The provider falls back to
// `sesame __supervise` when it is not installed next to `sesame`.
#include "providers/filesystem/supervisor.h"

int main(int argc, char** argv) { return sesame::providers::filesystem::RunSupervisor(argc, argv); }
