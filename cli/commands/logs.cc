// sesame logs NAME... [-f] [--since 5m] [--tail N] [--previous]
#include <thread>

#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/stream_io.h"
#include "common/mutex.h"
#include "common/number.h"
#include "specs/quantity.h"

namespace sesame::cli {
namespace {

int RunLogs(Context& ctx, const ParsedFlags& flags) {
  auto names = SandboxNames(flags.positional(), "logs");
  if (!names.ok()) return ctx.Usage(names.status().message() + " (usage: sesame logs NAME... [-f])");
  providers::LogOptions options;
  options.follow = flags.Has("follow");
  options.timestamps = flags.Has("timestamps");
  options.previous = flags.Has("previous");
  if (options.previous && options.follow) return ctx.Usage("--previous shows a run that is over: it cannot --follow");
  if (flags.Has("since")) {
    auto since = specs::ParseDuration(flags.Get("since"));
    if (!since.ok()) return ctx.Usage("--since: " + since.status().message());
    options.since = Clock::Real().Now() - since->value;
  }
  if (flags.Has("tail")) {
    auto tail = ParseInteger(flags.Get("tail"), "--tail", 0);
    if (!tail.ok()) return ctx.Usage(tail.status().message());
    options.tail = static_cast<size_t>(*tail);
  }
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  if (names->size() == 1 && !flags.Has("prefix")) {
    providers::Streams streams = TerminalStreams(false);
    Status status = (*client)->Logs(ns, names->front(), options, streams);
    return status.ok() ? kExitOk : ctx.Fail(status);
  }
  // Several sandboxes: every line names its sandbox. Followed, they are
  // read at once, each on a connection of its own (a server connection
  // carries one request at a time).
  Mutex lock;
  std::vector<Status> results(names->size());
  auto one = [&](size_t i, Client& c) {
    PrefixedOutput output("[sandbox/" + (*names)[i] + "] ", lock);
    providers::Streams streams = output.Streams();
    results[i] = c.Logs(ns, (*names)[i], options, streams);
  };
  if (!options.follow) {
    for (size_t i = 0; i < names->size(); ++i) one(i, **client);
  } else {
    std::vector<std::unique_ptr<Client>> own(names->size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < names->size(); ++i) {
      Client* c = *client;
      if (!ctx.server.empty() && i > 0) {
        auto remote = ctx.http.connect(ctx.server, ctx.token);
        if (!remote.ok()) return ctx.Fail(remote.status());
        own[i] = std::move(remote).value();
        c = own[i].get();
      }
      threads.emplace_back(one, i, std::ref(*c));
    }
    for (auto& t : threads) t.join();
  }
  int code = kExitOk;
  for (size_t i = 0; i < names->size(); ++i) {
    if (results[i].ok()) continue;
    ctx.err << ErrorAbout({specs::kKindSandbox, ns, (*names)[i]}, results[i].message());
    code = std::max(code, ExitCodeFor(results[i]));
  }
  return code;
}

}  // namespace

Command LogsCommand() {
  return {"logs",
          "Print a sandbox session's output",
          "sesame logs NAME... [-f] [--since 5m] [--tail N] [--previous] [-n NS]",
          "Names are NAME or sandbox/NAME. With several, each line starts with\n"
          "[sandbox/NAME] and -f follows them all at once.\n\n"
          "Examples:\n"
          "  sesame logs -f hello\n"
          "  sesame logs --previous hello     # the run before the last restart\n"
          "  sesame logs --tail 20 reviewer writer",
          {NamespaceFlag(),
           {"follow", 'f', false, "keep printing new output"},
           {"since", 0, true, "only output newer than this", "DURATION"},
           {"tail", 0, true, "only the last N lines", "N"},
           {"timestamps", 0, false, "prefix each line with its time"},
           {"previous", 'p', false, "the output of the run before the last restart"},
           {"prefix", 0, false, "start each line with [sandbox/NAME], also for one sandbox"}},
          RunLogs};
}

}  // namespace sesame::cli
