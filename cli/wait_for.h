#pragma once
// Waiting for a sandbox to reach a state, for `sesame wait` and
// `sesame apply --wait`.

#include <functional>
#include <string>

#include "cli/client.h"

namespace sesame::cli {

struct WaitCondition {
  bool for_delete = false;
  std::string condition = "Ready";  // a condition type
  std::string status = "True";
};

// "condition=Ready", "condition=Ready=False", "delete".
Result<WaitCondition> ParseWaitCondition(const std::string& text);

// Polls until the condition holds (OK), the deadline passes (kUnavailable
// "timed out ..."), or the sandbox can no longer get there (kTerminal, e.g.
// it Failed while waiting for Ready). `on_phase` sees every phase change.
Status WaitFor(Client& client, const specs::ObjectKey& key, const WaitCondition& condition,
               Millis timeout, const std::function<void(const std::string& phase)>& on_phase);

}  // namespace sesame::cli
