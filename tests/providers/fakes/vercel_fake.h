#pragma once
// A fake Vercel Sandbox REST API, v1 (/v1/sandboxes...), as API-NOTES.md
// section 3 describes it: bearer token and teamId on every request,
// {"error":{"code","message"}} bodies, 410 for a stopped sandbox, timestamp
// pagination, NDJSON command logs, tar.gz file writes.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "tests/providers/fakes/e2b_fake.h"  // ExecOutput
#include "tests/providers/fakes/fake_server.h"

namespace sesame::fakes {

struct VercelSandbox {
  std::string id;
  std::string project;
  std::string runtime = "node24";
  int vcpus = 2;
  long long timeout = 300000;
  long long created_at = 0;
  std::string status = "running";
  std::vector<int> ports;
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> files;
  std::vector<std::vector<std::string>> commands;  // argv of each command run
};

class VercelFake : public FakeServer {
 public:
  VercelFake(std::string token, std::string team);

  std::function<ExecOutput(VercelSandbox&, const std::vector<std::string>&)> exec;
  size_t chunk_size = 5;  // NDJSON written in pieces of this many bytes

  std::vector<VercelSandbox> sandboxes() const;
  std::optional<VercelSandbox> sandbox(const std::string& id) const;
  std::string Add(VercelSandbox s);
  void SetFile(const std::string& id, const std::string& path, const std::string& content);

 private:
  struct Command {
    std::string sandbox_id;
    std::vector<std::string> argv;
    ExecOutput output;
  };
  void Routes();
  std::string token_, team_;
  mutable Mutex state_mu_;
  std::map<std::string, VercelSandbox> sandboxes_ GUARDED_BY(state_mu_);
  std::map<std::string, Command> commands_ GUARDED_BY(state_mu_);
  int next_id_ GUARDED_BY(state_mu_) = 1;
  long long clock_ms_ GUARDED_BY(state_mu_) = 0;  // strictly increasing
};

}  // namespace sesame::fakes
