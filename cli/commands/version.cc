// sesame version [--client] [-o json|yaml]: this binary's version and the server's.
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "specs/yaml_writer.h"

namespace sesame::cli {
namespace {

int RunVersion(Context& ctx, const ParsedFlags& flags) {
  std::string format = flags.Get("output");
  if (!format.empty() && format != "json" && format != "yaml") return ctx.Usage("--output: json or yaml");
  nlohmann::json out = {{"clientVersion", SESAME_VERSION}};
  std::string server_line;
  int code = kExitOk;
  if (!flags.Has("client")) {
    if (ctx.server.empty()) {
      // No server: this sesame is its own, on the store of $SESAME_HOME.
      out["serverVersion"] = SESAME_VERSION;
      out["server"] = "embedded";
      server_line = "Server Version: " + std::string(SESAME_VERSION) + " (embedded: no --server or SESAME_SERVER)";
    } else {
      auto client = ctx.client();
      auto version = client.ok() ? (*client)->ServerVersion() : Result<std::string>(client.status());
      if (version.ok()) {
        out["serverVersion"] = *version;
        out["server"] = ctx.server;
        server_line = "Server Version: " + *version + " (" + ctx.server + ")";
      } else {
        code = ctx.Fail(version.status());
      }
    }
  }
  if (format == "json") {
    ctx.out << out.dump(2) << "\n";
  } else if (format == "yaml") {
    ctx.out << specs::JsonToYaml(out);
  } else {
    ctx.out << "Client Version: " << SESAME_VERSION << "\n";
    if (!server_line.empty()) ctx.out << server_line << "\n";
  }
  return code;
}

}  // namespace

Command VersionCommand() {
  return {"version",
          "Print the client and server versions",
          "sesame version [--client] [-o json|yaml]",
          "The server is the one --server or SESAME_SERVER names; without one,\n"
          "sesame works on its embedded store and is its own server.",
          {{"client", 0, false, "only this binary's version"},
           {"output", 'o', true, "json or yaml", "FORMAT"}},
          RunVersion};
}

}  // namespace sesame::cli
