// sesame attach NAME: the session's stdin and output.
#include "cli/command.h"
#include "cli/stream_io.h"

namespace sesame::cli {
namespace {

int RunAttach(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1) return ctx.Usage("usage: sesame attach NAME");
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  providers::Streams streams = TerminalStreams(true);
  Status status = (*client)->Attach(flags.Get("namespace", specs::kDefaultNamespace),
                                    flags.positional()[0], streams);
  return status.ok() ? kExitOk : ctx.Fail(status);
}

}  // namespace

Command AttachCommand() {
  return {"attach",
          "Attach to a sandbox session's stdin and output",
          "sesame attach NAME [-n NS]",
          "Needs spec.stdin: true. End the input (Ctrl-D) to detach; the session goes on.",
          {NamespaceFlag()},
          RunAttach};
}

}  // namespace sesame::cli
