#pragma once
// The HTTP API of `sesame controller` and `sesame up` (cpp-httplib), and
// the HTTPS listener for Kubernetes clients beside it (OpenSSL).

#include <memory>
#include <string>

#include "cli/flags.h"
#include "cli/runtime.h"
#include "controller/api/api_handlers.h"
#include "controller/api/api_server.h"
#include "controller/manager.h"

namespace sesame::cli {

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
