#pragma once
// What a claim sends a warm sandbox's idle supervisor over its start
// socket (<state dir>/start.sock): the session the claiming object wants
// (the fields of state.json a claim changes) and the session's
// environment. The supervisor records the session in state.json itself,
// once, in the same write that records the started command: a claim costs
// one durable state write, and state.json never names a command that no
// supervisor is about to start.
//
// On the wire: the session fields as one line of JSON, a NUL, then the
// environment as an env block (env_block.h), whose end marker says the
// message is whole.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "providers/filesystem/env_block.h"
#include "providers/filesystem/state_file.h"
#include "specs/object.h"

namespace sesame::providers::filesystem {

struct ClaimedSession {
  specs::ObjectKey key;  // the claiming object
  std::vector<std::string> command;
  bool stdin_open = false;
  std::map<std::string, std::string> field_hashes;  // the claim's (no warm marker)
  EnvList env;
};

std::string EncodeClaimedSession(const ClaimedSession& session);

// nullopt when `bytes` is not a whole message (the sender went away while
// sending) or not one at all.
std::optional<ClaimedSession> DecodeClaimedSession(const std::string& bytes);

// `state` running `session`: its key, command, variable names (never the
// values), stdin and field hashes.
void ApplyClaimedSession(const ClaimedSession& session, SandboxState& state);

}  // namespace sesame::providers::filesystem
