#pragma once
// This installation's id: 32 random hex digits kept in
// $SESAME_HOME/installation-id, made on first use (by whichever process
// comes first; the others read it). Resources made at a provider that
// several installations share (one E2B or Daytona account used from many
// machines, where $SESAME_HOME paths repeat) carry it, so that orphan
// collection deletes only what this installation created.

#include <string>

#include "common/status.h"

namespace sesame {

Result<std::string> InstallationId(const std::string& home);

}  // namespace sesame
