#pragma once
// Waiting for sandboxes to reach a state, for `sesame wait` and
// `sesame apply --wait`: one list, then the watch stream (no polling), so
// a status written by the controller is seen as soon as it is committed.

#include <functional>
#include <string>
#include <vector>

#include "cli/client.h"
#include "specs/status_vocabulary.h"

namespace sesame::cli {

struct WaitCondition {
  bool for_delete = false;
  std::string condition = specs::ToString(specs::ConditionType::kReady);  // a condition type
  std::string status = specs::kConditionTrue;
};

// "condition=Ready", "condition=Ready=False", "delete".
Result<WaitCondition> ParseWaitCondition(const std::string& text);

// Waits for every key at once (objects of one kind) over one watch.
// `on_done` is called once per key: OK when the condition holds,
// kUnavailable "timed out ..." at the deadline, kTerminal when the sandbox
// can no longer get there (it Failed while waiting for Ready), kNotFound
// when it does not exist. `on_phase` sees every phase change.
void WaitForAll(Client& client, const std::vector<specs::ObjectKey>& keys,
                const WaitCondition& condition, Millis timeout,
                const std::function<void(const specs::ObjectKey&, const std::string& phase)>& on_phase,
                const std::function<void(const specs::ObjectKey&, const Status&)>& on_done);

// One key: what WaitForAll would report for it.
Status WaitFor(Client& client, const specs::ObjectKey& key, const WaitCondition& condition,
               Millis timeout, const std::function<void(const std::string& phase)>& on_phase);

}  // namespace sesame::cli
