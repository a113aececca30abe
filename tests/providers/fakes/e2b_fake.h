#pragma once
// A fake E2B: the control-plane REST API (/sandboxes, /v2/sandboxes) and
// envd (process.Process/Start as Connect server-streaming JSON, /files),
// both on one port; envd requests are routed by the E2b-Sandbox-Id header,
// as the real proxy does for localhost. Faithful to API-NOTES.md section 1:
// paths, headers, JSON names and types, status codes and error bodies.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "tests/providers/fakes/fake_server.h"

namespace sesame::fakes {

struct ExecOutput {
  std::string stdout_text;
  std::string stderr_text;
  int exit_code = 0;
  bool hang = false;  // keep the stream open (keepalives) until the client leaves
};

struct E2bSandbox {
  std::string id;
  std::string template_id;
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::string> env_vars;
  long timeout = 0;
  std::string state = "running";  // running | paused
  std::string started_at;
  std::string end_at;
  std::string token;
  std::map<std::string, std::string> files;
  std::vector<std::string> scripts;  // bash -c scripts started, in order
};

class E2bFake : public FakeServer {
 public:
  explicit E2bFake(std::string api_key);

  // Runs a command: (sandbox, argv after /bin/bash) -> output. Default:
  // session scripts append nothing and exit 0; "tail ... -F" streams the
  // session log and hangs; "echo X" prints X.
  std::function<ExecOutput(E2bSandbox&, const std::vector<std::string>&)> exec;
  // Streamed bodies are written in pieces of this many bytes (odd sizes
  // split envelopes and base64 anywhere).
  size_t chunk_size = 7;
  std::set<std::string> templates = {"base", "node"};

  std::vector<E2bSandbox> sandboxes() const;
  std::optional<E2bSandbox> sandbox(const std::string& id) const;
  // Adds a sandbox as if created elsewhere (e.g. by a crashed controller).
  std::string Add(E2bSandbox s);
  void SetFile(const std::string& id, const std::string& path, const std::string& content);

 private:
  void Routes();
  void Envd();
  std::string api_key_;
  mutable Mutex state_mu_;
  std::map<std::string, E2bSandbox> sandboxes_ GUARDED_BY(state_mu_);
  int next_id_ GUARDED_BY(state_mu_) = 1;
};

}  // namespace sesame::fakes
