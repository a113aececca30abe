#pragma once
// Flags shared by `sesame controller` and `sesame up`.

#include <vector>

#include "cli/flags.h"
#include "cli/runtime.h"
#include "controller/api/api_handlers.h"
#include "controller/api/api_server.h"
#include "controller/manager.h"

namespace sesame::cli {

std::vector<FlagSpec> ControllerFlags();
Result<controller::ManagerOptions> ManagerOptionsFromFlags(const ParsedFlags& flags);

// The HTTP API next to a manager: the handlers and the server that owns
// them, stopped on destruction.
struct RunningApi {
  std::unique_ptr<controller::api::ApiHandlers> handlers;
  std::unique_ptr<controller::api::ApiServer> server;
  std::string url;  // "http://127.0.0.1:7777"
};
Result<RunningApi> StartApi(const ParsedFlags& flags, Runtime& runtime, controller::Manager& manager);

}  // namespace sesame::cli
