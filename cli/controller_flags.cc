#include "cli/controller_flags.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/number.h"
#include "controller/api/kube_endpoint.h"
#include "specs/quantity.h"

namespace sesame::cli {

std::vector<FlagSpec> ControllerFlags() {
  return {{"db", 0, true, "the database (default: $SESAME_HOME/state.db)", "FILE"},
          {"workers", 0, true, "reconcile workers (default 4)", "N"},
          {"resync", 0, true, "how often every sandbox is observed again (default 30s)", "DURATION"},
          {"lease", 0, true, "how long a controller's leadership lasts unrenewed (default 10s)",
           "DURATION"},
          {"listen", 0, true, "the HTTP API's address (default 127.0.0.1:7777; port 0 picks one)",
           "HOST:PORT"},
          {"token-file", 0, true, "bearer tokens, one per line: TOKEN NAMESPACE... (* for all)", "FILE"},
          {"webhook-secret-file", 0, true,
           "the shared secret of Git host webhooks on POST /v1/sync (GitHub X-Hub-Signature-256, GitLab "
           "X-Gitlab-Token)",
           "FILE"},
          {"max-body", 0, true, "the largest request body the API accepts (default 8Mi)", "QUANTITY"},
          {"max-buffered", 0, true, "request bodies the API holds at once, all requests together (default 64Mi)",
           "QUANTITY"},
          {"tls-cert", 0, true, "serve HTTPS with this certificate", "FILE"},
          {"tls-key", 0, true, "the certificate's private key", "FILE"},
          {"kube-listen", 0, true,
           "HTTPS for kubectl and Kubernetes clients, with a self-signed certificate (default: the "
           "--listen port + 1, or port 0 when that is 0; off: none)",
           "HOST:PORT|off"},
          {"log-format", 0, true, "log lines as text or json, one object per line (default text)",
           "text|json"},
          {"log-level", 0, true, "the least severe lines logged (default info)", "debug|info|warn|error"}};
}

Result<controller::ManagerOptions> ManagerOptionsFromFlags(const ParsedFlags& flags) {
  controller::ManagerOptions options;
  auto workers = ParseInteger(flags.Get("workers", "4"), "--workers", 1, 64);
  if (!workers.ok()) return workers.status();
  options.workers = static_cast<int>(*workers);
  auto resync = specs::ParseDuration(flags.Get("resync", "30s"));
  if (!resync.ok()) return InvalidError("--resync: " + resync.status().message());
  if (resync->value < std::chrono::seconds(1)) return InvalidError("--resync: at least 1s");
  options.resync_period = resync->value;
  auto lease = specs::ParseDuration(flags.Get("lease", "10s"));
  if (!lease.ok()) return InvalidError("--lease: " + lease.status().message());
  if (lease->value < std::chrono::seconds(1)) return InvalidError("--lease: at least 1s");
  options.lease_duration = lease->value;
  auto format = ParseLogFormat(flags.Get("log-format", "text"));
  if (!format.ok()) return format.status();
  auto level = ParseLogLevel(flags.Get("log-level", "info"));
  if (!level.ok()) return level.status();
  ConfigureLogging(*format, *level);
  options.log = LogInfo;
  options.log_warning = LogWarn;
  options.log_debug = [](const std::string& line) {
    if (LogEnabled(LogLevel::kDebug)) LogDebug(line);
  };
  return options;
}

std::vector<FlagSpec> GitFlags() {
  return {{"git", 0, true, "keep the store equal to this Git repository (URL or local path)", "REPO"},
          {"branch", 0, true, "the branch --git follows (default main)", "BRANCH"},
          {"path", 0, true, "the directory of manifests inside the repository (default: its root)", "DIR"},
          {"interval", 0, true, "how often --git is fetched and compared (default 30s; POST /v1/sync for now)",
           "DURATION"},
          {"no-self-heal", 0, false, "report objects changed out of band (OutOfSync) but do not re-apply them"}};
}

Result<std::optional<specs::Object>> GitSyncFromFlags(const ParsedFlags& flags) {
  if (!flags.Has("git")) {
    for (const char* name : {"branch", "path", "interval"}) {
      if (flags.Has(name)) return InvalidError(std::string("--") + name + " needs --git");
    }
    return std::optional<specs::Object>();
  }
  nlohmann::json spec = {{"repo", flags.Get("git")},
                         {"branch", flags.Get("branch", "main")},
                         {"path", flags.Get("path", ".")},
                         {"interval", flags.Get("interval", "30s")},
                         {"prune", true},
                         {"selfHeal", !flags.Has("no-self-heal")}};
  auto decoded = specs::DecodeGitSyncSpec(spec.dump());
  if (!decoded.ok()) {
    // "spec.path: ..." -> "--path: ...", "spec.repo: ..." -> "--git: ..."
    std::string message = decoded.status().message();
    if (message.rfind("spec.repo", 0) == 0) message = "--git" + message.substr(9);
    else if (message.rfind("spec.", 0) == 0) message = "--" + message.substr(5);
    return InvalidError(message);
  }
  specs::Object o;
  o.kind = specs::kKindGitSync;
  o.metadata.name = flags.Get("applyset", GitSync::NameFor(decoded->repo));
  if (std::string why = specs::CheckDns1123Label(o.metadata.name); !why.empty()) {
    return InvalidError("--applyset: " + why);
  }
  o.spec = specs::EncodeGitSyncSpec(*decoded);
  return std::optional<specs::Object>(std::move(o));
}

Status ApplyGitSync(store::Store& store, const specs::Object& gitsync) {
  auto applied = store.Apply({gitsync}, {});
  return applied.ok() ? Status::Ok() : applied.status();
}

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
