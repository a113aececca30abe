#include "cli/wait_for.h"

#include <thread>

#include "specs/codec.h"

namespace sesame::cli {

Result<WaitCondition> ParseWaitCondition(const std::string& text) {
  WaitCondition c;
  if (text == "delete") {
    c.for_delete = true;
    return c;
  }
  const std::string prefix = "condition=";
  if (text.rfind(prefix, 0) != 0 || text.size() == prefix.size()) {
    return InvalidError("--for: \"" + text + "\" (use condition=Ready, condition=TYPE=STATUS or delete)");
  }
  std::string rest = text.substr(prefix.size());
  if (auto eq = rest.find('='); eq != std::string::npos) {
    c.condition = rest.substr(0, eq);
    c.status = rest.substr(eq + 1);
  } else {
    c.condition = rest;
  }
  return c;
}

Status WaitFor(Client& client, const specs::ObjectKey& key, const WaitCondition& condition,
               Millis timeout, const std::function<void(const std::string& phase)>& on_phase) {
  const std::string name = specs::ResourceName(key.kind) + "/" + key.name;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_phase;
  while (true) {
    auto object = client.Get(key);
    if (!object.ok() && object.status().code() == Code::kNotFound) {
      if (condition.for_delete) return Status::Ok();
      return NotFoundError(name + " not found");
    }
    if (!object.ok()) return object.status();
    auto status = specs::DecodeSandboxStatus(object->status);
    if (status.ok() && !condition.for_delete) {
      specs::Phase phase_value =
          object->metadata.deletion_timestamp ? specs::Phase::kTerminating : status->phase;
      std::string phase = specs::ToString(phase_value);
      if (phase != last_phase && on_phase) on_phase(phase);
      last_phase = phase;
      const auto* c = status->FindCondition(condition.condition);
      if (c && c->status == condition.status &&
          c->observed_generation >= object->metadata.generation) {
        return Status::Ok();
      }
      bool current = status->observed_generation >= object->metadata.generation;
      if (phase == "Suspended" && current && condition.condition == "Ready" && condition.status == "True") {
        return TerminalError(name + " is suspended (spec.suspend: true), so it will not become Ready; `sesame resume " +
                             key.name + "` starts it again");
      }
      bool finished = phase == "Failed" || phase == "Succeeded" || phase == "Expired";
      if (finished && condition.condition == "Ready" && condition.status == "True") {
        const auto* ready = status->FindCondition("Ready");
        return TerminalError(name + " is " + phase +
                             (ready && !ready->message.empty() ? ": " + ready->message : ""));
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string waited = "timed out waiting for " + name +
                           (condition.for_delete ? " to be deleted" : " to be " + condition.condition);
      bool suspended = status.ok() && status->phase == specs::Phase::kSuspended;
      if (suspended && !condition.for_delete) {
        return UnavailableError(waited + ": it is suspended (spec.suspend: true); `sesame resume " + key.name +
                                "` starts it again");
      }
      // A status written since the object's last change means a controller is at work.
      bool observed = status.ok() && status->observed_generation >= object->metadata.generation;
      return UnavailableError(waited + (last_phase.empty() ? "" : " (phase " + last_phase + ")") +
                              (observed ? "" : "; is a controller running? (sesame up / sesame controller)"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace sesame::cli
