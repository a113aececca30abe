// sesame exec NAME... [-i] [-t] -- CMD ARGS...

#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/stream_io.h"
#include "common/mutex.h"

namespace sesame::cli {
namespace {

int RunExec(Context& ctx, const ParsedFlags& flags) {
  if (flags.rest().empty()) return ctx.Usage("usage: sesame exec NAME... [-i] [-t] -- CMD ARGS...");
  auto names = SandboxNames(flags.positional(), "exec");
  if (!names.ok()) return ctx.Usage(names.status().message() + " (usage: sesame exec NAME... -- CMD ARGS...)");
  providers::ExecRequest request;
  request.command = flags.rest();
  request.stdin_open = flags.Has("stdin");
  request.tty = flags.Has("tty");
  if (names->size() > 1 && (request.stdin_open || request.tty)) {
    return ctx.Usage("-i and -t connect to one sandbox: name one");
  }
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  // The environment is the session's own, filled in by the client.
  if (names->size() == 1) {
    providers::Streams streams = TerminalStreams(request.stdin_open);
    std::optional<RawTerminal> raw;
    if (request.tty && request.stdin_open) raw.emplace();
    auto code = (*client)->Exec(ns, names->front(), request, streams);
    raw.reset();
    if (!code.ok()) return ctx.Fail(code.status());
    return *code;
  }
  // In each sandbox in turn, every line naming its sandbox; the exit code
  // is the highest of them (1 for one that could not run).
  Mutex lock;
  int worst = kExitOk;
  for (const auto& name : *names) {
    Result<int> code = kExitOk;
    {
      PrefixedOutput output("[sandbox/" + name + "] ", lock);
      providers::Streams streams = output.Streams();
      code = (*client)->Exec(ns, name, request, streams);
    }
    if (!code.ok()) {
      ctx.err << ErrorAbout({specs::kKindSandbox, ns, name}, code.status().message());
      worst = std::max(worst, kExitFailure);
    } else {
      worst = std::max(worst, *code);
    }
  }
  return worst;
}

}  // namespace

Command ExecCommand() {
  return {"exec",
          "Run a command in sandboxes",
          "sesame exec NAME... [-i] [-t] [-n NS] -- CMD ARGS...",
          "The command's stdout, stderr and exit code are passed through. With\n"
          "several names it runs in each in turn, its lines prefixed [sandbox/NAME].\n"
          "-t gives the command a terminal (filesystem and docker sandboxes): with\n"
          "-i too, keys go to it as typed.\n\n"
          "Examples:\n"
          "  echo hi | sesame exec -i hello -- cat\n"
          "  sesame exec -it hello -- bash\n"
          "  sesame exec reviewer writer -- git status --short",
          {NamespaceFlag(),
           {"stdin", 'i', false, "pass this process's stdin to the command"},
           {"tty", 't', false, "run the command on a terminal"}},
          RunExec};
}

}  // namespace sesame::cli
