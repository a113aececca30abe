// The docker provider's egress guard as a stand-alone program for tests.
#include "providers/docker/egress_guard.h"

int main(int argc, char** argv) { return sesame::providers::docker::RunEgressGuard(argc, argv); }
