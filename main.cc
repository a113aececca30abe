// The `sesame` binary: everything lives in the libraries; main only
// dispatches to the command line.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  return sesame::cli::Run(argc, argv, std::cin, std::cout, std::cerr);
}
