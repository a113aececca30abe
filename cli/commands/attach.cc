// sesame attach NAME: the session's stdin and output.
#include "cli/command.h"
#include "cli/stream_io.h"

namespace sesame::cli {
namespace {

int RunAttach(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1) return ctx.Usage("usage: sesame attach NAME");
  auto runtime = ctx.runtime();
  if (!runtime.ok()) return ctx.Fail(runtime.status());
  std::string name = flags.positional()[0];
  auto handle = FindRunningSandbox(**runtime, flags.Get("namespace", specs::kDefaultNamespace), name);
  if (!handle.ok()) return ctx.Fail(handle.status());
  if (!handle->sandbox.spec.stdin_open) {
    return ctx.Fail(InvalidError("sandbox/" + name + " has no stdin: set spec.stdin: true to attach"));
  }
  if (!handle->provider->capabilities().supports_stdin) {
    return ctx.Fail(UnsupportedError(handle->provider->name() + " sandboxes have no stdin to attach to"));
  }
  providers::Streams streams = TerminalStreams(true);
  Status status = handle->provider->Attach(handle->observed, streams);
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
