#include "providers/docker/event_watcher.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "providers/docker/container_config.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

constexpr Millis kFirstDelay(100);
constexpr Millis kMaxDelay(5000);
// A stream that lasted this long was healthy: the next break starts the
// backoff over.
constexpr auto kHealthyStream = std::chrono::seconds(3);
constexpr const char* kActions[] = {"die", "destroy", "start", "pause", "unpause", "oom"};

int64_t NowNano() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<ContainerEvent> ParseContainerEvent(std::string_view line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("Type", "") != "container") return std::nullopt;
  const json actor = j.value("Actor", json::object());
  const json attributes = actor.is_object() ? actor.value("Attributes", json::object()) : json();
  if (!attributes.is_object()) return std::nullopt;
  auto text = [&](const char* name) {
    auto it = attributes.find(name);
    return it != attributes.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  ContainerEvent e;
  e.uid = text(kUidLabel);
  if (e.uid.empty()) return std::nullopt;
  e.key.kind = text(kKindLabel).empty() ? "Sandbox" : text(kKindLabel);
  e.key.namespace_ = text(kNamespaceLabel);
  e.key.name = text(kNameLabel);
  e.action = j.value("Action", j.value("status", ""));
  auto nano = j.find("timeNano");
  if (nano != j.end() && nano->is_number_integer()) e.time_nano = nano->get<int64_t>();
  return e;
}

std::string EventsPath(const std::string& owner, int64_t since_nano) {
  json labels = json::array({kUidLabel});
  if (!owner.empty()) labels.push_back(std::string(kOwnerLabel) + "=" + owner);
  json filters = {{"type", {"container"}}, {"label", labels}, {"event", json(kActions)}};
  std::string path = "/events?filters=" + UrlEncode(filters.dump());
  if (since_nano > 0) {
    // seconds.nanoseconds, as the engine's own `since` accepts
    std::string nanos = std::to_string(since_nano % 1000000000);
    path += "&since=" + std::to_string(since_nano / 1000000000) + "." +
            std::string(9 - nanos.size(), '0') + nanos;
  }
  return path;
}

Millis ReconnectDelay(int attempt) {
  Millis d = kFirstDelay;
  for (int i = 0; i < attempt && d < kMaxDelay; ++i) d *= 2;
  return std::min(d, kMaxDelay);
}

EventWatcher::EventWatcher(const std::string& socket_path, std::string owner)
    : client_(socket_path, Millis(10000)), owner_(std::move(owner)) {}

EventWatcher::~EventWatcher() {
  std::thread thread;
  {
    // Set under the lock: a waiter between its check of stopping_ and its
    // wait would otherwise miss the notification and sleep out its delay.
    MutexLock lock(mutex_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
}

void EventWatcher::SetListener(ChangeListener listener) {
  MutexLock lock(mutex_);
  bool start = listener && !thread_.joinable();
  listener_ = std::move(listener);
  if (start) thread_ = std::thread([this] { Run(); });
}

void EventWatcher::Deliver(const ContainerEvent& event) {
  // Under the lock: once SetListener(nullptr) returns, no call is running.
  MutexLock lock(mutex_);
  if (listener_) listener_(event.key, event.uid);
}

bool EventWatcher::Wait(Millis d) {
  MutexLock lock(mutex_);
  lock.WaitFor(wake_, d, [&] { return stopping_.load(); });
  return !stopping_;
}

bool EventWatcher::Follow() {
  HttpRequest request;
  request.path = EventsPath(owner_, last_seen_nano_);
  std::string pending;
  ++connections_;
  Result<HttpResponse> r = client_.Stream(
      request,
      [&](std::string_view data) {
        pending.append(data);
        size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
          std::optional<ContainerEvent> e = ParseContainerEvent(pending.substr(0, newline));
          pending.erase(0, newline + 1);
          if (!e) continue;
          if (e->time_nano > 0) last_seen_nano_ = e->time_nano;  // in order
          Deliver(*e);
        }
        return !stopping_;
      },
      [this] { return stopping_.load(); });
  return r.ok() && r->status == 200;
}

void EventWatcher::Run() {
  int attempt = 0;
  while (!stopping_) {
    auto opened = std::chrono::steady_clock::now();
    // Events from here on; a reconnect asks for those since the last seen.
    if (last_seen_nano_ == 0) last_seen_nano_ = NowNano();
    bool streamed = Follow();
    if (stopping_) break;
    if (streamed && std::chrono::steady_clock::now() - opened >= kHealthyStream) attempt = 0;
    if (!Wait(ReconnectDelay(attempt))) break;
    ++attempt;
  }
}

}  // namespace sesame::providers::docker
