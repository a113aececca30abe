#pragma once
// A fake Daytona: the REST API under /api (sandboxes, labels, lifecycle,
// resize, autostop, preview links) and the toolbox under
// /toolbox/<sandboxId> (execute, sessions with async commands, files), as
// API-NOTES.md section 2 describes them, NestJS error bodies included.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "tests/providers/fakes/e2b_fake.h"  // ExecOutput
#include "tests/providers/fakes/fake_server.h"

namespace sesame::fakes {

struct DaytonaSandbox {
  std::string id;
  std::string snapshot;
  std::string dockerfile;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> env;
  int cpu = 1, memory = 1, disk = 3;
  int auto_stop = 15;
  std::string state = "started";
  std::string created_at;
  std::map<std::string, std::string> files;
  std::vector<std::string> executed;  // /process/execute commands
};

class DaytonaFake : public FakeServer {
 public:
  explicit DaytonaFake(std::string api_key);

  // Session commands: command text -> output (shown after one poll).
  std::function<ExecOutput(DaytonaSandbox&, const std::string&)> exec;

  std::vector<DaytonaSandbox> sandboxes() const;
  std::optional<DaytonaSandbox> sandbox(const std::string& id) const;
  std::string Add(DaytonaSandbox s);
  void SetFile(const std::string& id, const std::string& path, const std::string& content);

 private:
  struct Command {
    std::string command;
    ExecOutput output;
    int polls = 0;
  };
  void Api();
  void Toolbox();
  std::string api_key_;
  mutable Mutex state_mu_;
  std::map<std::string, DaytonaSandbox> sandboxes_ GUARDED_BY(state_mu_);
  std::map<std::string, Command> commands_ GUARDED_BY(state_mu_);  // by cmdId
  int next_id_ GUARDED_BY(state_mu_) = 1;
};

}  // namespace sesame::fakes
