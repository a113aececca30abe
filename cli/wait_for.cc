#include "cli/wait_for.h"

#include <map>
#include <set>

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

namespace {

std::string DisplayName(const specs::ObjectKey& key) {
  return specs::ResourceName(key.kind) + "/" + key.name;
}

// The keys still waited for, each with the last phase it showed.
class Waiting {
 public:
  Waiting(const WaitCondition& condition,
          const std::function<void(const specs::ObjectKey&, const std::string&)>& on_phase,
          const std::function<void(const specs::ObjectKey&, const Status&)>& on_done)
      : condition_(condition), on_phase_(on_phase), on_done_(on_done) {}

  void Add(const specs::ObjectKey& key) { pending_.emplace(key, Seen{}); }
  bool empty() const { return pending_.empty(); }
  bool Has(const specs::ObjectKey& key) const { return pending_.count(key) > 0; }

  // The object as it is now; null when it does not exist (any more).
  void See(const specs::ObjectKey& key, const specs::Object* object, bool deleted) {
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    if (object == nullptr || deleted) {
      Finish(it, condition_.for_delete ? Status::Ok()
                                       : NotFoundError(DisplayName(key) +
                                                       (deleted ? " was deleted" : " not found")));
      return;
    }
    auto status = specs::DecodeSandboxStatus(object->status);
    if (!status.ok() || condition_.for_delete) return;
    specs::Phase phase_value = object->metadata.deletion_timestamp ? specs::Phase::kTerminating : status->phase;
    std::string phase = specs::ToString(phase_value);
    if (phase != it->second.phase && on_phase_) on_phase_(key, phase);
    it->second.phase = phase;
    it->second.suspended = phase_value == specs::Phase::kSuspended;
    // A status written since the object's last change means a controller is at work.
    it->second.observed = status->observed_generation >= object->metadata.generation;
    const auto* c = status->FindCondition(condition_.condition);
    if (c && c->status == condition_.status && c->observed_generation >= object->metadata.generation) {
      Finish(it, Status::Ok());
      return;
    }
    bool wants_ready = condition_.condition == specs::ToString(specs::ConditionType::kReady) &&
                       condition_.status == specs::kConditionTrue;
    if (it->second.suspended && it->second.observed && wants_ready) {
      Finish(it, TerminalError(DisplayName(key) + " is suspended (spec.suspend: true), so it will not become "
                               "Ready; `sesame resume " + key.name + "` starts it again"));
      return;
    }
    bool finished = phase_value == specs::Phase::kFailed || phase_value == specs::Phase::kSucceeded ||
                    phase_value == specs::Phase::kExpired;
    if (finished && wants_ready) {
      const auto* ready = status->FindCondition(specs::ConditionType::kReady);
      Finish(it, TerminalError(DisplayName(key) + " is " + phase +
                               (ready && !ready->message.empty() ? ": " + ready->message : "")));
    }
  }

  // Everything still pending, when the watch failed.
  void FailAll(const Status& error) {
    while (!pending_.empty()) Finish(pending_.begin(), error);
  }

  // Everything still pending, at the deadline.
  void TimeOutAll() {
    while (!pending_.empty()) {
      auto it = pending_.begin();
      const Seen& seen = it->second;
      std::string waited = "timed out waiting for " + DisplayName(it->first) +
                           (condition_.for_delete ? " to be deleted" : " to be " + condition_.condition);
      if (seen.suspended && !condition_.for_delete) {
        Finish(it, UnavailableError(waited + ": it is suspended (spec.suspend: true); `sesame resume " +
                                    it->first.name + "` starts it again"));
        continue;
      }
      Finish(it, UnavailableError(waited + (seen.phase.empty() ? "" : " (phase " + seen.phase + ")") +
                                  (seen.observed ? "" : "; is a controller running? (sesame up / sesame controller)")));
    }
  }

 private:
  // What a key last showed.
  struct Seen {
    std::string phase;
    bool suspended = false;
    bool observed = false;  // its status is of its current generation
  };
  using Map = std::map<specs::ObjectKey, Seen>;
  void Finish(Map::iterator it, const Status& s) {
    specs::ObjectKey key = it->first;
    pending_.erase(it);
    if (on_done_) on_done_(key, s);
  }

  const WaitCondition& condition_;
  const std::function<void(const specs::ObjectKey&, const std::string&)>& on_phase_;
  const std::function<void(const specs::ObjectKey&, const Status&)>& on_done_;
  Map pending_;
};

}  // namespace

void WaitForAll(Client& client, const std::vector<specs::ObjectKey>& keys,
                const WaitCondition& condition, Millis timeout,
                const std::function<void(const specs::ObjectKey&, const std::string& phase)>& on_phase,
                const std::function<void(const specs::ObjectKey&, const Status&)>& on_done) {
  if (keys.empty()) return;
  Waiting waiting(condition, on_phase, on_done);
  for (const auto& k : keys) waiting.Add(k);
  // One namespace (one name) when the keys allow, else every namespace.
  store::ListOptions options{keys[0].kind, keys[0].namespace_, {}, keys.size() == 1 ? keys[0].name : ""};
  for (const auto& k : keys) {
    if (k.namespace_ != options.namespace_) options.namespace_.clear();
  }
  auto started = std::chrono::steady_clock::now();
  auto list = client.List(options);
  if (!list.ok()) return waiting.FailAll(list.status());
  std::set<specs::ObjectKey> listed;
  for (const auto& o : list->items) {
    listed.insert(specs::KeyOf(o));
    waiting.See(specs::KeyOf(o), &o, false);
  }
  for (const auto& k : keys) {
    if (!listed.count(k)) waiting.See(k, nullptr, false);
  }
  if (waiting.empty()) return;
  auto left = timeout - std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
  Status watched = client.Watch(options, list->resource_version, std::max(left, Millis(0)),
                                [&](const store::WatchEvent& e) {
                                  specs::ObjectKey key = specs::KeyOf(e.object);
                                  waiting.See(key, &e.object, e.type == store::WatchType::kDeleted);
                                  return !waiting.empty();
                                });
  if (waiting.empty()) return;
  // The watch ended without an answer for some keys: at the deadline, or
  // with an error.
  if (watched.ok()) {
    waiting.TimeOutAll();
  } else {
    waiting.FailAll(watched);
  }
}

Status WaitFor(Client& client, const specs::ObjectKey& key, const WaitCondition& condition,
               Millis timeout, const std::function<void(const std::string& phase)>& on_phase) {
  Status result = Status::Ok();
  WaitForAll(
      client, {key}, condition, timeout,
      [&](const specs::ObjectKey&, const std::string& phase) {
        if (on_phase) on_phase(phase);
      },
      [&](const specs::ObjectKey&, const Status& s) { result = s; });
  return result;
}

}  // namespace sesame::cli
