#pragma once
// Flags shared by `sesame controller` and `sesame up`.

#include <functional>
#include <optional>
#include <vector>

#include "cli/flags.h"
#include "cli/git_sync.h"
#include "specs/gitsync.h"
#include "cli/runtime.h"
#include "controller/api/api_handlers.h"
#include "controller/api/api_server.h"
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

// The HTTP API next to a manager: the handlers and the server that owns
// them, stopped on destruction.
struct RunningApi {
  std::unique_ptr<controller::api::ApiHandlers> handlers;
  std::unique_ptr<controller::api::ApiServer> server;
  std::string url;  // "http://127.0.0.1:7777"
  // HTTPS for Kubernetes clients (--kube-listen); null when off.
  std::unique_ptr<controller::api::ApiServer> kube_server;
  std::string kube_url;
};
Result<RunningApi> StartApi(const ParsedFlags& flags, Runtime& runtime, controller::Manager& manager);

}  // namespace sesame::cli
