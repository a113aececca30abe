#pragma once
// The parts of the CLI that need cpp-httplib and OpenSSL: the client of a
// Sesame server (--server, SESAME_SERVER) and the commands that serve the
// HTTP API (up, controller). Loading those libraries costs every start of
// a binary that links them milliseconds of mapping and symbol lookups, so
// the `sesame` users run is built without them: its HttpParts are empty,
// and it hands each command line that needs them to `sesame-full`, the
// same CLI with them linked (cli/full_binary.h).

#include <functional>
#include <memory>
#include <string>

#include "cli/client.h"
#include "cli/flags.h"
#include "common/status.h"

namespace sesame::cli {

class Context;
using CommandRun = std::function<int(Context&, const ParsedFlags&)>;

struct HttpParts {
  // A client of the server at `url` (NewRemoteClient).
  std::function<Result<std::unique_ptr<Client>>(const std::string& url, const std::string& token)> connect;
  CommandRun up;          // `sesame up` (commands/up.cc)
  CommandRun controller;  // `sesame controller` (commands/controller.cc)

  bool linked() const { return connect != nullptr; }
};

// The parts themselves, for the binary that links cpp-httplib and OpenSSL.
HttpParts LinkedHttpParts();

// What LinkedHttpParts() holds besides NewRemoteClient.
int RunUp(Context& ctx, const ParsedFlags& flags);
int RunController(Context& ctx, const ParsedFlags& flags);

}  // namespace sesame::cli
