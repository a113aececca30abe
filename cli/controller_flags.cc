#include "cli/controller_flags.h"

#include "cli/command.h"

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/number.h"
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

// The commands' flags and help; their work comes through HttpParts (it
// links cpp-httplib and OpenSSL), so the lean `sesame` lists and parses
// them too and then hands them to `sesame-full`.

namespace {

std::vector<FlagSpec> ControllerCommandFlags() {
  std::vector<FlagSpec> flags = ControllerFlags();
  for (auto& f : GitFlags()) flags.push_back(f);
  flags.push_back({"applyset", 0, true, "the GitSync (and applyset) --git creates (default: git-REPONAME)", "NAME"});
  return flags;
}

}  // namespace

Command ControllerCommand() {
  return {"controller",
          "Run the controller in the foreground",
          "sesame controller [--listen 127.0.0.1:7777] [--token-file F] [--workers N] [--resync 30s]\n"
          "                  [--git REPO [--branch main] [--path DIR] [--interval 30s] [--applyset NAME]]",
          "One controller acts per database: a second one waits as a standby and\n"
          "takes over when the first stops. Ctrl-C stops the controller; sandboxes\n"
          "keep running and are re-adopted when a controller starts again.\n\n"
          "The acting controller runs every GitSync object: it keeps the store equal\n"
          "to a Git branch's manifests, compares them at every interval and on every\n"
          "change, and re-applies objects changed out of band (selfHeal). --git REPO\n"
          "creates one (gitsync/git-REPONAME); a fetch or parse error changes nothing.\n"
          "`sesame get syncs` shows each sync; `sesame sync NAME` or POST /v1/sync\n"
          "(a push webhook, signed with --webhook-secret-file) syncs at once.",
          ControllerCommandFlags(),
          [](Context& ctx, const ParsedFlags& flags) { return ctx.http.controller(ctx, flags); }};
}

Command UpCommand() {
  std::vector<FlagSpec> flags = ControllerFlags();
  flags.push_back(RecursiveFlag());
  for (auto& f : GitFlags()) flags.push_back(f);
  flags.push_back({"applyset", 0, true,
                   "the applyset DIR or --git is applied as (default: up-DIRNAME, git-REPONAME)", "NAME"});
  return {"up",
          "Run the controller and keep a directory or a Git branch of manifests applied",
          "sesame up DIR [-R] [--listen 127.0.0.1:7777] [--workers N] [--resync 30s]\n"
          "       sesame up --git REPO [--branch main] [--path DIR] [--interval 30s] [--listen ...]",
          "Applies DIR (with prune) and again within a second of every change to it,\n"
          "reconciles the sandboxes, and shows them live. Objects changed out of band\n"
          "are reported (`sesame get syncs`: OutOfSync) and re-applied, unless\n"
          "--no-self-heal. Subdirectories are read with -R. Ctrl-C stops the\n"
          "controller and leaves the sandboxes running; `sesame up DIR` again\n"
          "re-adopts them.\n\n"
          "With --git, a GitSync object is created: the branch's head is fetched every\n"
          "--interval (or on `sesame sync`, POST /v1/sync) and --path in it applied\n"
          "with prune; a fetch or parse error changes nothing and shows in\n"
          "`sesame get syncs`.\n\n"
          "Examples:\n  sesame up examples/\n  sesame up --git https://example.com/fleet.git --path sandboxes",
          flags,
          [](Context& ctx, const ParsedFlags& flags) { return ctx.http.up(ctx, flags); }};
}

}  // namespace sesame::cli
