#include "cli/start_api.h"

#include <fstream>
#include <iterator>

#include "common/logging.h"
#include "common/number.h"
#include "controller/api/loopback_certificate.h"
#include "controller/api/kube_endpoint.h"
#include "specs/quantity.h"

namespace sesame::cli {

namespace {

// The HTTPS listener for Kubernetes clients (kubectl sends tokens only
// over TLS), on the same handlers, recorded for `sesame kubeconfig`.
Status StartKubeListener(const ParsedFlags& flags, Runtime& runtime,
                         const controller::api::ApiServerOptions& plain, RunningApi& api) {
  std::string listen = flags.Get("kube-listen");
  bool implicit = listen.empty();
  if (listen == "off") return Status::Ok();
  auto address = ParseHostPort(plain.listen, "--listen");
  if (!address.ok()) return address.status();
  std::string host = plain.listen.substr(0, plain.listen.rfind(':'));
  if (implicit) listen = host + ":" + std::to_string(address->port == 0 ? 0 : address->port + 1);
  auto tls = controller::api::EnsureLoopbackCertificate(runtime.home + "/tls");
  if (!tls.ok()) return tls.status();
  controller::api::ApiServerOptions options = plain;
  options.listen = listen;
  options.tls_cert = tls->cert_path;
  options.tls_key = tls->key_path;
  auto server = controller::api::ApiServer::Start(options, *api.handlers);
  if (!server.ok()) {
    if (!implicit) return InvalidError("--kube-listen: " + server.status().message());
    LogWarn("no HTTPS listener for Kubernetes clients: " + server.status().message() +
            " (choose one with --kube-listen HOST:PORT)");
    return Status::Ok();
  }
  api.kube_server = std::move(server).value();
  std::string kube_host = listen.substr(0, listen.rfind(':'));
  api.kube_url = "https://" + kube_host + ":" + std::to_string(api.kube_server->port());
  SESAME_RETURN_IF_ERROR(controller::api::RecordKubeEndpoint(*runtime.store, {api.kube_url, tls->cert_pem, api.url}));
  LogInfo("Kubernetes API (HTTPS) listening on " + api.kube_url + "; `sesame kubeconfig` prints a kubeconfig");
  return Status::Ok();
}

}  // namespace

Result<RunningApi> StartApi(const ParsedFlags& flags, Runtime& runtime, controller::Manager& manager) {
  controller::api::ApiServerOptions options;
  options.listen = flags.Get("listen", "127.0.0.1:7777");
  options.token_file = flags.Get("token-file");
  options.tls_cert = flags.Get("tls-cert");
  options.tls_key = flags.Get("tls-key");
  if (flags.Has("max-body")) {
    auto q = specs::ParseQuantity(flags.Get("max-body"));
    if (!q.ok() || q->Value() < 1024) return InvalidError("--max-body: a size of at least 1Ki, e.g. 8Mi");
    options.max_body_bytes = static_cast<size_t>(q->Value());
  }
  if (flags.Has("max-buffered")) {
    auto q = specs::ParseQuantity(flags.Get("max-buffered"));
    if (!q.ok() || q->Value() < 1024) return InvalidError("--max-buffered: a size of at least 1Ki, e.g. 64Mi");
    options.max_buffered_bytes = static_cast<size_t>(q->Value());
  }
  RunningApi api;
  controller::api::ApiContext context;
  if (flags.Has("webhook-secret-file")) {
    std::ifstream file(flags.Get("webhook-secret-file"));
    std::string secret((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (!file.good() && !file.eof()) return InvalidError("--webhook-secret-file: cannot read " + flags.Get("webhook-secret-file"));
    if (secret.empty()) return InvalidError("--webhook-secret-file: " + flags.Get("webhook-secret-file") + " is empty");
    context.webhook_secret = secret;
  }
  context.store = runtime.store.get();
  context.registry = runtime.registry.get();
  context.on_write = [&manager] { manager.Notify(); };
  context.is_leader = [&manager] { return manager.IsLeader(); };
  context.version = SESAME_VERSION;
  context.metrics = &manager.metrics();
  api.handlers = std::make_unique<controller::api::ApiHandlers>(context);
  auto server = controller::api::ApiServer::Start(options, *api.handlers);
  if (!server.ok()) return server.status();
  api.server = std::move(server).value();
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  api.url = std::string(options.tls_cert.empty() ? "http://" : "https://") + host + ":" +
            std::to_string(api.server->port());
  SESAME_RETURN_IF_ERROR(StartKubeListener(flags, runtime, options, api));
  return api;
}

}  // namespace sesame::cli
