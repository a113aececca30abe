// sesame exec NAME [-i] -- CMD ARGS...
#include "cli/command.h"
#include "cli/stream_io.h"

namespace sesame::cli {
namespace {

int RunExec(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1 || flags.rest().empty()) {
    return ctx.Usage("usage: sesame exec NAME [-i] -- CMD ARGS...");
  }
  auto runtime = ctx.runtime();
  if (!runtime.ok()) return ctx.Fail(runtime.status());
  auto handle = FindRunningSandbox(**runtime, flags.Get("namespace", specs::kDefaultNamespace),
                                   flags.positional()[0]);
  if (!handle.ok()) return ctx.Fail(handle.status());
  providers::ExecRequest request;
  request.command = flags.rest();
  request.stdin_open = flags.Has("stdin");
  // The session's own environment, with hostEnv values from this process.
  for (const auto& e : handle->sandbox.spec.env) {
    if (e.value) request.env.emplace_back(e.name, *e.value);
    else if (const char* v = e.host_env ? std::getenv(e.host_env->c_str()) : nullptr) request.env.emplace_back(e.name, v);
  }
  providers::Streams streams = TerminalStreams(request.stdin_open);
  auto code = handle->provider->Exec(handle->observed, request, streams);
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
