// sesame up DIR: the controller, continuous sync of DIR, and a live table.
// (Its flags and help: controller_flags.cc.)
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/command.h"
#include "cli/controller_flags.h"
#include "cli/start_api.h"
#include "cli/directory_sync.h"
#include "cli/git_sync_controller.h"
#include "cli/printer.h"
#include "cli/template_lookup.h"
#include "common/mutex.h"

namespace sesame::cli {
namespace {

// Prints the sandboxes: on a terminal, a table redrawn in place; otherwise
// one line whenever a sandbox's phase or readiness changes.
class LiveView {
 public:
  LiveView(Context& ctx, Client& client) : ctx_(ctx), client_(client), tty_(isatty(STDOUT_FILENO)) {}

  void Refresh(const std::vector<std::string>& recent) {
    auto list = client_.List({specs::kKindSandbox, "", {}});
    if (!list.ok()) return;
    PrintOptions options;
    options.all_namespaces = true;
    options.now = Clock::Real().Now();
    TemplateLookup templates = FetchTemplates(client_, "");
    if (tty_) {
      std::ostringstream screen;
      screen << "\033[H\033[2J";
      if (list->items.empty()) screen << "No sandboxes yet.\n";
      else PrintObjects(screen, specs::kKindSandbox, list->items, 0, options, templates);
      screen << "\n";
      for (const auto& line : recent) screen << line << "\n";
      screen << "\nCtrl-C stops the controller; sandboxes keep running.\n";
      ctx_.out << screen.str() << std::flush;
      return;
    }
    for (const auto& line : recent) ctx_.out << line << "\n";
    std::map<std::string, std::string> now_rows;
    for (const auto& o : list->items) {
      // The AGE and EXPIRES columns change every second: compare the state only.
      std::string key = o.metadata.namespace_ + "/" + o.metadata.name;
      std::string state = StateOf(o, templates);
      now_rows[key] = state;
      if (last_rows_[key] != state) ctx_.out << "sandbox/" << key << " " << state << "\n";
    }
    last_rows_ = std::move(now_rows);
    ctx_.out << std::flush;
  }

 private:
  static std::string StateOf(const specs::Object& o, const TemplateLookup& templates) {
    PrintOptions options;
    options.no_headers = true;
    std::ostringstream row;
    PrintObjects(row, specs::kKindSandbox, {o}, 0, options, templates);
    std::istringstream fields(row.str());
    std::string name, provider, phase, ready;
    fields >> name >> provider >> phase >> ready;
    return phase + " ready=" + ready;
  }

  Context& ctx_;
  Client& client_;
  bool tty_;
  std::map<std::string, std::string> last_rows_;
};

}  // namespace

int RunUp(Context& ctx, const ParsedFlags& flags) {
  auto git = GitSyncFromFlags(flags);
  if (!git.ok()) return ctx.Fail(git.status());
  if (*git && !flags.positional().empty()) return ctx.Usage("sesame up takes DIR or --git REPO, not both");
  if (!*git && flags.positional().size() != 1) return ctx.Usage("usage: sesame up DIR | --git REPO");
  std::string dir = *git ? "" : flags.positional()[0];
  if (!*git && !std::filesystem::is_directory(dir)) return ctx.Usage(dir + " is not a directory");
  auto options = ManagerOptionsFromFlags(flags);
  if (!options.ok()) return ctx.Fail(options.status());
  // Before any thread starts (the API server's, the workers'), so that
  // Ctrl-C reaches the thread that stops the controller cleanly.
  BlockTerminationSignals();
  std::vector<std::string> private_paths;
  if (!flags.Get("token-file").empty()) private_paths.push_back(flags.Get("token-file"));
  auto runtime = ctx.runtime(flags.Get("db"), private_paths);
  if (!runtime.ok()) return ctx.Fail(runtime.status());
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());

  Guarded<std::vector<std::string>> recent;
  auto remember = [&](const std::string& line) {
    recent.With([&](auto& lines) {
      lines.push_back(line);
      if (lines.size() > 8) lines.erase(lines.begin());
    });
  };
  // Shown in the live view (which prints each line once when stdout is not
  // a terminal); warnings also go to the log on stderr.
  options->log = remember;
  options->log_warning = [&remember, logged = options->log_warning](const std::string& line) {
    remember(line);
    if (logged) logged(line);
  };
  store::Store& store = *(*runtime)->store;
  controller::Manager manager(store, *(*runtime)->reconciler, *options);
  if (*git) {
    Status created = ApplyGitSync(store, **git);
    if (!created.ok()) return ctx.Fail(created);
  }
  // Declared after the manager: stopped before the manager goes.
  GitSyncController syncs(store, {}, [&manager] { return manager.IsLeader(); }, remember,
                          [&manager] { manager.Notify(); });
  auto api = StartApi(flags, **runtime, manager);
  if (!api.ok()) return ctx.Fail(api.status());
  remember("API listening on " + api->url);
  if (*git) remember("syncing " + flags.Get("git") + " as gitsync/" + (*git)->metadata.name);
  syncs.Start();
  std::atomic<bool> stopping{false};
  OnTerminationSignal([&] {
    stopping = true;
    manager.Stop();
  });
  std::thread controller_thread([&] { (void)manager.Run(); });

  std::optional<DirectorySync> sync;
  if (!*git) {
    if (int below = flags.Has("recursive") ? 0 : DirectorySync::ManifestsOnlyBelow(dir); below > 0) {
      remember("warning: " + dir + " has no manifests at its top level and " + std::to_string(below) +
               " in its subdirectories, which are not read: `sesame up -R " + dir + "` reads them");
    }
    DirectorySyncOptions sync_options;
    sync_options.dir = dir;
    sync_options.recursive = flags.Has("recursive");
    sync_options.applyset = flags.Get("applyset");
    sync_options.self_heal = !flags.Has("no-self-heal");
    sync_options.interval = options->resync_period;
    sync.emplace(store, sync_options, remember, [&manager] { manager.Notify(); });
  }
  LiveView view(ctx, **client);
  auto next_draw = std::chrono::steady_clock::now();
  while (!stopping) {
    if (sync) sync->Poll();
    if (std::chrono::steady_clock::now() >= next_draw) {
      std::vector<std::string> lines = recent.With([](auto& kept) {
        std::vector<std::string> copy = kept;
        // Without a terminal each line is printed once.
        if (!isatty(STDOUT_FILENO)) kept.clear();
        return copy;
      });
      view.Refresh(lines);
      next_draw = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  controller_thread.join();
  syncs.Stop();
  std::string again = *git ? "--git " + flags.Get("git") : dir;
  ctx.err << "\nstopped; sandboxes keep running: `sesame up " << again << "` re-adopts them\n";
  return kExitOk;
}

}  // namespace sesame::cli
