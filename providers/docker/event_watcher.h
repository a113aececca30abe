#pragma once
// Drift at once: the engine's event stream (GET /events), filtered to the
// provider's containers, followed on a thread of its own. Each event of a
// sandbox container (it died, was removed, paused, started...) is handed
// to the listener with the container's object key and uid from its
// labels, so the controller reconciles that object within moments instead
// of at the next resync.
//
// A stream that breaks (the engine restarts, the socket goes away) is
// opened again after a backoff (100 ms doubling to 5 s; back to 100 ms once
// a stream has lasted a few seconds), asking for the events since the last
// one seen, so none in the gap is lost. The resync stays the safety net.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/mutex.h"
#include "common/time.h"
#include "providers/docker/engine_client.h"
#include "providers/provider.h"

namespace sesame::providers::docker {

// One line of the event stream that concerns a sandbox container.
struct ContainerEvent {
  specs::ObjectKey key;
  std::string uid;
  std::string action;    // die, destroy, start, pause, unpause, oom
  int64_t time_nano = 0;  // when the engine saw it
};

// The event in one JSON line of /events; nullopt for anything else (other
// types, containers without the uid label, malformed lines).
std::optional<ContainerEvent> ParseContainerEvent(std::string_view line);

// The /events path: container events of these actions, for containers
// with the uid label (and `owner`'s label when not empty), since the
// instant `since_nano` when not 0.
std::string EventsPath(const std::string& owner, int64_t since_nano);

// The wait before reconnect number `attempt` (0-based): 100 ms doubling,
// at most 5 s.
Millis ReconnectDelay(int attempt);

class EventWatcher {
 public:
  EventWatcher(const std::string& socket_path, std::string owner);
  ~EventWatcher();  // stops the thread
  EventWatcher(const EventWatcher&) = delete;
  EventWatcher& operator=(const EventWatcher&) = delete;

  // Starts following the stream on the first listener; nullptr stops the
  // calls (the stream stays open). Thread-safe.
  void SetListener(ChangeListener listener);
  // How many times a stream was opened (for tests of the reconnect).
  int connections() const { return connections_; }

 private:
  void Run();
  // Reads one stream until it ends or the watcher stops; true when the
  // engine answered with a stream (not an error or a refused connection).
  bool Follow();
  void Deliver(const ContainerEvent& event);
  // Sleeps `d` or until stopped; false when stopped.
  bool Wait(Millis d);

  EngineClient client_;
  const std::string owner_;
  Mutex mutex_;
  std::condition_variable_any wake_;
  ChangeListener listener_ GUARDED_BY(mutex_);
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  int64_t last_seen_nano_ = 0;  // the Run thread's own
  std::thread thread_ GUARDED_BY(mutex_);  // started with the first listener
};

}  // namespace sesame::providers::docker
