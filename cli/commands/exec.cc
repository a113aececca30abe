// sesame exec NAME [-i] -- CMD ARGS...
#include "cli/command.h"
#include "cli/stream_io.h"

namespace sesame::cli {
namespace {

int RunExec(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1 || flags.rest().empty()) {
    return ctx.Usage("usage: sesame exec NAME [-i] -- CMD ARGS...");
  }
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  providers::ExecRequest request;
  request.command = flags.rest();
  request.stdin_open = flags.Has("stdin");
  providers::Streams streams = TerminalStreams(request.stdin_open);
  // The environment is the session's own, filled in by the client.
  auto code = (*client)->Exec(flags.Get("namespace", specs::kDefaultNamespace),
                              flags.positional()[0], request, streams);
  if (!code.ok()) return ctx.Fail(code.status());
  return *code;
}

}  // namespace

Command ExecCommand() {
  return {"exec",
          "Run a command in a sandbox",
          "sesame exec NAME [-i] [-n NS] -- CMD ARGS...",
          "The command's stdout, stderr and exit code are passed through.\n\n"
          "Example:\n  echo hi | sesame exec -i hello -- cat",
          {NamespaceFlag(), {"stdin", 'i', false, "pass this process's stdin to the command"}},
          RunExec};
}

}  // namespace sesame::cli
