#include "cli/cli.h"

#include <algorithm>

#include "cli/command.h"
#include "cli/full_binary.h"
#include "store/store.h"

namespace sesame::cli {

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  return status.code() == Code::kInvalid ? kExitUsage : kExitFailure;
}

Result<Client*> Context::client() {
  if (client_) return client_.get();
  if (!server.empty()) {
    auto remote = http.connect(server, token);
    if (!remote.ok()) return remote.status();
    client_ = std::move(remote).value();
    return client_.get();
  }
  auto opened = runtime();
  if (!opened.ok()) return opened.status();
  client_ = NewEmbeddedClient(**opened);
  return client_.get();
}

Result<Runtime*> Context::runtime(const std::string& db_path,
                                  const std::vector<std::string>& private_paths) {
  if (!runtime_) {
    auto opened = OpenRuntime(registry_factory, db_path, private_paths);
    if (!opened.ok()) return opened.status();
    runtime_ = std::move(opened).value();
  }
  return runtime_.get();
}

int Context::Fail(const Status& status) {
  err << "error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

int Context::Usage(const std::string& message) {
  err << "error: " << message << "\n";
  return kExitUsage;
}

FlagSpec NamespaceFlag() {
  return {"namespace", 'n', true, "the namespace (default: \"default\")", "NS"};
}
FlagSpec FilenameFlag() {
  return {"filename", 'f', true, "a file or directory of manifests, or - for stdin (repeatable)",
          "PATH"};
}
FlagSpec RecursiveFlag() {
  return {"recursive", 'R', false, "read directories given with -f recursively"};
}

FlagSpec SelectorFlag() {
  return {"selector", 'l', true, "label selector: a=b, a!=b, a in (x,y), a notin (x), a, !a",
          "SEL"};
}

bool ServesApi(const std::string& command) { return command == "up" || command == "controller"; }

bool RunsInProcess(const std::string& command) { return ServesApi(command) || command == "gc"; }

std::vector<Command> AllCommands() {
  return {UpCommand(),     ControllerCommand(), ApplyCommand(),  DiffCommand(),
          GetCommand(),    DescribeCommand(),   DeleteCommand(), LogsCommand(),
          ExecCommand(),   AttachCommand(),     CpCommand(),     PortForwardCommand(),
          SuspendCommand(), ResumeCommand(),    RestartCommand(), WaitCommand(),   GcCommand(),
          SecurityCommand(), RuntimesCommand(), KubeconfigCommand(), SchemaCommand(),
          SyncCommand(), VersionCommand(), CompletionCommand()};
}

namespace {

std::string TopHelp(const std::vector<Command>& commands) {
  std::string out =
      "sesame runs AI-agent sessions in sandboxes, declaratively.\n\n"
      "Usage:\n  sesame [--server URL] COMMAND [flags]\n\nCommands:\n";
  size_t width = 0;
  for (const auto& c : commands) width = std::max(width, c.name.size());
  for (const auto& c : commands) {
    out += "  " + c.name + std::string(width - c.name.size() + 3, ' ') + c.summary + "\n";
  }
  out +=
      "\nThe store is $SESAME_HOME/state.db (default ~/.sesame).\n"
      "Run 'sesame COMMAND --help' for a command's flags.\n";
  return out;
}

std::string CommandHelp(const Command& c) {
  std::string out = c.summary + "\n\nUsage:\n  " + c.usage + "\n";
  if (!c.description.empty()) out += "\n" + c.description + "\n";
  out += "\n" + FlagsHelp(c.flags);
  return out;
}

}  // namespace

int Run(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err,
        RegistryFactory registry_factory, HttpParts http) {
  std::vector<Command> commands = AllCommands();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << TopHelp(commands);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    out << "sesame " << SESAME_VERSION << "\n";
    return kExitOk;
  }
  // Flags every client command takes may come before it, as with kubectl
  // (`sesame --server URL get sandboxes`): they move after it.
  std::vector<std::string> leading;
  while (!args.empty() && (args[0] == "--server" || args[0].rfind("--server=", 0) == 0)) {
    size_t n = args[0] == "--server" && args.size() > 1 ? 2 : 1;
    leading.insert(leading.end(), args.begin(), args.begin() + static_cast<long>(n));
    args.erase(args.begin(), args.begin() + static_cast<long>(n));
  }
  if (args.empty()) {
    err << "error: a command must follow " << leading[0] << "\nRun 'sesame --help' for usage.\n";
    return kExitUsage;
  }
  args.insert(args.begin() + 1, leading.begin(), leading.end());
  auto it = std::find_if(commands.begin(), commands.end(),
                         [&](const Command& c) { return c.name == args[0]; });
  if (it == commands.end()) {
    err << "error: unknown command \"" << args[0] << "\"\nRun 'sesame --help' for usage.\n";
    return kExitUsage;
  }
  Command& command = *it;
  command.flags.push_back({"help", 'h', false, "help for " + command.name});
  bool server_side = RunsInProcess(command.name);
  if (!server_side) {
    command.flags.push_back(
        {"server", 0, true, "a Sesame server's URL (default: $SESAME_SERVER; none: the local store)", "URL"});
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  auto flags = ParseFlags(command.flags, rest);
  if (!flags.ok()) {
    err << "error: " << flags.status().message() << "\nRun 'sesame " << command.name
        << " --help' for usage.\n";
    return kExitUsage;
  }
  if (flags->Has("help")) {
    out << CommandHelp(command);
    return kExitOk;
  }
  Context context(in, out, err);
  context.registry_factory = std::move(registry_factory);
  const char* env_server = std::getenv("SESAME_SERVER");
  const char* env_token = std::getenv("SESAME_TOKEN");
  context.server = server_side ? "" : flags->Get("server", env_server ? env_server : "");
  context.token = env_token ? env_token : "";
  // Before anything is read or written: sesame-full starts this command over.
  if (!http.linked() && (!context.server.empty() || ServesApi(command.name))) {
    return context.Fail(ExecFullBinary(argv));
  }
  context.http = std::move(http);
  try {
    return command.run(context, *flags);
  } catch (const std::exception& e) {
    // The edge for library exceptions (a server's malformed answer, say):
    // a clear failure rather than an abort.
    err << "error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace sesame::cli
