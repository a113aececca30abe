#pragma once
// One `sesame` subcommand: its name, help text, flags and handler, and the
// context every handler gets (output streams and the client, opened on
// first use so that --help never touches the store).

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/client.h"
#include "cli/flags.h"
#include "cli/http_parts.h"
#include "cli/runtime.h"

namespace sesame::cli {

// Exit codes of DESIGN.md section 4.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // also "differences found" for diff
inline constexpr int kExitUsage = 2;    // bad usage or invalid manifest

// The exit code for a failed Status: invalid input is 2, the rest 1.
int ExitCodeFor(const Status& status);

class Context {
 public:
  Context(std::istream& in, std::ostream& out, std::ostream& err) : in(in), out(out), err(err) {}
  std::istream& in;
  std::ostream& out;
  std::ostream& err;

  // The client for the embedded store (or, later, a server), opened once.
  Result<Client*> client();
  // The store, providers and reconciler, for commands that act on sandboxes
  // themselves (up, controller, logs, exec, attach, gc), opened once.
  // `private_paths`: files of this controller no sandbox may read.
  Result<Runtime*> runtime(const std::string& db_path = "",
                           const std::vector<std::string>& private_paths = {});
  RegistryFactory registry_factory;
  // The remote client and the serving commands; empty in the lean `sesame`.
  HttpParts http;
  // --server / SESAME_SERVER and SESAME_TOKEN: remote mode when set.
  std::string server;
  std::string token;
  // Prints "error: MESSAGE" and returns the matching exit code.
  int Fail(const Status& status);
  int Usage(const std::string& message);  // "error: ...", exit 2

 private:
  std::unique_ptr<Client> client_;
  std::unique_ptr<Runtime> runtime_;
};

struct Command {
  std::string name;
  std::string summary;       // one line for `sesame --help`
  std::string usage;         // "sesame get KIND [NAME] [flags]"
  std::string description;   // paragraphs and examples for `--help`
  std::vector<FlagSpec> flags;
  CommandRun run;
};

// The commands, in the order `sesame --help` lists them.
std::vector<Command> AllCommands();

Command ApplyCommand();
Command DiffCommand();
Command GetCommand();
Command DescribeCommand();
Command DeleteCommand();
Command UpCommand();
Command ControllerCommand();
Command LogsCommand();
Command ExecCommand();
Command AttachCommand();
Command WaitCommand();
Command GcCommand();
Command RuntimesCommand();
Command SecurityCommand();
Command KubeconfigCommand();
Command SchemaCommand();
Command SyncCommand();
Command VersionCommand();
Command CompletionCommand();
Command SuspendCommand();
Command ResumeCommand();
Command RestartCommand();
Command CpCommand();
Command PortForwardCommand();

// Commands that run the controller's work in this process (up, controller,
// gc) and so take no --server.
bool RunsInProcess(const std::string& command);
// Commands that serve the HTTP API (up, controller): their work comes
// through HttpParts.
bool ServesApi(const std::string& command);

// Flags several commands share.
FlagSpec NamespaceFlag();
FlagSpec FilenameFlag();
FlagSpec RecursiveFlag();
FlagSpec SelectorFlag();

}  // namespace sesame::cli
