// sesame logs NAME [-f] [--since 5m] [--tail N]
#include "cli/command.h"
#include "cli/stream_io.h"
#include "common/number.h"
#include "specs/quantity.h"

namespace sesame::cli {
namespace {

int RunLogs(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1) return ctx.Usage("usage: sesame logs NAME [-f]");
  providers::LogOptions options;
  options.follow = flags.Has("follow");
  options.timestamps = flags.Has("timestamps");
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
  providers::Streams streams = TerminalStreams(false);
  Status status = (*client)->Logs(flags.Get("namespace", specs::kDefaultNamespace),
                                  flags.positional()[0], options, streams);
  return status.ok() ? kExitOk : ctx.Fail(status);
}

}  // namespace

Command LogsCommand() {
  return {"logs",
          "Print a sandbox session's output",
          "sesame logs NAME [-f] [--since 5m] [--tail N] [-n NS]",
          "",
          {NamespaceFlag(),
           {"follow", 'f', false, "keep printing new output"},
           {"since", 0, true, "only output newer than this", "DURATION"},
           {"tail", 0, true, "only the last N lines", "N"},
           {"timestamps", 0, false, "prefix each line with its time"}},
          RunLogs};
}

}  // namespace sesame::cli
