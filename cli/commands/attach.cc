// sesame attach NAME: the session's stdin and output.
#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/stream_io.h"
#include "providers/detach_input.h"

namespace sesame::cli {
namespace {

int RunAttach(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1) return ctx.Usage("usage: sesame attach NAME|sandbox/NAME");
  auto name = SandboxName(flags.positional()[0], "attach");
  if (!name.ok()) return ctx.Fail(name.status());
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  // End of input (a pipe's end, Ctrl-D) detaches; the session goes on.
  providers::Streams streams = providers::DetachAtEndOfInput(TerminalStreams(true));
  Status status = (*client)->Attach(flags.Get("namespace", specs::kDefaultNamespace),
                                    *name, streams);
  return status.ok() ? kExitOk : ctx.Fail(status);
}

}  // namespace

Command AttachCommand() {
  return {"attach",
          "Attach to a sandbox session's stdin and output",
          "sesame attach NAME [-n NS]",
          "Needs spec.stdin: true. The end of the input (Ctrl-D, or the end of a pipe) detaches with\n"
          "exit 0; the session goes on.",
          {NamespaceFlag()},
          RunAttach};
}

}  // namespace sesame::cli
