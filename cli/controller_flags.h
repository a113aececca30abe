#pragma once
// Flags shared by `sesame controller` and `sesame up`, and the two commands
// (their work: commands/controller.cc, commands/up.cc).

#include <functional>
#include <optional>
#include <vector>

#include "cli/flags.h"
#include "cli/git_sync.h"
#include "specs/gitsync.h"
#include "cli/runtime.h"
#include "controller/manager.h"

namespace sesame::cli {

std::vector<FlagSpec> ControllerFlags();
// Also configures the process's log from --log-format and --log-level and
// routes the manager's lines to it (common/logging.h).
Result<controller::ManagerOptions> ManagerOptionsFromFlags(const ParsedFlags& flags);

// --git REPO [--branch main] [--path DIR] [--interval 30s] [--no-self-heal]: GitOps.
std::vector<FlagSpec> GitFlags();

// The GitSync object --git stands for (named --applyset, or git-REPONAME),
// or nullopt without --git.
Result<std::optional<specs::Object>> GitSyncFromFlags(const ParsedFlags& flags);
// Creates or updates that object, so that the controller runs it.
Status ApplyGitSync(store::Store& store, const specs::Object& gitsync);

}  // namespace sesame::cli
