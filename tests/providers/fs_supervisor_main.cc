// The filesystem provider's supervisor as a stand-alone program for tests.
#include "providers/filesystem/supervisor.h"

int main(int argc, char** argv) {
  return sesame::providers::filesystem::RunSupervisor(argc, argv);
}
